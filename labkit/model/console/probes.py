"""ping, tracert, Test-NetConnection and Find-NetRoute, driven by the packet engine: each
asks `labkit.model.engine.trace` (with the reply) and prints what Windows prints for that
outcome. docs/console-rules.md gives the source of each failure text.

The kit has no clock: every round trip is under a millisecond (`time<1ms`, `<1 ms`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from ..engine import TraceError, trace
from ..flow import Protocol
from ..routes import LOOPBACK_LABEL, select_route
from ..trace import Action, Disposition, Hop, Trace
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from ..host import Node
    from ..network import Network
    from .ps_objects import PsObject

MAX_TTL_HOPS = 30
"""tracert's default maximum number of hops."""


class ProbeResult(Vocabulary):
    """What the sender of one probe (ping, tracert, Test-NetConnection) sees."""

    REPLY = "reply"
    GENERAL_FAILURE = "general-failure"
    UNREACHABLE = "unreachable"
    NET_UNREACHABLE = "net-unreachable"
    TTL_EXPIRED = "ttl-expired"
    TIMEOUT = "timeout"


_ICMP_ERROR = {
    ProbeResult.UNREACHABLE: "Destination host unreachable.",
    ProbeResult.NET_UNREACHABLE: "Destination net unreachable.",
    ProbeResult.TTL_EXPIRED: "TTL expired in transit.",
}
"""What ping and tracert print for the ICMP error a router (or the sender) reports."""
_UNREACHABLE = (ProbeResult.UNREACHABLE, ProbeResult.NET_UNREACHABLE)


@dataclass(frozen=True)
class Outcome:
    """What the sender sees for one probe."""

    kind: ProbeResult
    source: IPv4Address | None
    interface: str | None
    """Alias of the interface the probe left by (for the node's own address: the NIC holding it)."""
    responder: IPv4Address | None = None
    """Who answered: the destination, or the router / own address reporting an error."""
    routers: tuple[IPv4Address, ...] = ()
    """Addresses of the routers on the way, as tracert lists them."""
    ttl: int = 128
    trace: Trace | None = None

    @property
    def reached(self) -> bool:
        return self.kind is ProbeResult.REPLY


def _router_address(net: Network, hop: Hop) -> IPv4Address:
    """The address a router answers from: its first address on the interface the probe came in by."""
    if hop.in_iface is None:  # only the sender's own hop has none, and it is no router
        raise ValueError(f"{hop.node} is where the probe started, not a router on its way")
    return net.node(hop.node).interface(hop.in_iface).addresses[0].ip


def _loop_router(net: Network, hops: Sequence[Hop]) -> IPv4Address:
    """The router where a looping probe's TTL (128) runs out, following the loop's period."""
    routers = list(hops[1:])
    names = [h.node for h in routers]
    for period in range(1, len(names)):
        if names[-period:] == names[-2 * period : -period]:
            cycle = routers[-period:]
            start = len(routers) - period
            index = 127 - start
            return _router_address(net, cycle[index % period] if index >= 0 else routers[127])
    return _router_address(net, routers[-1])


def outcome(
    net: Network,
    node_name: str,
    dst: IPv4Address,
    src: IPv4Address | None = None,
    proto: Protocol = Protocol.ICMP,
    dport: int | None = None,
) -> Outcome:
    """Send one probe (and its answer) through the engine and read what the sender sees."""
    result = trace(net, node_name, dst, src=src, proto=proto, dport=dport, reply=True)
    node = net.node(node_name)
    first = result.hops[0]
    # The node's own address: Windows's host route for it sits on the NIC that holds it.
    owner = node.owner_of(dst) if first.out_iface is None else node.interface(first.out_iface)
    alias = owner.label if owner is not None else LOOPBACK_LABEL
    source = None if result.src.is_unspecified else result.src
    # Every node between the sender and the last one forwarded the probe (tracert lists them).
    routers = tuple(_router_address(net, h) for h in result.hops[1:-1])
    disposition = result.disposition
    if disposition in (Disposition.NO_ROUTE, Disposition.STRONG_SEND_BLOCKED) and len(result.hops) == 1:
        return Outcome(ProbeResult.GENERAL_FAILURE, source, None if source is None else alias, trace=result)
    last = result.hops[-1]
    if disposition is Disposition.NO_ROUTE:
        return Outcome(ProbeResult.NET_UNREACHABLE, source, alias, _router_address(net, last), routers, trace=result)
    if disposition is Disposition.NEIGHBOR_UNREACHABLE:
        if len(result.hops) == 1:
            return Outcome(ProbeResult.UNREACHABLE, source, alias, source, trace=result)
        # The router forwards a probe whose TTL allows it, then finds no ARP answer.
        responder = _router_address(net, last)
        return Outcome(ProbeResult.UNREACHABLE, source, alias, responder, routers + (responder,), trace=result)
    if disposition is Disposition.LOOP:
        return Outcome(ProbeResult.TTL_EXPIRED, source, alias, _loop_router(net, result.hops), routers, trace=result)
    reply = result.reply
    if result.accepted and len(result.hops) == 1:  # the node's own address, through the loopback
        return Outcome(ProbeResult.REPLY, source, alias, dst, trace=result)
    if result.succeeded and reply is not None and reply.succeeded:
        replier = net.node(reply.hops[0].node)
        initial = 128 if replier.os.is_windows else 64
        return Outcome(ProbeResult.REPLY, source, alias, dst, routers, initial - max(0, len(reply.hops) - 2), result)
    return Outcome(ProbeResult.TIMEOUT, source, alias, routers=routers, trace=result)


def console_verdict(
    net: Network, node_name: str, dst: IPv4Address | str
) -> tuple[bool, IPv4Address | None, str | None]:
    """(reached, source address, interface alias) for an ICMP echo, as the console shows it."""
    seen = outcome(net, node_name, IPv4Address(str(dst)))
    return seen.reached, seen.source, seen.interface


# --- ping ----------------------------------------------------------------------------------


def ping(
    net: Network, node_name: str, dst: IPv4Address, src: IPv4Address | None = None, count: int = 4, size: int = 32
) -> str:
    """ping.exe on 2008 and later (2003: an empty line after the header, see the rules)."""
    node = net.node(node_name)
    old = not node.os.forwarding_per_interface
    head = f"Pinging {dst}" + (f" from {src}" if src is not None else "") + f" with {size} bytes of data:"
    lines = ["", head] + ([""] if old else [])
    seen = outcome(net, node_name, dst, src)
    received = 0
    for _ in range(count):
        if seen.kind is ProbeResult.REPLY:
            lines.append(f"Reply from {dst}: bytes={size} time<1ms TTL={seen.ttl}")
        elif seen.kind is ProbeResult.GENERAL_FAILURE:
            lines.append("Destination host unreachable." if old else "PING: transmit failed. General failure.")
        elif seen.kind is ProbeResult.TIMEOUT or (
            seen.kind is ProbeResult.UNREACHABLE and old and seen.responder == seen.source
        ):
            lines.append("Request timed out.")
        else:
            lines.append(f"Reply from {seen.responder}: {_ICMP_ERROR[seen.kind]}")
        # An ICMP error counts as a received packet, as ping.exe counts it.
        received += (seen.kind is ProbeResult.REPLY or seen.kind in _ICMP_ERROR) and lines[-1].startswith("Reply")
    lost = count - received
    lines += [
        "",
        f"Ping statistics for {dst}:",
        f"    Packets: Sent = {count}, Received = {received}, Lost = {lost} ({lost * 100 // count}% loss),",
    ]
    if seen.kind is ProbeResult.REPLY:
        lines += ["Approximate round trip times in milli-seconds:", "    Minimum = 0ms, Maximum = 0ms, Average = 0ms"]
    return "\n".join(lines)


# --- tracert -------------------------------------------------------------------------------


def _probe_line(number: int, address: IPv4Address) -> str:
    return f"{number:>3}{'<1 ms':>9}{'<1 ms':>9}{'<1 ms':>9}  {address}"


def tracert(net: Network, node_name: str, dst: IPv4Address, max_hops: int = MAX_TTL_HOPS) -> str:
    """tracert -d: one line per router, then the destination (no names: the kit has no DNS)."""
    seen = outcome(net, node_name, dst)
    lines = ["", f"Tracing route to {dst} over a maximum of {max_hops} hops", ""]
    if seen.kind is ProbeResult.GENERAL_FAILURE:
        return "\n".join(lines + ["  1  Transmit error: code 1231.", "", "Trace complete."])
    number = 0
    for number, router in enumerate(seen.routers[:max_hops], 1):
        lines.append(_probe_line(number, router))
    if seen.kind is ProbeResult.REPLY and number < max_hops:
        lines.append(_probe_line(number + 1, dst))
    elif seen.kind in _UNREACHABLE and (number < max_hops or seen.kind is ProbeResult.NET_UNREACHABLE):
        lines.append(f"{number + 1:>3}  {seen.responder}  reports: {_ICMP_ERROR[seen.kind]}")
    elif seen.kind is ProbeResult.TTL_EXPIRED and seen.trace is not None:  # outcome() always keeps the trace
        hops = [h for h in seen.trace.hops[1:]]
        for extra in range(number + 1, max_hops + 1):
            lines.append(_probe_line(extra, _router_address(net, hops[(extra - 1) % len(hops)])))
    else:
        for extra in range(number + 1, max_hops + 1):
            lines.append(f"{extra:>3}{'*':>6}{'*':>9}{'*':>9}     Request timed out.")
    return "\n".join(lines + ["", "Trace complete."])


# --- PowerShell ----------------------------------------------------------------------------

_STATUS = {
    ProbeResult.GENERAL_FAILURE: "11050",
    ProbeResult.UNREACHABLE: "DestinationHostUnreachable",
    ProbeResult.NET_UNREACHABLE: "DestinationNetworkUnreachable",
    ProbeResult.TTL_EXPIRED: "TtlExpired",
    ProbeResult.TIMEOUT: "TimedOut",
}


def _new_wording(node: Node) -> bool:
    """2019 and later print `failed with status: X`; 2012 R2 and 2016 `failed -- Status: X`."""
    return node.os.name in ("windows-2019", "windows-2022")


def test_net_connection(net: Network, node_name: str, target: str, dst: IPv4Address, port: int | None = None) -> str:
    return _tnc_text(*test_net_connection_fields(net, node_name, target, dst, port))


def test_net_connection_fields(
    net: Network, node_name: str, target: str, dst: IPv4Address, port: int | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Test-NetConnection's warnings and (field, value) pairs, in the order it prints them."""
    node = net.node(node_name)
    new = _new_wording(node)
    warnings: list[str] = []
    fields: list[tuple[str, str]] = [("ComputerName", target), ("RemoteAddress", str(dst))]
    if port is not None:
        fields.append(("RemotePort", str(port)))
        tcp = outcome(net, node_name, dst, proto=Protocol.TCP, dport=port)
        fields += [("InterfaceAlias", tcp.interface or ""), ("SourceAddress", str(tcp.source or ""))]
        if tcp.reached:
            fields.append(("TcpTestSucceeded", "True"))
            return warnings, fields
        warnings.append(
            f"WARNING: TCP connect to ({dst} : {port}) failed"
            if new
            else f"WARNING: TCP connect to {dst}:{port} failed"
        )
    seen = outcome(net, node_name, dst)
    if port is None:
        fields += [("InterfaceAlias", seen.interface or ""), ("SourceAddress", str(seen.source or ""))]
    if not seen.reached:
        status = _STATUS[seen.kind]
        warnings.append(
            f"WARNING: Ping to {dst} failed with status: {status}"
            if new
            else f"WARNING: Ping to {dst} failed -- Status: {status}"
        )
    fields += [("PingSucceeded", str(seen.reached)), ("PingReplyDetails (RTT)", "0 ms")]
    if port is not None:
        fields.append(("TcpTestSucceeded", "False"))
    return warnings, fields


def _tnc_text(warnings: list[str], fields: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in fields)
    body = [f"{k:<{width}} : {v}".rstrip() for k, v in fields]
    return "\n".join(warnings + [""] + body + ["", ""])


def find_net_route(
    net: Network, node_name: str, dst: IPv4Address, local: IPv4Address | None = None
) -> tuple[PsObject, PsObject] | None:
    """(the NetIPAddress object, the NetRoute object) Windows picks, or None when there is no route.

    The engine's first hop says which route and source it used; for the node's own address
    the route is the host route the stack made for it.
    """
    from .ps_objects import ip_addresses, route_object

    node = net.node(node_name)
    result = trace(net, node_name, dst, src=local, proto=Protocol.ICMP)
    first = result.hops[0]
    if result.disposition in (Disposition.NO_ROUTE, Disposition.STRONG_SEND_BLOCKED) and len(result.hops) == 1:
        return None
    choices = [s.route_choice for s in first.steps if s.action is Action.ROUTED and s.route_choice is not None]
    winner = choices[0].winner if choices else select_route(node, dst).winner
    if winner is None:
        return None
    route = winner.route
    source = str(result.src)
    address = next(o for o in ip_addresses(node) if o.get("IPAddress") == source)
    return address, route_object(node, route)


__all__ = [
    "Outcome",
    "TraceError",
    "console_verdict",
    "find_net_route",
    "outcome",
    "ping",
    "test_net_connection",
    "tracert",
]
