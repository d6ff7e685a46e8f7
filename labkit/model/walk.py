"""The walk: follow one packet from the node that sends it, hop by hop, to where it ends
(routing, host model, layer 2 and NLB, dead gateway detection)."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from .flow import Protocol
from .host import Interface, Node, Role
from .host_rules import forwarding_credit, weakness
from .middlebox import Conntrack
from .middlebox_pass import conntrack_in, filter_packet, local_out, remember, source_nat
from .network import Network
from .nlb_cluster import NlbAffinity
from .remedies import forwarding_remedy, loop_remedies, no_route_remedies, strong_send_remedies, unreachable_remedies
from .routes import Route, RouteChoice, RouteOrigin, describe_route, gateways_in_order, select_route
from .setting_commands import netsh_set_switch
from .source_selection import select_source
from .steps import (
    AddressHere,
    FailedOver,
    ForwardingEnabled,
    GatewaySkipped,
    HostModelDecision,
    LocalDelivery,
    LoopDrop,
    NlbMemberChoice,
    NoFailoverForProtocol,
    NoOtherGateway,
    NotForwardedDrop,
    OwnGateway,
    Received,
    RouteChosen,
    SourceChosen,
    StrongReceiveDrop,
    Transmitted,
    WeakReceive,
)
from .trace import Disposition, Hop, Packet, Remedy, Step, Trace
from .walk_state import NO_SOURCE, Walk

MAX_HOPS = 32


def walk_from(
    net: Network,
    node: Node,
    dst: IPv4Address,
    src: IPv4Address | None,
    proto: str,
    sport: int | None,
    dport: int | None,
    state: Conntrack,
) -> Trace:
    walk = Walk(net, Packet(src or NO_SOURCE, dst, proto, sport, dport), state)
    steps: list[Step] = []
    if node.owns(dst):
        walk.packet = replace(walk.packet, src=src or dst)
        owner = node.owner_of(dst)
        walk.hops.append(Hop(node.name, None, None, (Step(LocalDelivery(dst, owner.label)),)))
        return walk.end(Disposition.ACCEPTED, f"{dst} is {node.name}'s own address")

    if src is not None:
        owner = node.owner_of(src)
        weak = weakness(node, owner, "send")
        if weak:
            choice = select_route(node, dst)
            steps.append(Step(HostModelDecision(src, owner.label, weak)))
        else:
            choice = select_route(node, dst, only_interface=owner.key)
            steps.append(Step(HostModelDecision(src, owner.label, None)))
        steps.append(Step(RouteChosen(choice, choice.why(node))))
        if choice.winner is None:
            walk.hops.append(Hop(node.name, None, None, tuple(steps)))
            full = select_route(node, dst) if not weak else choice
            if full.winner is None:
                return walk.end(
                    Disposition.NO_ROUTE, f"{node.name} has no route to {dst}", no_route_remedies(net, node, dst)
                )
            other = node.interface(full.winner.route.interface)
            return walk.end(
                Disposition.STRONG_SEND_BLOCKED,
                f'{node.name} has a route to {dst} only via "{other.label}", which does not own the '
                f'source {src} ("{owner.label}" does); strong host send forbids it',
                strong_send_remedies(net, node, owner, dst),
            )
    else:
        choice = select_route(node, dst)
        steps.append(Step(RouteChosen(choice, choice.why(node))))
        if choice.winner is None:
            walk.hops.append(Hop(node.name, None, None, tuple(steps)))
            return walk.end(
                Disposition.NO_ROUTE, f"{node.name} has no route to {dst}", no_route_remedies(net, node, dst)
            )
        route = choice.winner.route
        picked = select_source(node, route.interface, route.next_hop(dst), dst)
        src = picked.address
        cluster = net.cluster_for(src)
        steps.append(Step(SourceChosen(picked, cluster.name if cluster is not None else None)))
        owner = node.owner_of(src)
        walk.packet = replace(walk.packet, src=src)

    walk.origin = walk.packet
    denied = local_out(walk, node, choice.winner.route.interface, steps)
    if denied is not None:
        return denied
    walk.note_choice(node, choice)
    route = choice.winner.route
    if route.interface != owner.key:
        weak = weakness(node, owner, "send")
        if weak and weak.credit:
            walk.relied_on.append(weak.credit)
    return _leave(walk, node, None, choice, steps, owner)


def _credit_static(walk: Walk, node: Node, route: Route) -> None:
    if route.origin is RouteOrigin.STATIC and node.role is Role.HOST:
        walk.relied_on.append(f"the static route {describe_route(node, route)} on {node.name}")


def _leave(
    walk: Walk, node: Node, in_key: str | None, choice: RouteChoice, steps: list[Step], owner: Interface | None
) -> Trace:
    """Send the packet out by the chosen route (with dead gateway failover) and follow it.

    `owner` is the interface owning a locally sourced packet's address (None when forwarding).
    """
    net, packet = walk.net, walk.packet
    route = choice.winner.route
    reached = _neighbor(net, node, route, packet)
    suffix = ""
    if (
        isinstance(reached, str)
        and owner is not None
        and node.dead_gateway_detection
        and route in [c.route for c in gateways_in_order(choice)]
    ):
        reached, route, suffix = _dead_gateway(walk, node, choice, route, owner, reached, steps)
    _credit_static(walk, node, route)
    if isinstance(reached, str):
        walk.hops.append(Hop(node.name, in_key, route.interface, tuple(steps)))
        return walk.end(
            Disposition.NEIGHBOR_UNREACHABLE, reached + suffix, unreachable_remedies(net, node, route, packet)
        )
    next_node, next_iface, hop, own_gateway, nlb = reached
    out = node.interface(route.interface)
    steps.append(Step(Transmitted(out.label, hop, next_node.name, out.segment, own_gateway, nlb)))
    walk.hops.append(Hop(node.name, in_key, route.interface, tuple(steps)))
    if len(walk.hops) > MAX_HOPS:
        return walk.end(Disposition.LOOP, f"more than {MAX_HOPS} hops", loop_remedies(walk.hops, walk.packet.dst))
    return _arrive(walk, next_node, next_iface, hop)


def _neighbor(net: Network, node: Node, route: Route, packet: Packet):
    """(node, interface, next hop, own gateway, NLB member choice) that takes the frame, or why nobody does."""
    out = node.interface(route.interface)
    hop = route.next_hop(packet.dst)
    own_gateway = None
    if node.owns(hop) and hop != packet.dst:
        hop, own_gateway = packet.dst, OwnGateway(route.gateway, node.name)
    if out.is_loopback_adapter:
        return f'"{out.label}" is a loopback adapter: it has no wire, so {hop} cannot be reached through it'
    holders = net.holders(out.segment, hop)
    if not holders:
        return f"nothing on segment {out.segment} holds {hop}: no ARP reply"
    cluster = net.cluster_for(hop)
    if len(holders) > 1 and cluster is not None:
        held = {(n.name, i.key): (n, i) for n, i in holders}
        live = tuple(m for m in cluster.members if m in held and not held[m][0].down)
        if not live:
            return f"every member of NLB cluster {cluster.name} ({hop}) is down"
        member = cluster.choose(live, packet.src, packet.sport)
        nlb = NlbMemberChoice(
            cluster.name,
            member[0],
            cluster.affinity,
            packet.src,
            None if cluster.affinity is NlbAffinity.SINGLE else packet.sport,
            len(live),
        )
        return (*held[member], hop, own_gateway, nlb)
    target, iface = holders[0]
    if target.down:
        return f"{hop} ({target.name}) is down: no ARP reply, nothing answers"
    shared = net.shared_unicast_mac((node.name, out.key), (target.name, iface.key))
    if shared is not None:
        return (
            f'NLB cluster {shared.name} runs in unicast mode: "{out.label}" of {node.name} and '
            f'"{iface.label}" of {target.name} both carry the cluster MAC {shared.mac}, so {hop} '
            f"resolves to {node.name}'s own MAC and the frame never reaches {target.name} (in unicast "
            "mode cluster hosts cannot talk to each other over the cluster NIC)"
        )
    return target, iface, hop, own_gateway, None


def _dead_gateway(
    walk: Walk, node: Node, choice: RouteChoice, route: Route, owner: Interface, failure: str, steps: list[Step]
):
    """Dead gateway detection: TCP moves on to the next default gateway; UDP/ICMP never do.

    Returns (what was reached or why not, the route finally used, a reason suffix).
    """
    packet = walk.packet
    gateways = [c.route for c in gateways_in_order(choice)]
    if packet.proto != Protocol.TCP:
        if len(gateways) > 1:
            steps.append(Step(NoFailoverForProtocol(failure, packet.proto, node.name, route.gateway)))
            return (
                failure,
                route,
                (f"; {packet.proto.upper()} never triggers dead gateway detection, so no other gateway is tried"),
            )
        return failure, route, ""
    if len(gateways) < 2:
        steps.append(Step(NoOtherGateway(failure)))
        return failure, route, ""
    start = gateways.index(route)
    weak = weakness(node, owner, "send")
    current, reason, skipped = route, failure, []
    for offset in range(1, len(gateways)):
        nxt = gateways[(start + offset) % len(gateways)]
        if not (weak or nxt.interface == owner.key):
            steps.append(Step(GatewaySkipped(reason, nxt.gateway, node.interface(nxt.interface).label, packet.src)))
            skipped.append(nxt)
            continue
        steps.append(Step(FailedOver(reason, nxt.gateway)))
        reached = _neighbor(walk.net, node, nxt, packet)
        current = nxt
        if not isinstance(reached, str):
            walk.relied_on.append(f"dead gateway detection on {node.name} (TCP) moving to {nxt.gateway}")
            if nxt.interface != owner.key and weak and weak.credit:
                walk.relied_on.append(weak.credit)
            return reached, nxt, ""
        reason = reached
    if skipped:
        unusable = ", ".join(str(r.gateway) for r in skipped)
        return (
            (
                f"every default gateway {node.name} may use for source {packet.src} is unreachable "
                f"(last: {reason}); {unusable} could not carry it under strong host send"
            ),
            current,
            "",
        )
    return f"every default gateway of {node.name} is unreachable (last: {reason})", current, ""


def _arrive(walk: Walk, node: Node, iface: Interface, hop: IPv4Address) -> Trace:
    net = walk.net
    steps = [Step(Received(iface.label))]
    arrived = walk.packet
    known = related = balanced = False
    if node.tracks_connections:
        known, related, balanced = conntrack_in(walk, node, iface, steps)
    packet = walk.packet
    dst = packet.dst
    other = node.owner_of(dst)
    if other is not None:
        if other is not iface:
            weak = weakness(node, iface, "receive")
            if not weak:
                steps.append(Step(StrongReceiveDrop(dst, other.label, iface.label)))
                walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
                return walk.end(
                    Disposition.STRONG_RECEIVE_DROPPED,
                    f'{node.name} dropped a packet for {dst} that arrived on "{iface.label}" '
                    f'instead of "{other.label}" (strong host receive)',
                    (
                        Remedy(
                            f'enable weakhostreceive on "{iface.label}" of {node.name}',
                            (netsh_set_switch(iface, "weakhostreceive", True),),
                            node.name,
                        ),
                        forwarding_remedy(node, iface),
                    ),
                )
        denied = filter_packet(walk, node, "in", iface.key, None, known, related, steps)
        if denied is not None:
            return denied
        if node.tracks_connections:
            source_nat(walk, node, None, arrived, balanced, steps)
        remember(walk, node, iface, arrived, known, related)
        if other is iface:
            steps.append(Step(AddressHere(dst, iface.label)))
            walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
            return walk.end(Disposition.ACCEPTED, f'delivered to {node.name} on "{iface.label}"')
        steps.append(Step(WeakReceive(dst, other.label, iface.label, weak)))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        if weak.credit:
            walk.relied_on.append(weak.credit)
        return walk.end(
            Disposition.ACCEPTED, f'delivered to {node.name} on "{iface.label}" for "{other.label}"\'s address'
        )
    if not iface.forwarding:
        steps.append(Step(NotForwardedDrop(dst, node.name, iface.label)))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(
            Disposition.NOT_FORWARDED,
            f'{node.name} does not route: forwarding is disabled on "{iface.label}"',
            (forwarding_remedy(node, iface),),
        )
    if any(h.node == node.name and h.in_iface == iface.key for h in walk.hops):
        steps.append(Step(LoopDrop(node.name)))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(
            Disposition.LOOP,
            f"the packet for {dst} came back to {node.name}",
            loop_remedies(walk.hops, walk.packet.dst),
        )
    choice = select_route(node, dst)
    steps.append(Step(ForwardingEnabled(iface.label)))
    steps.append(Step(RouteChosen(choice, choice.why(node))))
    credit = forwarding_credit(node, iface)
    if credit:
        walk.relied_on.append(credit)
    if choice.winner is None:
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}", no_route_remedies(net, node, dst))
    out_key = choice.winner.route.interface
    denied = filter_packet(walk, node, "forward", iface.key, out_key, known, related, steps)
    if denied is not None:
        return denied
    if node.tracks_connections:
        source_nat(walk, node, None if known else out_key, arrived, balanced, steps)
    remember(walk, node, iface, arrived, known, related)
    walk.note_choice(node, choice)
    return _leave(walk, node, iface.key, choice, steps, None)
