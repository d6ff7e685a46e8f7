"""Trace steps are typed values: each kind of step has a detail type whose fields code reads, and
whose str() is the text the course has always shown (each expected text below is the one the
kit printed before the steps were typed). Nothing in the kit searches that text."""

import ast
import pathlib
from ipaddress import IPv4Address

import pytest

from labkit.model import FtpResult, Outcome, ftp_session, trace
from labkit.model import middlebox_steps as mb_kinds
from labkit.model import steps as kinds
from labkit.model.host_rules import WeakBasis
from labkit.model.middlebox_steps import NatCause, Tracked
from labkit.model.steps import SourceRule
from labkit.scenario import load_scenario, parse_scenario

ROOT = pathlib.Path(__file__).resolve().parent.parent


def details(result, kind, node=None):
    """Every step detail of type `kind` in a trace and its reply (at `node`, if given)."""
    found = []
    for t in (result, result.reply):
        for hop in t.hops if t is not None else ():
            found += [s.detail for s in hop.steps if isinstance(s.detail, kind) and node in (None, hop.node)]
    return found


def first(result, kind, node=None):
    found = details(result, kind, node)
    assert found, f"no {kind.__name__} step"
    return found[0]


def in_ftp(result: FtpResult, kind):
    return [d for step in result.steps if step.trace is not None for d in details(step.trace, kind)]


def test_every_step_has_a_detail_whose_text_is_the_step_text():
    net = load_scenario("nlb-intranet")
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    for t in (result, result.reply):
        for hop in t.hops:
            for step in hop.steps:
                assert step.action is type(step.detail).action
                assert step.text == str(step.detail)
            assert hop.decision == "; ".join(str(s.detail) for s in hop.steps)


def test_route_and_source_chosen_with_the_kb_969029_rule():
    net = load_scenario("nlb-intranet")
    result = trace(net, "pc1", "10.10.0.21")
    route = first(result, kinds.RouteChosen, "pc1")
    assert str(IPv4Address("10.20.0.1")) == str(route.choice.winner.route.gateway)
    assert str(route) == (
        '0.0.0.0/0 via 10.20.0.1 on "Ethernet", metric 266 = 256 + interface 10; the only matching route'
    )
    assert result.hops[0].steps[0].route_choice is route.choice
    source = first(result, kinds.SourceChosen)
    assert source.choice.rule is SourceRule.ONLY_ADDRESS and source.choice.kb_rule == 2 and source.cluster is None
    assert str(source) == ('10.20.5.5 (KB 969029 rule 2: the only usable address on the outgoing interface "Ethernet")')


RULE_4 = """
name: rule4
nodes:
  H:
    interfaces:
      lan: {label: LAN, segment: a, addresses: [10.0.0.5/24, 10.0.0.6/24], gateways: [10.0.0.1]}
  R:
    role: router
    interfaces:
      a: {segment: a, addresses: [10.0.0.1/24]}
      b: {segment: b, addresses: [10.0.0.129/25]}
"""


def test_source_rule_4_and_the_skipassource_fallback():
    source = first(trace(parse_scenario(RULE_4), "H", "10.0.0.130"), kinds.SourceChosen)
    assert (source.choice.rule, source.choice.kb_rule, source.choice.bits, source.choice.still_tied) == (
        SourceRule.DESTINATION_MATCH,
        4,
        24,
        True,
    )
    assert str(source) == (
        '10.0.0.5 (KB 969029 rule 4: of the addresses on "LAN", the longest match with the '
        "destination 10.0.0.130 (24 bits); still tied, the first listed)"
    )
    skipped = parse_scenario(
        RULE_4.replace("gateways: [10.0.0.1]}", "gateways: [10.0.0.1], skip_as_source: [10.0.0.5, 10.0.0.6]}")
    )
    source = first(trace(skipped, "H", "10.50.0.1"), kinds.SourceChosen)
    assert source.choice.rule is SourceRule.ALL_SKIPPED and source.choice.kb_rule is None
    assert str(source) == (
        '10.0.0.5 (every address of "LAN" is marked skipassource; the kit falls back to its first address)'
    )


def test_a_cluster_ip_as_source_is_a_field_and_the_nlb_member_choice_too():
    net = load_scenario("nlb-intranet")
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    sent = first(result, kinds.Transmitted, "core")
    nlb = sent.nlb
    assert (nlb.cluster, nlb.member, nlb.affinity, nlb.client, nlb.client_port, nlb.live) == (
        "web",
        "web2",
        "single",
        IPv4Address("10.20.5.5"),
        None,
        2,
    )
    assert str(sent) == (
        'out "nlb" to 10.10.0.100 (web2) on segment lan-nlb (NLB cluster web: member web2 takes '
        "this flow (affinity single, from client 10.20.5.5; 2 live member(s)))"
    )


def test_host_model_decisions_say_strong_or_weak_and_which_switch():
    net = load_scenario("nlb-intranet")
    strong = first(trace(net, "pc1", "10.10.0.100", reply=True), kinds.HostModelDecision, "web2")
    assert strong.strong and strong.weak is None
    assert str(strong) == (
        'source 10.10.0.100 belongs to "NLB NIC"; strong host send: only routes on "NLB NIC" may carry it'
    )
    old = parse_scenario(W2003)
    result = trace(old, "C", "10.0.0.5", reply=True)
    weak = first(result, kinds.HostModelDecision, "S")
    assert not weak.strong and weak.weak.basis is WeakBasis.OS
    assert str(weak) == (
        'source 10.0.0.5 belongs to "Public"; Windows Server 2003 always uses the weak host '
        "model, so the whole route table may be used"
    )
    received = first(result, kinds.WeakReceive, "S")
    assert (received.owner, received.interface, received.weak.basis) == ("Public", "Private", WeakBasis.OS)
    assert str(received) == (
        '10.0.0.5 belongs to "Public", not "Private"; Windows Server 2003 always uses the '
        "weak host model, so it is let in (weak host receive)"
    )


W2003 = """
name: w2003
nodes:
  S:
    os: windows-2003
    interfaces:
      a: {label: Public, segment: a, addresses: [10.0.0.5/24]}
      b: {label: Private, segment: b, addresses: [10.1.0.5/24]}
  C:
    interfaces:
      a: {segment: b, addresses: [10.1.0.9/24], gateways: [10.1.0.5]}
"""


def test_weak_host_by_a_switch_names_the_switch():
    net = parse_scenario(
        W2003.replace("    os: windows-2003\n", "")
        .replace("[10.0.0.5/24]}", "[10.0.0.5/24]}")
        .replace("[10.1.0.5/24]}", "[10.1.0.5/24], weakhostreceive: true}")
    )
    received = first(trace(net, "C", "10.0.0.5"), kinds.WeakReceive, "S")
    assert (received.weak.basis, received.weak.switch) == (WeakBasis.SWITCH, "weakhostreceive")


def test_dead_gateway_steps():
    net = load_scenario("dead-gateway")
    moved = first(trace(net, "H", "10.9.0.50"), kinds.FailedOver)
    assert moved.gateway == IPv4Address("10.1.0.2")
    assert str(moved) == (
        "10.1.0.1 (R1) is down: no ARP reply, nothing answers; after 3 unanswered TCP "
        "retransmissions (half of TcpMaxDataRetransmissions = 5) the connection moves to the next "
        "default gateway 10.1.0.2"
    )
    stays = first(trace(net, "H", "10.9.0.50", proto="udp"), kinds.NoFailoverForProtocol)
    assert (stays.proto, stays.gateway) == ("udp", IPv4Address("10.1.0.1"))
    assert str(stays) == (
        "10.1.0.1 (R1) is down: no ARP reply, nothing answers; UDP never triggers dead gateway "
        "detection, so H keeps sending to 10.1.0.1"
    )
    alone = parse_scenario("""
name: one-gateway
nodes:
  H:
    interfaces:
      lan: {label: LAN, segment: a, addresses: [10.0.0.5/24], gateways: [10.0.0.1]}
  R:
    role: router
    down: true
    interfaces:
      a: {segment: a, addresses: [10.0.0.1/24]}
""")
    assert (
        str(first(trace(alone, "H", "10.50.0.1"), kinds.NoOtherGateway))
        == "10.0.0.1 (R) is down: no ARP reply, nothing answers; no other default gateway to fail over to"
    )
    two_nics = parse_scenario("""
name: two-nics
nodes:
  H:
    interfaces:
      a: {segment: s1, addresses: [10.1.0.10/24], gateways: [10.1.0.1]}
      b: {segment: s2, addresses: [10.2.0.10/24], gateways: [10.2.0.1]}
  R1:
    role: router
    down: true
    interfaces:
      a: {segment: s1, addresses: [10.1.0.1/24]}
  R2:
    role: router
    interfaces:
      b: {segment: s2, addresses: [10.2.0.1/24]}
""")
    skipped = first(trace(two_nics, "H", "10.9.0.1"), kinds.GatewaySkipped)
    assert (skipped.gateway, skipped.interface, skipped.source) == (
        IPv4Address("10.2.0.1"),
        "b",
        IPv4Address("10.1.0.10"),
    )
    assert str(skipped) == (
        "10.1.0.1 (R1) is down: no ARP reply, nothing answers; next default gateway 10.2.0.1 is "
        'on "b", which does not own the connection\'s source 10.1.0.10 (strong host send): '
        "skipped"
    )


def test_local_delivery_received_accepted_and_strong_receive_drop():
    net = load_scenario("dead-gateway")
    assert str(first(trace(net, "H", "10.1.0.10"), kinds.LocalDelivery)) == (
        '10.1.0.10 is an address of this node ("Ethernet"): delivered through the loopback interface, never on the wire'
    )
    result = trace(net, "H", "10.9.0.50")
    assert str(first(result, kinds.Received, "S")) == 'in "Ethernet"'
    assert str(first(result, kinds.AddressHere, "S")) == '10.9.0.50 is an address of "Ethernet"'
    assert str(first(result, kinds.ForwardingEnabled, "R2")) == 'forwarding enabled on "lan"'
    dropped = first(trace(load_scenario("reference-receive-side"), "S", "192.168.2.10"), kinds.StrongReceiveDrop)
    assert (dropped.owner, dropped.interface) == ("NIC2", "NIC1")
    assert str(dropped) == '192.168.2.10 belongs to "NIC2", not "NIC1": strong host receive drops it'


def test_not_forwarded_loop_and_own_gateway():
    net = load_scenario("dead-gateway")
    r2 = net.node("R2")
    from dataclasses import replace

    off = net.with_node(replace(r2, interfaces=tuple(replace(i, forwarding=False) for i in r2.interfaces)))
    assert (
        str(first(trace(off, "H", "10.9.0.50"), kinds.NotForwardedDrop))
        == '10.9.0.50 is not an address of R2 and forwarding is disabled on "lan"'
    )
    loop = parse_scenario("""
name: loop
nodes:
  H:
    interfaces:
      lan: {segment: a, addresses: [10.0.0.5/24], gateways: [10.0.0.1]}
  R1:
    role: router
    interfaces:
      a: {segment: a, addresses: [10.0.0.1/24]}
      b: {segment: b, addresses: [10.9.0.1/24]}
    routes: [{destination: 0.0.0.0/0, gateway: 10.9.0.2, interface: b}]
  R2:
    role: router
    interfaces:
      b: {segment: b, addresses: [10.9.0.2/24]}
    routes: [{destination: 0.0.0.0/0, gateway: 10.9.0.1, interface: b}]
""")
    result = trace(loop, "H", "10.50.0.1")
    assert result.outcome is Outcome.LOOP
    assert str(first(result, kinds.LoopDrop)) == "R2 has already forwarded this packet: a routing loop"
    own = parse_scenario("""
name: own-gateway
nodes:
  H:
    interfaces:
      lan: {label: LAN, segment: a, addresses: [10.0.0.5/24]}
    routes: [{destination: 10.7.0.0/16, gateway: 10.0.0.5, interface: lan}]
  T:
    interfaces:
      lan: {segment: a, addresses: [10.7.0.9/16]}
""")
    sent = first(trace(own, "H", "10.7.0.9"), kinds.Transmitted, "H")
    assert sent.own_gateway == kinds.OwnGateway(IPv4Address("10.0.0.5"), "H") and sent.nlb is None
    assert str(sent) == (
        'out "LAN" to 10.7.0.9 (T) on segment a (the gateway 10.0.0.5 is H\'s own address: treated as on-link)'
    )


def test_nat_firewall_and_ftp_helper_steps_in_a_shipped_session():
    result = ftp_session(load_scenario("ftp-active-client-nat"), check_fixes=False)
    masquerade = next(d for d in in_ftp(result, mb_kinds.NatRewrite) if d.cause is NatCause.MASQUERADE)
    assert masquerade.before[0] == IPv4Address("10.0.0.5") and masquerade.after[0] == IPv4Address("198.51.100.7")
    assert str(masquerade) == (
        '10.0.0.5:49152 -> 203.0.113.80:21 → 198.51.100.7:49152 -> 203.0.113.80:21 (masquerade on "wan")'
    )
    back = next(d for d in in_ftp(result, mb_kinds.NatRewrite) if d.cause is NatCause.TRACKED_REPLY)
    assert str(back) == (
        "203.0.113.80:21 -> 198.51.100.7:49152 → 203.0.113.80:21 -> 10.0.0.5:49152 (the reply of a tracked connection)"
    )
    verdicts = in_ftp(result, mb_kinds.FirewallVerdict)
    by_rule = next(v for v in verdicts if v.rule is not None)
    assert (by_rule.allowed, by_rule.direction, by_rule.rule) == (True, "forward", 1)
    assert str(by_rule) == "allowed (forward): rule 1 'outgoing' (allow forward in lan)"
    tracked = {v.tracked for v in verdicts if v.tracked is not None}
    assert tracked == {Tracked.KNOWN, Tracked.RELATED}
    assert {str(v) for v in verdicts if v.tracked} == {
        "allowed: part of a tracked connection",
        "allowed: RELATED, announced by the FTP helper",
    }
    related = in_ftp(result, mb_kinds.RelatedExpected)[0]
    assert related.why == "PORT from the client" and related.after[2] == IPv4Address("10.0.0.5")
    assert str(related) == (
        "RELATED: a data connection the FTP helper expects (PORT from the client); "
        "203.0.113.80:49154 -> 198.51.100.7:49153 → 203.0.113.80:49154 -> 10.0.0.5:49153"
    )


def test_port_forward_and_load_balancer_backend():
    fixed = ftp_session(load_scenario("ftp-nat-ftps-fixed"), check_fixes=False)
    forward = next(d for d in in_ftp(fixed, mb_kinds.NatRewrite) if d.cause is NatCause.PORT_FORWARD)
    assert forward.interface == "wan"
    assert str(forward) == (
        'port forward on "wan": 203.0.113.50:49152 -> 193.211.10.27:21 → 203.0.113.50:49152 -> 192.168.1.32:21'
    )
    balanced = ftp_session(load_scenario("ftp-load-balancer"), check_fixes=False)
    backend = in_ftp(balanced, mb_kinds.BackendChosen)[0]
    assert (backend.backend, backend.affinity, backend.client_port) == (IPv4Address("10.0.1.12"), "none", 49152)
    assert str(backend) == (
        "virtual IP 203.0.113.80: backend 10.0.1.12 takes this connection (affinity none, from "
        "client 203.0.113.50 port 49152); dst 203.0.113.80 → 10.0.1.12"
    )


LB_SNAT = """
name: lb-snat
nodes:
  client:
    interfaces:
      wan: {segment: internet, addresses: [203.0.113.50/24], gateways: [203.0.113.1]}
  lb:
    role: router
    interfaces:
      front: {segment: internet, addresses: [203.0.113.1/24, 203.0.113.80/24]}
      back: {segment: farm, addresses: [10.0.1.1/24, 10.0.1.200/24]}
    load_balancer: {vip: 203.0.113.80, backends: [10.0.1.11], ports: [80], affinity: client-ip, snat: [10.0.1.200]}
  web:
    interfaces:
      lan: {segment: farm, addresses: [10.0.1.11/24], gateways: [10.0.1.1]}
"""


def test_load_balancer_source_nat_and_a_tracked_connection():
    net = parse_scenario(LB_SNAT)
    first_packet = trace(net, "client", "203.0.113.80", reply=True)
    snat = next(d for d in details(first_packet, mb_kinds.NatRewrite) if d.cause is NatCause.LOAD_BALANCER)
    assert str(snat) == (
        "203.0.113.50:49152 -> 10.0.1.11:80 → 10.0.1.200:49152 -> 10.0.1.11:80 (load balancer source NAT)"
    )
    assert first(first_packet, mb_kinds.BackendChosen).client_port is None  # client-ip affinity: the address only
    again = trace(net, "client", "203.0.113.80", state=first_packet.reply.state)
    tracked = next(d for d in details(again, mb_kinds.NatRewrite) if d.cause is NatCause.TRACKED)
    assert str(tracked).endswith("(part of a tracked connection)")


def test_the_reply_reaching_the_wrong_nlb_member_is_the_traces_own_outcome():
    from test_edge_cases import SAME_SUBNET_WITH_MONITOR

    result = trace(parse_scenario(SAME_SUBNET_WITH_MONITOR), "web1", "10.10.0.98", reply=True)
    assert result.outcome is Outcome.ACCEPTED
    assert result.reply.outcome is Outcome.ACCEPTED_BY_WRONG_NODE and not result.reply.succeeded
    from labkit.checks.kinds import _reply_outcome
    from labkit.plot.network_labels import ending_words

    assert _reply_outcome(result) == "ACCEPTED_BY_WRONG_NODE"
    assert ending_words(result.reply, "reply") == "✖ reply ACCEPTED at web2 (wrong node)"
    assert "=> ACCEPTED, but by the wrong node:" in str(result)


def test_the_kit_does_not_search_its_own_step_or_problem_prose():
    """The phrases code once searched for are read from typed fields now: no `"…" in text` on them."""
    searched = (
        "same-client-address",
        "watches port",
        "NOT RECORDING",
        "repadmin",
        "default gateways on",
        "is not on the subnet",
    )
    offenders = []
    for path in (ROOT / "labkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Compare)
                and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
                and isinstance(node.left, ast.Constant)
                and node.left.value in searched
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_dcdiag_error_names_its_input_by_a_field():
    from labkit.cases.dcdiag import DcdiagInputError, parse_dcdiag, parse_replsummary

    with pytest.raises(DcdiagInputError) as dcdiag:
        parse_dcdiag("hello")
    with pytest.raises(DcdiagInputError) as repadmin:
        parse_replsummary("hello")
    assert (dcdiag.value.tool, repadmin.value.tool) == ("dcdiag", "repadmin")


def test_lint_reads_the_problem_topic():
    from labkit.importer.lint import WHY_OFF_SUBNET, lint
    from labkit.model.problems import ProblemTopic
    from labkit.model.validation import validate_network

    net = parse_scenario("""
name: off-subnet
nodes:
  H:
    interfaces:
      lan: {segment: a, addresses: [10.0.0.5/24], gateways: [10.9.0.1]}
""")
    problem = next(p for p in validate_network(net) if p.severity == "warning")
    assert problem.topic is ProblemTopic.GATEWAY_OFF_SUBNET
    assert [w.why for w in lint(net)][:1] == [WHY_OFF_SUBNET]


def test_the_restore_error_code_is_a_lookup_of_the_error_shown():
    from labkit.cases.restore import BOOT_DISK_TOO_SMALL, ERROR_CODES, GENERIC, Preflight

    assert all(text.split()[0].rstrip(":") == code or text.endswith(f"({code})") for text, code in ERROR_CODES.items())
    assert Preflight("fails", BOOT_DISK_TOO_SMALL, "").code == "0x80042407"
    assert Preflight("fails", GENERIC, "").code == "0x80070057"
    assert Preflight("fails", "a text that mentions 0x1234", "").code is None


def test_test_netconnection_quiet_answers_from_its_fields_not_its_printed_text():
    from dataclasses import replace

    from labkit.model import profile
    from labkit.model.console import run_console

    net = load_scenario("dead-gateway")
    net = net.with_node(replace(net.node("H"), os=profile("windows-2019")))
    for target, port, expected in (
        ("10.9.0.50", " -Port 80", "True"),
        ("10.9.0.1", " -Port 80", "False"),
        ("10.9.0.50", "", "False"),
    ):
        quiet = run_console(net, "H", f"Test-NetConnection {target}{port} -InformationLevel Quiet", "powershell")
        full = run_console(net, "H", f"Test-NetConnection {target}{port}", "powershell").output
        key = "TcpTestSucceeded" if port else "PingSucceeded"
        assert quiet.output == expected and f"{key} : {expected}" in " ".join(full.split()).replace("  ", " ")
