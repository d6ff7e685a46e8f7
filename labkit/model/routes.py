"""Route selection, and how route.exe reads a destination and a gateway.

The route table itself (Route, build_route_table) is part of a node: labkit.model.host.

Selection: longest prefix first, whatever the metric; then the lowest effective
metric (Vista+: route metric + interface metric); an exact tie is reported as a
tie because Windows leaves it undefined, while the kit still takes the first
listed route. On 2003 the adapter first in the binding order wins such a tie.
Several default gateways typed on one NIC are not a tie: they are an ordered
list, the first is used and the others stand by for dead gateway detection.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from ..errors import LabkitError, shorten
from .addressing import parse_ipv4
from .host import DEFAULT_ROUTE, LOOPBACK, LOOPBACK_LABEL, Node, Route, RouteOrigin  # noqa: F401 (importers use routes)


def interface_label(node: Node, key: str) -> str:
    return LOOPBACK_LABEL if key == LOOPBACK else node.interface(key).label


def describe_route(node: Node, route: Route) -> str:
    via = "on-link" if route.gateway is None else f"via {route.gateway}"
    return f'{route.destination} {via} on "{interface_label(node, route.interface)}"'


def effective_metric(node: Node, route: Route) -> int:
    """The number route selection compares."""
    if not node.os.adds_interface_metric:
        return route.metric
    if route.interface == LOOPBACK:
        return route.metric + node.os.loopback_metric
    return route.metric + node.interface_metric(route.interface)


@dataclass(frozen=True)
class Candidate:
    route: Route
    metric: int
    """Effective metric."""
    position: int
    """Place in the route table (the kit's deterministic tie-break)."""


@dataclass(frozen=True)
class RouteChoice:
    """The outcome of one route lookup, with everything needed to explain it."""

    destination: IPv4Address
    candidates: tuple[Candidate, ...]
    """Every matching route, best first."""
    tie: tuple[Candidate, ...] = ()
    """Other routes exactly as good as the winner (Windows Vista+ leaves the pick undefined)."""
    tie_broken_by: str | None = None
    restricted_to: str | None = None
    """Interface key the lookup was limited to (strong host send), if any."""
    standby: tuple[Candidate, ...] = ()
    """Default gateways as good as the winner but listed after another gateway of their own
    NIC: they wait for dead gateway detection (an ordered list, not a tie)."""

    @property
    def winner(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def why(self, node: Node) -> str:
        """One line: why the winner won."""
        win = self.winner
        if win is None:
            scope = f' on "{interface_label(node, self.restricted_to)}"' if self.restricted_to else ""
            return f"no route{scope} matches {self.destination}"
        text = f"{describe_route(node, win.route)}, metric {metric_breakdown(node, win)}"
        if self.tie:
            tied = ", ".join(describe_route(node, c.route) for c in self.tie)
            if self.tie_broken_by:
                return text + f"; tie with {tied} broken by {self.tie_broken_by}"
            who = "Windows leaves" if node.os.is_windows else "the OS leaves"
            return text + (
                f"; TIE with {tied} (same prefix, same metric: {who} the pick "
                "undefined, the kit takes the first listed)"
            )
        prefix = win.route.destination.prefixlen
        others = [c for c in self.candidates[1:] if c not in self.standby]
        shorter = [c for c in others if c.route.destination.prefixlen < prefix]
        higher = [c for c in others if c.route.destination.prefixlen == prefix]
        reasons = []
        if shorter:
            reasons.append(
                f"longest prefix /{prefix} beats "
                + ", ".join(f"/{c.route.destination.prefixlen} (metric {c.metric})" for c in shorter[:3])
            )
        if higher:
            reasons.append(f"lowest metric {win.metric} beats " + ", ".join(str(c.metric) for c in higher[:3]))
        if self.standby:
            reasons.append(
                ", ".join(f'{c.route.gateway} on "{interface_label(node, c.route.interface)}"' for c in self.standby)
                + f" (same metric {win.metric}) is listed after another gateway of its NIC: "
                "it stands by for dead gateway detection, not a tie"
            )
        if reasons:
            return text + "; " + "; ".join(reasons)
        if self.restricted_to:
            return text + f'; the only matching route on "{interface_label(node, self.restricted_to)}"'
        return text + "; the only matching route"

    # Words and layout live in labkit.render, imported when first asked for.
    def __repr__(self) -> str:
        from ..render import route_choice_repr

        return route_choice_repr(self)

    def _repr_html_(self) -> str:
        from ..render import route_choice_html

        return route_choice_html(self)


def metric_breakdown(node: Node, candidate: Candidate) -> str:
    """'266 = 256 + interface 10' where Windows adds the interface metric."""
    route = candidate.route
    if not node.os.adds_interface_metric:
        return str(candidate.metric)
    return f"{candidate.metric} = {route.metric} + interface {candidate.metric - route.metric}"


def select_route(node: Node, dst: IPv4Address | str, only_interface: str | None = None) -> RouteChoice:
    """Look up `dst` (an address, or its text: "10.30.5.5"); with `only_interface`, only routes on
    that interface count."""
    dst = dst if isinstance(dst, IPv4Address) else parse_ipv4(dst, "destination")
    matching = [
        Candidate(route, effective_metric(node, route), pos)
        for pos, route in enumerate(node.route_table)
        if dst in route.destination and (only_interface is None or route.interface == only_interface)
    ]
    matching.sort(key=lambda c: (-c.route.destination.prefixlen, c.metric, c.position))
    if not matching:
        return RouteChoice(dst, (), restricted_to=only_interface)
    best = matching[0]
    tied = [
        c
        for c in matching[1:]
        if c.route.destination.prefixlen == best.route.destination.prefixlen and c.metric == best.metric
    ]
    # Several gateways typed on one NIC are an ordered list, not a tie: the
    # first is used and the others wait for dead gateway detection.
    standby = tuple(
        c for c in tied if _is_gateway(c) and _is_gateway(best) and c.route.interface == best.route.interface
    )
    tied = [c for c in tied if c not in standby]
    broken_by = None
    if tied and node.os.binding_order_breaks_ties and _is_gateway(best) and all(map(_is_gateway, tied)):
        order = {key: i for i, key in enumerate(node.bindings)}
        group = sorted([best, *tied], key=lambda c: (order.get(c.route.interface, len(order)), c.position))
        matching = [*group, *(c for c in matching if c not in group)]
        best, tied = group[0], group[1:]
        broken_by = "binding order (Windows 2003: the first adapter in Adapters and Bindings)"
    return RouteChoice(dst, tuple(matching), tuple(tied), broken_by, only_interface, standby)


def _is_gateway(candidate: Candidate) -> bool:
    return candidate.route.origin is RouteOrigin.GATEWAY


def gateways_in_order(choice: RouteChoice) -> tuple[Candidate, ...]:
    """Default routes among the candidates, in the order dead gateway detection walks them."""
    return tuple(c for c in choice.candidates if c.route.is_default and c.route.gateway is not None)


MASK_ERROR = "The route addition failed: The specified mask parameter is invalid. (Destination & Mask) != Destination."
GATEWAY_ERROR = (
    "The route addition failed: Either the interface index is wrong or the gateway "
    "does not lie on the same network as the interface. Check the IP Address Table "
    "for the machine."
)


def parse_destination(destination: str, mask: str | None = None) -> IPv4Network:
    """'10.30.0.0/16', or route.exe's ('10.30.0.0', '255.255.0.0').

    Host bits outside the mask get route.exe's own complaint (M8).
    """
    if mask is None:
        dest_text, _, length = destination.partition("/")
        if not (length.isascii() and length.isdigit() and len(length) <= 2) or int(length) > 32:
            raise ValueError(f"expected a network like 10.30.0.0/16, got {shorten(destination)}")
        mask_int = (0xFFFFFFFF << (32 - int(length))) & 0xFFFFFFFF
    else:
        dest_text = destination
        mask_int = int(parse_ipv4(mask, "mask"))
    dest = parse_ipv4(dest_text, "destination")
    if int(dest) & mask_int != int(dest):
        raise ValueError(MASK_ERROR)
    inverted = ~mask_int & 0xFFFFFFFF
    if inverted & (inverted + 1):
        raise ValueError(
            f"the mask {IPv4Address(mask_int)} is not contiguous (expected ones then zeros, like 255.255.0.0)"
        )
    return IPv4Network(f"{dest}/{IPv4Address(mask_int)}")


def interface_for_gateway(node: Node, gateway: IPv4Address) -> str | None:
    """The interface whose subnet holds the gateway (as route.exe infers it), or None."""
    best: tuple[int, str] | None = None
    for iface in node.interfaces:
        for addr in iface.addresses:
            if gateway in addr.network and (best is None or addr.network.prefixlen > best[0]):
                best = (addr.network.prefixlen, iface.key)
    return best[1] if best else None


class RouteRefused(LabkitError, ValueError):
    """A static route Windows would refuse: str() explains, `.windows` is route.exe's own text."""

    def __init__(self, explanation: str, windows: str):
        super().__init__(explanation)
        self.windows = windows


def route_interface(node: Node, gateway: IPv4Address | None, key: str | None) -> str:
    """The interface a new static route uses, checked as route.exe checks it (raises RouteRefused)."""
    if key is not None and not node.has_interface(key):
        message = f"node {node.name} has no interface {key!r} (it has: {', '.join(i.key for i in node.interfaces)})"
        raise RouteRefused(message, GATEWAY_ERROR)
    if gateway is None:
        if key is None:
            raise RouteRefused("an on-link route needs its interface", GATEWAY_ERROR)
        return key
    if key is None:
        key = interface_for_gateway(node, gateway)
        if key is None:
            raise RouteRefused(
                f'gateway {gateway} is on no subnet of {node.name}; Windows refuses the route ("{GATEWAY_ERROR}")',
                GATEWAY_ERROR,
            )
    if not node.interface(key).on_link(gateway):
        raise RouteRefused(
            f'gateway {gateway} is not on a subnet of "{node.interface(key).label}"; '
            f'Windows refuses the route ("{GATEWAY_ERROR}")',
            GATEWAY_ERROR,
        )
    return key
