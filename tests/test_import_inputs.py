"""Issue 12 item 5: the outputs as admins save them, Microsoft's documented examples, and bad input.

Bad input (truncated output, another language, binary junk, a 10 MB paste, fuzz) must give the
importer's own one-line error naming the file and what was expected, quickly.
"""

import time
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit.importer import ImportInputError, import_server, import_texts
from labkit.importer.parsers import (
    parse_ipconfig_all,
    parse_net_ip_interface,
    parse_netsh_table,
    parse_netsh_verbose,
    parse_route_print,
)
from labkit.importer.text import MAX_BYTES, Kind, decode, identify

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "imports"
SAMPLES = ROOT / "labkit" / "data" / "imports"


def text(name: str) -> str:
    return decode((DATA / name).read_bytes(), name)


# --- Microsoft's documented examples and the documented layouts ----------------------------------


def azure_route_print() -> str:
    """The page's Interface List lines and IPv4 table, put together as route print prints them."""
    rule = "=" * 75
    return f"{rule}\nInterface List\n{text('ms-azure-interface-list.txt')}{rule}\n\n{text('ms-azure-route-print.txt')}"


def test_microsofts_azure_route_print_imports_with_the_metrics_split_back():
    result = import_server(DATA / "ms-azure-ipconfig-all.txt", ("route.txt", azure_route_print()))
    node = result.network.node("MultiNicVM1")
    first, second = node.interfaces
    assert [str(a) for a in first.addresses] == ["192.168.1.4/24"] and first.index == 29  # by MAC
    assert node.interface_metric(first.key) == 5 == node.interface_metric(second.key)  # 261 - 256
    assert [(str(g.address), g.metric) for g in first.gateways] == [("192.168.1.1", 0)]  # 5 - 5: a DHCP gateway
    (route,) = node.routes
    assert (str(route.destination), str(route.gateway), route.interface, route.metric, route.persistent) == (
        "168.63.129.16/32",
        "192.168.1.1",
        first.key,
        1,
        False,
    )
    assert any("no Persistent Routes section" in note for note in result.unknowns)


def test_microsofts_interface_list_lines_are_read():
    assert import_server(DATA / "ms-azure-ipconfig-all.txt", DATA / "ms-azure-route-print.txt").network.nodes
    listed = parse_route_print(azure_route_print(), "x").interfaces
    assert [(i.index, i.mac, i.description) for i in listed] == [
        (29, "00-15-17-D9-B1-6D", "Microsoft Virtual Machine Bus Network Adapter #16"),
        (1, "", "Software Loopback Interface 1"),
        (14, "", "Teredo Tunneling Pseudo-Interface"),
    ]


def test_the_documented_ipconfig_all_layouts_are_read():
    new = parse_ipconfig_all(text("ipconfig-all-2012.txt"), "x")
    assert (new.host_name, new.legacy, new.ip_routing) == ("SRV1", False, False)
    ethernet, ethernet3 = new.adapters
    assert ethernet.addresses == (IPv4Interface("192.168.10.20/24"), IPv4Interface("192.168.10.21/24"))
    assert ethernet.gateways == (IPv4Address("192.168.10.1"), IPv4Address("192.168.10.254"))  # fe80::1 left out
    assert ethernet.mac == "00-15-5D-01-02-03" and ethernet3.disconnected
    old = parse_ipconfig_all(text("ipconfig-all-2003.txt"), "x")
    assert old.legacy and old.adapters[0].addresses[1] == IPv4Interface("192.168.10.21/24")
    assert old.adapters[0].gateways == (IPv4Address("192.168.10.1"),) and old.adapters[1].disconnected


def test_the_documented_route_print_layouts_are_read():
    new = parse_route_print(text("route-print-2016.txt"), "x")
    assert not new.legacy and [i.index for i in new.interfaces] == [12, 14, 1]
    static = next(r for r in new.active if r.destination == IPv4Network("172.16.0.0/16"))
    assert (static.gateway, static.interface, static.metric) == (IPv4Address("10.0.0.1"), IPv4Address("10.0.0.20"), 16)
    assert [(str(p.destination), p.metric) for p in new.persistent] == [("0.0.0.0/0", None), ("172.16.0.0/16", 1)]
    old = parse_route_print(text("route-print-2003.txt"), "x")
    assert old.legacy and [i.index for i in old.interfaces] == [1, 0x10003, 0x10004]
    assert old.interfaces[1].mac == "00-15-5D-01-02-03" and old.interfaces[0].description == "MS TCP Loopback interface"
    assert [str(p.destination) for p in old.persistent] == ["172.16.0.0/16"]


def test_the_documented_netsh_and_powershell_layouts_are_read():
    verbose = parse_netsh_verbose(text("netsh-verbose-2019.txt"), "x")
    (nic,) = verbose.nics
    assert (nic.name, nic.index, nic.metric, nic.automatic_metric, nic.forwarding) == (
        "Ethernet 2",
        14,
        15,
        True,
        False,
    )
    assert verbose.versions == {"windows-2019", "windows-2022"}
    table = parse_netsh_table(text("netsh-show-interfaces.txt"), "x")
    assert [(n.name, n.index, n.metric) for n in table.nics] == [
        ("Ethernet", 12, 15),
        ("Ethernet 2", 14, 15),
        ("Ethernet 3", 16, 5),
    ]
    (ps,) = parse_net_ip_interface(text("get-netipinterface-fl.txt"), "x").nics
    assert (ps.name, ps.index, ps.metric, ps.weakhostsend, ps.automatic_metric) == ("Ethernet 2", 14, 15, False, True)


def test_outputs_of_different_servers_are_refused_by_name():
    with pytest.raises(ImportInputError) as err:
        import_server(DATA / "ipconfig-all-2012.txt", DATA / "route-print-2016.txt")
    assert "route-print-2016.txt: this route print fits no ipconfig /all given" in str(err.value)


def test_plain_ipconfig_is_refused_with_what_to_run():
    with pytest.raises(ImportInputError, match=r"plain-ipconfig-2012.txt: this is plain ipconfig .* ipconfig /all"):
        import_server(DATA / "plain-ipconfig-2012.txt")


# --- as the admin saves them: CRLF, UTF-16 from PowerShell, an 80-column console -----------------


def test_the_shipped_samples_are_crlf_and_one_is_utf16():
    files = sorted(SAMPLES.rglob("*.txt"))
    assert len(files) >= 9
    assert all(
        "\r\n" in f.read_bytes().decode("utf-16" if f.read_bytes()[:2] == b"\xff\xfe" else "utf-8") for f in files
    )
    assert any(f.read_bytes().startswith(b"\xff\xfe") for f in files)


def test_utf16_with_and_without_bom_and_oem_text_decode_alike():
    plain = (DATA / "netsh-verbose-2019.txt").read_text()
    crlf = plain.replace("\n", "\r\n")
    for data in (
        b"\xff\xfe" + crlf.encode("utf-16-le"),
        crlf.encode("utf-16-le"),
        crlf.encode("cp437"),
        b"\xef\xbb\xbf" + crlf.encode(),
    ):
        assert identify(decode(data, "f"), "f") is Kind.NETSH_VERBOSE
        assert parse_netsh_verbose(decode(data, "f"), "f").nics[0].index == 14


def test_a_description_wrapped_by_an_80_column_console_is_joined():
    wrapped = text("ipconfig-all-2012.txt").replace(
        "Microsoft Hyper-V Network Adapter\n", "Microsoft Hyper-V Netw\nork Adapter\n", 1
    )
    assert parse_ipconfig_all(wrapped, "x").adapters[0].description == "Microsoft Hyper-V Network Adapter"


# --- bad input: one line, the file, what was expected ---------------------------------------------


def _error(files) -> str:
    with pytest.raises(ImportInputError) as err:
        import_texts(files)
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_truncated_outputs_are_named_with_what_is_missing():
    route = (DATA / "route-print-2016.txt").read_bytes()
    cut = route[: route.index(b"   192.168.10.0")]
    assert "route.txt: the active routes end without" in _error([("route.txt", cut)])
    ipconfig = (DATA / "ipconfig-all-2012.txt").read_text()
    half = ipconfig[: ipconfig.index("   Subnet Mask")]
    assert "has no Subnet Mask line after it" in _error([("ip.txt", half.encode())])
    netsh = (DATA / "netsh-verbose-2019.txt").read_text()
    assert "has no Forwarding line" in _error([("n.txt", netsh[: netsh.index("Forwarding")].encode())])


def test_another_languages_headers_get_a_clear_error():
    german = (
        "\r\nWindows-IP-Konfiguration\r\n\r\n   Hostname  . . . . . . . . . . . . : SRV1\r\n"
        "   Primäres DNS-Suffix . . . . . . . : \r\n"
    ).encode("cp850")
    message = _error([("ipconfig-de.txt", german)])
    assert message.startswith("ipconfig-de.txt: this looks like ipconfig /all in another language")
    assert "English" in message
    route_de = ("=" * 75 + "\r\nSchnittstellenliste\r\n" + "=" * 75 + "\r\n").encode()
    assert "route print in another language" in _error([("route-de.txt", route_de)])


def test_binary_junk_and_a_huge_paste_are_refused():
    assert "not text" in _error([("junk.bin", bytes(range(256)) * 40)])
    message = _error([("paste.txt", b"x" * (10 * 1024 * 1024))])
    assert message.startswith("paste.txt: 10,485,760 bytes is too much") and f"{MAX_BYTES:,}" in message


def test_a_huge_file_is_not_read_whole(tmp_path):
    big = tmp_path / "huge.txt"
    big.write_bytes(b"route print\n" * 2_000_000)
    with pytest.raises(ImportInputError, match="huge.txt: .* bytes is too much"):
        import_server(big)


def test_a_missing_route_print_or_file_is_named(tmp_path):
    assert "no route print for SRV1" in _error([("ip.txt", (DATA / "ipconfig-all-2012.txt").read_bytes())])
    with pytest.raises(ImportInputError, match="nope.txt: cannot read it"):
        import_server(tmp_path / "nope.txt")


REAL = [
    (DATA / name).read_bytes()
    for name in ("ipconfig-all-2012.txt", "route-print-2016.txt", "netsh-verbose-2019.txt", "get-netipinterface-fl.txt")
]


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(REAL),
    st.integers(0, 4000),
    st.integers(0, 400),
    st.binary(max_size=60),
    st.sampled_from(["cut", "splice", "bytes", "lines"]),
)
def test_fuzzed_outputs_give_only_the_importers_own_errors_and_fast(base, at, length, junk, how):
    if how == "cut":
        data = base[:at]
    elif how == "splice":
        data = base[:at] + junk + base[at + length :]
    elif how == "bytes":
        data = junk * (1 + length // 8)
    else:
        lines = base.split(b"\n")
        data = b"\n".join(lines[: at % (len(lines) + 1)] + lines[(at % (len(lines) + 1)) + length % 5 :])
    start = time.perf_counter()
    try:
        import_texts([("fuzz.txt", data), ("route.txt", REAL[1])])
    except ImportInputError as err:
        assert str(err).startswith(("fuzz.txt: ", "route.txt: ", "fuzz.txt, route.txt: ")) and "\n" not in str(err)
    assert time.perf_counter() - start < 2


def test_an_adapter_waiting_for_dhcp_has_no_address_and_a_russian_paste_is_named():
    waiting = text("ipconfig-all-2003.txt").replace("192.168.10.21", "0.0.0.0")
    assert parse_ipconfig_all(waiting, "x").adapters[0].addresses == (IPv4Interface("192.168.10.20/24"),)
    russian = (
        "\r\nНастройка протокола IP для Windows\r\n\r\n   Имя компьютера . . . . . . . . . : server\r\n\r\n"
        "Ethernet adapter Local Area Connection:\r\n\r\n   IPv4-адрес. . . . . . . . . . . . : 10.0.0.5\r\n"
    )
    assert "ipconfig /all in another language" in _error([("ru.txt", russian.encode("utf-8"))])


def test_outputs_the_kit_cannot_model_are_refused_in_one_line():
    pair = (
        "   IPv4 Address. . . . . . . . . . . : {}(Preferred)\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n"
    )
    ipconfig = text("ms-azure-ipconfig-all.txt").replace(
        pair.format("192.168.2.5"), pair.format("192.168.2.5") + pair.format("192.168.1.4")
    )
    assert ipconfig.count("192.168.1.4") == 2  # the same address on both adapters
    message = _error([("ip.txt", ipconfig.encode()), ("route.txt", text("ms-azure-route-print.txt").encode())])
    assert message.startswith("ip.txt, route.txt: these outputs describe a server the kit cannot model")


def test_a_server_2003_pair_imports_with_route_metrics_as_they_are():
    legacy = text("ipconfig-all-2003.txt")
    pair = (
        "        IP Address. . . . . . . . . . . . : 192.168.10.21\n"
        "        Subnet Mask . . . . . . . . . . . : 255.255.255.0\n"
    )
    legacy = legacy.replace(pair, "").replace(
        "IP Routing Enabled. . . . . . . . : No", "IP Routing Enabled. . . . . . . . : Yes"
    )
    legacy = legacy.replace("        Media State . . . . . . . . . . . : Media disconnected\n", "") + (
        "        Dhcp Enabled. . . . . . . . . . . : No\n"
        "        IP Address. . . . . . . . . . . . : 10.0.0.20\n"
        "        Subnet Mask . . . . . . . . . . . : 255.255.255.0\n"
        "        Default Gateway . . . . . . . . . :\n"
    )
    result = import_texts([("ip.txt", legacy.encode()), ("route.txt", (DATA / "route-print-2003.txt").read_bytes())])
    node = result.network.node("SRV2003")
    assert node.os.name == "windows-2003"
    lan, lan2 = node.interfaces
    assert (lan.index, lan2.index) == (None, None)  # 2003's 0x10003 is beyond what the kit numbers, and said so
    assert any("interface index 65539 (0x10003)" in note for note in result.unknowns)
    assert node.interface_metric(lan.key) == 10 and [(str(g.address), g.metric) for g in lan.gateways] == [
        ("192.168.10.1", None)
    ]  # 10 = the interface metric: Automatic
    assert all(i.forwarding for i in node.interfaces)  # IP Routing Enabled: Yes, for the whole machine
    (route,) = node.routes
    assert (str(route.destination), str(route.gateway), route.interface, route.metric, route.persistent) == (
        "172.16.0.0/16",
        "10.0.0.1",
        lan2.key,
        1,
        True,
    )


def test_the_prompt_pasted_with_the_output_is_skipped():
    pasted = "C:\\Users\\admin>ipconfig /all\n" + text("ipconfig-all-2012.txt") + "\nC:\\Users\\admin>\n"
    assert parse_ipconfig_all(pasted, "x").host_name == "SRV1"
    powershell = "PS C:\\Windows\\system32> ipconfig /all\n" + text("ipconfig-all-2012.txt") + "\nPS C:\\> "
    assert len(parse_ipconfig_all(powershell, "x").adapters) == 2
