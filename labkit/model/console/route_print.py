"""`route print` as Windows prints it: the 2008-and-later layout (On-link, metric = route
metric + interface metric, an IPv6 section) and Windows Server 2003's (no On-link, the
route metric alone, a `Default Gateway:` line). Patterns (`route print 10.*`) filter the rows.

Column positions follow Microsoft's samples (Create a VM with multiple NICs; StorSimple
troubleshooting): destination, netmask, gateway, interface and metric end in columns
17, 34, 51, 68 and 75.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network

from ...errors import LabkitError, shorten
from ..host import Node
from ..routes import LOOPBACK, Route, RouteOrigin, effective_metric, select_route
from .layout import RULE, description, mac_route_print

ACTIVE_HEADER = "Network Destination        Netmask          Gateway       Interface  Metric"
PERSISTENT_HEADER = "  Network Address          Netmask  Gateway Address  Metric"


def table_order(node: Node, route: Route) -> tuple:
    """Windows lists routes by destination, then interface index."""
    index = 1 if route.interface == LOOPBACK else node.if_index(route.interface)
    return int(route.destination.network_address), route.destination.prefixlen, index


def pattern_matcher(pattern: str | None) -> Callable[[str], bool]:
    """route.exe's patterns: `*` any string, `?` one character, matched on the destination."""
    if pattern is None:
        return lambda text: True
    regex = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")
    return lambda text: bool(regex.match(text))


def _shown_interfaces(node: Node) -> Callable[[Route], str]:
    """route print's Interface column: the local address each route leaves from. A system route
    to an address's subnet, host or broadcast shows that address; others the NIC's first one.
    The lookup is built once per table (one pass over the addresses, not one per route)."""
    own: dict[tuple[str, IPv4Network], str] = {}
    for iface in node.interfaces:
        for addr in reversed(iface.addresses):  # the first address wins, as in Windows's listing
            for destination in (
                addr.network,
                IPv4Network(int(addr.ip)),
                IPv4Network(int(addr.network.broadcast_address)),
            ):
                own[iface.key, destination] = str(addr.ip)

    def shown(route: Route) -> str:
        if route.interface == LOOPBACK:
            return "127.0.0.1"
        if route.origin is RouteOrigin.SYSTEM and (route.interface, route.destination) in own:
            return own[route.interface, route.destination]
        return str(node.interface(route.interface).addresses[0].ip)

    return shown


def persistent_rows(node: Node) -> list[tuple[str, str, str, str]]:
    """(destination, mask, gateway, metric) of each persistent route."""
    rows = []
    if node.os.adds_interface_metric:
        # Vista+ stores a static default gateway as a persistent route.
        for iface in node.interfaces:
            for gw in iface.gateways:
                rows.append(("0.0.0.0", "0.0.0.0", str(gw.address), "Default" if gw.metric is None else str(gw.metric)))
    for r in node.routes:
        if r.persistent:
            rows.append(
                (
                    str(r.destination.network_address),
                    str(r.destination.netmask),
                    str(r.gateway or "0.0.0.0"),
                    str(r.metric),
                )
            )
    return rows


def persistent_block(node: Node, matches: Callable[[str], bool] = pattern_matcher(None)) -> list[str]:  # noqa: B008 (a pure match-all, made once)
    """`Persistent Routes:` and `  None`, or the table closed by a separator."""
    rows = [row for row in persistent_rows(node) if matches(row[0])]
    if not rows:
        return ["Persistent Routes:", "  None"]
    lines = ["Persistent Routes:", PERSISTENT_HEADER]
    lines += [f"{d:>17}{m:>17}{g:>17}  {met}" for d, m, g, met in rows]
    return lines + [RULE]


def interface_list(node: Node) -> list[str]:
    old = not node.os.forwarding_per_interface
    lines = [RULE, "Interface List"]
    if old:
        lines.append("0x1 ........................... MS TCP Loopback interface")
    for iface in node.interfaces:
        index = node.if_index(iface.key)
        if old:
            lines.append(f"{index:#x} ...{mac_route_print(node, iface)} ...... {description(iface)}")
        else:
            lines.append(f"{index:>3}...{mac_route_print(node, iface)} ......{description(iface)}")
    if not old:
        lines.append("  1...........................Software Loopback Interface 1")
    return lines + [RULE]


def _row_2008(node: Node, r: Route, shown_interface: Callable[[Route], str]) -> str:
    # Windows right-aligns On-link one column left of a gateway address.
    gw = f"{'On-link':>16} " if r.gateway is None else f"{str(r.gateway):>17}"
    return (
        f"{str(r.destination.network_address):>17}{str(r.destination.netmask):>17}"
        f"{gw}{shown_interface(r):>17}{effective_metric(node, r):>7}"
    )


def _active(lines: list[str], rows: list[str], header: str = ACTIVE_HEADER) -> list[str]:
    if not rows:
        return lines + ["Active Routes:", "  None"]
    return lines + ["Active Routes:", header, *rows, RULE]


def ipv4_section(node: Node, pattern: str | None = None) -> list[str]:
    """From `IPv4 Route Table` to the persistent block (2008 and later)."""
    matches = pattern_matcher(pattern)
    rows = _active_table(node, matches)[1:]
    return _active(["", "IPv4 Route Table", RULE], rows) + persistent_block(node, matches)


def ipv6_section(node: Node, pattern: str | None = None) -> list[str]:
    """The kit models IPv4 only: the NICs appear with IPv6 unbound, the loopback keeps ::1."""
    matches = pattern_matcher(pattern)
    metric = 256 + node.os.loopback_metric
    rows = [f"  1{metric:>7} {dest:<24} On-link" for dest in ("::1/128", "ff00::/8") if matches(dest)]
    return _active(["", "IPv6 Route Table", RULE], rows, " If Metric Network Destination      Gateway") + [
        "Persistent Routes:",
        "  None",
    ]


def _classful_broadcast(address: IPv4Address) -> IPv4Address:
    first = int(address) >> 24
    prefix = 8 if first < 128 else 16 if first < 192 else 24
    return IPv4Network(f"{address}/{prefix}", strict=False).broadcast_address


def _rows_2003(node: Node) -> list[tuple[str, str, str, str, int]]:
    """2003's active rows: gateway = the interface address for on-link routes and 127.0.0.1
    for the host's own addresses; broadcast routes use the classful broadcast; the route
    metric alone (1 for the loopback and limited-broadcast rows)."""
    rows = []
    shown_interface = _shown_interfaces(node)
    for r in sorted(node.route_table, key=lambda r: table_order(node, r)):
        if r.interface == LOOPBACK:
            if r.destination.prefixlen == 8:
                rows.append((r.destination, "127.0.0.1", "127.0.0.1", 1))
            continue
        shown = shown_interface(r)
        iface = node.interface(r.interface)
        dest = r.destination
        if r.origin is RouteOrigin.SYSTEM and dest.prefixlen == 32 and iface.owns(dest.network_address):
            rows.append((dest, "127.0.0.1", "127.0.0.1", r.metric))
            continue
        if (
            r.origin is RouteOrigin.SYSTEM
            and dest.prefixlen == 32
            and any(dest.network_address == a.network.broadcast_address for a in iface.addresses)
        ):
            dest = IPv4Network(_classful_broadcast(IPv4Address(shown)))
        metric = 1 if str(dest) == "255.255.255.255/32" else r.metric
        rows.append((dest, shown if r.gateway is None else str(r.gateway), shown, metric))
    return [(str(d.network_address), str(d.netmask), gw, ifc, m) for d, gw, ifc, m in rows]


def route_print_2003(node: Node, pattern: str | None = None) -> str:
    matches = pattern_matcher(pattern)
    lines = interface_list(node) + [RULE]
    rows = _active_table(node, matches)[1:]
    if not rows:
        return "\n".join(lines + ["Active Routes:", "  None", *persistent_block(node, matches)[:2]])
    lines += ["Active Routes:", ACTIVE_HEADER, *rows]
    gateway = select_route(node, IPv4Address("0.0.0.0")).winner
    if gateway is not None and gateway.route.is_default and gateway.route.gateway is not None:
        lines.append(f"Default Gateway:{str(gateway.route.gateway):>18}")
    block = persistent_block(node, matches)
    return "\n".join(lines + [RULE] + (block[:-1] if len(block) > 2 else block))


def _active_table(node: Node, matches: Callable[[str], bool]) -> list[str]:
    """The header and rows under `Active Routes:`."""
    if not node.os.forwarding_per_interface:
        return [
            ACTIVE_HEADER,
            *(
                f"{d:>17}{m:>17}{gw:>17}{_interface_2003(ifc)}{met:>8}"
                for d, m, gw, ifc, met in _rows_2003(node)
                if matches(d)
            ),
        ]
    shown_interface = _shown_interfaces(node)
    routes = sorted(node.route_table, key=lambda r: table_order(node, r))
    return [
        ACTIVE_HEADER,
        *(_row_2008(node, r, shown_interface) for r in routes if matches(str(r.destination.network_address))),
    ]


def _interface_2003(address: str) -> str:
    """Right-aligned to column 67, but always after at least two spaces."""
    return f"{address:>16}" if len(address) <= 14 else "  " + address


def route_print(
    node: Node, persistent_only: bool = False, ipv6: bool = False, pattern: str | None = None, active_only: bool = False
) -> str:
    """`route print -4` (the default here), `route print` (ipv6=True adds the IPv6 section),
    `route print -p` (persistent_only: the persistent routes between separators) and
    `route print PATTERN`, as the node's Windows version prints them. active_only: just the
    IPv4 `Active Routes:` table (its header and rows), to read one part at a time."""
    if not isinstance(node, Node):
        raise LabkitError(f'route_print takes a node, e.g. route_print(net.node("web1")); got {shorten(node, 40)}')
    if active_only:
        return "\n".join(_active_table(node, pattern_matcher(pattern)))
    if persistent_only:
        block = persistent_block(node, pattern_matcher(pattern))
        return "\n".join([RULE, *block] + ([] if block[-1] == RULE else [RULE]))
    if not node.os.forwarding_per_interface:
        return route_print_2003(node, pattern)
    lines = interface_list(node) + ipv4_section(node, pattern)
    if ipv6:
        lines += ipv6_section(node, pattern)
    return "\n".join(lines)
