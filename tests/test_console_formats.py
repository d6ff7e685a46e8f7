"""The console's output against Microsoft's documented examples (tests/data/console/):
the same fields, in the same order, in the same columns. Line ends and trailing spaces are
normalised, as real output leaves trailing spaces after empty values."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest

import labkit
from labkit.model import Gateway, Interface, Network, Node, Role, Route, RouteOrigin, profile
from labkit.model.console import run_console

DATA = Path(__file__).parent / "data" / "console"


def sample(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8").replace("\r\n", "\n")
    return [line.rstrip() for line in text.splitlines()]


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").splitlines()]


def list_names(block: list[str]) -> list[str]:
    """Property names of a PowerShell list, in order (continuation lines skipped)."""
    return [
        line.split(" : ")[0].rstrip() if " : " in line else line.rstrip(" :").rstrip()
        for line in block
        if line and not line.startswith(" ") and ":" in line
    ]


def value_column(block: list[str]) -> set[int]:
    return {
        line.index(" : ") if " : " in line else line.index(" :")
        for line in block
        if line and not line[0] == " " and ":" in line
    }


# The Azure page's server: two NICs on a Windows Server 2012 R2 image, interface metric 5,
# a DHCP default gateway (route metric 0) and the DHCP static route to 168.63.129.16 (metric 1).
def azure_vm(os_name: str = "windows-2012r2") -> Network:
    weak = {"weakhostsend": profile(os_name).weak_host, "weakhostreceive": profile(os_name).weak_host}
    first = Interface(
        "nic1",
        "Ethernet",
        "vnet1",
        (IPv4Interface("192.168.1.4/24"),),
        (Gateway(IPv4Address("192.168.1.1"), 0),),
        metric=5,
        index=12,
        **weak,
    )
    second = Interface("nic2", "Ethernet 2", "vnet2", (IPv4Interface("192.168.2.5/24"),), metric=5, index=13, **weak)
    wire = Route(IPv4Network("168.63.129.16/32"), IPv4Address("192.168.1.1"), "nic1", 1, RouteOrigin.STATIC, False)
    vm = Node("vm", profile(os_name), (first, second), (wire,))
    gateway = Node(
        "gw",
        profile("linux"),
        (
            Interface(
                "in",
                "in",
                "vnet1",
                (IPv4Interface("192.168.1.1/24"),),
                weakhostsend=True,
                weakhostreceive=True,
                forwarding=True,
            ),
        ),
        role=Role.ROUTER,
    )
    return Network((vm, gateway), name="azure-multi-nic")


def test_route_print_active_routes_match_microsofts_multi_nic_sample_line_for_line():
    expected = sample("route-print-ipv4-azure-multi-nic.txt")
    printed = lines(run_console(azure_vm(), "vm", "route print -4").output)
    start = printed.index("IPv4 Route Table")
    assert printed[start : start + len(expected)] == expected


def test_route_print_interface_list_lines_have_microsofts_columns():
    ms_nic, ms_loopback, _teredo = sample("route-print-interface-list-azure-multi-nic.txt")
    printed = lines(run_console(azure_vm(), "vm", "route print").output)
    nic, loopback = printed[2], printed[4]
    layout = re.compile(r"^( {0,2}\d{1,3})\.\.\.((?:[0-9a-f]{2} ){6})\.\.\.\.\.\.(\S.*)$")
    assert layout.match(ms_nic) and layout.match(nic)
    assert nic.index("...") == ms_nic.index("...") and nic.index("......") == ms_nic.index("......")
    assert loopback == ms_loopback


def test_route_print_full_has_the_ipv6_section_and_pattern_filters_rows():
    printed = lines(run_console(azure_vm(), "vm", "route print").output)
    assert printed.count("=" * 75) >= 6 and "IPv6 Route Table" in printed
    assert printed[-2:] == ["Persistent Routes:", "  None"]
    assert printed[printed.index("IPv6 Route Table") - 1] == ""
    filtered = lines(run_console(azure_vm(), "vm", "route print 192.168.2.*").output)
    rows = filtered[filtered.index("Active Routes:") + 2 : filtered.index("Active Routes:") + 5]
    assert [r.split()[0] for r in rows] == ["192.168.2.0", "192.168.2.5", "192.168.2.255"]
    none = lines(run_console(azure_vm(), "vm", "route print -4 10.*").output)
    assert none[-4:] == ["Active Routes:", "  None", "Persistent Routes:", "  None"]


def test_route_print_on_2003_has_no_on_link_and_a_default_gateway_line():
    printed = lines(run_console(azure_vm("windows-2003"), "vm", "route print").output)
    assert printed[2].startswith("0x1 ....") and "On-link" not in "\n".join(printed)
    assert "IPv4 Route Table" not in printed and printed[5:7] == ["=" * 75, "=" * 75]
    assert "Default Gateway:       192.168.1.1" in printed
    host = next(line for line in printed if line.startswith("      192.168.1.4"))
    assert host.split() == ["192.168.1.4", "255.255.255.255", "127.0.0.1", "127.0.0.1", "5"]
    assert len(host) == 75


def test_find_net_route_prints_microsofts_two_objects_with_the_same_fields_in_the_same_order():
    ms = sample("find-netroute-example1.txt")[1:]  # the prompt line dropped
    split = ms.index("")
    ms_address, ms_route = ms[:split], [line for line in ms[split:] if line]
    printed = lines(run_console(azure_vm(), "vm", "Find-NetRoute -RemoteIPAddress 10.79.197.200", "powershell").output)
    assert printed[0] == ""
    body = printed[1:]
    gap = body.index("")
    address, route = body[:gap], [line for line in body[gap:] if line]
    assert body[gap : gap + 3][:2] == ["", ""]  # two empty lines between the list groups, as on the page
    assert list_names(address) == list_names(ms_address)
    assert list_names(route) == list_names(ms_route)
    assert value_column(address) == value_column(ms_address) and value_column(route) == value_column(ms_route)
    values = dict(line.split(" : ", 1) for line in route if " : " in line)
    assert values["NextHop".ljust(18)] == "192.168.1.1" and values["DestinationPrefix".ljust(18)] == "0.0.0.0/0"
    assert dict(line.split(" : ", 1) for line in address)["IPAddress".ljust(17)] == "192.168.1.4"


def test_get_net_ip_address_default_view_is_microsofts_list():
    ms = sample("get-netipaddress-find-netroute-example1.txt")
    printed = lines(run_console(azure_vm(), "vm", "Get-NetIPAddress -IPAddress 192.168.2.5", "powershell").output)
    block = [line for line in printed if line]
    assert list_names(block) == list_names(ms) and value_column(block) == value_column(ms)


def test_test_net_connection_fields_follow_microsofts_example_order():
    ms = list_names(sample("test-netconnection-example4.txt"))
    printed = lines(run_console(azure_vm(), "vm", "Test-NetConnection 192.168.1.1", "powershell").output)
    names = list_names(printed)
    assert names == [n for n in ms if n in names]  # the same order, without -InformationLevel Detailed's extras
    assert names == [
        "ComputerName",
        "RemoteAddress",
        "InterfaceAlias",
        "SourceAddress",
        "PingSucceeded",
        "PingReplyDetails (RTT)",
    ]


def test_test_net_connection_failure_warning_follows_microsofts_2016_sample():
    ms = sample("test-netconnection-warning-2016.txt")
    printed = lines(run_console(azure_vm("windows-2016"), "vm", "Test-NetConnection 192.168.1.77", "powershell").output)
    pattern = re.compile(r"^WARNING: Ping to \S+ failed -- Status: \w+$")
    assert pattern.match(ms[0]) and pattern.match(printed[0]) and printed[1] == ms[1] == ""
    assert list_names(printed[2:]) == list_names(ms[2:])
    newer = lines(run_console(azure_vm("windows-2022"), "vm", "Test-NetConnection 192.168.1.77", "powershell").output)
    assert newer[0] == "WARNING: Ping to 192.168.1.77 failed with status: DestinationHostUnreachable"


def test_ping_from_a_nic_without_a_gateway_prints_microsofts_general_failure_lines():
    ms = sample("ping-strong-host-azure-multi-nic.txt")
    net = azure_vm()
    vm = net.node("vm")
    odd = Interface("nic2", "Ethernet 2", "vnet2", (IPv4Interface("192.165.2.5/24"),), metric=5, index=13)
    net = net.with_node(Node(vm.name, vm.os, (vm.interfaces[0], odd), vm.routes))
    printed = lines(run_console(net, "vm", "ping 192.168.1.7 -S 192.165.2.5").output)
    assert printed[:6] == ms[1:7]
    assert printed[7:] == [
        "Ping statistics for 192.168.1.7:",
        "    Packets: Sent = 4, Received = 0, Lost = 4 (100% loss),",
    ]


# --- layouts Microsoft does not document (compared with measured reconstructions) ---------------

IPCONFIG_LABEL = re.compile(r"^( {3}| {8})([A-Za-z][A-Za-z0-9 .()-]*?) ?[ .]*: (.*)$")


def test_ipconfig_all_labels_columns_and_order_follow_the_windows_layout():
    ref = sample("ipconfig-all-2008-plus-reconstructed.txt")
    printed = lines(run_console(labkit.load_scenario("nlb-intranet"), "web1", "ipconfig /all").output)
    assert printed[:3] == ["", "Windows IP Configuration", ""] and ref[0] == "Windows IP Configuration"
    fields = [line for line in printed if line.startswith("   ") and ":" in line]
    assert all(line[37:39] == ": " or line.endswith(" :") and len(line) == 38 for line in fields)
    ref_labels = {line[3:37] for line in ref if line.startswith("   ") and ":" in line}
    assert {line[3:37] for line in fields} <= ref_labels | {"NetBIOS over Tcpip. . . . . . . . "}
    ref_order = [line[3:37] for line in ref if line.startswith("   ") and ":" in line]
    nlb = printed[printed.index("Ethernet adapter NLB NIC:") + 2 : printed.index("Ethernet adapter PRIVATE NIC:") - 1]
    order = [line[3:37] for line in nlb]
    positions = [ref_order.index(label) for label in dict.fromkeys(order)]
    assert positions == sorted(positions)
    assert nlb[5:9] == [
        "   IPv4 Address. . . . . . . . . . . : 10.10.0.21(Preferred)",
        "   Subnet Mask . . . . . . . . . . . : 255.255.255.0",
        "   IPv4 Address. . . . . . . . . . . : 10.10.0.100(Preferred)",
        "   Subnet Mask . . . . . . . . . . . : 255.255.255.0",
    ]


def test_ipconfig_on_2003_indents_eight_and_says_ip_address():
    net = labkit.load_scenario("nlb-intranet").with_os("web1", profile("windows-2003"))
    printed = lines(run_console(net, "web1", "ipconfig /all").output)
    assert "        IP Address. . . . . . . . . . . . : 10.10.0.21" in printed
    assert "        Dhcp Enabled. . . . . . . . . . . : No" in printed
    assert not any("(Preferred)" in line for line in printed)
    plain = lines(run_console(net, "web1", "ipconfig").output)
    assert plain[:5] == ["", "Windows IP Configuration", "", "", "Ethernet adapter NLB NIC:"]


def test_get_net_ip_interface_table_and_list_follow_the_measured_layout():
    ref_table = sample("get-netipinterface-table-reconstructed.txt")
    ref_list = sample("get-netipinterface-list-reconstructed.txt")
    net = labkit.load_scenario("nlb-intranet").with_os("web1", profile("windows-2022"))
    table = lines(run_console(net, "web1", "Get-NetIPInterface", "powershell").output)
    assert table[1:3] == ref_table[:2]
    row = next(line for line in table if line.startswith("11 "))
    ref_row = next(line for line in ref_table if line.startswith("12 ") and "IPv4" in line)
    for column in ("AddressFamily", "Dhcp ", "ConnectionState", "PolicyStore"):
        start = ref_table[0].index(column)
        assert row[start - 1] == " " and ref_row[start - 1] == " " and row[start] != " "
    assert row.index("IPv4") == ref_row.index("IPv4") and len(row[:67].rstrip()) == len(ref_row[:67].rstrip())
    fl = lines(
        run_console(
            net, "web1", "Get-NetIPInterface -InterfaceAlias 'NLB NIC' -AddressFamily IPv4 | fl", "powershell"
        ).output
    )
    block = [line for line in fl if line]
    assert list_names(block) == list_names(ref_list) and value_column(block) == value_column(ref_list)
    every = lines(
        run_console(
            net, "web1", "Get-NetIPInterface -ifIndex 11 -AddressFamily IPv4 | Format-List *", "powershell"
        ).output
    )
    names = list_names([line for line in every if line])
    for prop in ("WeakHostSend", "WeakHostReceive", "Forwarding", "InterfaceMetric", "AutomaticMetric", "NlMtu"):
        assert prop in names
    assert "NlMtu(Bytes)" not in names


@pytest.mark.parametrize("command", ["netsh interface ipv4 show config", "netsh interface ipv4 show addresses"])
def test_netsh_show_config_blocks_put_values_in_column_43(command):
    printed = lines(run_console(labkit.load_scenario("nlb-intranet"), "web1", command).output)
    assert printed[:2] == ["", 'Configuration for interface "NLB NIC"']
    for line in printed:
        if line.startswith("    ") and line.strip():
            assert line[41] == " " and line[42] != " " if not line.startswith(" " * 42) else True
    assert ("Statically Configured DNS Servers" in "\n".join(printed)) == command.endswith("config")
