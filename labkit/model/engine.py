"""The packet engine: follow one packet from the node that sends it to where it ends.

Rules (docs/model-rules.md has the sources and the contested points):
- send, source not given: look up the whole table, then pick the source (KB 969029);
- send, source fixed (bound socket, a reply): strong host send limits the lookup to
  routes on the interface owning the source, unless that interface sends weakly
  (weakhostsend or forwarding enabled there: the source owner's flag counts);
- receive on R for an address of another interface: needs weakhostreceive or
  forwarding on R; for an address the node does not own: needs forwarding on R;
- layer 2: the next hop must be held by a live node on the outgoing interface's
  segment; an NLB cluster IP is answered by exactly one member per flow; in unicast
  mode a member cannot reach another member over the cluster NIC (one shared MAC);
- dead gateway detection moves TCP connections to the next default gateway;
  UDP and ICMP never switch.
Every remedy a failed trace offers has been tried on a copy of the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Network

from .addressing import common_prefix_length, parse_ipv4
from .commands import (CommandError, apply_command, forwarding_command, netsh_add_route,
                       netsh_set_switch, route_exe_add, skip_as_source_commands)
from .host import Interface, Node, Role
from .network import ClusterMode, Network, cluster_mac
from .routes import Route, RouteChoice, RouteOrigin, describe_route, gateways_in_order, select_route
from .middlebox import Conntrack, Session, in_range, reverse, show_four
from .trace import Action, Disposition, Hop, Packet, Remedy, Step, Trace
from .flow import EPHEMERAL_PORT, PROTOCOLS, Flow, FlowError  # noqa: F401 - re-exported
from ..errors import LabkitError

MAX_HOPS = 32
NO_SOURCE = IPv4Address("0.0.0.0")


class TraceError(LabkitError, ValueError):
    """The question cannot be asked (unknown node, a source the node does not own, ...)."""


@dataclass(frozen=True)
class _Weakness:
    """Why an interface sends or receives weakly, and what to credit when that made it work."""

    why: str
    credit: str | None


def _weakness(node: Node, iface: Interface, direction: str) -> _Weakness | None:
    """None when `iface` is strong in this direction ('send' or 'receive')."""
    if node.role is Role.ROUTER:
        return _Weakness(f"{node.name} is a router", None)
    if not node.os.host_model_configurable and node.os.weak_host:
        return _Weakness(f"{node.os.display} always uses the weak host model",
                         f"the weak host model of {node.os.display} on {node.name}")
    switch = f"weakhost{direction}"
    if getattr(iface, switch):
        return _Weakness(f'{switch} is enabled on "{iface.label}"', f'{switch} on "{iface.label}" of {node.name}')
    if iface.forwarding:
        return _Weakness(f'forwarding is enabled on "{iface.label}"', _forwarding_credit(node, iface))
    return None


def _forwarding_credit(node: Node, iface: Interface) -> str | None:
    if node.role is Role.ROUTER:
        return None
    if not node.os.forwarding_per_interface:
        return f"IPEnableRouter on {node.name}"
    return f'forwarding on "{iface.label}" of {node.name}'


@dataclass
class _Walk:
    """The trace being built (private, mutable while one trace runs)."""

    net: Network
    packet: Packet
    state: Conntrack
    origin: Packet | None = None
    """The packet as its sender sent it (before any NAT)."""
    hops: list[Hop] = field(default_factory=list)
    relied_on: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    pending_source: tuple | None = None
    """(address, port, why): a source translation this node applies on the way out."""

    def note_choice(self, node: Node, choice: RouteChoice) -> None:
        if choice.tie and not choice.tie_broken_by:
            self.ties.append(f"{node.name} picked {describe_route(node, choice.winner.route)} from an "
                             "undefined tie; Windows may pick the other route, with another outcome")

    def end(self, disposition: Disposition, reason: str, remedies=()) -> Trace:
        p = self.origin or self.packet
        accepted = disposition is Disposition.ACCEPTED
        relied = self.relied_on + self.ties if accepted else []
        remedies = list(remedies) + ([] if accepted else [Remedy(t) for t in self.ties])
        return Trace(p.proto, p.src, p.dst, p.sport, p.dport, tuple(self.hops), disposition, reason,
                     tuple(remedies), tuple(dict.fromkeys(relied)), delivered=self.packet, state=self.state)


def trace(net: Network, start: str | Flow, dst: IPv4Address | str | None = None, *,
          src: IPv4Address | str | None = None, proto: str = "tcp", dport: int | None = None,
          sport: int | None = None, reply: bool = False, state: Conntrack | None = None) -> Trace:
    """Trace one packet from node `start` to `dst`; with reply=True, also the answer.
    `trace(net, flow)` asks the same of a `Flow` (its `reply` says whether the answer is traced).

    `src` fixes the source address (as a bound socket or `ping -S` does). `state` is the
    connection tracking left by earlier packets (a previous trace's `.state`); the result's
    `.state` includes this packet's connection.
    """
    if isinstance(start, Flow):
        if (dst, src, proto, dport, sport, reply) != (None, None, "tcp", None, None, False):
            raise TraceError("give trace() a Flow or the flow's parts, not both")
        flow = start
    else:
        try:
            flow = Flow(start, dst, src, proto, sport, dport, reply)
        except FlowError as err:
            raise TraceError(str(err)) from None
    start = flow.source
    dst = _unicast(net, _destination(net, flow.destination), "destination")
    if not net.has_node(start):
        raise TraceError(f"no node {start!r} (nodes: {', '.join(n.name for n in net.nodes)})")
    node = net.node(start)
    src = flow.src
    if src is not None:
        src = _unicast(net, src, "source")
        if not node.owns(src):
            raise TraceError(f"{src} is not an address of {start} (its addresses: "
                             f"{', '.join(str(a.ip) for a in node.addresses)})")
    if node.down:
        raise TraceError(f"{start} is marked down: it sends nothing")
    sport, dport = flow.ports
    question = (start, dst, src, flow.proto, sport, dport, state or Conntrack())
    return _with_reply(net, question) if flow.reply else _solve(net, *question)


def _destination(net: Network, typed: str) -> str | IPv4Address:
    """A flow's destination as typed: an address, or a node's name (its first address)."""
    if not any(c == "." for c in typed) and net.has_node(typed) and net.node(typed).addresses:
        return net.node(typed).addresses[0].ip
    return typed


def _unicast(net: Network, value, what: str) -> IPv4Address:
    try:
        address = parse_ipv4(value, what)
    except ValueError as err:
        raise TraceError(str(err)) from None
    problem = unicast_problem(net, address)
    if problem:
        raise TraceError(f"{what} {address} {problem}; labkit traces unicast packets")
    return address


def unicast_problem(net: Network, address: IPv4Address) -> str | None:
    """Why a packet cannot be sent to `address` in `net` ("is not a unicast address", "is the
    network address of 10.10.0.0/24", ...), or None when it can."""
    if address.is_multicast or address.is_loopback or address.is_unspecified or \
            address == IPv4Address("255.255.255.255"):
        return "is not a unicast address"
    special = net.subnet_edges.get(address)
    return f"is {special}" if special else None


def _solve(net: Network, start: str, dst, src, proto, sport, dport, state: Conntrack) -> Trace:
    """One direction, with its remedies tried out."""
    def rerun(changed: Network) -> Trace:
        return _run(changed, changed.node(start), dst, src, proto, sport, dport, state)

    result = rerun(net)
    if result.accepted or not result.remedies:
        return result
    return replace(result, remedies=_checked(net, result, rerun, lambda t: t.accepted))


def _with_reply(net: Network, question) -> Trace:
    request = _request_and_reply(net, question)
    back = request.reply
    if back is None or back.succeeded or not back.remedies:
        return request

    def rerun(changed: Network) -> Trace | None:
        return _request_and_reply(changed, question).reply

    # A fix for the reply counts only if the request still works and the answer reaches its sender.
    checked = _checked(net, back, rerun, lambda t: t is not None and t.succeeded)
    return replace(request, reply=replace(back, remedies=checked))


def _request_and_reply(net: Network, question) -> Trace:
    """The request (its remedies tried) and the raw reply, with the NLB source pitfall spelled out."""
    start = question[0]
    request = _solve(net, *question)
    if not request.accepted:
        return replace(request, reply=None)
    responder = request.last_hop.node
    seen = request.delivered
    back = _run(net, net.node(responder), seen.src, seen.dst, seen.proto, seen.dport, seen.sport,
                request.state)
    cluster_fix = _cluster_source_remedies(net, start, request.src)
    if back.accepted and back.last_hop.node != start:
        back = replace(back, expected_at=start, relied_on=(), remedies=tuple(cluster_fix),
                       reason=f"the reply reached {back.last_hop.node}, not {start} which sent the request: "
                              f"{back.last_hop.node} has no such connection and discards it (TCP answers "
                              "with a reset), so the exchange fails")
    elif back.accepted and cluster_fix:
        back = replace(back, relied_on=back.relied_on + (
            f"luck: NLB's hash handed the reply for cluster IP {request.src} to {start}; a peer that "
            "hashes to another member gets no answer",))
    elif not back.accepted:
        back = replace(back, remedies=back.remedies + tuple(cluster_fix))
    return replace(request, reply=back)


def _cluster_source_remedies(net: Network, start: str, source: IPv4Address) -> list[Remedy]:
    """When a node's own connection uses an NLB cluster IP as its source: how to stop that."""
    if net.cluster_for(source) is None:
        return []
    node = net.node(start)
    owner = node.owner_of(source)
    if not node.os.ranked_source_selection:
        return [Remedy(f'list the dedicated address first on "{owner.label}" of {start}: '
                       f"{node.os.display} sources from a NIC's first address")]
    cluster_ips = [a.ip for a in owner.addresses if net.cluster_for(a.ip) and a.ip not in owner.skip_as_source]
    return [Remedy(f"stop {start} from using the NLB cluster IP(s) {', '.join(map(str, cluster_ips))} as a "
                   f'source: re-add them with skipassource on "{owner.label}" '
                   f"({SKIP_AS_SOURCE_SUPPORT.get(node.os.name, SKIP_AS_SOURCE_BUILT_IN)})",
                   (skip_as_source_commands(owner, cluster_ips),), start),
            Remedy(f"make the application on {start} bind to its dedicated address")]


SKIP_AS_SOURCE_SUPPORT = {
    "windows-2008": "netsh accepts skipassource on 2008 SP2 with the KB 975808 hotfix",
    "windows-2008r2": "netsh accepts skipassource on 2008 R2 SP1, or RTM with the KB 2386184 hotfix",
}
"""Where skipassource needs a service pack or hotfix (KB 975808; the MIB_UNICASTIPADDRESS_ROW
documentation names KB 2386184 and SP1 for 2008 R2)."""
SKIP_AS_SOURCE_BUILT_IN = "built in; PowerShell: Set-NetIPAddress -SkipAsSource $true"


def _checked(net: Network, result: Trace, rerun, fixed) -> tuple[Remedy, ...]:
    """Keep the remedies whose commands work when tried on a copy of the network.

    Equivalent route suggestions (one per usable router) are cut to the first that works.
    Where none fixes it, the ones that change the outcome are kept, saying what then happens.
    Remedies without a command (bring a node up, bind an application) are kept as advice.
    """
    working, further, kept_route, tried = [], [], False, []
    for remedy in result.remedies:
        if not (remedy.node and remedy.commands):
            working.append(remedy)
            continue
        is_route = remedy.commands[0].startswith("route ")
        if is_route and kept_route:
            continue
        try:
            changed, _ = apply_command(net, remedy.node, remedy.commands[0])
        except CommandError:
            continue
        tried.append((remedy, changed))
        after = rerun(changed)
        if fixed(after):
            working.append(remedy)
            kept_route = kept_route or is_route
        elif after is not None and (after.disposition, after.last_hop.node, after.expected_at) != \
                (result.disposition, result.last_hop.node, result.expected_at):
            outcome = "ACCEPTED by the wrong node" if after.expected_at else after.disposition.value
            further.append(replace(remedy, text=f"{remedy.text} (not enough alone: then {outcome} "
                                                f"at {after.last_hop.node})"))
    if any(r.commands for r in working):
        return tuple(working)
    return tuple(_pairs_that_work(tried, rerun, fixed) + further + working)


def _pairs_that_work(tried, rerun, fixed) -> list[Remedy]:
    """When no single change fixes it, two together may (e.g. a route on one node and
    skipassource on another)."""
    found = []
    for i, (first, _) in enumerate(tried):
        for second, _ in tried[i + 1:]:
            if first.node == second.node and first.commands[0].startswith("route ") and \
                    second.commands[0].startswith("route "):
                continue
            try:
                changed, _ = apply_command(tried[i][1], second.node, second.commands[0])
            except CommandError:
                continue
            if fixed(rerun(changed)):
                found.append(Remedy(f"{first} together with {second}"))
    return found


def _run(net: Network, node: Node, dst: IPv4Address, src: IPv4Address | None, proto: str,
         sport: int | None, dport: int | None, state: Conntrack) -> Trace:
    walk = _Walk(net, Packet(src or NO_SOURCE, dst, proto, sport, dport), state)
    steps: list[Step] = []
    if node.owns(dst):
        walk.packet = replace(walk.packet, src=src or dst)
        owner = node.owner_of(dst)
        walk.hops.append(Hop(node.name, None, None, (
            Step(Action.ACCEPTED, f'{dst} is an address of this node ("{owner.label}"): '
                                  "delivered through the loopback interface, never on the wire"),)))
        return walk.end(Disposition.ACCEPTED, f"{dst} is {node.name}'s own address")

    if src is not None:
        owner = node.owner_of(src)
        weak = _weakness(node, owner, "send")
        if weak:
            choice = select_route(node, dst)
            steps.append(Step(Action.HOST_MODEL, f'source {src} belongs to "{owner.label}"; {weak.why}, '
                                                 "so the whole route table may be used"))
        else:
            choice = select_route(node, dst, only_interface=owner.key)
            steps.append(Step(Action.HOST_MODEL, f'source {src} belongs to "{owner.label}"; strong host '
                                                 f'send: only routes on "{owner.label}" may carry it'))
        steps.append(Step(Action.ROUTED, choice.why(node), choice))
        if choice.winner is None:
            walk.hops.append(Hop(node.name, None, None, tuple(steps)))
            full = select_route(node, dst) if not weak else choice
            if full.winner is None:
                return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                                _no_route_remedies(net, node, dst))
            other = node.interface(full.winner.route.interface)
            return walk.end(
                Disposition.STRONG_SEND_BLOCKED,
                f'{node.name} has a route to {dst} only via "{other.label}", which does not own the '
                f'source {src} ("{owner.label}" does); strong host send forbids it',
                _strong_send_remedies(net, node, owner, dst))
    else:
        choice = select_route(node, dst)
        steps.append(Step(Action.ROUTED, choice.why(node), choice))
        if choice.winner is None:
            walk.hops.append(Hop(node.name, None, None, tuple(steps)))
            return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                            _no_route_remedies(net, node, dst))
        route = choice.winner.route
        src, rule = choose_source(node, route.interface, route.next_hop(dst), dst)
        cluster = net.cluster_for(src)
        if cluster is not None:
            rule += (f"; note: {src} is the IP of NLB cluster {cluster.name}, so answers go to "
                     "whichever member NLB picks")
        steps.append(Step(Action.SOURCE, f"{src} ({rule})"))
        owner = node.owner_of(src)
        walk.packet = replace(walk.packet, src=src)

    walk.origin = walk.packet
    denied = _local_out(walk, node, choice.winner.route.interface, steps)
    if denied is not None:
        return denied
    walk.note_choice(node, choice)
    route = choice.winner.route
    if route.interface != owner.key:
        weak = _weakness(node, owner, "send")
        if weak and weak.credit:
            walk.relied_on.append(weak.credit)
    return _leave(walk, node, None, choice, steps, owner)


def _credit_static(walk: _Walk, node: Node, route: Route) -> None:
    if route.origin is RouteOrigin.STATIC and node.role is Role.HOST:
        walk.relied_on.append(f"the static route {describe_route(node, route)} on {node.name}")


def _leave(walk: _Walk, node: Node, in_key: str | None, choice: RouteChoice, steps: list[Step],
           owner: Interface | None) -> Trace:
    """Send the packet out by the chosen route (with dead gateway failover) and follow it.

    `owner` is the interface owning a locally sourced packet's address (None when forwarding).
    """
    net, packet = walk.net, walk.packet
    route = choice.winner.route
    reached = _neighbor(net, node, route, packet)
    suffix = ""
    if isinstance(reached, str) and owner is not None and node.dead_gateway_detection and \
            route in [c.route for c in gateways_in_order(choice)]:
        reached, route, suffix = _dead_gateway(walk, node, choice, route, owner, reached, steps)
    _credit_static(walk, node, route)
    if isinstance(reached, str):
        walk.hops.append(Hop(node.name, in_key, route.interface, tuple(steps)))
        return walk.end(Disposition.NEIGHBOR_UNREACHABLE, reached + suffix,
                        _unreachable_remedies(net, node, route, packet))
    next_node, next_iface, hop, note = reached
    out = node.interface(route.interface)
    steps.append(Step(Action.TRANSMITTED, f'out "{out.label}" to {hop} ({next_node.name}) on segment '
                                          f"{out.segment}" + (f" ({note})" if note else "")))
    walk.hops.append(Hop(node.name, in_key, route.interface, tuple(steps)))
    if len(walk.hops) > MAX_HOPS:
        return walk.end(Disposition.LOOP, f"more than {MAX_HOPS} hops", _loop_remedies(walk))
    return _arrive(walk, next_node, next_iface, hop)


def _neighbor(net: Network, node: Node, route: Route, packet: Packet):
    """(node, interface, next hop, note) that takes the frame, or why nobody does."""
    out = node.interface(route.interface)
    hop = route.next_hop(packet.dst)
    note = None
    if node.owns(hop) and hop != packet.dst:
        hop, note = packet.dst, f"the gateway {route.gateway} is {node.name}'s own address: treated as on-link"
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
        basis = f"client {packet.src}" if cluster.affinity == "single" else \
            f"client {packet.src} port {packet.sport}"
        nlb = (f"NLB cluster {cluster.name}: member {member[0]} takes this flow (affinity "
               f"{cluster.affinity}, from {basis}; {len(live)} live member(s))")
        return (*held[member], hop, "; ".join(filter(None, (note, nlb))))
    target, iface = holders[0]
    if target.down:
        return f"{hop} ({target.name}) is down: no ARP reply, nothing answers"
    shared = net.shared_unicast_mac((node.name, out.key), (target.name, iface.key))
    if shared is not None:
        return (f'NLB cluster {shared.name} runs in unicast mode: "{out.label}" of {node.name} and '
                f'"{iface.label}" of {target.name} both carry the cluster MAC {shared.mac}, so {hop} '
                f"resolves to {node.name}'s own MAC and the frame never reaches {target.name} (in unicast "
                "mode cluster hosts cannot talk to each other over the cluster NIC)")
    return target, iface, hop, note


def _dead_gateway(walk: _Walk, node: Node, choice: RouteChoice, route: Route, owner: Interface,
                  failure: str, steps: list[Step]):
    """Dead gateway detection: TCP moves on to the next default gateway; UDP/ICMP never do.

    Returns (what was reached or why not, the route finally used, a reason suffix).
    """
    packet = walk.packet
    gateways = [c.route for c in gateways_in_order(choice)]
    if packet.proto != "tcp":
        if len(gateways) > 1:
            steps.append(Step(Action.DEAD_GATEWAY,
                              f"{failure}; {packet.proto.upper()} never triggers dead gateway detection, "
                              f"so {node.name} keeps sending to {route.gateway}"))
            return failure, route, (f"; {packet.proto.upper()} never triggers dead gateway detection, "
                                    "so no other gateway is tried")
        return failure, route, ""
    if len(gateways) < 2:
        steps.append(Step(Action.DEAD_GATEWAY, f"{failure}; no other default gateway to fail over to"))
        return failure, route, ""
    start = gateways.index(route)
    weak = _weakness(node, owner, "send")
    current, reason, skipped = route, failure, []
    for offset in range(1, len(gateways)):
        nxt = gateways[(start + offset) % len(gateways)]
        if not (weak or nxt.interface == owner.key):
            steps.append(Step(Action.DEAD_GATEWAY,
                              f"{reason}; next default gateway {nxt.gateway} is on "
                              f'"{node.interface(nxt.interface).label}", which does not own the '
                              f"connection's source {packet.src} (strong host send): skipped"))
            skipped.append(nxt)
            continue
        steps.append(Step(Action.DEAD_GATEWAY,
                          f"{reason}; after 3 unanswered TCP retransmissions (half of "
                          f"TcpMaxDataRetransmissions = 5) the connection moves to the next "
                          f"default gateway {nxt.gateway}"))
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
        return (f"every default gateway {node.name} may use for source {packet.src} is unreachable "
                f"(last: {reason}); {unusable} could not carry it under strong host send"), current, ""
    return f"every default gateway of {node.name} is unreachable (last: {reason})", current, ""


def _arrive(walk: _Walk, node: Node, iface: Interface, hop: IPv4Address) -> Trace:
    net = walk.net
    steps = [Step(Action.RECEIVED, f'in "{iface.label}"')]
    arrived = walk.packet
    known = related = balanced = False
    if node.tracks_connections:
        known, related, balanced = _conntrack_in(walk, node, iface, steps)
    packet = walk.packet
    dst = packet.dst
    other = node.owner_of(dst)
    if other is not None:
        if other is not iface:
            weak = _weakness(node, iface, "receive")
            if not weak:
                steps.append(Step(Action.DROPPED, f'{dst} belongs to "{other.label}", not "{iface.label}": '
                                                  "strong host receive drops it"))
                walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
                return walk.end(
                    Disposition.STRONG_RECEIVE_DROPPED,
                    f'{node.name} dropped a packet for {dst} that arrived on "{iface.label}" '
                    f'instead of "{other.label}" (strong host receive)',
                    (Remedy(f'enable weakhostreceive on "{iface.label}" of {node.name}',
                            (netsh_set_switch(iface, "weakhostreceive", True),), node.name),
                     _forwarding_remedy(node, iface)))
        denied = _filter(walk, node, "in", iface.key, None, known, related, steps)
        if denied is not None:
            return denied
        if node.tracks_connections:
            _source_nat(walk, node, None, arrived, balanced, steps)
        _remember(walk, node, iface, arrived, known, related)
        if other is iface:
            steps.append(Step(Action.ACCEPTED, f'{dst} is an address of "{iface.label}"'))
            walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
            return walk.end(Disposition.ACCEPTED, f'delivered to {node.name} on "{iface.label}"')
        steps.append(Step(Action.ACCEPTED, f'{dst} belongs to "{other.label}", not "{iface.label}"; '
                                           f"{weak.why}, so it is let in (weak host receive)"))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        if weak.credit:
            walk.relied_on.append(weak.credit)
        return walk.end(Disposition.ACCEPTED,
                        f'delivered to {node.name} on "{iface.label}" for "{other.label}"\'s address')
    if not iface.forwarding:
        steps.append(Step(Action.DROPPED, f'{dst} is not an address of {node.name} and forwarding is '
                                          f'disabled on "{iface.label}"'))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.NOT_FORWARDED,
                        f'{node.name} does not route: forwarding is disabled on "{iface.label}"',
                        (_forwarding_remedy(node, iface),))
    if any(h.node == node.name and h.in_iface == iface.key for h in walk.hops):
        steps.append(Step(Action.DROPPED, f"{node.name} has already forwarded this packet: a routing loop"))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.LOOP, f"the packet for {dst} came back to {node.name}",
                        _loop_remedies(walk))
    choice = select_route(node, dst)
    steps.append(Step(Action.FORWARDED, f'forwarding enabled on "{iface.label}"'))
    steps.append(Step(Action.ROUTED, choice.why(node), choice))
    credit = _forwarding_credit(node, iface)
    if credit:
        walk.relied_on.append(credit)
    if choice.winner is None:
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                        _no_route_remedies(net, node, dst))
    out_key = choice.winner.route.interface
    denied = _filter(walk, node, "forward", iface.key, out_key, known, related, steps)
    if denied is not None:
        return denied
    if node.tracks_connections:
        _source_nat(walk, node, None if known else out_key, arrived, balanced, steps)
    _remember(walk, node, iface, arrived, known, related)
    walk.note_choice(node, choice)
    return _leave(walk, node, iface.key, choice, steps, None)


# --- middleboxes: connection tracking, NAT, filtering --------------------------------------

def _conntrack_in(walk: _Walk, node: Node, iface: Interface, steps: list[Step]) -> tuple[bool, bool, bool]:
    """Translate an arriving packet: (part of a known connection, RELATED, sent to a backend)."""
    p = walk.packet
    walk.pending_source = None
    found = walk.state.find(node.name, p.proto, p.four)
    if found:
        # Like netfilter: the destination is restored before routing and filtering, the
        # source only on the way out.
        session, way = found
        src, sport, dst, dport = session.translated if way == "original" else reverse(session.original)
        what = "the reply of" if way == "reply" else "part of"
        if (dst, dport) != (p.dst, p.dport):
            new = (p.src, p.sport, dst, dport)
            steps.append(Step(Action.NAT, f"{show_four(p.four)} → {show_four(new)} ({what} a tracked connection)"))
            walk.packet = p.with_four(new)
        if (src, sport) != (p.src, p.sport):
            walk.pending_source = (src, sport, f"{what} a tracked connection")
        return True, False, False
    expectation = walk.state.expected(node.name, p.proto, p.four)
    if expectation:
        new = (p.src, p.sport, *expectation.to)
        walk.state = walk.state.without(expectation)
        text = f"RELATED: a data connection the FTP helper expects ({expectation.why})"
        if new != p.four:
            text += f"; {show_four(p.four)} → {show_four(new)}"
        steps.append(Step(Action.HELPER, text))
        walk.packet = p.with_four(new)
        if expectation.snat_to is not None:
            walk.pending_source = (expectation.snat_to, p.sport,
                                   "source NAT follows the FTP control connection")
        return False, True, False
    lb = node.load_balancer
    if lb is not None and lb.balances(p.dst, p.dport):
        backend = lb.backend_for(p.src, p.sport)
        basis = f"client {p.src}" + (f" port {p.sport}" if lb.affinity == "none" else "")
        steps.append(Step(Action.BALANCED, f"virtual IP {lb.vip}: backend {backend} takes this connection "
                                           f"(affinity {lb.affinity}, from {basis}); dst {p.dst} → {backend}"))
        walk.packet = replace(p, dst=backend)
        return False, False, True
    for forward in (node.nat.port_forwards if node.nat else ()):
        if forward.interface == iface.key and iface.owns(p.dst) and forward.proto == p.proto \
                and in_range(p.dport, forward.ports):
            new = (p.src, p.sport, forward.to, forward.target(p.dport))
            steps.append(Step(Action.NAT, f'port forward on "{iface.label}": {show_four(p.four)} → '
                                          f"{show_four(new)}"))
            walk.packet = p.with_four(new)
            break
    return False, False, False


def _source_nat(walk: _Walk, node: Node, out_key: str | None, arrived: Packet, balanced: bool,
                steps: list[Step]) -> None:
    """Source translation on the way out: a tracked connection's, or NAT for a new one."""
    p = walk.packet
    new_src, why = None, ""
    if walk.pending_source is not None:
        new_src, sport, why = walk.pending_source
        walk.pending_source = None
        new = (new_src, sport, p.dst, p.dport)
        if new != p.four:
            steps.append(Step(Action.NAT, f"{show_four(p.four)} → {show_four(new)} ({why})"))
            walk.packet = p.with_four(new)
        return
    if out_key is None:
        return
    out = node.interface(out_key)
    if balanced and node.load_balancer.snat:
        new_src, why = node.load_balancer.snat_for(arrived.src, arrived.sport), "load balancer source NAT"
    elif node.nat is not None and out_key in node.nat.masquerade:
        new_src, why = out.addresses[0].ip, f'masquerade on "{out.label}"'
    if new_src is not None and new_src != p.src:
        new = (new_src, p.sport, p.dst, p.dport)
        steps.append(Step(Action.NAT, f"{show_four(p.four)} → {show_four(new)} ({why})"))
        walk.packet = p.with_four(new)


def _remember(walk: _Walk, node: Node, iface: Interface | None, arrived: Packet, known: bool,
              related: bool) -> None:
    if node.tracks_connections and not known:
        walk.state = walk.state.with_session(Session(node.name, arrived.proto, arrived.four, walk.packet.four,
                                                     iface.key if iface else None, related))


def _filter(walk: _Walk, node: Node, direction: str, in_key: str | None, out_key: str | None,
            known: bool, related: bool, steps: list[Step]) -> Trace | None:
    """The firewall's verdict; a DENIED trace, or None when the packet may pass."""
    firewall = node.firewall
    if firewall is None:
        return None
    if firewall.stateful and (known or related):
        steps.append(Step(Action.FIREWALL, "allowed: " + ("part of a tracked connection" if known else
                                                          "RELATED, announced by the FTP helper")))
        return None
    p = walk.packet
    allowed, why, _ = firewall.decide(direction, in_key, out_key, p.proto, p.four)
    steps.append(Step(Action.FIREWALL, f"{'allowed' if allowed else 'DENIED'} ({direction}): {why}"))
    if allowed:
        return None
    walk.hops.append(Hop(node.name, in_key, out_key, tuple(steps)))
    return walk.end(Disposition.DENIED,
                    f"{node.name}'s firewall drops {p.proto.upper()} {show_four(p.four)} ({direction}): {why}",
                    _firewall_remedies(node, direction, in_key, out_key, p))


def _local_out(walk: _Walk, node: Node, out_key: str, steps: list[Step]) -> Trace | None:
    """A locally sent packet meets its own node's firewall (output) and connection table."""
    if not node.tracks_connections:
        return None
    p = walk.packet
    known = walk.state.find(node.name, p.proto, p.four) is not None
    denied = _filter(walk, node, "out", None, out_key, known, False, steps)
    if denied is None and not known:
        walk.state = walk.state.with_session(Session(node.name, p.proto, p.four, p.four, None))
    return denied


def _firewall_remedies(node: Node, direction: str, in_key, out_key, p: Packet) -> list[Remedy]:
    fields = [f"action: allow, direction: {direction}", f"proto: {p.proto}", f"dst: {p.dst}/32"]
    if p.dport is not None:
        fields.append(f"dport: {p.dport}")
    if in_key:
        fields.append(f"in_interface: {in_key}")
    text = f"allow it in {node.name}'s firewall, e.g. a rule {{{', '.join(fields)}}}"
    if node.os.is_windows and node.role is Role.HOST and p.dport is not None and direction == "in":
        text += (f" (netsh advfirewall firewall add rule name=\"labkit {p.proto} {p.dport}\" dir=in "
                 f"action=allow protocol={p.proto.upper()} localport={p.dport})")
    return [Remedy(text)]


def choose_source(node: Node, out_key: str, next_hop: IPv4Address,
                  dst: IPv4Address) -> tuple[IPv4Address, str]:
    """Source address for a new connection.

    Vista+ ranks the outgoing NIC's addresses by KB 969029's rules 2-4 (rule 1, the
    destination itself, is local delivery); earlier systems take the NIC's first address.
    Addresses marked skipassource are never picked.
    """
    iface = node.interface(out_key)
    pool = [a.ip for a in iface.addresses if a.ip not in iface.skip_as_source]
    if not pool:
        return iface.addresses[0].ip, (f'every address of "{iface.label}" is marked skipassource; '
                                       "the kit falls back to its first address")
    if not node.os.ranked_source_selection:
        return pool[0], f'the first address of "{iface.label}": {node.os.display} does not rank addresses'
    if len(pool) == 1:
        return pool[0], f'KB 969029 rule 2: the only usable address on the outgoing interface "{iface.label}"'
    best3 = max(common_prefix_length(a, next_hop) for a in pool)
    pool3 = [a for a in pool if common_prefix_length(a, next_hop) == best3]
    if len(pool3) == 1:
        return pool3[0], (f'KB 969029 rule 3: of the addresses on "{iface.label}", the longest match '
                          f"with the next hop {next_hop} ({best3} bits)")
    best4 = max(common_prefix_length(a, dst) for a in pool3)
    pool4 = [a for a in pool3 if common_prefix_length(a, dst) == best4]
    return pool4[0], (f'KB 969029 rule 4: of the addresses on "{iface.label}", the longest match with '
                      f"the destination {dst} ({best4} bits)" +
                      ("; still tied, the first listed" if len(pool4) > 1 else ""))


# --- remedies (each is tried out by _checked before it is shown) ------------------------------

def _routers_for(net: Network, node: Node, iface: Interface) -> list[IPv4Address]:
    """Addresses of forwarding neighbours on the interface's own subnets (usable gateways)."""
    found: list[IPv4Address] = []
    if iface.segment is None:
        return found
    for other, oi in net.segments.get(iface.segment, ()):
        if not oi.forwarding or other.down or other.name == node.name:
            continue
        found.extend(a.ip for a in oi.addresses if iface.on_link(a.ip) and a.ip not in found)
    return found


def _destination_network(net: Network, dst: IPv4Address) -> IPv4Network:
    """The subnet of the interface that holds the destination, else the narrowest subnet
    containing it, else the host /32."""
    containing = []
    for node in net.nodes:
        for addr in node.addresses:
            if addr.ip == dst and addr.network.prefixlen < 32:
                return addr.network
            if dst in addr.network and 0 < addr.network.prefixlen < 32:
                containing.append(addr.network)
    return max(containing, key=lambda n: n.prefixlen, default=IPv4Network(dst))


def _route_remedies(net: Network, node: Node, iface: Interface, dst: IPv4Address) -> list[Remedy]:
    if not node.os.is_windows:
        return []
    out = []
    for router in _routers_for(net, node, iface):
        route = Route(_destination_network(net, dst), router, iface.key, node.os.static_route_metric)
        commands = (route_exe_add(node, route),) + \
            ((netsh_add_route(node, route),) if node.os.forwarding_per_interface else ())
        out.append(Remedy(f'add a route to {route.destination} via {router} on "{iface.label}" of '
                          f"{node.name}", commands, node.name))
    return out


def _strong_send_remedies(net: Network, node: Node, owner: Interface, dst: IPv4Address) -> list[Remedy]:
    return [Remedy(f'enable weakhostsend on "{owner.label}" of {node.name}',
                   (netsh_set_switch(owner, "weakhostsend", True),), node.name),
            *_route_remedies(net, node, owner, dst),
            _forwarding_remedy(node, owner)]


def _forwarding_remedy(node: Node, iface: Interface) -> Remedy:
    if not node.os.is_windows:
        return Remedy(f"enable IP forwarding on {node.name} (sysctl -w net.ipv4.ip_forward=1)")
    where = f'"{iface.label}" of {node.name}' if node.os.forwarding_per_interface else node.name
    return Remedy(f"enable forwarding on {where}", (forwarding_command(node, iface),), node.name)


def _no_route_remedies(net: Network, node: Node, dst: IPv4Address) -> list[Remedy]:
    out = [r for iface in node.interfaces for r in _route_remedies(net, node, iface, dst)]
    return out or [Remedy(f"give {node.name} a route to {dst}: no router on its segments reaches it")]


def _unreachable_remedies(net: Network, node: Node, route: Route, packet: Packet) -> list[Remedy]:
    hop = route.next_hop(packet.dst)
    out = node.interface(route.interface)
    if out.is_loopback_adapter:
        return [Remedy(f'keep {packet.dst} off the loopback adapter "{out.label}": give its address a '
                       "/32 mask (a VIP needs no subnet), or a higher interface metric")]
    holders = net.holders(out.segment, hop)
    shared = holders and net.shared_unicast_mac((node.name, out.key), (holders[0][0].name, holders[0][1].key))
    if shared:
        return _unicast_remedies(shared, holders[0][0])
    if holders:
        fixes = [Remedy(f"bring {holders[0][0].name} ({hop}) back up")]
        gateways = [r for r in node.route_table if r.origin is RouteOrigin.GATEWAY]
        owner = node.owner_of(packet.src)
        if route.is_default and packet.proto == "tcp" and len(gateways) < 2:
            fixes.append(Remedy(f"configure a second, working default gateway on {node.name} "
                                "(dead gateway detection moves TCP connections to it)"))
        elif route.is_default and packet.proto == "tcp" and owner is not None and \
                any(g.interface != owner.key for g in gateways) and node.os.host_model_configurable:
            fixes.append(Remedy(f'enable weakhostsend on "{owner.label}" of {node.name}, so the connection '
                                "may fail over to a gateway on another NIC",
                                (netsh_set_switch(owner, "weakhostsend", True),), node.name))
        return fixes
    return [Remedy(f"check the address {hop}: no interface on segment {out.segment} has it")]


def _unicast_remedies(cluster, peer: Node) -> list[Remedy]:
    """Host-to-host traffic in a unicast-mode cluster: use a second NIC, or multicast mode."""
    cluster_nics = {k for n, k in cluster.members if n == peer.name}
    other = [(i, a.ip) for i in peer.interfaces if i.key not in cluster_nics and not i.is_loopback_adapter
             for a in i.addresses]
    second = (Remedy(f'talk to {peer.name} over its second NIC: {other[0][1]} ("{other[0][0].label}"), '
                     "not its cluster NIC address") if other else
              Remedy(f"give the members of cluster {cluster.name} a second NIC for host-to-host traffic"))
    # Advice, not a tried command: labkit's command interpreter has no NLB cmdlets.
    multicast = cluster_mac(cluster.ip, ClusterMode.MULTICAST)
    return [second, Remedy(f"switch cluster {cluster.name} to multicast mode, where each NIC keeps its own MAC "
                           "(NLB Manager: Cluster Properties > Cluster Parameters, or Get-NlbCluster | "
                           f"Set-NlbCluster -OperationMode Multicast); switches then need a static entry for "
                           f"{cluster.ip} -> {multicast}")]


def _loop_remedies(walk: _Walk) -> list[Remedy]:
    names = list(dict.fromkeys(h.node for h in walk.hops))
    return [Remedy(f"check the routes for {walk.packet.dst} on {', '.join(names)}: they send it in a circle")]
