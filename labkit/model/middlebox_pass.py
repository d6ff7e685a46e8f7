"""What a packet meets in a node that tracks connections: the connection table, NAT, the
FTP helper's expectations, a load balancer and the firewall (netfilter's order)."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from .host import Interface, Node, Role
from .middlebox import Direction, FourTuple, LbAffinity, Session
from .middlebox_steps import BackendChosen, FirewallVerdict, NatCause, NatRewrite, RelatedExpected, Tracked
from .trace import Disposition, Hop, Packet, Remedy, Step, Trace
from .walk_state import Walk


def conntrack_in(walk: Walk, node: Node, iface: Interface, steps: list[Step]) -> tuple[bool, bool, bool]:
    """Translate an arriving packet: (part of a known connection, RELATED, sent to a backend)."""
    p = walk.packet
    walk.pending_source = None
    found = walk.state.find(node.name, p.proto, p.four)
    if found:
        # Like netfilter: the destination is restored before routing and filtering, the
        # source only on the way out.
        session, way = found
        src, sport, dst, dport = session.translated if way == "original" else session.original.reverse()
        cause = NatCause.TRACKED_REPLY if way == "reply" else NatCause.TRACKED
        if (dst, dport) != (p.dst, p.dport):
            new = FourTuple(p.src, p.sport, dst, dport)
            steps.append(Step(NatRewrite(p.four, new, cause)))
            walk.packet = p.with_four(new)
        if (src, sport) != (p.src, p.sport):
            walk.pending_source = (src, sport, cause)
        return True, False, False
    expectation = walk.state.expected(node.name, p.proto, p.four)
    if expectation:
        new = FourTuple(p.src, p.sport, *expectation.to)
        walk.state = walk.state.without(expectation)
        steps.append(Step(RelatedExpected(expectation.why, p.four, new)))
        walk.packet = p.with_four(new)
        if expectation.snat_to is not None:
            walk.pending_source = (expectation.snat_to, p.sport, NatCause.FTP_FOLLOWS_CONTROL)
        return False, True, False
    lb = node.load_balancer
    if lb is not None and lb.balances(p.dst, p.dport):
        backend = lb.backend_for(p.src, p.sport)
        steps.append(
            Step(
                BackendChosen(
                    lb.vip, backend, lb.affinity, p.src, p.sport if lb.affinity is LbAffinity.NONE else None, p.dst
                )
            )
        )
        walk.packet = replace(p, dst=backend)
        return False, False, True
    for forward in node.nat.port_forwards if node.nat else ():
        if (
            forward.interface == iface.key
            and iface.owns(p.dst)
            and forward.proto == p.proto
            and p.dport in forward.ports
        ):
            new = FourTuple(p.src, p.sport, forward.to, forward.target(p.dport))
            steps.append(Step(NatRewrite(p.four, new, NatCause.PORT_FORWARD, iface.label)))
            walk.packet = p.with_four(new)
            break
    return False, False, False


def source_nat(walk: Walk, node: Node, out_key: str | None, arrived: Packet, balanced: bool, steps: list[Step]) -> None:
    """Source translation on the way out: a tracked connection's, or NAT for a new one."""
    p = walk.packet
    new_src: IPv4Address | None = None
    cause: NatCause | None = None
    where: str | None = None
    if walk.pending_source is not None:
        new_src, sport, cause = walk.pending_source
        walk.pending_source = None
        new = FourTuple(new_src, sport, p.dst, p.dport)
        if new != p.four:
            steps.append(Step(NatRewrite(p.four, new, cause)))
            walk.packet = p.with_four(new)
        return
    if out_key is None:
        return
    out = node.interface(out_key)
    lb = node.load_balancer
    if balanced and lb is not None and lb.snat:  # balanced: this node's load balancer took the packet
        new_src, cause = lb.snat_for(arrived.src, arrived.sport), NatCause.LOAD_BALANCER
    elif node.nat is not None and out_key in node.nat.masquerade:
        new_src, cause, where = out.addresses[0].ip, NatCause.MASQUERADE, out.label
    if new_src is not None and cause is not None and new_src != p.src:  # both are set together
        new = FourTuple(new_src, p.sport, p.dst, p.dport)
        steps.append(Step(NatRewrite(p.four, new, cause, where)))
        walk.packet = p.with_four(new)


def remember(walk: Walk, node: Node, iface: Interface | None, arrived: Packet, known: bool, related: bool) -> None:
    if node.tracks_connections and not known:
        walk.state = walk.state.with_session(
            Session(node.name, arrived.proto, arrived.four, walk.packet.four, iface.key if iface else None, related)
        )


def filter_packet(
    walk: Walk,
    node: Node,
    direction: Direction,
    in_key: str | None,
    out_key: str | None,
    known: bool,
    related: bool,
    steps: list[Step],
) -> Trace | None:
    """The firewall's verdict; a DENIED trace, or None when the packet may pass."""
    firewall = node.firewall
    if firewall is None:
        return None
    if firewall.stateful and (known or related):
        steps.append(Step(FirewallVerdict(True, tracked=Tracked.KNOWN if known else Tracked.RELATED)))
        return None
    p = walk.packet
    allowed, why, rule = firewall.decide(direction, in_key, out_key, p.proto, p.four)
    number = firewall.rules.index(rule) + 1 if rule is not None else None
    steps.append(Step(FirewallVerdict(allowed, direction, why, number)))
    if allowed:
        return None
    walk.hops.append(Hop(node.name, in_key, out_key, tuple(steps)))
    return walk.end(
        Disposition.DENIED,
        f"{node.name}'s firewall drops {p.proto.upper()} {p.four} ({direction}): {why}",
        _firewall_remedies(node, direction, in_key, out_key, p),
    )


def local_out(walk: Walk, node: Node, out_key: str, steps: list[Step]) -> Trace | None:
    """A locally sent packet meets its own node's firewall (output) and connection table."""
    if not node.tracks_connections:
        return None
    p = walk.packet
    known = walk.state.find(node.name, p.proto, p.four) is not None
    denied = filter_packet(walk, node, Direction.OUT, None, out_key, known, False, steps)
    if denied is None and not known:
        walk.state = walk.state.with_session(Session(node.name, p.proto, p.four, p.four, None))
    return denied


def _firewall_remedies(
    node: Node, direction: Direction, in_key: str | None, out_key: str | None, p: Packet
) -> list[Remedy]:
    fields = [f"action: allow, direction: {direction}", f"proto: {p.proto}", f"dst: {p.dst}/32"]
    if p.dport is not None:
        fields.append(f"dport: {p.dport}")
    if in_key:
        fields.append(f"in_interface: {in_key}")
    text = f"allow it in {node.name}'s firewall, e.g. a rule {{{', '.join(fields)}}}"
    if node.os.is_windows and node.role is Role.HOST and p.dport is not None and direction is Direction.IN:
        text += (
            f' (netsh advfirewall firewall add rule name="labkit {p.proto} {p.dport}" dir=in '
            f"action=allow protocol={p.proto.upper()} localport={p.dport})"
        )
    return [Remedy(text)]
