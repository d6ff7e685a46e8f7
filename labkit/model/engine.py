"""The packet engine: follow one packet from the node that sends it to where it ends.

Rules (docs/model-rules.md has the sources and the contested points):
- send, source not given: look up the whole table, then pick the source (KB 969029);
- send, source fixed (bound socket, a reply): strong host send limits the lookup to
  routes on the interface owning the source, unless that interface has weakhostsend
  or forwarding enabled (the flag of the source-owning interface counts);
- receive on R for an address of another interface: needs weakhostreceive or
  forwarding on R; for an address the node does not own: needs forwarding on R;
- layer 2: the next hop must be held by a live node on the outgoing interface's
  segment; an NLB cluster IP is answered by exactly one member per flow;
- dead gateway detection moves TCP connections to the next default gateway;
  UDP and ICMP never switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Network

from .commands import netsh_add_route, netsh_set_switch, route_exe_add
from .host import Interface, Node, Role
from .network import Network
from .routes import Route, RouteChoice, RouteOrigin, describe_route, gateways_in_order, select_route
from .trace import Action, Disposition, Hop, Remedy, Step, Trace

EPHEMERAL_PORT = 49152
"""Client source port: fixed so that traces (and NLB 'none' affinity) are reproducible."""
DEFAULT_PORTS = {"tcp": 80, "udp": 53, "icmp": None}
PROTOCOLS = tuple(DEFAULT_PORTS)
MAX_HOPS = 32


class TraceError(ValueError):
    """The question cannot be asked (unknown node, a source the node does not own, ...)."""


@dataclass(frozen=True)
class Packet:
    src: IPv4Address
    dst: IPv4Address
    proto: str
    sport: int | None
    dport: int | None


@dataclass
class _Walk:
    """The trace being built (private, mutable while one trace runs)."""

    net: Network
    packet: Packet | None = None
    hops: list[Hop] = field(default_factory=list)
    relied_on: list[str] = field(default_factory=list)

    def end(self, disposition: Disposition, reason: str, remedies=(), src=None) -> Trace:
        p = self.packet
        return Trace(p.proto, src or p.src, p.dst, p.sport, p.dport, tuple(self.hops), disposition,
                     reason, tuple(remedies),
                     tuple(dict.fromkeys(self.relied_on)) if disposition is Disposition.ACCEPTED else ())


def trace(net: Network, start: str, dst: IPv4Address | str, *, src: IPv4Address | str | None = None,
          proto: str = "tcp", dport: int | None = None, sport: int | None = None,
          reply: bool = False) -> Trace:
    """Trace one packet from node `start` to `dst`; with reply=True, also the answer.

    `src` fixes the source address (as a bound socket or `ping -S` does).
    """
    proto = proto.lower()
    if proto not in DEFAULT_PORTS:
        raise TraceError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {proto!r}")
    dst = _address(dst, "destination")
    if not net.has_node(start):
        raise TraceError(f"no node {start!r} (nodes: {', '.join(n.name for n in net.nodes)})")
    node = net.node(start)
    if src is not None:
        src = _address(src, "source")
        if not node.owns(src):
            raise TraceError(f"{src} is not an address of {start} (its addresses: "
                             f"{', '.join(str(a.ip) for a in node.addresses)})")
    if node.down:
        raise TraceError(f"{start} is marked down: it sends nothing")
    if proto == "icmp":
        sport = dport = None
    else:
        sport = EPHEMERAL_PORT if sport is None else sport
        dport = DEFAULT_PORTS[proto] if dport is None else dport
    request = _run(net, node, dst, src, proto, sport, dport)
    if not reply:
        return request
    back = None
    if request.accepted:
        responder = net.node(request.last_hop.node)
        back = _run(net, responder, request.src, request.dst, proto, dport, sport)
    return replace(request, reply=back)


def _address(value, what: str) -> IPv4Address:
    try:
        address = IPv4Address(str(value))
    except ValueError:
        raise TraceError(f"{what} must be an IPv4 address like 10.10.0.100, got {value!r}") from None
    if address.is_multicast or address.is_loopback or address.is_unspecified or \
            address == IPv4Address("255.255.255.255"):
        raise TraceError(f"{what} {address} is not a unicast address; labkit traces unicast packets")
    return address


def _run(net: Network, node: Node, dst: IPv4Address, src: IPv4Address | None, proto: str,
         sport: int | None, dport: int | None) -> Trace:
    walk = _Walk(net)
    fixed = src is not None
    steps: list[Step] = []
    if node.owns(dst):
        src = src or dst
        walk.packet = Packet(src, dst, proto, sport, dport)
        owner = node.owner_of(dst)
        walk.hops.append(Hop(node.name, None, None, (
            Step(Action.ACCEPTED, f'{dst} is an address of this node ("{owner.label}"): '
                                  "delivered through the loopback interface, never on the wire"),)))
        return walk.end(Disposition.ACCEPTED, f"{dst} is {node.name}'s own address")

    if fixed:
        owner = node.owner_of(src)
        walk.packet = Packet(src, dst, proto, sport, dport)
        if owner.sends_weakly:
            choice = select_route(node, dst)
            steps.append(Step(Action.HOST_MODEL,
                              f'source {src} belongs to "{owner.label}", which sends weakly '
                              f"({_weak_send_switch(owner)} enabled): the whole route table may be used"))
        else:
            choice = select_route(node, dst, only_interface=owner.key)
            steps.append(Step(Action.HOST_MODEL,
                              f'source {src} belongs to "{owner.label}"; strong host send: only routes '
                              f'on "{owner.label}" may carry it'))
            if choice.winner is None:
                full = select_route(node, dst)
                steps.append(Step(Action.ROUTED, choice.why(node), choice))
                walk.hops.append(Hop(node.name, None, None, tuple(steps)))
                if full.winner is None:
                    return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                                    _no_route_remedies(net, node, dst))
                other = node.interface(full.winner.route.interface)
                return walk.end(
                    Disposition.STRONG_SEND_BLOCKED,
                    f'{node.name} has a route to {dst} only via "{other.label}", which does not own '
                    f'the source {src} ("{owner.label}" does); strong host send forbids it',
                    _strong_send_remedies(net, node, owner, dst))
        if choice.winner is None:
            steps.append(Step(Action.ROUTED, choice.why(node), choice))
            walk.hops.append(Hop(node.name, None, None, tuple(steps)))
            return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                            _no_route_remedies(net, node, dst))
        steps.append(Step(Action.ROUTED, choice.why(node), choice))
    else:
        choice = select_route(node, dst)
        if choice.winner is None:
            walk.packet = Packet(IPv4Address("0.0.0.0"), dst, proto, sport, dport)
            walk.hops.append(Hop(node.name, None, None, (Step(Action.ROUTED, choice.why(node), choice),)))
            return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                            _no_route_remedies(net, node, dst), src=node.addresses[0].ip)
        steps.append(Step(Action.ROUTED, choice.why(node), choice))
        route = choice.winner.route
        src, rule = choose_source(node, route.interface, route.next_hop(dst), dst)
        steps.append(Step(Action.SOURCE, f"{src} ({rule})"))
        owner = node.owner_of(src)
        walk.packet = Packet(src, dst, proto, sport, dport)

    route = choice.winner.route
    if route.interface != owner.key:
        walk.relied_on.append(f'{_weak_send_switch(owner)} on "{owner.label}" of {node.name}')
    if route.origin is RouteOrigin.STATIC:
        walk.relied_on.append(f"the static route {describe_route(node, route)} on {node.name}")
    return _leave(walk, node, None, choice, steps, owner, originated=True)


def _weak_send_switch(iface: Interface) -> str:
    return "weakhostsend" if iface.weakhostsend else "forwarding"


def _leave(walk: _Walk, node: Node, in_key: str | None, choice: RouteChoice, steps: list[Step],
           owner: Interface | None, originated: bool) -> Trace:
    """Send the packet out by the chosen route (with dead gateway failover) and follow it."""
    net, packet = walk.net, walk.packet
    route = choice.winner.route
    reached = _neighbor(net, node, route, packet)
    if isinstance(reached, str) and originated and route.is_default and node.dead_gateway_detection:
        reached, route = _dead_gateway(walk, node, choice, route, owner, reached, steps)
    if isinstance(reached, str):
        walk.hops.append(Hop(node.name, in_key, route.interface, tuple(steps)))
        return walk.end(Disposition.NEIGHBOR_UNREACHABLE, reached,
                        _unreachable_remedies(net, node, route, packet))
    next_node, next_iface, nlb_note = reached
    out = node.interface(route.interface)
    steps.append(Step(Action.TRANSMITTED, f'out "{out.label}" to {route.next_hop(packet.dst)} '
                                          f"({next_node.name}) on segment {out.segment}"))
    walk.hops.append(Hop(node.name, in_key, route.interface, tuple(steps)))
    if len(walk.hops) > MAX_HOPS:
        return walk.end(Disposition.LOOP, f"more than {MAX_HOPS} hops", _loop_remedies(walk))
    return _arrive(walk, next_node, next_iface, nlb_note)


def _neighbor(net: Network, node: Node, route: Route, packet: Packet):
    """(node, interface, note) that takes the frame for the next hop, or why nobody does."""
    out = node.interface(route.interface)
    hop = route.next_hop(packet.dst)
    if out.is_loopback_adapter:
        return f'"{out.label}" is a loopback adapter: it has no wire, so {hop} cannot be reached through it'
    holders = net.holders(out.segment, hop)
    if not holders:
        return f"nothing on segment {out.segment} holds {hop}: no ARP reply"
    cluster = net.cluster_for(hop)
    note = None
    if len(holders) > 1 and cluster is not None:
        held = {(n.name, i.key): (n, i) for n, i in holders}
        live = tuple(m for m in cluster.members if m in held and not held[m][0].down)
        if not live:
            return f"every member of NLB cluster {cluster.name} ({hop}) is down"
        member = cluster.choose(live, packet.src, packet.sport)
        basis = f"client {packet.src}" if cluster.affinity == "single" else \
            f"client {packet.src} port {packet.sport}"
        note = (f"NLB cluster {cluster.name} ({hop}): member {member[0]} handles this flow "
                f"(affinity {cluster.affinity}: chosen from {basis}; {len(live)} live member(s))")
        return (*held[member], note)
    target, iface = holders[0]
    if target.down:
        return f"{hop} ({target.name}) is down: no ARP reply, nothing answers"
    return target, iface, note


def _dead_gateway(walk: _Walk, node: Node, choice: RouteChoice, route: Route, owner: Interface,
                  failure: str, steps: list[Step]):
    """Dead gateway detection: TCP moves on to the next default gateway; UDP/ICMP never do."""
    packet = walk.packet
    gateways = [c.route for c in gateways_in_order(choice)]
    if walk.packet.proto != "tcp":
        if len(gateways) > 1:
            steps.append(Step(Action.DEAD_GATEWAY,
                              f"{failure}; {packet.proto.upper()} never triggers dead gateway detection, "
                              f"so {node.name} keeps sending to {route.gateway}"))
        return failure, route
    if len(gateways) < 2:
        steps.append(Step(Action.DEAD_GATEWAY, f"{failure}; no other default gateway to fail over to"))
        return failure, route
    start = gateways.index(route)
    current, reason = route, failure
    for offset in range(1, len(gateways)):
        nxt = gateways[(start + offset) % len(gateways)]
        usable = owner.sends_weakly or nxt.interface == owner.key
        if not usable:
            steps.append(Step(Action.DEAD_GATEWAY,
                              f"{reason}; next default gateway {nxt.gateway} is on "
                              f'"{node.interface(nxt.interface).label}", which does not own the '
                              f"connection's source {packet.src} (strong host send): skipped"))
            continue
        steps.append(Step(Action.DEAD_GATEWAY,
                          f"{reason}; after 3 unanswered TCP retransmissions (half of "
                          f"TcpMaxDataRetransmissions = 5) the connection moves to the next "
                          f"default gateway {nxt.gateway}"))
        reached = _neighbor(walk.net, node, nxt, packet)
        current = nxt
        if not isinstance(reached, str):
            walk.relied_on.append(f"dead gateway detection on {node.name} (TCP) moving to {nxt.gateway}")
            return reached, nxt
        reason = reached
    return f"every default gateway of {node.name} is unreachable (last: {reason})", current


def _arrive(walk: _Walk, node: Node, iface: Interface, nlb_note: str | None) -> Trace:
    net, packet = walk.net, walk.packet
    dst = packet.dst
    steps = [Step(Action.NLB, nlb_note)] if nlb_note else []
    steps.append(Step(Action.RECEIVED, f'in "{iface.label}"'))
    if iface.owns(dst):
        steps.append(Step(Action.ACCEPTED, f'{dst} is an address of "{iface.label}"'))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.ACCEPTED, f'delivered to {node.name} on "{iface.label}"')
    other = node.owner_of(dst)
    if other is not None:
        if iface.receives_weakly:
            switch = "weakhostreceive" if iface.weakhostreceive else "forwarding"
            steps.append(Step(Action.ACCEPTED, f'{dst} belongs to "{other.label}", not "{iface.label}"; '
                                               f'{switch} on "{iface.label}" lets it in (weak host receive)'))
            walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
            if node.role is Role.HOST and node.os.host_model_configurable:
                walk.relied_on.append(f'{switch} on "{iface.label}" of {node.name}')
            return walk.end(Disposition.ACCEPTED,
                            f'delivered to {node.name} on "{iface.label}" for "{other.label}"\'s address')
        steps.append(Step(Action.DROPPED, f'{dst} belongs to "{other.label}", not "{iface.label}": '
                                          "strong host receive drops it"))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(
            Disposition.STRONG_RECEIVE_DROPPED,
            f'{node.name} dropped a packet for {dst} that arrived on "{iface.label}" '
            f'instead of "{other.label}" (strong host receive)',
            (Remedy(f'enable weakhostreceive on "{iface.label}" of {node.name}',
                    (netsh_set_switch(iface, "weakhostreceive", True),)),
             Remedy(f'enable forwarding on "{iface.label}" of {node.name}',
                    (netsh_set_switch(iface, "forwarding", True),))))
    if not iface.forwarding:
        steps.append(Step(Action.DROPPED, f'{dst} is not an address of {node.name} and forwarding is '
                                          f'disabled on "{iface.label}"'))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.NOT_FORWARDED,
                        f'{node.name} does not route: forwarding is disabled on "{iface.label}"',
                        (Remedy(f'enable forwarding on "{iface.label}" of {node.name}',
                                (netsh_set_switch(iface, "forwarding", True),)),))
    if any(h.node == node.name and h.in_iface == iface.key for h in walk.hops):
        steps.append(Step(Action.DROPPED, f"{node.name} has already forwarded this packet: a routing loop"))
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.LOOP, f"the packet for {dst} came back to {node.name}",
                        _loop_remedies(walk))
    choice = select_route(node, dst)
    steps.append(Step(Action.FORWARDED, f'forwarding enabled on "{iface.label}"'))
    steps.append(Step(Action.ROUTED, choice.why(node), choice))
    if node.role is Role.HOST:
        walk.relied_on.append(f'forwarding on "{iface.label}" of {node.name}')
    if choice.winner is None:
        walk.hops.append(Hop(node.name, iface.key, None, tuple(steps)))
        return walk.end(Disposition.NO_ROUTE, f"{node.name} has no route to {dst}",
                        _no_route_remedies(net, node, dst))
    return _leave(walk, node, iface.key, choice, steps, None, originated=False)


def choose_source(node: Node, out_key: str, next_hop: IPv4Address,
                  dst: IPv4Address) -> tuple[IPv4Address, str]:
    """Source address for a new connection (KB 969029 rules 2-4; rule 1 is local delivery)."""
    iface = node.interface(out_key)
    pool = [a.ip for a in iface.addresses] or [a.ip for a in node.addresses]
    if len(pool) == 1:
        return pool[0], f'rule 2: the only address on the outgoing interface "{iface.label}"'
    best3 = max(_common_prefix(a, next_hop) for a in pool)
    pool3 = [a for a in pool if _common_prefix(a, next_hop) == best3]
    if len(pool3) == 1:
        return pool3[0], (f'rule 3: of the addresses on "{iface.label}", the longest match '
                          f"with the next hop {next_hop} ({best3} bits)")
    best4 = max(_common_prefix(a, dst) for a in pool3)
    pool4 = [a for a in pool3 if _common_prefix(a, dst) == best4]
    return pool4[0], (f'rule 4: of the addresses on "{iface.label}", the longest match with '
                      f"the destination {dst} ({best4} bits)" +
                      ("; still tied, the first listed" if len(pool4) > 1 else ""))


def _common_prefix(a: IPv4Address, b: IPv4Address) -> int:
    return 32 - (int(a) ^ int(b)).bit_length()


# --- remedies ------------------------------------------------------------------------------

def _routers_for(net: Network, iface: Interface) -> list[IPv4Address]:
    """Addresses of forwarding neighbours on the interface's own subnets (usable gateways)."""
    found: list[IPv4Address] = []
    if iface.segment is None:
        return found
    for other, oi in net.segments.get(iface.segment, ()):
        if not oi.forwarding or other.down:
            continue
        for addr in oi.addresses:
            if any(addr.ip in mine.network for mine in iface.addresses) and addr.ip not in found:
                found.append(addr.ip)
    return found


def _destination_network(net: Network, dst: IPv4Address) -> IPv4Network:
    """The subnet the destination lives on, as the scenario defines it (else the host /32)."""
    best = IPv4Network(dst)
    for node in net.nodes:
        for iface in node.interfaces:
            for addr in iface.addresses:
                if dst in addr.network and addr.network.prefixlen < best.prefixlen and \
                        addr.network.prefixlen > 0:
                    best = addr.network
    return best


def _route_remedy(net: Network, node: Node, iface: Interface, dst: IPv4Address) -> Remedy | None:
    routers = _routers_for(net, iface)
    if not routers or not node.os.is_windows:
        return None
    route = Route(_destination_network(net, dst), routers[0], iface.key, node.os.static_route_metric)
    return Remedy(f'add a route to {route.destination} via {routers[0]} on "{iface.label}" of {node.name}',
                  (route_exe_add(node, route), netsh_add_route(node, route)))


def _strong_send_remedies(net: Network, node: Node, owner: Interface, dst: IPv4Address) -> list[Remedy]:
    out = [Remedy(f'enable weakhostsend on "{owner.label}" of {node.name}',
                  (netsh_set_switch(owner, "weakhostsend", True),))]
    route = _route_remedy(net, node, owner, dst)
    if route:
        out.append(route)
    out.append(Remedy(f'enable forwarding on "{owner.label}" of {node.name}',
                      (netsh_set_switch(owner, "forwarding", True),)))
    return out


def _no_route_remedies(net: Network, node: Node, dst: IPv4Address) -> list[Remedy]:
    out = []
    for iface in node.interfaces:
        remedy = _route_remedy(net, node, iface, dst)
        if remedy:
            out.append(remedy)
    if not out:
        out.append(Remedy(f"give {node.name} a route to {dst}: no router on its segments reaches it"))
    return out


def _unreachable_remedies(net: Network, node: Node, route: Route, packet: Packet) -> list[Remedy]:
    hop = route.next_hop(packet.dst)
    out = node.interface(route.interface)
    if out.is_loopback_adapter:
        return [Remedy(f'remove the route that sends {packet.dst} out the loopback adapter "{out.label}"')]
    holders = net.holders(out.segment, hop)
    if holders:
        fixes = [Remedy(f"bring {holders[0][0].name} ({hop}) back up")]
        if route.is_default and packet.proto != "tcp":
            fixes.append(Remedy("expect no failover for UDP or ICMP: only TCP connections trigger "
                                "dead gateway detection"))
        elif route.is_default:
            fixes.append(Remedy(f"configure a second, working default gateway on {node.name} "
                                "(dead gateway detection moves TCP connections to it)"))
        return fixes
    return [Remedy(f"check the address {hop}: no interface on segment {out.segment} has it")]


def _loop_remedies(walk: _Walk) -> list[Remedy]:
    names = list(dict.fromkeys(h.node for h in walk.hops))
    return [Remedy(f"check the routes for {walk.packet.dst} on {', '.join(names)}: they send it in a circle")]
