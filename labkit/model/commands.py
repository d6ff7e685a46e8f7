"""The real Windows commands: writing them for a node's settings, printing `route print`
the way Windows prints it, and running the route.exe/netsh/reg commands a learner types.

How cmd.exe cuts a line into words is in cmdline.py, the netsh context in netsh.py.
The outputs themselves (route print, netsh's show commands) are written in labkit.model.console.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from .cmdline import CommandError, split_command_line
from .host import Interface, Node, interface_defaults
from .console.route_print import route_print
from .netsh import netsh, netsh_show_interface, netsh_show_interfaces, netsh_show_route
from .route_edits import add_route, command_address, command_number, delete_routes, refused
from .routes import Route, RouteOrigin, RouteRefused, interface_for_gateway, parse_destination, route_interface

__all__ = ["CommandError", "apply_command", "forwarding_command", "netsh_add_route", "netsh_set_switch",
           "netsh_show_interface", "netsh_show_interfaces", "netsh_show_route", "node_commands",
           "registry_value", "restart", "route_exe_add", "route_print", "run_command", "skip_as_source_commands",
           "split_command_line"]

# --- writing commands -------------------------------------------------------------------

IP_ENABLE_ROUTER = r"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"


def netsh_set_switch(iface: Interface, switch: str, enabled: bool) -> str:
    state = "enabled" if enabled else "disabled"
    return f"netsh interface ipv4 set interface {iface.quoted} {switch}={state}"


def forwarding_command(node: Node, iface: Interface, enabled: bool = True) -> str:
    """Vista+: per interface with netsh; 2003: the machine-wide IPEnableRouter value."""
    if node.os.forwarding_per_interface:
        return netsh_set_switch(iface, "forwarding", enabled)
    return f"reg add {IP_ENABLE_ROUTER} /v IPEnableRouter /t REG_DWORD /d {int(enabled)} /f"


def route_exe_add(node: Node, route: Route) -> str:
    """`route -p add DEST mask MASK GATEWAY metric N [if IDX]`."""
    p = "-p " if route.persistent else ""
    dest = route.destination
    gateway = route.gateway if route.gateway is not None else IPv4Address("0.0.0.0")
    text = f"route {p}add {dest.network_address} mask {dest.netmask} {gateway} metric {route.metric}"
    inferred = interface_for_gateway(node, route.gateway) if route.gateway is not None else None
    if inferred != route.interface:
        text += f" if {node.if_index(route.interface)}"
    return text


def netsh_add_route(node: Node, route: Route) -> str:
    """`netsh interface ipv4 add route PREFIX "NAME" NEXTHOP metric=N` (persistent by default)."""
    iface = node.interface(route.interface)
    text = f"netsh interface ipv4 add route {route.destination} {iface.quoted}"
    if route.gateway is not None:
        text += f" {route.gateway}"
    text += f" metric={route.metric}"
    if not route.persistent:
        text += " store=active"
    return text


def node_commands(node: Node) -> list[str]:
    """The commands that give a freshly installed node of this OS the node's settings."""
    out: list[str] = []
    if not node.os.is_windows:
        return out
    defaults = interface_defaults(node.os, node.role)
    # 2003 has the older 'netsh interface ip' context, which spells the address addr=.
    context, addr = ("ipv4", "address") if node.os.forwarding_per_interface else ("ip", "addr")
    for iface in node.interfaces:
        first, *more = iface.addresses
        gateways = list(iface.gateways)
        command = (f"netsh interface {context} set address name={iface.quoted} source=static "
                   f"{addr}={first.ip} mask={first.netmask}")
        if gateways:
            gw = gateways.pop(0)
            command += f" gateway={gw.address}" + ("" if gw.metric is None else f" gwmetric={gw.metric}")
        out.append(command)
        out += [f"netsh interface {context} add address name={iface.quoted} {addr}={a.ip} mask={a.netmask}"
                for a in more]
        out += [f"netsh interface {context} add address name={iface.quoted} gateway={gw.address}"
                + ("" if gw.metric is None else f" gwmetric={gw.metric}") for gw in gateways]
        if iface.skip_as_source:
            out.append(skip_as_source_commands(iface, iface.skip_as_source))
        if iface.metric is not None:
            out.append(f"netsh interface ipv4 set interface {iface.quoted} metric={iface.metric}"
                       if node.os.forwarding_per_interface else
                       f"rem set the interface metric of {iface.quoted} to {iface.metric} in its Advanced "
                       "TCP/IP Settings (Windows 2003 has no command for it)")
        for switch in ("weakhostsend", "weakhostreceive"):
            if getattr(iface, switch) != defaults[switch]:
                out.append(netsh_set_switch(iface, switch, getattr(iface, switch)))
        if iface.forwarding != defaults["forwarding"] and node.os.forwarding_per_interface:
            out.append(forwarding_command(node, iface, iface.forwarding))
    if not node.os.forwarding_per_interface and any(i.forwarding for i in node.interfaces):
        out.append(forwarding_command(node, node.interfaces[0]))
    for route in node.routes:
        out.append(route_exe_add(node, route))
        if node.os.forwarding_per_interface:  # netsh interface ipv4 arrived with Vista
            out.append(netsh_add_route(node, route))
    return out


def registry_value(route: Route) -> str:
    """The PersistentRoutes value name route -p writes: dest,mask,gateway,metric."""
    gw = route.gateway if route.gateway is not None else "0.0.0.0"
    return f"{route.destination.network_address},{route.destination.netmask},{gw},{route.metric}"


# --- running commands a learner types -----------------------------------------------------

def restart(node: Node) -> Node:
    """What a reboot keeps: persistent static routes only."""
    return replace(node, routes=tuple(r for r in node.routes if r.persistent))


ROUTE_USAGE = ("route [-p] ADD destination MASK netmask gateway [METRIC n] [IF index]; the switches "
               "-p, -f and -4 may stand before or after the command word")
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
                raise CommandError(f"route: {node.os.display}'s route.exe has no {word} switch",
                                   "leave it out: it only knows IPv4 routes here", own_wording=True)
            switches.add(switch)
        else:
            rest.append(word)
    if "f" in switches:
        raise CommandError("route -f (clear all gateway routes) is not modelled by labkit",
                           "delete routes one by one with route delete")
    return switches, rest


def _route_exe(node: Node, args: list[str]) -> tuple[Node, str]:
    """route.exe: switches anywhere, the command word in any case, then the destination,
    MASK/METRIC/IF each followed by its value, and the first bare address as the gateway."""
    switches, words = _route_words(node, args)
    if not words:
        raise CommandError("route: expected a command: PRINT, ADD, DELETE", ROUTE_USAGE, own_wording=True)
    verb, rest = words[0].lower(), words[1:]
    if verb == "print":
        if len(rest) > 1:
            raise CommandError(f"route print: expected one destination pattern, got {' '.join(rest)}",
                               "route print [-4|-6] [pattern], e.g. route print 10.*", own_wording=True)
        if "4" in switches and "6" in switches:
            raise CommandError("route print: -4 and -6 exclude each other", own_wording=True)
        pattern = rest[0] if rest else None
        if "6" in switches:
            from .console.route_print import interface_list, ipv6_section
            return node, "\n".join(interface_list(node) + ipv6_section(node, pattern))
        return node, route_print(node, persistent_only="p" in switches,
                                 ipv6="4" not in switches and node.os.forwarding_per_interface, pattern=pattern)
    if "6" in switches:
        raise CommandError("route -6: labkit models IPv4 only", "use -4 or leave the switch out")
    if verb not in ("add", "delete"):
        raise CommandError(f"route: unknown command {words[0]!r} (labkit models PRINT, ADD, DELETE)",
                           ROUTE_USAGE, own_wording=True)
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
            same = r.destination == network if mask else \
                r.destination.network_address == network.network_address
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
            raise CommandError("The route addition failed: Element not found.",
                               f"the interface index {if_index} does not exist (see the Interface List "
                               "of route print)")
        key = match[0].key
    elif onlink:
        raise CommandError("route add: an on-link route (gateway 0.0.0.0) needs IF <index>",
                           "add IF and the index from route print's Interface List", own_wording=True)
    route = Route(network, None if onlink else gw, key or "",
                  node.os.static_route_metric if metric is None else metric,
                  RouteOrigin.STATIC, "p" in switches)
    try:
        route = replace(route, interface=route_interface(node, route.gateway, key))
    except RouteRefused as err:
        raise refused(err) from None
    return add_route(node, route, "The route addition failed: ", "route print"), " OK!"


def skip_as_source_commands(iface: Interface, addresses) -> str:
    """KB 975808's procedure: remove each address and add it back with skipassource=true."""
    steps = []
    for address in addresses:
        addr = next(a for a in iface.addresses if a.ip == address)
        steps += [f"netsh interface ipv4 delete address {iface.quoted} {addr.ip}",
                  f"netsh interface ipv4 add address {iface.quoted} {addr.ip} {addr.netmask} skipassource=true"]
    return " && ".join(steps)


def _reg(node: Node, words: list[str]) -> tuple[Node, str]:
    """`reg add …\\Tcpip\\Parameters /v IPEnableRouter /t REG_DWORD /d 1 /f` (machine-wide forwarding)."""
    lowered = [w.lower() for w in words]
    if len(words) < 2 or lowered[0] != "add" or lowered[1] != IP_ENABLE_ROUTER.lower() or \
            "/v" not in lowered or lowered[lowered.index("/v") + 1:][:1] != ["ipenablerouter"]:
        raise CommandError("reg: labkit models only: reg add " + IP_ENABLE_ROUTER +
                           " /v IPEnableRouter /t REG_DWORD /d 0|1 /f")
    data = lowered[lowered.index("/d") + 1] if "/d" in lowered[:-1] else None
    if data not in ("0", "1"):
        raise CommandError("reg add … /v IPEnableRouter: expected /d 0 or /d 1")
    ifaces = tuple(replace(i, forwarding=data == "1") for i in node.interfaces)
    return replace(node, interfaces=ifaces), ("The operation completed successfully. "
                                              "(Windows applies IPEnableRouter at the next restart; "
                                              "the kit applies it at once.)")


def run_command(node: Node, line: str) -> tuple[Node, str]:
    """Run route.exe, netsh or reg commands on a Windows node: the changed node and Windows's answer.

    Several commands may be chained with '&&'. Raises CommandError with the message
    Windows would print.
    """
    if not node.os.is_windows:
        raise CommandError(f"{node.name} runs {node.os.display}: labkit models Windows commands only "
                           "(route, netsh, reg)")
    answers = []
    for words in split_command_line(line):
        program = words[0].lower().removesuffix(".exe")
        runners = {"route": _route_exe, "reg": _reg}
        if program == "netsh":
            node, answer = netsh(node, words)  # netsh types back the whole command in its hints
            answers.append(answer)
            continue
        if program not in runners:
            raise CommandError(f"'{words[0]}' is not a command labkit models (route, netsh, reg)")
        node, answer = runners[program](node, words[1:])
        answers.append(answer)
    return node, "\n".join(answers)


def apply_command(net, node: str, line: str):
    """Run a command on one node of a network: (the changed network, Windows's answer).

    A command that would leave the network inconsistent (an address conflict, a router
    that stops forwarding, ...) is refused like a command Windows refuses.
    """
    from .network import Severity, validate_network  # network imports this module's neighbours
    changed, answer = run_command(net.node(node), line)
    result = net.with_node(changed)
    errors = [p for p in validate_network(result) if p.severity is Severity.ERROR]
    if errors:
        raise CommandError(f"refused: it would leave the network inconsistent: {errors[0]}")
    return result, answer
