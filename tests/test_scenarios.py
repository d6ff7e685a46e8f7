"""Shipped scenarios, the acceptance story of the intranet design, NLB spread and dead gateways."""

import pytest
import yaml

from conftest import DATA, without_static_routes
from labkit.model import Disposition, profile, run_command, trace
from labkit.scenario import SCENARIO_DIR, load_scenario, parse_scenario, shipped_scenarios, to_yaml

REMEDIES = {
    "static route on the NLB NIC": "route -p add 10.20.0.0 mask 255.255.0.0 10.10.0.1",
    "weakhostsend on the NLB NIC": 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled',
    "forwarding on the NLB NIC": 'netsh interface ipv4 set interface "NLB NIC" forwarding=enabled',
}


def test_the_five_designs_from_the_seed_are_shipped_with_descriptions():
    names = shipped_scenarios()
    for expected in ("nlb-intranet", "nlb-internet", "nlb-same-subnet", "nlb-three-nics", "nlb-inconsistent-nodes"):
        assert expected in names
    for name in names:
        net = load_scenario(name)
        assert len(net.description) > 100, name


def test_shipped_intranet_design_works_both_ways():
    net = load_scenario("nlb-intranet")
    for client in ("pc1", "db1"):
        result = trace(net, client, "10.10.0.100", reply=True)
        assert result.accepted and result.reply.accepted, str(result)


def test_intranet_without_static_routes_blocks_the_reply_with_a_hint():
    net = without_static_routes("nlb-intranet")
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    assert result.accepted
    assert result.reply.disposition is Disposition.STRONG_SEND_BLOCKED
    hint = result.reply.hint
    assert "weakhostsend" in hint and "forwarding" in hint and "via 10.10.0.1" in hint


@pytest.mark.parametrize("remedy", sorted(REMEDIES))
def test_each_remedy_turns_the_reply_into_accepted(remedy):
    net = without_static_routes("nlb-intranet")
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    node, _ = run_command(net.node(member), REMEDIES[remedy])
    result = trace(net.with_node(node), "pc1", "10.10.0.100", reply=True)
    assert result.reply.accepted, str(result)


def test_windows_2003_needs_no_remedy():
    net = without_static_routes("nlb-intranet")
    for member in ("web1", "web2"):
        net = net.with_os(member, profile("windows-2003"))
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    assert result.reply.accepted


def test_internet_design_separates_traffic_without_switches():
    net = load_scenario("nlb-internet")
    assert trace(net, "visitor", "10.10.0.100", reply=True).reply.accepted
    to_db = trace(net, "web1", "10.20.0.10", reply=True)
    assert to_db.hops[0].out_iface == "private" and to_db.reply.accepted
    for member in ("web1", "web2"):
        net = net.with_os(member, profile("windows-2003"))
    assert trace(net, "visitor", "10.10.0.100", reply=True).reply.accepted


def test_same_subnet_design_reports_the_tie_between_default_gateways():
    net = load_scenario("nlb-same-subnet")
    result = trace(net, "web1", "10.20.5.5")
    assert "TIE" in result.hops[0].decision
    assert trace(net, "pc1", "10.10.0.100", reply=True).reply.accepted


def test_three_nics_web_cluster_answers_ftp_cluster_does_not():
    net = load_scenario("nlb-three-nics")
    assert trace(net, "pc1", "10.10.0.100", reply=True).reply.accepted
    ftp = trace(net, "pc1", "10.11.0.100", reply=True)
    assert ftp.reply.disposition is Disposition.STRONG_SEND_BLOCKED


def test_inconsistent_nodes_fail_only_the_clients_that_land_on_the_bad_node():
    net = load_scenario("nlb-inconsistent-nodes")
    outcome = {}
    for pc in ("pc1", "pc2", "pc3", "pc4"):
        result = trace(net, pc, "10.10.0.100", reply=True)
        outcome[pc] = (result.last_hop.node, result.reply.disposition)
    assert {node for node, _ in outcome.values()} == {"web1", "web2"}
    for node, disposition in outcome.values():
        expected = Disposition.ACCEPTED if node == "web1" else Disposition.STRONG_SEND_BLOCKED
        assert disposition is expected


def test_nlb_member_choice_is_per_client_with_single_affinity_and_per_port_with_none():
    net = load_scenario("nlb-intranet")
    by_port = {trace(net, "pc1", "10.10.0.100", sport=p).last_hop.node for p in range(49152, 49182)}
    assert len(by_port) == 1
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["clusters"]["web"]["affinity"] = "none"
    net = parse_scenario(yaml.safe_dump(raw))
    by_port = {trace(net, "pc1", "10.10.0.100", sport=p).last_hop.node for p in range(49152, 49182)}
    assert by_port == {"web1", "web2"}


def test_a_down_member_leaves_the_cluster():
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-inconsistent-nodes.yaml").read_text())
    raw["nodes"]["web2"]["down"] = True
    net = parse_scenario(yaml.safe_dump(raw))
    for pc in ("pc1", "pc2", "pc3", "pc4"):
        result = trace(net, pc, "10.10.0.100", reply=True)
        assert result.last_hop.node == "web1" and result.reply.accepted


DGD = """
name: dgd
nodes:
  H:
    interfaces:
      lan: {segment: lan, addresses: [10.1.0.10/24], gateways: [10.1.0.1, 10.1.0.2]}
  R1:
    role: router
    down: true
    interfaces:
      lan: {segment: lan, addresses: [10.1.0.1/24]}
      wan: {segment: wan, addresses: [10.9.0.1/24]}
  R2:
    role: router
    interfaces:
      lan: {segment: lan, addresses: [10.1.0.2/24]}
      wan: {segment: wan, addresses: [10.9.0.2/24]}
  S:
    interfaces:
      lan: {segment: wan, addresses: [10.9.0.50/24], gateways: [10.9.0.2]}
"""


def test_dead_gateway_detection_moves_tcp_but_never_udp_or_icmp():
    net = parse_scenario(DGD)
    tcp = trace(net, "H", "10.9.0.50", proto="tcp")
    assert tcp.accepted and "10.1.0.2" in tcp.hops[0].decision
    assert "dead gateway" in tcp.hint
    for proto in ("udp", "icmp"):
        other = trace(net, "H", "10.9.0.50", proto=proto)
        assert other.disposition is Disposition.NEIGHBOR_UNREACHABLE
        assert "never triggers dead gateway detection" in other.hops[0].decision


def test_dead_gateway_wraps_and_gives_up_when_all_are_down():
    raw = yaml.safe_load(DGD)
    raw["nodes"]["R2"]["down"] = True
    result = trace(parse_scenario(yaml.safe_dump(raw)), "H", "10.9.0.50")
    assert result.disposition is Disposition.NEIGHBOR_UNREACHABLE
    assert "every default gateway" in result.reason


def test_gateway_without_a_holder_is_neighbor_unreachable():
    raw = yaml.safe_load(DGD)
    raw["nodes"]["H"]["interfaces"]["lan"]["gateways"] = ["10.1.0.99"]
    result = trace(parse_scenario(yaml.safe_dump(raw)), "H", "10.9.0.50")
    assert result.disposition is Disposition.NEIGHBOR_UNREACHABLE
    assert "no ARP reply" in result.reason


def test_routing_loop_is_reported():
    loop = """
name: loop
nodes:
  A:
    role: router
    interfaces:
      x: {segment: ab, addresses: [10.0.0.1/30]}
      lan: {segment: lan, addresses: [10.5.0.1/24]}
    routes: [{destination: 10.99.0.0/16, gateway: 10.0.0.2}]
  B:
    role: router
    interfaces:
      x: {segment: ab, addresses: [10.0.0.2/30]}
    routes: [{destination: 10.99.0.0/16, gateway: 10.0.0.1}]
  C:
    interfaces:
      lan: {segment: lan, addresses: [10.5.0.9/24], gateways: [10.5.0.1]}
"""
    result = trace(parse_scenario(loop), "C", "10.99.1.1")
    assert result.disposition is Disposition.LOOP


def test_host_routes_only_with_forwarding_on_the_arrival_nic():
    net = load_scenario(DATA / "not-a-router.yaml")
    blocked = trace(net, "S", "10.2.0.30")
    assert blocked.disposition is Disposition.NOT_FORWARDED
    assert "forwarding=enabled" in blocked.hint and '"a"' in blocked.hint
    assert (
        trace(net.with_interface("H", "b", forwarding=True), "S", "10.2.0.30").disposition is Disposition.NOT_FORWARDED
    )
    routed = trace(net.with_interface("H", "a", forwarding=True), "S", "10.2.0.30")
    assert routed.accepted and [h.node for h in routed.hops] == ["S", "H", "T"]


def test_scenarios_round_trip_through_yaml():
    for name in shipped_scenarios():
        net = load_scenario(name)
        again = parse_scenario(to_yaml(net), f"{name} (written back)")
        assert again == net
