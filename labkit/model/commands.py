"""The real Windows commands: writing them for a node's settings, printing tables the way
Windows prints them, and running the route/netsh commands a learner types.

Formats follow captured outputs (route print on Server 2008 and 2016; netsh show route)
described in the reference notes.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network

from .addressing import parse_ipv4, parse_ipv4_prefix
from .host import SWITCHES, Interface, Node, interface_defaults
from .routes import (DEFAULT_ROUTE, LOOPBACK, Route, RouteOrigin, effective_metric, interface_for_gateway,
                     interface_label, parse_destination, route_interface, RouteRefused)

RULE = "=" * 75


class CommandError(ValueError):
    """A command Windows would refuse; the message is what the learner should see."""


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


# --- printing tables --------------------------------------------------------------------

def _mac(node: Node, iface: Interface) -> str:
    index = node.if_index(iface.key)
    return f"00 15 5d 00 {index >> 8 & 0xff:02x} {index & 0xff:02x}"


def _shown_interface(node: Node, route: Route) -> str:
    """route print's Interface column: the local address the route leaves from."""
    if route.interface == LOOPBACK:
        return "127.0.0.1"
    iface = node.interface(route.interface)
    if route.origin is RouteOrigin.SYSTEM:
        for addr in iface.addresses:
            if route.destination in (addr.network, IPv4Network(addr.ip),
                                     IPv4Network(addr.network.broadcast_address)):
                return str(addr.ip)
    return str(iface.addresses[0].ip)


def _persistent_rows(node: Node) -> list[tuple[str, str, str, str]]:
    rows = []
    if node.os.adds_interface_metric:
        # Vista+ stores a static default gateway as a persistent route.
        for iface in node.interfaces:
            for gw in iface.gateways:
                rows.append(("0.0.0.0", "0.0.0.0", str(gw.address),
                             "Default" if gw.metric is None else str(gw.metric)))
    for r in node.routes:
        if r.persistent:
            rows.append((str(r.destination.network_address), str(r.destination.netmask),
                         str(r.gateway or "0.0.0.0"), str(r.metric)))
    return rows


def _if_index(node: Node, key: str) -> int:
    return 1 if key == LOOPBACK else node.if_index(key)


def _table_order(node: Node, route: Route) -> tuple:
    """Windows lists routes by destination, then interface index."""
    return (int(route.destination.network_address), route.destination.prefixlen,
            _if_index(node, route.interface))


def route_print(node: Node) -> str:
    """`route print -4` as Vista and later print it (route print shows effective metrics)."""
    lines = [RULE, "Interface List"]
    for iface in node.interfaces:
        lines.append(f"{node.if_index(iface.key):>3}...{_mac(node, iface)} ......{iface.label}")
    lines.append("  1...........................Software Loopback Interface 1")
    lines += [RULE, "", "IPv4 Route Table", RULE, "Active Routes:",
              "Network Destination        Netmask          Gateway       Interface  Metric"]
    rows = sorted(node.route_table, key=lambda r: _table_order(node, r))
    for r in rows:
        # Windows right-aligns On-link one column left of a gateway address.
        gw = f"{'On-link':>16} " if r.gateway is None else f"{str(r.gateway):>17}"
        lines.append(f"{str(r.destination.network_address):>17}{str(r.destination.netmask):>17}"
                     f"{gw}{_shown_interface(node, r):>17}{effective_metric(node, r):>7}")
    lines += [RULE, "Persistent Routes:"]
    persistent = _persistent_rows(node)
    if persistent:
        lines.append("  Network Address          Netmask  Gateway Address  Metric")
        lines += [f"{d:>17}{m:>17}{g:>17}  {met}" for d, m, g, met in persistent]
    else:
        lines.append("  None")
    lines.append(RULE)
    return "\n".join(lines)


def netsh_show_route(node: Node) -> str:
    """`netsh interface ipv4 show route`: Met is the route metric alone."""
    lines = ["", "Publish  Type      Met  Prefix                    Idx  Gateway/Interface Name",
             "-------  --------  ---  ------------------------  ---  ------------------------"]
    for r in sorted(node.route_table, key=lambda r: _table_order(node, r)):
        idx, name = _if_index(node, r.interface), interface_label(node, r.interface)
        kind = "System" if r.origin in (RouteOrigin.SYSTEM, RouteOrigin.LOOPBACK) else "Manual"
        last = name if r.gateway is None else str(r.gateway)
        lines.append(f"No       {kind:<8}  {r.metric:<3}  {str(r.destination):<24}  {idx:>3}  {last}")
    return "\n".join(lines)


def netsh_show_interfaces(node: Node) -> str:
    """`netsh interface ipv4 show interfaces`."""
    lines = ["", "Idx     Met         MTU          State                Name",
             "---  ----------  ----------  ------------  ---------------------------",
             f"  1  {node.os.loopback_metric:>10}  4294967295  connected     Loopback Pseudo-Interface 1"]
    for iface in node.interfaces:
        lines.append(f"{node.if_index(iface.key):>3}  {node.interface_metric(iface.key):>10}"
                     f"  {1500:>10}  {'connected':<12}  {iface.label}")
    return "\n".join(lines)


def netsh_show_interface(node: Node, key: str) -> str:
    """`netsh interface ipv4 show interface "NAME" level=verbose`, the fields the kit models."""
    iface = node.interface(key)

    def state(flag: bool) -> str:
        return "enabled" if flag else "disabled"

    fields = [("IfIndex", node.if_index(key)), ("State", "connected"),
              ("Metric", node.interface_metric(key)), ("Forwarding", state(iface.forwarding)),
              ("Weak Host Sends", state(iface.weakhostsend)),
              ("Weak Host Receives", state(iface.weakhostreceive)),
              ("Use Automatic Metric", state(iface.metric is None))]
    lines = ["", f"Interface {iface.label} Parameters", "-" * 46]
    lines += [f"{name:<35}: {value}" for name, value in fields]
    lines.append("(abridged: the fields labkit models)")
    return "\n".join(lines)


# --- running commands a learner types -----------------------------------------------------

def restart(node: Node) -> Node:
    """What a reboot keeps: persistent static routes only."""
    return replace(node, routes=tuple(r for r in node.routes if r.persistent))


def _interface_by_name(node: Node, name: str) -> Interface:
    for iface in node.interfaces:
        if name.lower() in (iface.label.lower(), iface.key.lower(), str(node.if_index(iface.key))):
            return iface
    raise CommandError(f"The filename, directory name, or volume label syntax is incorrect. "
                       f"(no interface named {name!r}; this node has: "
                       f"{', '.join(i.label for i in node.interfaces)})")


def _address(text: str, what: str) -> IPv4Address:
    try:
        return parse_ipv4(text, what)
    except ValueError as err:
        raise CommandError(f"Bad argument {text}: {err}") from None


def _number(text: str, what: str, low: int, high: int) -> int:
    """A decimal number, or hexadecimal with 0x as route.exe allows for IF."""
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise CommandError(f"Bad argument {text}: {what} must be a number from {low} to {high}")
    return value


def _add_route(node: Node, route: Route) -> Node:
    try:
        route_interface(node, route.gateway, route.interface)
    except RouteRefused as err:
        raise CommandError(err.windows) from None
    for r in node.routes:
        if (r.destination, r.gateway, r.interface) == (route.destination, route.gateway, route.interface):
            raise CommandError("The route addition failed: The object already exists.")
    return replace(node, routes=node.routes + (route,))


def _delete_routes(node: Node, doomed) -> Node:
    """Remove matching static routes, and default gateways when 0.0.0.0/0 matches."""
    routes = tuple(r for r in node.routes if not doomed(r))
    ifaces = tuple(replace(i, gateways=tuple(g for g in i.gateways if not doomed(
        Route(DEFAULT_ROUTE, g.address, i.key, 0, RouteOrigin.GATEWAY)))) for i in node.interfaces)
    if routes == node.routes and ifaces == node.interfaces:
        raise CommandError("The route deletion failed: Element not found.")
    return replace(node, routes=routes, interfaces=ifaces)


def _route_exe(node: Node, args: list[str]) -> tuple[Node, str]:
    persistent = False
    while args and args[0].lower() in ("-p", "/p", "-4", "/4", "-f", "/f"):
        flag = args.pop(0).lower()
        if flag in ("-f", "/f"):
            raise CommandError("route -f (clear all gateway routes) is not modelled by labkit")
        persistent = persistent or flag in ("-p", "/p")
    if not args:
        raise CommandError("route: expected a command: PRINT, ADD, DELETE")
    verb, rest = args[0].lower(), args[1:]
    if verb == "print":
        return node, route_print(node)
    if verb not in ("add", "delete"):
        raise CommandError(f"route: unknown command {args[0]!r} (labkit models PRINT, ADD, DELETE)")
    if not rest:
        raise CommandError(f"route {verb}: expected a destination")
    dest, mask, gateway, metric, if_index = rest[0], None, None, None, None
    i = 1
    while i < len(rest):
        word = rest[i].lower()
        if word in ("mask", "metric", "if"):
            if i + 1 >= len(rest):
                raise CommandError(f"route: {word.upper()} needs a value")
            value = rest[i + 1]
            if word == "mask":
                mask = value
            elif word == "metric":
                metric = _number(value, "METRIC", 1, 9999)
            else:
                if_index = _number(value, "IF", 1, 9999)
            i += 2
        elif gateway is None:
            gateway, i = rest[i], i + 1
        else:
            raise CommandError(f"route: unexpected argument {rest[i]!r}")
    try:
        network = parse_destination(dest, mask or ("0.0.0.0" if dest == "0.0.0.0" else "255.255.255.255"))
    except ValueError as err:
        raise CommandError(str(err)) from None
    if verb == "delete":
        # Without MASK, route delete matches the destination whatever its mask.
        gw = _address(gateway, "gateway") if gateway else None

        def doomed(r: Route) -> bool:
            same = r.destination == network if mask else \
                r.destination.network_address == network.network_address
            return same and gw in (None, r.gateway)
        return _delete_routes(node, doomed), " OK!"
    if gateway is None:
        raise CommandError("route add: expected a gateway")
    gw = _address(gateway, "gateway")
    onlink = gw == IPv4Address("0.0.0.0")
    key = None
    if if_index is not None:
        match = [i for i in node.interfaces if node.if_index(i.key) == if_index]
        if not match:
            raise CommandError(f"The route addition failed: the interface index {if_index} "
                               "does not exist (see the Interface List of route print)")
        key = match[0].key
    elif onlink:
        raise CommandError("route add: an on-link route (gateway 0.0.0.0) needs IF <index>")
    route = Route(network, None if onlink else gw, key or "",
                  node.os.static_route_metric if metric is None else metric,
                  RouteOrigin.STATIC, persistent)
    try:
        route = replace(route, interface=route_interface(node, route.gateway, key))
    except RouteRefused as err:
        raise CommandError(err.windows) from None
    return _add_route(node, route), " OK!"


_NETSH_NOUNS = {"int": "interface", "interfaces": "interface", "routes": "route"}


def _named_args(words: list[str], positional: tuple[str, ...], known: tuple[str, ...]) -> dict[str, str]:
    """netsh arguments: `name=value` pairs, or values in the documented order."""
    out: dict[str, str] = {}
    order = list(positional)
    for word in words:
        if "=" in word:
            name, _, value = word.partition("=")
            name = {"l": "level"}.get(name.lower(), name.lower())
            if name not in known:
                raise CommandError(f"netsh: the parameter {name!r} is not modelled by labkit "
                                   f"(modelled here: {', '.join(known)})")
            out[name] = value
            if name in order:
                order.remove(name)
        elif order:
            out[order.pop(0)] = word
        else:
            raise CommandError(f"netsh: unexpected argument {word!r}")
    return out


def _netsh(node: Node, words: list[str]) -> tuple[Node, str]:
    aliases = {"int": "interface", "ip": "ipv4"}
    norm = [aliases.get(w.lower(), w.lower()) for w in words[:2]]
    if norm != ["interface", "ipv4"] or len(words) < 4:
        raise CommandError("netsh: labkit models 'netsh interface ipv4 set interface', "
                           "'add route', 'delete route' and 'show route|interfaces'")
    if not node.os.forwarding_per_interface:
        raise CommandError(f"{node.os.display} has no 'netsh interface ipv4' context "
                           "(it arrived with Vista / Server 2008); use route.exe")
    verb, rest = words[2].lower(), words[4:]
    noun = _NETSH_NOUNS.get(words[3].lower(), words[3].lower())
    if verb == "show" and noun == "route":
        _named_args(rest, ("level", "store"), ("level", "store"))
        return node, netsh_show_route(node)
    if verb == "show" and noun == "interface":
        args = _named_args(rest, ("interface", "rr", "level", "store"), ("interface", "rr", "level", "store"))
        if "interface" in args:
            return node, netsh_show_interface(node, _interface_by_name(node, args["interface"]).key)
        return node, netsh_show_interfaces(node)
    if verb == "set" and noun == "interface":
        args = _named_args(rest, ("interface", "forwarding"), ("interface", *SWITCHES, "store"))
        iface = _interface_by_name(node, args.pop("interface", ""))
        if args.pop("store", "persistent").lower() not in ("active", "persistent"):
            raise CommandError("netsh: store must be active or persistent")
        changes = {}
        for name, value in args.items():
            if value.lower() not in ("enabled", "disabled"):
                raise CommandError(f"netsh: {name} must be enabled or disabled, got {value!r}")
            if name != "forwarding" and not node.os.host_model_configurable:
                raise CommandError(f"{node.os.display} has no {name} setting for IPv4 "
                                   "(it always uses the weak host model)")
            changes[name] = value.lower() == "enabled"
        if not changes:
            raise CommandError("netsh set interface: expected weakhostsend=, weakhostreceive= or forwarding=")
        ifaces = tuple(replace(i, **changes) if i.key == iface.key else i for i in node.interfaces)
        return replace(node, interfaces=ifaces), "Ok."
    if noun == "route" and verb in ("add", "delete"):
        args = _named_args(rest, ("prefix", "interface", "nexthop"),
                           ("prefix", "interface", "nexthop", "metric", "store"))
        if "prefix" not in args or "interface" not in args:
            raise CommandError(f"netsh {verb} route: expected a prefix and an interface name")
        try:
            network = parse_destination(args["prefix"])
        except ValueError as err:
            raise CommandError(str(err)) from None
        iface = _interface_by_name(node, args["interface"])
        nexthop = _address(args["nexthop"], "next hop") if "nexthop" in args else None
        if verb == "delete":
            return _delete_routes(node, lambda r: r.destination == network and r.interface == iface.key
                                  and nexthop in (None, r.gateway)), "Ok."
        store = args.get("store", "persistent").lower()
        if store not in ("persistent", "active"):
            raise CommandError(f"netsh: store must be active or persistent, got {store!r}")
        metric = _number(args["metric"], "metric", 0, 9999) if "metric" in args else node.os.static_route_metric
        route = Route(network, nexthop, iface.key, metric, RouteOrigin.STATIC, store == "persistent")
        return _add_route(node, route), "Ok."
    if noun == "address" and verb in ("add", "delete"):
        return _netsh_address(node, verb, rest)
    raise CommandError(f"netsh interface ipv4 {verb} {words[3]}: not modelled by labkit")


def _netsh_address(node: Node, verb: str, words: list[str]) -> tuple[Node, str]:
    """`add address NAME ADDRESS MASK [skipassource=true]` and `delete address NAME ADDRESS`."""
    if not node.os.host_model_configurable:
        raise CommandError(f"{node.os.display} has no 'netsh interface ipv4 {verb} address'")
    args = _named_args(words, ("name", "address", "mask"), ("name", "address", "mask", "skipassource"))
    if not {"name", "address"} <= set(args):
        raise CommandError(f"netsh {verb} address: expected an interface name and an address")
    iface = _interface_by_name(node, args["name"])
    address = _address(args["address"].split("/")[0], "address")
    if verb == "delete":
        if not iface.owns(address):
            raise CommandError("Element not found.")
        changed = replace(iface, addresses=tuple(a for a in iface.addresses if a.ip != address),
                          skip_as_source=tuple(a for a in iface.skip_as_source if a != address))
        if not changed.addresses:
            raise CommandError(f'refused: "{iface.label}" would have no address left (labkit needs one)')
    else:
        skip = args.get("skipassource", "false").lower()
        if skip not in ("true", "false"):
            raise CommandError(f"netsh: skipassource must be true or false, got {skip!r}")
        if iface.owns(address):
            raise CommandError("The object already exists.")
        if "mask" not in args and "/" not in args["address"]:
            raise CommandError("netsh add address: expected a mask for a new address")
        try:
            new = parse_ipv4_prefix(args["address"] if "/" in args["address"] else f"{address}/{args['mask']}")
        except ValueError as err:
            raise CommandError(str(err)) from None
        changed = replace(iface, addresses=iface.addresses + (new,),
                          skip_as_source=iface.skip_as_source + ((address,) if skip == "true" else ()))
    return replace(node, interfaces=tuple(changed if i.key == iface.key else i for i in node.interfaces)), "Ok."


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


def split_command_line(line: str) -> list[list[str]]:
    """Words of each command in a cmd.exe line, commands chained with '&&' or '&'.

    Quotes group words and are removed wherever they stand (name="NLB NIC" gives
    name=NLB NIC), as cmd.exe hands them to netsh; curly quotes count as quotes.
    """
    text = line.replace("\u201c", '"').replace("\u201d", '"')
    commands: list[list[str]] = [[]]
    word, quoted, in_word = "", False, False
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted, in_word = not quoted, True
        elif char == "&" and not quoted:
            if in_word:
                commands[-1].append(word)
            word, in_word = "", False
            commands.append([])
            if text[i + 1:i + 2] == "&":
                i += 1
        elif char.isspace() and not quoted:
            if in_word:
                commands[-1].append(word)
            word, in_word = "", False
        else:
            word, in_word = word + char, True
        i += 1
    if quoted:
        raise CommandError("cannot read the command: a quote is not closed")
    if in_word:
        commands[-1].append(word)
    if any(not words for words in commands):
        raise CommandError("empty command")
    return commands


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
        runners = {"route": _route_exe, "netsh": _netsh, "reg": _reg}
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
    from .network import validate_network  # network imports this module's neighbours
    changed, answer = run_command(net.node(node), line)
    result = net.with_node(changed)
    errors = [p for p in validate_network(result) if p.severity == "error"]
    if errors:
        raise CommandError(f"refused: it would leave the network inconsistent: {errors[0]}")
    return result, answer
