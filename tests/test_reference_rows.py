"""Every row of the Topology N, R and M tables of the host model (docs/model-rules.md, from KB 159168,
KB 299540, KB 969029, RFC 1122's strong and weak end-system models and Microsoft Learn's netsh
interface ipv4 pages), one test per row, named after it."""

from dataclasses import replace
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

import pytest

from labkit.model import (
    CommandError,
    Disposition,
    Gateway,
    Interface,
    Node,
    Route,
    netsh_show_route,
    profile,
    registry_value,
    restart,
    route_print,
    run_command,
    select_route,
    trace,
)
from labkit.model.routes import GATEWAY_ERROR, MASK_ERROR

A = IPv4Address


def reply_of(net, client, dst="10.10.0.100"):
    result = trace(net, client, dst, reply=True)
    assert result.disposition is Disposition.ACCEPTED, str(result)
    return result, result.reply


def first_route(t):
    """The route the first hop of a trace took."""
    choice = next(s.route_choice for s in t.hops[0].steps if s.route_choice is not None)
    return choice.winner.route


# --- Topology N: NLB dual NIC ---------------------------------------------------------------


def test_N1_same_subnet_client_reply_leaves_nlb_nic_on_link(topology_n):
    request, reply = reply_of(topology_n, "C1")
    assert request.last_hop.node == "H" and request.last_hop.in_iface == "nlb"
    assert reply.accepted
    assert reply.src == A("10.10.0.100") and reply.hops[0].out_iface == "nlb"
    assert first_route(reply).gateway is None  # on-link


def test_N2_remote_client_reply_dropped_by_strong_host_send(topology_n):
    request, reply = reply_of(topology_n, "C2")
    assert request.last_hop.in_iface == "nlb"
    assert reply.disposition is Disposition.STRONG_SEND_BLOCKED
    assert "NLB NIC" in reply.reason and "Mgmt NIC" in reply.reason
    for remedy in ("weakhostsend", "10.10.0.1", "forwarding"):
        assert remedy in reply.hint


def _leaves_mgmt_via_router(reply):
    assert reply.accepted, str(reply)
    assert reply.src == A("10.10.0.100")
    assert reply.hops[0].out_iface == "mgmt"
    assert first_route(reply).gateway == A("10.20.0.1")


def test_N3_windows_2003_weak_host_reply_leaves_mgmt_nic(topology_n):
    net = topology_n.with_os("H", profile("windows-2003"))
    _, reply = reply_of(net, "C2")
    _leaves_mgmt_via_router(reply)
    assert "Windows Server 2003 always uses the weak host model" in reply.hops[0].decision
    assert reply.hint == "works because of the weak host model of Windows Server 2003 on H"
    assert "weakhostsend" not in str(reply)


def test_N4_forwarding_on_nlb_nic_fixes_reply(topology_n):
    net = topology_n.with_interface("H", "nlb", forwarding=True)
    _, reply = reply_of(net, "C2")
    _leaves_mgmt_via_router(reply)


def test_N5_weakhostsend_on_nlb_nic_same_path_as_N4(topology_n):
    weak = reply_of(topology_n.with_interface("H", "nlb", weakhostsend=True), "C2")[1]
    fwd = reply_of(topology_n.with_interface("H", "nlb", forwarding=True), "C2")[1]
    _leaves_mgmt_via_router(weak)
    assert [(h.node, h.in_iface, h.out_iface) for h in weak.hops] == [
        (h.node, h.in_iface, h.out_iface) for h in fwd.hops
    ]


def test_N6_weakhostsend_on_mgmt_nic_only_does_not_help(topology_n):
    net = topology_n.with_interface("H", "mgmt", weakhostsend=True)
    _, reply = reply_of(net, "C2")
    assert reply.disposition is Disposition.STRONG_SEND_BLOCKED


def test_N7_static_route_on_nlb_nic_fixes_reply(topology_n):
    h, answer = run_command(topology_n.node("H"), 'netsh interface ipv4 add route 10.30.0.0/16 "NLB NIC" 10.10.0.1')
    assert answer == "Ok."
    _, reply = reply_of(topology_n.with_node(h), "C2")
    assert reply.accepted
    assert reply.hops[0].out_iface == "nlb" and first_route(reply).gateway == A("10.10.0.1")


def test_N8_default_gateway_moved_to_nlb_nic(topology_n):
    net = topology_n.with_interface("H", "nlb", gateways=(Gateway(A("10.10.0.1")),))
    net = net.with_interface("H", "mgmt", gateways=())
    _, reply = reply_of(net, "C2")
    assert reply.accepted and reply.hops[0].out_iface == "nlb"


def test_N9_unbound_ping_uses_default_route_and_mgmt_source(topology_n):
    result = trace(topology_n, "H", "10.30.5.5", proto="icmp")
    assert result.accepted
    assert result.src == A("10.20.0.21") and result.hops[0].out_iface == "mgmt"
    assert first_route(result).gateway == A("10.20.0.1")


def test_N10_ping_with_nlb_source_fails_until_route_added(topology_n):
    blocked = trace(topology_n, "H", "10.30.5.5", src="10.10.0.21", proto="icmp")
    assert blocked.disposition is Disposition.STRONG_SEND_BLOCKED
    h, _ = run_command(topology_n.node("H"), "route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1")
    works = trace(topology_n.with_node(h), "H", "10.30.5.5", src="10.10.0.21", proto="icmp")
    assert works.accepted and works.hops[0].out_iface == "nlb"
    assert first_route(works).gateway == A("10.10.0.1")


def test_N11_frame_delivered_to_mgmt_nic_strong_receive(topology_n):
    # The router's host route sends the cluster IP to the Mgmt NIC's MAC.
    r = topology_n.node("R")
    net = topology_n.with_node(replace(r, routes=(Route(IPv4Network("10.10.0.100/32"), A("10.20.0.21"), "mgmt", 1),)))
    dropped = trace(net, "C2", "10.10.0.100")
    assert dropped.disposition is Disposition.STRONG_RECEIVE_DROPPED
    assert dropped.last_hop.node == "H" and dropped.last_hop.in_iface == "mgmt"
    for switch in ("weakhostreceive", "forwarding"):
        fixed = trace(net.with_interface("H", "mgmt", **{switch: True}), "C2", "10.10.0.100")
        assert fixed.accepted and fixed.last_hop.in_iface == "mgmt"


# --- Topology R: receive side ------------------------------------------------------------


def test_R1_2008_defaults_drop(topology_r):
    result = trace(topology_r, "S", "192.168.2.10")
    assert result.disposition is Disposition.STRONG_RECEIVE_DROPPED
    assert result.last_hop.in_iface == "nic1"


def test_R2_weakhostreceive_on_arrival_nic_accepts(topology_r):
    result = trace(topology_r.with_interface("H", "nic1", weakhostreceive=True), "S", "192.168.2.10")
    assert result.accepted
    # the flag of the NIC that owns the address does not matter
    other = trace(topology_r.with_interface("H", "nic2", weakhostreceive=True), "S", "192.168.2.10")
    assert other.disposition is Disposition.STRONG_RECEIVE_DROPPED


def test_R5_windows_2003_accepts(topology_r):
    result = trace(topology_r.with_os("H", profile("windows-2003")), "S", "192.168.2.10")
    assert result.accepted


# --- Topology M: metrics and table mechanics -------------------------------------------------


def nic(key, address, gateways=(), speed=1000.0, metric=None):
    return Interface(
        key,
        key.upper(),
        f"seg-{key}",
        (IPv4Interface(address),),
        tuple(Gateway(A(g), m) for g, m in gateways),
        metric=metric,
        speed=speed,
    )


def host(os="windows-2008r2", interfaces=(), routes=(), binding_order=()):
    return Node("h", profile(os), tuple(interfaces), tuple(routes), binding_order=binding_order)


def test_M1_longest_prefix_beats_metric():
    a = nic("a", "192.168.1.10/24", metric=10)
    b = nic("b", "192.168.2.10/24", metric=44)
    node = host(
        interfaces=(a, b),
        routes=(
            Route(IPv4Network("10.0.0.0/8"), A("192.168.1.1"), "a", 1),
            Route(IPv4Network("10.30.0.0/16"), A("192.168.2.1"), "b", 256),
        ),
    )
    choice = select_route(node, A("10.30.1.1"))
    assert [c.metric for c in choice.candidates] == [300, 11]
    assert choice.winner.route.interface == "b"
    assert "longest prefix" in choice.why(node)


def test_M2_dhcp_gateways_fastest_nic_wins():
    fast = nic("fast", "192.168.1.10/24", [("192.168.1.1", 0)], speed=1000)
    slow = nic("slow", "192.168.2.10/24", [("192.168.2.1", 0)], speed=100)
    node = host(interfaces=(slow, fast))
    assert (node.interface_metric("fast"), node.interface_metric("slow")) == (10, 20)
    defaults = [r for r in node.route_table if r.is_default]
    assert len(defaults) == 2
    for dst in ("8.8.8.8", "10.1.2.3", "172.20.0.1"):
        choice = select_route(node, A(dst))
        assert choice.winner.route.gateway == A("192.168.1.1") and not choice.tie


def test_M3_static_gateways_266_vs_276():
    fast = nic("fast", "192.168.1.10/24", [("192.168.1.1", None)], speed=1000)
    slow = nic("slow", "192.168.2.10/24", [("192.168.2.1", None)], speed=100)
    choice = select_route(host(interfaces=(slow, fast)), A("8.8.8.8"))
    assert [c.metric for c in choice.candidates] == [266, 276]
    assert choice.winner.route.interface == "fast"


def test_M4_equal_metrics_vista_reported_as_tie():
    a = nic("a", "192.168.1.10/24", [("192.168.1.1", None)])
    b = nic("b", "192.168.2.10/24", [("192.168.2.1", None)])
    node = host(interfaces=(a, b))
    choice = select_route(node, A("8.8.8.8"))
    assert len(choice.tie) == 1 and choice.tie_broken_by is None
    assert {choice.winner.route.interface, choice.tie[0].route.interface} == {"a", "b"}
    assert "TIE" in choice.why(node)


def test_M5_equal_metrics_2003_binding_order_wins():
    a = nic("a", "192.168.1.10/24", [("192.168.1.1", None)])
    b = nic("b", "192.168.2.10/24", [("192.168.2.1", None)])
    for order in (("a", "b"), ("b", "a")):
        node = host("windows-2003", (a, b), binding_order=order)
        choice = select_route(node, A("8.8.8.8"))
        assert choice.winner.route.interface == order[0]
        assert choice.tie_broken_by and "binding order" in choice.tie_broken_by


def test_M8_route_add_mask_invalid():
    node = host(interfaces=(nic("a", "157.55.80.10/24"),))
    with pytest.raises(CommandError) as err:
        run_command(node, "route ADD 157.0.0.0 MASK 155.0.0.0 157.55.80.1 IF 1")
    assert err.value.message == MASK_ERROR  # Windows's text; str() adds the kit's hint
    assert err.value.message == (
        "The route addition failed: The specified mask parameter is invalid. (Destination & Mask) != Destination."
    )


def test_M9_route_add_gateway_not_on_local_subnet():
    node = host(interfaces=(nic("a", "10.10.0.21/24"),))
    with pytest.raises(CommandError) as err:
        run_command(node, "route add 10.41.0.0 mask 255.255.0.0 10.99.0.1")
    assert err.value.message == GATEWAY_ERROR  # Windows's text; str() adds the kit's hint
    assert err.value.message.startswith(
        "The route addition failed: Either the interface index is wrong "
        "or the gateway does not lie on the same network as the interface."
    )


def test_M10_persistent_route_survives_restart():
    node = host(interfaces=(nic("nlb", "10.10.0.21/24"),))
    node, answer = run_command(node, "route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1")
    assert answer == " OK!"
    node = restart(node)
    assert [str(r.destination) for r in node.routes] == ["10.30.0.0/16"]
    printed = route_print(node)
    persistent = printed.split("Persistent Routes:")[1]
    assert "10.30.0.0      255.255.0.0        10.10.0.1  1" in persistent
    assert registry_value(node.routes[0]) == "10.30.0.0,255.255.0.0,10.10.0.1,1"


def test_M11_non_persistent_route_gone_after_restart():
    node = host(interfaces=(nic("nlb", "10.10.0.21/24"),))
    node, _ = run_command(node, "route add 10.30.0.0 mask 255.255.0.0 10.10.0.1")
    assert len(node.routes) == 1 and "10.30.0.0" not in route_print(node).split("Persistent Routes:")[1]
    assert restart(node).routes == ()


# The Active Routes block of a real Server 2008 capture (kellyjonbrazil/jc fixture).
M12_ACTIVE_ROUTES = """\
Network Destination        Netmask          Gateway       Interface  Metric
          0.0.0.0          0.0.0.0     192.168.23.1   192.168.23.154    266
        127.0.0.0        255.0.0.0         On-link         127.0.0.1    306
        127.0.0.1  255.255.255.255         On-link         127.0.0.1    306
  127.255.255.255  255.255.255.255         On-link         127.0.0.1    306
     192.168.23.0    255.255.255.0         On-link    192.168.23.154    266
   192.168.23.154  255.255.255.255         On-link    192.168.23.154    266
   192.168.23.255  255.255.255.255         On-link    192.168.23.154    266
        224.0.0.0        240.0.0.0         On-link         127.0.0.1    306
        224.0.0.0        240.0.0.0         On-link    192.168.23.154    266
  255.255.255.255  255.255.255.255         On-link         127.0.0.1    306
  255.255.255.255  255.255.255.255         On-link    192.168.23.154    266"""


def m12_node():
    lan = Interface(
        "lan",
        "Local Area Connection",
        "lan",
        (IPv4Interface("192.168.23.154/24"),),
        (Gateway(A("192.168.23.1")),),
        speed=1000,
    )
    return Node("srv", profile("windows-2008"), (lan,))


def test_M12_route_print_matches_2008_capture():
    printed = route_print(m12_node())
    active = printed.split("Active Routes:\n")[1].split("\n=====")[0]
    assert active == M12_ACTIVE_ROUTES
    assert printed.split("Persistent Routes:\n")[1].splitlines()[:2] == [
        "  Network Address          Netmask  Gateway Address  Metric",
        "          0.0.0.0          0.0.0.0     192.168.23.1  Default",
    ]


def test_M13_netsh_show_route_shows_route_metric_only():
    lines = netsh_show_route(m12_node()).splitlines()
    assert "No       Manual    256  0.0.0.0/0" + " " * 18 + "11  192.168.23.1" in lines
    assert "No       System    256  192.168.23.0/24" + " " * 12 + "11  Local Area Connection" in lines


def test_M14_binding_order_does_not_change_routing_on_2008():
    # Equal metrics on purpose: binding order would break this tie on 2003 (M5), not on 2008.
    a = nic("a", "192.168.1.10/24", [("192.168.1.1", None)])
    b = nic("b", "192.168.2.10/24", [("192.168.2.1", None)])
    for dst in ("8.8.8.8", "192.168.2.77"):
        choices = [
            select_route(host(interfaces=(a, b), binding_order=order), A(dst)) for order in (("a", "b"), ("b", "a"))
        ]
        assert choices[0] == choices[1]
        assert choices[0].tie_broken_by is None
    assert select_route(host(interfaces=(a, b)), A("8.8.8.8")).tie  # still reported as a tie
