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

from dataclasses import replace
from ipaddress import IPv4Address
from typing import cast

from ..errors import LabkitError
from .addressing import parse_ipv4
from .flow import EPHEMERAL_PORT, Flow, FlowError, Protocol
from .middlebox import Conntrack
from .network import Network
from .remedies import cluster_source_remedies, tried_remedies
from .source_selection import choose_source
from .trace import Trace
from .walk import walk_from

__all__ = ["EPHEMERAL_PORT", "TraceError", "choose_source", "trace", "unicast_problem"]


class TraceError(LabkitError, ValueError):
    """The question cannot be asked (unknown node, a source the node does not own, ...)."""


Question = tuple[str, IPv4Address, IPv4Address | None, Protocol, int | None, int | None, Conntrack]
"""What one trace asks: (start node, destination, fixed source or None, protocol, source port,
destination port, the connection tracking left by earlier packets)."""


def trace(
    net: Network,
    start: str | Flow,
    dst: IPv4Address | str | None = None,
    *,
    src: IPv4Address | str | None = None,
    proto: Protocol | str = Protocol.TCP,
    dport: int | None = None,
    sport: int | None = None,
    reply: bool | None = None,
    state: Conntrack | None = None,
) -> Trace:
    """Trace one packet from node `start` to `dst`; with reply=True, also the answer.
    `trace(net, flow)` asks the same of a `Flow` (its `reply` says whether the answer is traced).

    `src` fixes the source address (as a bound socket or `ping -S` does). `state` is the
    connection tracking left by earlier packets (a previous trace's `.state`); the result's
    `.state` includes this packet's connection.
    """
    if isinstance(start, Flow):
        if (dst, src, proto, dport, sport, reply) != (None, None, Protocol.TCP, None, None, None):
            raise TraceError(
                "give trace() a Flow or the flow's parts, not both (a Flow's own reply= says whether the "
                "answer is traced)"
            )
        flow = start
    else:
        try:  # Flow reads what a learner typed (text, an address or nothing) and says what is wrong
            flow = Flow(
                start,
                cast(str, dst),
                cast("IPv4Address | None", src),
                cast(Protocol, proto),
                sport,
                dport,
                False if reply is None else reply,
            )
        except FlowError as err:
            raise TraceError(str(err)) from None
    start = flow.source
    address = _unicast(net, _destination(net, flow.destination), "destination")
    if not net.has_node(start):
        raise TraceError(f"no node {start!r} (nodes: {', '.join(n.name for n in net.nodes)})")
    node = net.node(start)
    source = flow.src
    if source is not None:
        source = _unicast(net, source, "source")
        if not node.owns(source):
            raise TraceError(
                f"{source} is not an address of {start} (its addresses: {', '.join(str(a.ip) for a in node.addresses)})"
            )
    if node.down:
        raise TraceError(f"{start} is marked down: it sends nothing")
    sport, dport = flow.ports
    question: Question = (start, address, source, flow.proto, sport, dport, state or Conntrack())
    return _with_reply(net, question) if flow.reply else _solve(net, *question)


def _destination(net: Network, typed: str) -> str | IPv4Address:
    """A flow's destination as typed: an address, or a node's name (its first address)."""
    if "." not in typed and net.has_node(typed) and net.node(typed).addresses:
        return net.node(typed).addresses[0].ip
    return typed


def _unicast(net: Network, value: object, what: str) -> IPv4Address:
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
    if (
        address.is_multicast
        or address.is_loopback
        or address.is_unspecified
        or address == IPv4Address("255.255.255.255")
    ):
        return "is not a unicast address"
    special = net.subnet_edges.get(address)
    return f"is {special}" if special else None


def _solve(
    net: Network,
    start: str,
    dst: IPv4Address,
    src: IPv4Address | None,
    proto: Protocol,
    sport: int | None,
    dport: int | None,
    state: Conntrack,
) -> Trace:
    """One direction, with its remedies tried out."""

    def rerun(changed: Network) -> Trace:
        return walk_from(changed, changed.node(start), dst, src, proto, sport, dport, state)

    result = rerun(net)
    if result.accepted or not result.remedies:
        return result
    return replace(result, remedies=tried_remedies(net, result, rerun, lambda t: t is not None and t.accepted))


def _with_reply(net: Network, question: Question) -> Trace:
    request = _request_and_reply(net, question)
    back = request.reply
    if back is None or back.succeeded or not back.remedies:
        return request

    def rerun(changed: Network) -> Trace | None:
        return _request_and_reply(changed, question).reply

    # A fix for the reply counts only if the request still works and the answer reaches its sender.
    checked = tried_remedies(net, back, rerun, lambda t: t is not None and t.succeeded)
    return replace(request, reply=replace(back, remedies=checked))


def _request_and_reply(net: Network, question: Question) -> Trace:
    """The request (its remedies tried) and the raw reply, with the NLB source pitfall spelled out."""
    start = question[0]
    request = _solve(net, *question)
    if not request.accepted:
        return replace(request, reply=None)
    responder = request.last_hop.node
    seen = request.delivered
    assert seen is not None, "every trace records the packet as it was delivered"
    back = walk_from(net, net.node(responder), seen.src, seen.dst, seen.proto, seen.dport, seen.sport, request.state)
    cluster_fix = cluster_source_remedies(net, start, request.src)
    if back.accepted and back.last_hop.node != start:
        back = replace(
            back,
            expected_at=start,
            relied_on=(),
            remedies=tuple(cluster_fix),
            reason=f"the reply reached {back.last_hop.node}, not {start} which sent the request: "
            f"{back.last_hop.node} has no such connection and discards it (TCP answers "
            "with a reset), so the exchange fails",
        )
    elif back.accepted and cluster_fix:
        back = replace(
            back,
            relied_on=back.relied_on
            + (
                f"luck: NLB's hash handed the reply for cluster IP {request.src} to {start}; a peer that "
                "hashes to another member gets no answer",
            ),
        )
    elif not back.accepted:
        back = replace(back, remedies=back.remedies + tuple(cluster_fix))
    return replace(request, reply=back)
