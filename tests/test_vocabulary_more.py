"""Issue 11, item 2 (review round): the fixed sets that were still typed out are vocabularies too
(protocol, interface switch, probe result), their users read them, and a validation problem
carries a typed location that code routes by instead of slicing its path."""

import ast
import tomllib
import typing
from dataclasses import fields
from ipaddress import IPv4Address
from pathlib import Path

import pytest

import labkit
from labkit.model import (
    ChoiceError,
    Flow,
    FlowError,
    Gateway,
    Interface,
    Location,
    NlbAffinity,
    Problem,
    Protocol,
    Severity,
    Switch,
    trace,
    validate_network,
)
from labkit.scenario import schema

ROOT = Path(labkit.__file__).parent.parent


# --- 1. Protocol -------------------------------------------------------------------------------


def test_protocol_is_one_vocabulary_that_knows_its_default_port():
    assert Protocol.values() == ("tcp", "udp", "icmp")
    assert [p.default_port for p in Protocol] == [80, 53, None]
    assert [p.has_ports for p in Protocol] == [True, True, False]


def test_a_flow_reads_the_protocol_as_typed_and_keeps_the_member():
    flow = Flow("H", "10.0.0.1", proto=" UDP ")
    assert flow.proto is Protocol.UDP and flow.ports == (49152, 53)
    assert Flow("H", "10.0.0.1").proto is Protocol.TCP and Flow("H", "10.0.0.1").ports == (49152, 80)
    assert Flow("H", "10.0.0.1", proto="icmp").ports == (None, None)
    with pytest.raises(FlowError, match=r"^protocol must be one of tcp, udp, icmp, got 'sctp'$"):
        Flow("H", "10.0.0.1", proto="sctp")
    assert str(Flow("H", "10.0.0.1", proto="udp", dport=514)) == "H -> 10.0.0.1 (udp port 514) and back"


def test_the_typed_out_protocol_tables_are_gone():
    from labkit.model import engine, flow

    for module in (labkit.model, engine, flow):
        assert not hasattr(module, "PROTOCOLS") and not hasattr(module, "DEFAULT_PORTS"), module.__name__


def _allowed(annotation) -> set[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, Protocol):
            return set(arg.values())
        if typing.get_origin(arg) is typing.Literal:
            return set(typing.get_args(arg))
    raise AssertionError(annotation)


def test_the_schema_takes_protocols_from_the_vocabulary():
    assert _allowed(schema.RuleSpec.model_fields["proto"].annotation) == set(Protocol.values())
    assert _allowed(schema.FlowCheckSpec.model_fields["proto"].annotation) == set(Protocol.values())
    # a port forward carries ports, so ICMP is left out (derived, not typed out)
    assert _allowed(schema.PortForwardSpec.model_fields["proto"].annotation) == {"tcp", "udp"}


def test_the_cli_and_the_host_panel_offer_the_protocols_of_the_vocabulary():
    from labkit.cli import build_parser
    from labkit.widgets import HostPanel

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["trace"]
    proto = next(a for a in sub._actions if "--proto" in a.option_strings)
    assert tuple(proto.choices) == Protocol.values() and proto.default == "tcp"
    panel = HostPanel(labkit.load_scenario("dead-gateway"), "H", Flow("H", "10.9.0.50", proto="udp"))
    assert tuple(panel.flow_proto.options) == Protocol.values() and panel.flow_proto.value == "udp"


# --- 2. Switch ---------------------------------------------------------------------------------


def test_each_switch_is_a_boolean_field_of_an_interface_in_netsh_order():
    assert Switch.values() == ("weakhostsend", "weakhostreceive", "forwarding")
    interface_fields = {f.name: f.type for f in fields(Interface)}
    assert all(interface_fields[s] in (bool, "bool") for s in Switch)
    assert not hasattr(labkit.model, "SWITCHES")


def test_nlb_consistency_compares_every_switch():
    from labkit.model.nlb import _settings

    node = labkit.load_scenario("nlb-intranet").nodes[0]
    compared = _settings(node)
    for iface in node.interfaces:
        assert {f'"{iface.label}" {s}' for s in Switch.values()} <= set(compared)


def test_the_importer_merges_every_nic_setting_the_first_output_leaves_out():
    from labkit.importer.build import _merge
    from labkit.importer.parsers import NicSettings

    netsh = NicSettings("LAN", metric=10, forwarding=False, weakhostsend=True, weakhostreceive=None)
    powershell = NicSettings("LAN", index=12, metric=20, automatic_metric=False, weakhostreceive=True)
    assert _merge(netsh, powershell) == NicSettings("LAN", 12, 10, False, False, True, True)


def test_host_view_takes_a_switch_member_or_its_text_and_refuses_anything_else():
    from labkit.views import host_view

    net = labkit.load_scenario("reference-nlb-dual-nic")
    flow = Flow("C2", "10.10.0.100")
    by_member = host_view(net, "H", flow, switches={("nlb", Switch.WEAKHOSTSEND): True})
    by_text = host_view(net, "H", flow, switches={("nlb", "weakhostsend"): True})
    assert by_member.commands == by_text.commands and by_member.trace == by_text.trace
    assert by_member.network.node("H").interface("nlb").weakhostsend
    with pytest.raises(ChoiceError, match=r"^switch: expected one of weakhostsend, weakhostreceive, forwarding"):
        host_view(net, "H", flow, switches={("nlb", "weakhost"): True})


def test_the_host_panel_has_one_checkbox_per_nic_and_switch():
    from labkit.widgets import HostPanel

    net = labkit.load_scenario("reference-nlb-dual-nic")
    panel = HostPanel(net, "H", Flow("C2", "10.10.0.100"))
    assert set(panel.switches) == {(i.key, s) for i in net.node("H").interfaces for s in Switch}
    assert all(box.description in Switch.values() for box in panel.switches.values())


# --- 3. Probe results, dfsrmig states, restore codes, live and kernel-lab comparisons, NLB affinity ---


def test_a_probe_result_is_a_vocabulary_member_and_every_failure_has_its_windows_texts():
    from labkit.model.console.probes import _ICMP_ERROR, _STATUS, ProbeResult, outcome

    net = labkit.load_scenario("dead-gateway")
    seen = outcome(net, "H", IPv4Address("10.9.0.50"))
    assert isinstance(seen.kind, ProbeResult) and seen.kind is ProbeResult.UNREACHABLE and not seen.reached
    assert set(_STATUS) == set(ProbeResult) - {ProbeResult.REPLY}
    assert set(_ICMP_ERROR) == {ProbeResult.UNREACHABLE, ProbeResult.NET_UNREACHABLE, ProbeResult.TTL_EXPIRED}


def test_the_dfsrmig_option_is_made_from_the_states_table():
    from labkit.cases.dcdiag import DFSRMIG_STATES
    from labkit.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["dcdiag"]
    option = next(a for a in sub._actions if "--dfsrmig-state" in a.option_strings)
    assert tuple(option.choices) == tuple(DFSRMIG_STATES) == (0, 1, 2, 3)
    assert option.help == "dfsrmig /GetGlobalState: 0 Start, 1 Prepared, 2 Redirected, 3 Eliminated"


def test_the_restore_lab_answers_are_the_case_files_error_codes():
    from labkit.cases.restore import ERROR_CODES, RestoreOutcome
    from labkit.labs.cases import RESTORE_ANSWERS

    assert RESTORE_ANSWERS == (RestoreOutcome.WORKS, *ERROR_CODES.values())


def _literal_comparisons(path: Path) -> list[str]:
    """`x == "passive"`, `x in ("none", "explicit")`: a comparison with a vocabulary's text."""
    from labkit.model import middlebox
    from labkit.model.ftp_protocol import FtpMode, OnCccRefused, Prot, TlsMode
    from labkit.model.ftp_result import FtpChannel

    words = {
        v
        for e in (FtpMode, TlsMode, FtpChannel, middlebox.Direction, OnCccRefused, Prot, middlebox.RuleAction)
        for v in e.values()
    }
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                items = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                hits = [i.value for i in items if isinstance(i, ast.Constant) and i.value in words]
                found += [f"{path.name}:{node.lineno}: {hit!r}" for hit in hits]
    return found


def test_the_live_runner_and_the_kernel_lab_compare_with_vocabulary_members():
    """kernel_lab/agent.py runs alone inside a network namespace (no labkit import): it keeps text."""
    package = ROOT / "labkit"
    paths = [package / "live" / "ftp.py", *sorted((package / "kernel_lab").glob("*.py"))]
    found = [hit for p in paths if p.name != "agent.py" for hit in _literal_comparisons(p)]
    assert found == []


def test_the_live_runner_refuses_a_bad_mode_in_one_line_before_dialling():
    from labkit.live.ftp import run_client

    with pytest.raises(ChoiceError, match=r"^mode: expected one of passive, active, epsv, eprt, got 'pasv'$"):
        run_client(None, mode="pasv")  # type: ignore[arg-type]


def test_the_kernel_lab_filter_chains_are_built_per_direction():
    from labkit.kernel_lab.build import _filter_chain
    from labkit.model.middlebox import Direction, Firewall, Rule

    firewall = Firewall(rules=(Rule("allow", "in", dport="21"), Rule("deny", "any")))
    inbound = "\n".join(_filter_chain(firewall, Direction.IN, "input"))
    assert "policy drop" in inbound and 'iifname "lo" accept' in inbound and "th dport 21" in inbound
    outbound = "\n".join(_filter_chain(firewall, Direction.OUT, "output"))
    assert "policy accept" in outbound and 'oifname "lo" accept' in outbound and "th dport 21" not in outbound


def test_the_nlb_member_choice_names_its_affinity_as_the_vocabulary_member():
    from labkit.model.steps import NlbMemberChoice, Transmitted

    assert typing.get_type_hints(NlbMemberChoice)["affinity"] is NlbAffinity
    net = labkit.load_scenario("nlb-intranet")
    cluster = net.clusters[0]
    client = next(n.name for n in net.nodes if all(n.name != m for m, _ in cluster.members))
    result = trace(net, client, cluster.ip)
    sent = [s.detail for h in result.hops for s in h.steps if isinstance(s.detail, Transmitted)]
    choices = [d.nlb for d in sent if d.nlb is not None]
    assert choices and all(c.affinity is cluster.affinity and isinstance(c.affinity, NlbAffinity) for c in choices)


# --- 4. The notebooks' vocabulary --------------------------------------------------------------


def test_labkit_exports_the_vocabularies_the_notebooks_iterate():
    for name in ("FtpMode", "TlsMode", "Protocol", "Switch", "Location"):
        assert name in labkit.__all__ and getattr(labkit, name) is getattr(labkit.model, name)


# --- 5. A problem's typed location -------------------------------------------------------------


def _off_subnet_gateway():
    net = labkit.load_scenario("gateway-choice")
    return net.with_interface("H", "slow", gateways=(Gateway(IPv4Address("10.99.0.1")),))


def test_a_problem_on_a_node_has_a_typed_location_and_its_path_is_made_from_it():
    problems = validate_network(_off_subnet_gateway())
    gateway = next(p for p in problems if p.location == Location("H", "slow", "gateways", 0))
    assert gateway.path == "nodes.H.interfaces.slow.gateways[0]" and gateway.severity is Severity.WARNING
    assert str(gateway).startswith("nodes.H.interfaces.slow.gateways[0]: default gateway 10.99.0.1 ")
    assert Location("R", field="firewall.rules", index=2, detail="dport").path == "nodes.R.firewall.rules[2].dport"
    assert Location("H", field="routes", index=0, detail="gateway").path == "nodes.H.routes[0].gateway"


def test_every_located_problem_of_every_shipped_scenario_prints_its_locations_path():
    from labkit.scenario import shipped_scenarios

    located = 0
    for name in shipped_scenarios():
        for problem in validate_network(labkit.load_scenario(name)):
            if problem.location is not None:
                located += 1
                assert problem.path == problem.location.path, name
            if problem.path.startswith("nodes."):
                assert problem.location is not None, (name, problem.path)
    assert located


def test_the_host_view_routes_a_problem_by_its_location_not_its_path():
    from labkit.views import _field_of, host_view

    misleading = Problem("nodes.H.routes[0]", "x", location=Location("H", "slow", "gateways", 0))
    assert _field_of(misleading, "H") == "gateway:slow"
    assert _field_of(Problem.at(Location("H", field="routes", index=3, detail="gateway"), "x"), "H") == "routes"
    assert _field_of(Problem.at(Location("G", "slow", "gateways", 0), "x"), "H") == "settings"
    assert _field_of(Problem("clusters.c.ip", "x"), "H") == "settings"
    net = labkit.load_scenario("gateway-choice")
    view = host_view(net, "H", Flow("H", "198.51.100.80"), gateways={"slow": "10.99.0.1"})
    assert view.warnings["gateway:slow"].startswith("default gateway 10.99.0.1 is not on the subnet")


# --- 6. No stale lint ignore -------------------------------------------------------------------


def test_the_str_enum_lint_rule_is_no_longer_ignored():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "UP042" not in config["tool"]["ruff"]["lint"]["ignore"]
