"""The `netsh interface ipv4` context: which command a learner typed, and what its set, add
and delete commands change (the show commands print with labkit.model.console.netsh_show).
How netsh reads the arguments is in netsh_syntax.py."""

from __future__ import annotations

from .addressing import parse_ipv4_prefix
from .cmdline import CommandError, command_text, has_typographic_quotes, quoted_word, straight_quotes
from .console.netsh_show import netsh_show_config, netsh_show_interface, netsh_show_interfaces, netsh_show_route
from .host import Node
from .netsh_syntax import (
    ADD_ADDRESS,
    ADD_ROUTE,
    DELETE_ADDRESS,
    DELETE_ROUTE,
    SET_INTERFACE,
    SHOW_CONFIG,
    SHOW_INTERFACES,
    SHOW_ROUTE,
    SYNTAX_ERROR,
    interface_by_name,
    read_arguments,
)
from .route_edits import add_route, command_address, command_number, delete_routes
from .routes import Route, RouteOrigin, parse_destination

NETSH_ROUTE_METRIC = 256
"""Route metric of `netsh interface ipv4 add route` without metric= (see docs/model-rules.md)."""


# --- running netsh ----------------------------------------------------------------------------

_VERBS = {verb: verb for verb in ("add", "delete", "set", "show")}
_NOUNS = {
    "route": "route",
    "routes": "route",
    "interface": "interface",
    "interfaces": "interface",
    "address": "address",
    "addresses": "address",
    "config": "config",
}
# The other things Microsoft's `netsh interface` page lists after add/delete/set/show in the
# ipv4 context: Windows knows them, labkit does not model them.
_OTHER_NOUNS = frozenset(
    "arpcache compartment compartments destinationcache dnsservers dynamicportrange excludedportrange "
    "global icmpstats ipaddresses ipnettomedia ipstats joins neighbors offload subinterface subinterfaces "
    "tcpconnections tcpstats udpconnections udpstats winsservers".split()
)


def _word(typed: str, choices: dict[str, str], shortest: int) -> str | None:
    """A netsh command word, written out or shortened to a prefix that names one choice."""
    typed = typed.lower()
    if typed in choices:
        return choices[typed]
    matches = {meaning for word, meaning in choices.items() if word.startswith(typed)}
    return matches.pop() if len(matches) == 1 and len(typed) >= shortest else None


def _typographic_quotes(words: list[str]) -> CommandError:
    marked = [i for i, w in enumerate(words) if has_typographic_quotes(w)]
    pieces = words[marked[0] : marked[-1] + 1]
    received = (
        f"the separate words {', '.join(pieces[:-1])} and {pieces[-1]}" if len(pieces) > 1 else f"the word {pieces[0]}"
    )
    return CommandError(
        f"cmd.exe does not treat “ ” as quotes: netsh received {received}, quote marks "
        "included, finds no interface of that name and refuses the command",
        f"type straight double quotes: {straight_quotes(command_text(words))}",
        own_wording=True,
    )


def netsh(node: Node, words: list[str]) -> tuple[Node, str]:
    """Run `netsh interface ipv4 …` (words[0] is netsh itself)."""
    if any(has_typographic_quotes(w) for w in words):
        raise _typographic_quotes(words)
    context = words[1:3]
    not_found = CommandError(
        f"The following command was not found: {' '.join(words[1:])}.",
        "labkit models netsh interface ipv4 set interface, add|delete route, "
        "add|delete address and show route|interfaces|interface|config|addresses",
    )
    if (
        len(context) < 2
        or _word(context[0], {"interface": "interface"}, 3) is None
        or _word(context[1], {"ipv4": "ipv4", "ip": "ipv4"}, 2) is None
    ):
        raise not_found
    if not node.os.forwarding_per_interface:
        raise CommandError(
            not_found.message,
            f"{node.os.display} has no 'netsh interface ipv4' context "
            "(it arrived with Vista / Server 2008); use route.exe",
        )
    verb = _word(words[3], _VERBS, 2) if len(words) > 3 else None
    noun = _word(words[4], _NOUNS, 3) if len(words) > 4 else None
    if verb is None:
        raise not_found
    if noun is None and (len(words) < 5 or _word(words[4], {n: n for n in _OTHER_NOUNS}, 3) is None):
        raise not_found
    if noun is None:
        raise CommandError(f"netsh interface ipv4 {' '.join(words[3:5])}: not modelled by labkit", not_found.hint)
    runner = _RUNNERS.get((verb, noun))
    if runner is None:
        raise CommandError(f"netsh interface ipv4 {verb} {noun}: not modelled by labkit", not_found.hint)
    return runner(node, words, 5)


def _show_route(node: Node, words: list[str], start: int) -> tuple[Node, str]:
    read_arguments(node, words, start, SHOW_ROUTE)
    return node, netsh_show_route(node)


def _show_interfaces(node: Node, words: list[str], start: int) -> tuple[Node, str]:
    args = read_arguments(node, words, start, SHOW_INTERFACES)
    iface = interface_by_name(node, args["interface"]) if "interface" in args else None
    # Naming an interface shows its verbose block unless level=normal asks for the table.
    verbose = args.get("level", "verbose" if iface else "normal") == "verbose"
    if verbose:
        return node, netsh_show_interface(node, iface.key if iface else None)
    return node, netsh_show_interfaces(node, iface)


def _set_interface(node: Node, words: list[str], start: int) -> tuple[Node, str]:
    args = read_arguments(node, words, start, SET_INTERFACE)
    iface = interface_by_name(node, args.pop("interface"))
    args.pop("store", None)
    changes: dict = {}
    for name, value in args.items():
        if name == "metric":
            changes["metric"] = command_number(value, "metric", 1, 9999)
            continue
        if name != "forwarding" and not node.os.host_model_configurable:
            raise CommandError(
                f"{node.os.display} has no {name} setting for IPv4", "it always uses the weak host model"
            )
        changes[name] = value == "enabled"
    if not changes:
        raise CommandError(
            "One or more essential parameters were not entered. Verify the required parameters, "
            f"and reenter them. {SYNTAX_ERROR}",
            "give weakhostsend=, weakhostreceive=, forwarding= or metric=",
        )
    return node.with_interface(iface.key, **changes), "Ok."


def _route(node: Node, words: list[str], start: int, adding: bool) -> tuple[Node, str]:
    args = read_arguments(node, words, start, ADD_ROUTE if adding else DELETE_ROUTE)
    try:
        network = parse_destination(args["prefix"])
    except ValueError as err:
        raise CommandError(str(err), "write the prefix as address/length, e.g. 10.30.0.0/16") from None
    iface = interface_by_name(node, args["interface"])
    nexthop = command_address(args["nexthop"], "next hop") if "nexthop" in args else None
    if not adding:
        return delete_routes(
            node, lambda r: r.destination == network and r.interface == iface.key and nexthop in (None, r.gateway), ""
        ), "Ok."
    metric = command_number(args["metric"], "metric", 0, 9999) if "metric" in args else NETSH_ROUTE_METRIC
    route = Route(network, nexthop, iface.key, metric, RouteOrigin.STATIC, args.get("store") != "active")
    return add_route(node, route, "", "netsh interface ipv4 show route"), "Ok."


def _address(node: Node, words: list[str], start: int, adding: bool) -> tuple[Node, str]:
    """`add address NAME ADDRESS MASK [skipassource=true]` and `delete address NAME ADDRESS`."""
    verb = "add" if adding else "delete"
    if not node.os.host_model_configurable:
        raise CommandError(f"{node.os.display} has no 'netsh interface ipv4 {verb} address'")
    args = read_arguments(node, words, start, ADD_ADDRESS if adding else DELETE_ADDRESS)
    iface = interface_by_name(node, args["name"])
    address = command_address(args["address"].split("/")[0], "address")
    if not adding:
        if not iface.owns(address):
            raise CommandError("Element not found.", f'"{iface.label}" has no address {address}')
        changes = dict(
            addresses=tuple(a for a in iface.addresses if a.ip != address),
            skip_as_source=tuple(a for a in iface.skip_as_source if a != address),
        )
        if not changes["addresses"]:
            raise CommandError(f'refused: "{iface.label}" would have no address left (labkit needs one)')
    else:
        if iface.owns(address):
            raise CommandError("The object already exists.", f'"{iface.label}" already has {address}')
        if "mask" not in args and "/" not in args["address"]:
            raise CommandError(
                "netsh add address: expected a mask for a new address",
                f"add the mask: … {quoted_word(iface.label)} {address} 255.255.255.0",
                own_wording=True,
            )
        try:
            new = parse_ipv4_prefix(args["address"] if "/" in args["address"] else f"{address}/{args['mask']}")
        except ValueError as err:
            raise CommandError(str(err)) from None
        skip = args.get("skipassource") == "true"
        changes = dict(
            addresses=iface.addresses + (new,), skip_as_source=iface.skip_as_source + ((address,) if skip else ())
        )
    return node.with_interface(iface.key, **changes), "Ok."


def _show_config(node: Node, words: list[str], start: int, dns: bool) -> tuple[Node, str]:
    """`show config [name=]NAME` and `show addresses [name=]NAME`."""
    args = read_arguments(node, words, start, SHOW_CONFIG)
    iface = interface_by_name(node, args["name"]) if "name" in args else None
    return node, netsh_show_config(node, iface, dns)


_RUNNERS = {
    ("show", "config"): lambda node, words, start: _show_config(node, words, start, True),
    ("show", "address"): lambda node, words, start: _show_config(node, words, start, False),
    ("show", "route"): _show_route,
    ("show", "interface"): _show_interfaces,
    ("set", "interface"): _set_interface,
    ("add", "route"): lambda node, words, start: _route(node, words, start, True),
    ("delete", "route"): lambda node, words, start: _route(node, words, start, False),
    ("add", "address"): lambda node, words, start: _address(node, words, start, True),
    ("delete", "address"): lambda node, words, start: _address(node, words, start, False),
}
