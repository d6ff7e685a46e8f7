"""Issue 11, item 3: small value types in the style of `ipaddress` (PortRange, FourTuple, InterfaceRef),
and functions that take the strings a learner types."""

import ast
from ipaddress import IPv4Address
from pathlib import Path

import pytest

import labkit
from labkit.errors import LabkitError
from labkit.model import select_route
from labkit.model.addressing import AddressError
from labkit.model.ftp_protocol import FtpServerSettings
from labkit.model.host import InterfaceRef, InterfaceRefError
from labkit.model.middlebox import FourTuple, FourTupleError, LoadBalancer, PortForward, Rule
from labkit.model.osprofile import UnknownOsError, profile
from labkit.model.ports import PortRange, PortRangeError, port_range
from labkit.scenario import ScenarioError, parse_scenario

PACKAGE = Path(labkit.__file__).parent


def repr_short(value) -> str:
    return "a 5001-digit int" if isinstance(value, int) and value > 10**100 else repr(value)


def one_line_labkit_error(caught, *words):
    error = caught.value
    assert isinstance(error, LabkitError) and isinstance(error, ValueError)
    assert "\n" not in str(error) and all(word in str(error) for word in words), str(error)


# --- PortRange -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, first, last, shown",
    [
        ("21", 21, 21, "21"),
        ("51976-51999", 51976, 51999, "51976-51999"),
        (" 1 - 2 ", 1, 2, "1-2"),
        ("65535", 65535, 65535, "65535"),
    ],
)
def test_port_range_parses_what_a_learner_types_and_prints_the_familiar_form(text, first, last, shown):
    ports = PortRange(text)
    assert (ports.first, ports.last) == (first, last) and str(ports) == shown
    assert PortRange(str(ports)) == ports == PortRange(first, last) == PortRange.parse((first, last))
    assert eval(repr(ports)) == ports and ports.size == last - first + 1


def test_port_range_is_exact_hashable_and_knows_its_ports():
    ports = PortRange("51976-51999")
    assert ports == (51976, 51999) and hash(ports) == hash(PortRange(51976, 51999))
    assert len({ports, PortRange(51976, 51999), PortRange.single(21)}) == 2
    assert 51976 in ports and 51999 in ports and 51975 not in ports and 52000 not in ports and None not in ports
    assert PortRange(21) == PortRange.single(21) and sorted([PortRange(80), PortRange(21)])[0] == PortRange(21)
    with pytest.raises(AttributeError):
        ports.first = 1


@pytest.mark.parametrize(
    "bad", ["٣-٥", "0", "5-3", "70000", "21,22", "x", "", True, 2.5, 10**5000, None, [21]], ids=repr_short
)
def test_a_bad_port_range_is_one_line_port_range_error(bad):
    with pytest.raises(PortRangeError) as caught:
        PortRange.parse(bad)
    one_line_labkit_error(caught, "expected")
    assert len(str(caught.value)) < 120


def test_port_range_none_and_blank_mean_any():
    assert port_range(None) is None and port_range("  ") is None and port_range("21") == PortRange(21)


def test_every_port_range_field_takes_text_or_a_pair_and_holds_a_port_range():
    rule = Rule("allow", dport="51976-51999", sport=(1024, 65535))
    assert rule.dport == PortRange(51976, 51999) and isinstance(rule.sport, PortRange)
    assert isinstance(PortForward("wan", "tcp", "21", IPv4Address("10.0.0.2")).ports, PortRange)
    assert LoadBalancer(IPv4Address("10.0.0.1"), (), ports=("80", (443, 443))).ports == (PortRange(80), PortRange(443))
    server = FtpServerSettings(passive_ports="50000-50009")
    assert server.passive_ports == PortRange(50000, 50009) and server.passive_pool(True) is server.passive_ports
    assert "dport 51976-51999" in rule.describe(1)


def test_the_scenario_reads_and_writes_port_ranges_through_the_one_type():
    from labkit.scenario import to_dict

    net = labkit.load_scenario("ftp-nat-seed")
    rules = [r for n in net.nodes if n.firewall for r in n.firewall.rules if r.dport]
    forwards = [f for n in net.nodes if n.nat for f in n.nat.port_forwards]
    assert rules and forwards and all(isinstance(r.dport, PortRange) for r in rules)
    assert all(isinstance(f.ports, PortRange) for f in forwards)
    written = to_dict(net)
    ports = [f["ports"] for n in written["nodes"].values() for f in n.get("nat", {}).get("port_forwards", [])]
    assert ports and all(p == 21 or isinstance(p, str) for p in ports)


def test_a_scenario_port_range_error_names_the_key():
    text = """
name: x
nodes:
  a: {interfaces: {e: {addresses: [10.0.0.1/24]}}, ftp_server: {passive_ports: 5-3}}
"""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    assert str(caught.value) == (
        "<scenario>: nodes.a.ftp_server.passive_ports: expected ports from 1 to 65535, low to high, got '5-3'"
    )


def _printers_and_parsers(path: Path) -> list[str]:
    names = {"parse_port_range", "in_range", "show_range", "_PORT_RANGE", "show_four"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.Assign))
        and (
            {node.name}
            if isinstance(node, ast.FunctionDef)
            else {t.id for t in node.targets if isinstance(t, ast.Name)}
        )
        & names
    ]


def test_one_port_range_parser_and_printer_in_the_package():
    assert [hit for path in PACKAGE.rglob("*.py") for hit in _printers_and_parsers(path)] == []


# --- FourTuple -----------------------------------------------------------------------------------


def test_four_tuple_prints_as_the_trace_shows_it_and_parses_back():
    four = FourTuple("10.10.0.5", 49152, "10.10.0.100", 80)
    assert str(four) == "10.10.0.5:49152 -> 10.10.0.100:80" and FourTuple.parse(str(four)) == four
    assert eval(repr(four)) == four and four.src == IPv4Address("10.10.0.5")
    icmp = FourTuple("10.0.0.1", None, "10.0.0.2", None)
    assert str(icmp) == "10.0.0.1 -> 10.0.0.2" and FourTuple.parse(str(icmp)) == icmp


def test_four_tuple_reverse_equality_and_hash():
    four = FourTuple.parse("10.10.0.5:49152 -> 10.10.0.100:80")
    assert four.reverse() == FourTuple.parse("10.10.0.100:80 -> 10.10.0.5:49152") and four.reverse().reverse() == four
    assert four == (IPv4Address("10.10.0.5"), 49152, IPv4Address("10.10.0.100"), 80)
    assert len({four, FourTuple(*four), four.reverse()}) == 2


@pytest.mark.parametrize(
    "bad",
    [
        "10.0.0.1:80",
        "10.0.0.1:x -> 10.0.0.2:80",
        "10.0.0 -> 10.0.0.2",
        "10.0.0.1:٨٠ -> 10.0.0.2:80",
        "10.0.0.1:99999 -> 10.0.0.2:80",
    ],
)
def test_a_bad_four_tuple_is_one_line_four_tuple_error(bad):
    with pytest.raises(FourTupleError) as caught:
        FourTuple.parse(bad)
    one_line_labkit_error(caught, "expected")


def test_traces_and_connection_tracking_use_the_four_tuple():
    from labkit.model import trace

    net = labkit.load_scenario("ftp-nat-seed")
    result = trace(net, net.ftp.client, net.ftp.address, proto="tcp", dport=21, reply=True)
    sessions = result.state.sessions
    assert sessions and all(isinstance(s.original, FourTuple) and isinstance(s.translated, FourTuple) for s in sessions)
    nat = [s for s in sessions if s.natted]
    assert nat and any(f"{s.original} → {s.translated}" in str(result) for s in nat)


# --- InterfaceRef --------------------------------------------------------------------------------


def test_interface_ref_parses_node_dot_interface_and_prints_it_back():
    ref = InterfaceRef("web1.nlb")
    assert (ref.node, ref.interface) == ("web1", "nlb") and str(ref) == "web1.nlb"
    assert ref == ("web1", "nlb") == InterfaceRef("web1", "nlb") and hash(ref) == hash(("web1", "nlb"))
    assert eval(repr(ref)) == ref and InterfaceRef.parse(("web1", "nlb")) == ref


@pytest.mark.parametrize("bad", ["web1", "web1.", ".nlb", "a.b.c", "", 5, None])
def test_a_bad_interface_ref_is_one_line_interface_ref_error(bad):
    with pytest.raises(InterfaceRefError) as caught:
        InterfaceRef.parse(bad)
    one_line_labkit_error(caught, "expected NODE.INTERFACE like web1.nlb")


def test_cluster_members_and_a_checks_egress_are_interface_refs():
    from labkit.checks import run_check
    from labkit.model import Cluster
    from labkit.scenario import load_checks

    net = labkit.load_scenario("nlb-intranet")
    assert all(isinstance(m, InterfaceRef) for c in net.clusters for m in c.members)
    cluster = net.clusters[0]
    assert Cluster(cluster.name, cluster.ip, tuple(map(str, cluster.members))) == Cluster(
        cluster.name, cluster.ip, tuple(tuple(m) for m in cluster.members)
    )
    _, checks = load_checks(labkit.shipped_file("scenarios", "nlb-intranet.yaml"))
    egress = [c for c in checks if c.egress is not None]
    assert egress and all(isinstance(c.egress, InterfaceRef) for c in egress)
    from dataclasses import replace

    as_text = replace(egress[0], egress=str(egress[0].egress))  # a notebook may write the text
    assert run_check(net, as_text).passed == run_check(net, egress[0]).passed


# --- strings where a learner types them ----------------------------------------------------------


def test_select_route_takes_the_destination_as_text():
    node = labkit.load_scenario("gateway-choice").node("H")
    assert select_route(node, "10.30.5.5") == select_route(node, IPv4Address("10.30.5.5"))
    with pytest.raises(AddressError) as caught:
        select_route(node, "10.30.5")
    one_line_labkit_error(caught, "expected an IPv4 destination", "'10.30.5'")


def test_with_os_takes_the_os_name():
    net = labkit.load_scenario("gateway-choice")
    assert net.with_os("H", "windows-2003") == net.with_os("H", profile("windows-2003"))
    assert net.with_os("H", "windows-2003").node("H").os.name == "windows-2003"
    with pytest.raises(UnknownOsError) as caught:
        net.with_os("H", "windows-95")
    one_line_labkit_error(caught, "unknown os 'windows-95'", "windows-2008r2")


def test_node_with_interface_changes_one_interface():
    net = labkit.load_scenario("nlb-intranet")
    node = net.node("web1")
    changed = node.with_interface("nlb", weakhostsend=True)
    from dataclasses import replace

    assert changed.interface("nlb") == replace(node.interface("nlb"), weakhostsend=True)
    assert [i.key for i in changed.interfaces] == [i.key for i in node.interfaces]
    assert [i for i in changed.interfaces if i.key != "nlb"] == [i for i in node.interfaces if i.key != "nlb"]
    assert net.with_interface("web1", "nlb", weakhostsend=True) == net.with_node(changed)
    with pytest.raises(KeyError, match="has no interface 'nope'"):
        node.with_interface("nope", weakhostsend=True)


def test_no_module_rewrites_one_interface_with_a_comprehension():
    """`replace(i, …) if i.key == key else i for i in node.interfaces` is Node.with_interface's job."""
    hits = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.GeneratorExp)
                and isinstance(node.elt, ast.IfExp)
                and "interfaces" in ast.unparse(node.generators[0].iter)
                and ".key ==" in ast.unparse(node.elt.test)
            ):
                hits.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert hits == []
