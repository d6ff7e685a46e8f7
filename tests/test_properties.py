"""Properties the model must keep for any input (hypothesis)."""

import os
import subprocess
import sys
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from hypothesis import event, given, settings
from hypothesis import strategies as st

from labkit.model import PROFILES, Disposition, Gateway, Interface, Network, Node, Route, profile, select_route, trace
from labkit.model.routes import effective_metric

VISTA_PLUS = [name for name, p in PROFILES.items() if p.host_model_configurable]

prefixes = st.integers(min_value=0, max_value=32)
addresses = st.integers(min_value=0x0A000000, max_value=0x0AFFFFFF).map(IPv4Address)
FEW_NETWORKS = [IPv4Network("0.0.0.0/0"), IPv4Network("10.0.0.0/8"), IPv4Network("10.1.0.0/16")]


@st.composite
def routed_hosts(draw):
    """A host with two NICs (own subnets) and a handful of static routes via their routers."""
    os = profile(draw(st.sampled_from(VISTA_PLUS)))
    nics = (
        Interface(
            "a", "NIC A", "sa", (IPv4Interface("192.168.1.10/24"),), speed=draw(st.sampled_from([10, 100, 1000, 10000]))
        ),
        Interface(
            "b",
            "NIC B",
            "sb",
            (IPv4Interface("192.168.2.10/24"),),
            metric=draw(st.one_of(st.none(), st.integers(1, 500))),
        ),
    )
    routes = []
    for _ in range(draw(st.integers(1, 6))):
        # Destinations and metrics from small sets too, so that equal routes (ties) really occur.
        net = draw(
            st.one_of(
                st.sampled_from(FEW_NETWORKS),
                st.builds(lambda a, p: IPv4Network((int(a), p), strict=False), addresses, prefixes),
            )
        )
        key = draw(st.sampled_from("ab"))
        subnet = "192.168.1" if key == "a" else "192.168.2"
        metric = draw(st.one_of(st.sampled_from([1, 5, 10]), st.integers(1, 9999)))
        routes.append(Route(net, IPv4Address(f"{subnet}.1"), key, metric))
        if draw(st.booleans()):  # the same route through the NIC's second router: a tie, or a standby gateway
            routes.append(Route(net, IPv4Address(f"{subnet}.2"), key, metric))
    return Node("h", os, nics, tuple(routes))


def listing_order_outcome(node: Node, rnd, dst: IPv4Address) -> str:
    """The same route choice whatever order the routes are listed in, checked; returns the branch taken."""
    shuffled = list(node.routes)
    rnd.shuffle(shuffled)
    first = select_route(node, dst)
    second = select_route(replace(node, routes=tuple(shuffled)), dst)
    best = lambda c: {x.route for x in (c.winner, *c.tie) if x is not None}  # noqa: E731
    assert best(first) == best(second)
    if first.tie:
        return "tie"
    assert first.winner == second.winner or first.winner.route == second.winner.route
    return "no tie"


@settings(max_examples=150, deadline=None)
@given(routed_hosts(), st.randoms(use_true_random=False), addresses)
def test_route_listing_order_does_not_change_the_result(node, rnd, dst):
    event(listing_order_outcome(node, rnd, dst))


@settings(max_examples=150, deadline=None)
@given(routed_hosts(), addresses)
def test_a_longer_prefix_always_beats_a_lower_metric(node, dst):
    matching = [r for r in node.route_table if dst in r.destination]  # computed apart from select_route
    choice = select_route(node, dst)
    if not matching:
        assert choice.winner is None
        return
    longest = max(r.destination.prefixlen for r in matching)
    assert choice.winner.route.destination.prefixlen == longest
    lowest = min(effective_metric(node, r) for r in matching if r.destination.prefixlen == longest)
    assert choice.winner.metric == lowest


@given(st.sampled_from(sorted(PROFILES)), st.floats(0.01, 200_000), st.floats(0.01, 200_000))
def test_a_faster_link_never_gets_a_higher_automatic_metric(name, s1, s2):
    os = profile(name)
    slow, fast = sorted((s1, s2))
    assert os.automatic_metric(fast) <= os.automatic_metric(slow)


def multihomed(n_nics: int, weak: bool, os="windows-2008r2"):
    """Host H with one NIC per segment; on each segment a sender that uses H as its gateway."""
    nics = tuple(
        Interface(f"n{i}", f"NIC {i}", f"s{i}", (IPv4Interface(f"10.{i}.0.10/24"),), weakhostreceive=weak)
        for i in range(n_nics)
    )
    nodes = [Node("H", profile(os), nics)]
    for i in range(n_nics):
        sender_routes = tuple(
            Route(IPv4Network(f"10.{j}.0.10/32"), IPv4Address(f"10.{i}.0.10"), "lan", 1)
            for j in range(n_nics)
            if j != i
        )
        nodes.append(
            Node(
                f"S{i}",
                profile("windows-2008r2"),
                (Interface("lan", "lan", f"s{i}", (IPv4Interface(f"10.{i}.0.50/24"),)),),
                sender_routes,
            )
        )
    return Network(tuple(nodes))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.booleans(), st.data())
def test_a_weak_host_accepts_its_addresses_on_any_interface_a_strong_one_only_on_the_owner(n, weak, data):
    net = multihomed(n, weak=weak)
    i = data.draw(st.integers(0, n - 1), label="sender's segment")
    j = data.draw(st.integers(0, n - 1), label="addressed NIC")
    result = trace(net, f"S{i}", f"10.{j}.0.10")
    if weak or i == j:
        assert result.accepted and result.last_hop.in_iface == f"n{i}"
    else:
        assert result.disposition is Disposition.STRONG_RECEIVE_DROPPED


def two_nic_server(os, weak_nlb: bool, forwarding: bool):
    nlb = Interface(
        "nlb", "NLB NIC", "s1", (IPv4Interface("10.10.0.21/24"),), weakhostsend=weak_nlb, forwarding=forwarding
    )
    mgmt = Interface("mgmt", "Mgmt NIC", "s2", (IPv4Interface("10.20.0.21/24"),), (Gateway(IPv4Address("10.20.0.1")),))
    return Node("H", profile(os), (nlb, mgmt))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(VISTA_PLUS), st.booleans(), st.booleans(), addresses)
def test_strong_host_send_never_leaves_by_a_nic_that_does_not_own_the_source(os, weak, fwd, dst):
    h = two_nic_server(os, weak, fwd)
    router = Node(
        "R",
        profile("linux"),
        (
            Interface("a", "a", "s1", (IPv4Interface("10.10.0.1/24"),), forwarding=True),
            Interface("b", "b", "s2", (IPv4Interface("10.20.0.1/24"),), forwarding=True),
        ),
    )
    result = trace(Network((h, router)), "H", dst, src="10.10.0.21")
    first = result.hops[0]
    if first.out_iface is not None and first.out_iface != "nlb":
        assert weak or fwd
    if not (weak or fwd) and IPv4Address(dst) not in IPv4Network("10.10.0.0/24"):
        assert result.disposition is Disposition.STRONG_SEND_BLOCKED


def test_traces_are_the_same_in_every_process():
    """No hash seed, dict order or clock leaks into a trace (nbval compares them as text)."""
    code = (
        "import labkit; net = labkit.load_scenario('nlb-inconsistent-nodes');"
        "print('\\n'.join(str(labkit.trace(net, pc, '10.10.0.100', reply=True)) "
        "for pc in ('pc1', 'pc2', 'pc3', 'pc4')))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and "STRONG_SEND_BLOCKED" in outputs.pop()
