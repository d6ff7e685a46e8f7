"""route.exe as a learner types it: PRINT, ADD and DELETE, read the way route.exe reads them."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from .cmdline import CommandError
from .console.route_print import interface_list, ipv6_section, route_print
from .host import Node, Route, RouteOrigin
from .route_edits import add_route, command_address, command_number, delete_routes, refused
from .routes import RouteRefused, parse_destination, route_interface

ROUTE_USAGE = (
    "route [-p] ADD destination MASK netmask gateway [METRIC n] [IF index]; the switches "
    "-p, -f and -4 may stand before or after the command word"
)
_ROUTE_SWITCHES = {"p", "f", "4", "6"}


def _route_words(node: Node, args: list[str]) -> tuple[set[str], list[str]]:
    """Split route.exe's arguments into switches (-p or /p, wherever they stand) and the rest."""
    switches, rest = set(), []
    for word in args:
        if word[:1] in "-/" and len(word) > 1:
            switch = word[1:].lower()
            if switch not in _ROUTE_SWITCHES:
                raise CommandError(f"route: unknown switch {word}", ROUTE_USAGE, own_wording=True)
            if switch in ("4", "6") and not node.os.forwarding_per_interface:
                raise CommandError(
                    f"route: {node.os.display}'s route.exe has no {word} switch",
                    "leave it out: it only knows IPv4 routes here",
                    own_wording=True,
                )
            switches.add(switch)
        else:
            rest.append(word)
    if "f" in switches:
        raise CommandError(
            "route -f (clear all gateway routes) is not modelled by labkit",
            "delete routes one by one with route delete",
        )
    return switches, rest


def route_exe(node: Node, args: list[str]) -> tuple[Node, str]:
    """route.exe: switches anywhere, the command word in any case, then the destination,
    MASK/METRIC/IF each followed by its value, and the first bare address as the gateway."""
    switches, words = _route_words(node, args)
    if not words:
        raise CommandError("route: expected a command: PRINT, ADD, DELETE", ROUTE_USAGE, own_wording=True)
    verb, rest = words[0].lower(), words[1:]
    if verb == "print":
        if len(rest) > 1:
            raise CommandError(
                f"route print: expected one destination pattern, got {' '.join(rest)}",
                "route print [-4|-6] [pattern], e.g. route print 10.*",
                own_wording=True,
            )
        if "4" in switches and "6" in switches:
            raise CommandError("route print: -4 and -6 exclude each other", own_wording=True)
        pattern = rest[0] if rest else None
        if "6" in switches:
            return node, "\n".join(interface_list(node) + ipv6_section(node, pattern))
        return node, route_print(
            node,
            persistent_only="p" in switches,
            ipv6="4" not in switches and node.os.forwarding_per_interface,
            pattern=pattern,
        )
    if "6" in switches:
        raise CommandError("route -6: labkit models IPv4 only", "use -4 or leave the switch out")
    if verb not in ("add", "delete"):
        raise CommandError(
            f"route: unknown command {words[0]!r} (labkit models PRINT, ADD, DELETE)", ROUTE_USAGE, own_wording=True
        )
    if not rest:
        raise CommandError(f"route {verb}: expected a destination", ROUTE_USAGE, own_wording=True)
    dest, values, gateway = rest[0], {}, None
    i = 1
    while i < len(rest):
        word = rest[i].lower()
        if word in ("mask", "metric", "if"):
            if i + 1 >= len(rest):
                raise CommandError(f"route: {word.upper()} needs a value", ROUTE_USAGE, own_wording=True)
            values[word], i = rest[i + 1], i + 2
        elif gateway is None:
            gateway, i = rest[i], i + 1
        else:
            raise CommandError(f"route: unexpected argument {rest[i]!r}", ROUTE_USAGE, own_wording=True)
    mask = values.get("mask")
    metric = command_number(values["metric"], "METRIC", 1, 9999) if "metric" in values else None
    if_index = command_number(values["if"], "IF", 1, 9999) if "if" in values else None
    try:
        network = parse_destination(dest, mask or ("0.0.0.0" if dest == "0.0.0.0" else "255.255.255.255"))
    except ValueError as err:
        raise CommandError(str(err), "the destination must have no bits outside the mask") from None
    if verb == "delete":
        # Without MASK, route delete matches the destination whatever its mask.
        gw = command_address(gateway, "gateway") if gateway else None

        def doomed(r: Route) -> bool:
            same = r.destination == network if mask else r.destination.network_address == network.network_address
            return same and gw in (None, r.gateway)

        return delete_routes(node, doomed, "The route deletion failed: "), " OK!"
    if gateway is None:
        raise CommandError("route add: expected a gateway", ROUTE_USAGE, own_wording=True)
    gw = command_address(gateway, "gateway")
    onlink = gw == IPv4Address("0.0.0.0")
    key = None
    if if_index is not None:
        match = [i for i in node.interfaces if node.if_index(i.key) == if_index]
        if not match:
            raise CommandError(
                "The route addition failed: Element not found.",
                f"the interface index {if_index} does not exist (see the Interface List of route print)",
            )
        key = match[0].key
    elif onlink:
        raise CommandError(
            "route add: an on-link route (gateway 0.0.0.0) needs IF <index>",
            "add IF and the index from route print's Interface List",
            own_wording=True,
        )
    route = Route(
        network,
        None if onlink else gw,
        key or "",
        node.os.static_route_metric if metric is None else metric,
        RouteOrigin.STATIC,
        "p" in switches,
    )
    try:
        route = replace(route, interface=route_interface(node, route.gateway, key))
    except RouteRefused as err:
        raise refused(err) from None
    return add_route(node, route, "The route addition failed: ", "route print"), " OK!"
