"""ping, tracert, Test-NetConnection and Find-NetRoute agree with `labkit trace` on every
shipped scenario: for each Windows node and each address in the scenario, the console's
verdict (reached or not, source address, interface) is the trace's."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

import labkit
from labkit.model import profile, trace
from labkit.model.console import run_console
from labkit.model.routes import LOOPBACK_LABEL


def scenario_flows():
    return list(_flows())


def _flows():
    for name in labkit.shipped_scenarios():
        net = labkit.load_scenario(name)
        addresses = sorted({a.ip for n in net.nodes for a in n.addresses} | {c.ip for c in net.clusters})
        for node in net.nodes:
            if node.os.is_windows and not node.down:
                yield pytest.param(name, node.name, addresses, id=f"{name}-{node.name}")


def trace_verdict(net, node: str, dst: IPv4Address, proto: str = "icmp", dport: int | None = None):
    """(reached, source, interface alias) as the engine sees the echo and its answer."""
    t = trace(net, node, dst, proto=proto, dport=dport, reply=True)
    reached = t.succeeded and (len(t.hops) == 1 or (t.reply is not None and t.reply.succeeded))
    source = None if t.src.is_unspecified else t.src
    out = t.hops[0].out_iface
    owner = net.node(node).owner_of(dst) if out is None else net.node(node).interface(out)
    alias = owner.label if owner is not None else LOOPBACK_LABEL
    routed = not (len(t.hops) == 1 and not t.accepted and t.disposition.value in ("NO_ROUTE", "STRONG_SEND_BLOCKED"))
    return reached, source, alias if routed else None


def fields(output: str) -> dict[str, str]:
    return {
        line.split(" : ")[0].strip(): line.split(" : ", 1)[1] if " : " in line else ""
        for line in output.splitlines()
        if " :" in line and not line.startswith(" ")
    }


@pytest.mark.parametrize("name,node,addresses", scenario_flows())
def test_ping_and_tracert_agree_with_the_trace(name, node, addresses):
    net = labkit.load_scenario(name)
    for dst in addresses:
        reached, _, _ = trace_verdict(net, node, dst)
        pinged = run_console(net, node, f"ping -n 1 {dst}").output
        assert (f"Reply from {dst}: bytes=32" in pinged) == reached, (name, node, dst, pinged)
        last = [line for line in run_console(net, node, f"tracert -d {dst}").output.splitlines() if line][-2]
        assert (last.endswith(f"  {dst}") and "ms" in last) == reached, (name, node, dst, last)


@pytest.mark.parametrize("name,node,addresses", scenario_flows())
def test_test_net_connection_and_find_net_route_agree_with_the_trace(name, node, addresses):
    # The shipped servers run 2008 R2, which has no NetTCPIP cmdlets: ask the same network
    # with the node on Windows Server 2022, and the trace on that same network.
    net = labkit.load_scenario(name).with_os(node, profile("windows-2022"))
    for dst in addresses:
        reached, source, alias = trace_verdict(net, node, dst)
        shown = fields(run_console(net, node, f"Test-NetConnection {dst}", "powershell").output)
        assert shown["PingSucceeded"] == str(reached), (name, node, dst)
        assert shown["SourceAddress"] == str(source or ""), (name, node, dst)
        assert shown["InterfaceAlias"] == (alias or ""), (name, node, dst)
        found = run_console(net, node, f"Find-NetRoute -RemoteIPAddress {dst}", "powershell").output
        if alias is None:
            assert "The network location cannot be reached." in found
            continue
        found_fields = fields(found)
        assert found_fields["IPAddress"] == str(source) and found_fields["InterfaceAlias"] == alias, (name, node, dst)


@pytest.mark.parametrize("name,node,addresses", list(scenario_flows())[:6])
def test_test_net_connection_port_agrees_with_the_tcp_trace(name, node, addresses):
    net = labkit.load_scenario(name).with_os(node, profile("windows-2022"))
    for dst in addresses:
        reached, source, alias = trace_verdict(net, node, dst, "tcp", 443)
        shown = fields(run_console(net, node, f"Test-NetConnection {dst} -Port 443", "powershell").output)
        assert shown["TcpTestSucceeded"] == str(reached), (name, node, dst)
        assert shown["SourceAddress"] == str(source or "") and shown["InterfaceAlias"] == (alias or "")


def test_strong_host_drop_shows_as_windows_shows_it():
    """nlb-intranet without its static routes: web1's answer from the cluster address has no way out."""
    net = labkit.load_scenario("nlb-intranet")
    for line in ("route delete 10.30.0.0", "route delete 10.20.0.0"):
        net = run_console(net, "web1", line).network
    bound = run_console(net, "web1", "ping -S 10.10.0.100 -n 2 10.20.5.5").output.splitlines()
    assert bound[1] == "Pinging 10.20.5.5 from 10.10.0.100 with 32 bytes of data:"
    assert bound[2:4] == ["PING: transmit failed. General failure."] * 2
    free = run_console(net, "web1", "ping -n 1 10.20.5.5").output
    assert (
        "Reply from 10.20.5.5: bytes=32 time<1ms TTL=127" in free
    )  # out the gateway NIC; pc1 (Windows, 128) is one router back
    traced = run_console(net, "web1", "tracert 10.20.5.5").output.splitlines()
    assert traced[3] == "  1    <1 ms    <1 ms    <1 ms  172.16.2.1"
    assert traced[-1] == "Trace complete."


def test_unreachable_neighbour_and_silent_drop_print_windows_texts():
    net = labkit.load_scenario("nlb-intranet")
    onlink = run_console(net, "web1", "ping -n 1 10.10.0.77").output
    assert "Reply from 10.10.0.100: Destination host unreachable." in onlink  # KB 969029 picked .100
    assert "Received = 1, Lost = 0 (0% loss)" in onlink  # an ICMP error counts as received
    far = run_console(net, "web1", "tracert 10.30.0.99").output.splitlines()
    assert "  2  10.10.0.1  reports: Destination host unreachable." in far


def test_ping_on_2003_follows_its_own_layout():
    net = labkit.load_scenario("nlb-intranet").with_os("web1", profile("windows-2003"))
    printed = run_console(net, "web1", "ping -n 1 10.10.0.77").output.splitlines()
    assert printed[:4] == ["", "Pinging 10.10.0.77 with 32 bytes of data:", "", "Request timed out."]
    assert "Received = 0, Lost = 1 (100% loss)" in printed[-1]
    refused = run_console(net, "web1", "ping -S 10.10.0.21 10.10.0.1").output
    assert "IPv6 only" in refused


def test_find_net_route_with_a_local_address_follows_strong_host_send():
    net = labkit.load_scenario("nlb-intranet").with_os("web1", profile("windows-2022"))
    line = "Find-NetRoute -RemoteIPAddress 10.20.5.5 -LocalIPAddress 10.10.0.100"
    bound = fields(run_console(net, "web1", line, "powershell").output)
    assert (bound["IPAddress"], bound["InterfaceAlias"], bound["NextHop"]) == ("10.10.0.100", "NLB NIC", "10.10.0.1")
    free = fields(run_console(net, "web1", "Find-NetRoute -RemoteIPAddress 8.8.8.8", "powershell").output)
    assert (free["IPAddress"], free["InterfaceAlias"], free["DestinationPrefix"]) == (
        "172.16.2.21",
        "PRIVATE NIC",
        "0.0.0.0/0",
    )
    blocked = run_console(
        net, "web1", "Find-NetRoute -RemoteIPAddress 8.8.8.8 -LocalIPAddress 10.10.0.100", "powershell"
    ).output
    assert blocked.startswith("Find-NetRoute : The network location cannot be reached.")
    assert "Windows System Error 1231,Find-NetRoute" in blocked
