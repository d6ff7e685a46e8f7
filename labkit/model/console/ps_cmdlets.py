"""The NetTCPIP cmdlets the console models: Get-NetIPInterface, Get-NetIPAddress,
Get-NetRoute, Get-NetIPConfiguration, and the changes Set-NetIPInterface, New-NetRoute,
Remove-NetRoute.

A change is carried out by the netsh command that does the same thing, through the one
interpreter (labkit.model.commands.apply_command), so both dialects share every rule and
refusal; that netsh command is also what a .cmd script of the session holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..cmdline import CommandError, quoted_word
from ..routes import LOOPBACK_LABEL, RouteOrigin
from .layout import ps_error, ps_list
from .ps_cmdlet_params import (
    GET_NET_IP_ADDRESS,
    GET_NET_IP_CONFIGURATION,
    GET_NET_IP_INTERFACE,
    GET_NET_ROUTE,
    NEW_NET_ROUTE,
    REMOVE_NET_ROUTE,
    SET_NET_IP_INTERFACE,
)
from .ps_objects import PsObject, ip_addresses, ip_interfaces, route_object, routes
from .ps_parse import BoundValue, Cmdlet, PsError, Token, bind, not_modelled, wildcard

if TYPE_CHECKING:
    from ..host import Interface, Node
    from ..network import Network


@dataclass(frozen=True)
class PsResult:
    objects: tuple[PsObject, ...] = ()
    text: str | None = None
    network: Network | None = None
    commands: tuple[str, ...] = ()
    """The netsh commands that made the change (for the .cmd script)."""


def _plain(cmdlet: Cmdlet, bound: dict[str, BoundValue]) -> None:
    skipped = not_modelled(cmdlet, bound)
    if skipped:
        raise CommandError(
            f"{cmdlet.name} -{skipped[0]}: this parameter is not modelled by labkit",
            f"labkit models {cmdlet.name} with: " + ", ".join(f"-{p.name}" for p in cmdlet.params if p.modelled),
        )
    if bound.get("AddressFamily") == "IPv6" and not cmdlet.name.startswith("Get-"):
        raise CommandError(f"{cmdlet.name} -AddressFamily IPv6: labkit models IPv4 only")


def _not_found(line: str, cmdlet: Cmdlet, prop: str, value: BoundValue) -> PsError:
    kind = "UInt32" if isinstance(value, int) else "String"
    return PsError(
        ps_error(
            line,
            cmdlet.name,
            f"No {cmdlet.noun_class} objects found with property '{prop}' equal to '{value}'.  "
            "Verify the value of the property and retry.",
            f"ObjectNotFound: ({value}:{kind}) [{cmdlet.name}], CimJobException",
            f"CmdletizationQuery_NotFound_{prop},{cmdlet.name}",
            1,
            len(line.strip()),
        )
    )


def _filter(
    line: str, cmdlet: Cmdlet, objects: list[PsObject], bound: dict[str, BoundValue], checks: dict[str, str]
) -> list[PsObject]:
    """Keep the objects whose properties match the filters given; a filter without
    wildcards that matches nothing is PowerShell's not-found error."""
    for param, prop in checks.items():
        if param not in bound:
            continue
        wanted = bound[param]
        values = wanted if isinstance(wanted, tuple) else (wanted,)
        kept = [o for o in objects if wildcard([str(v) for v in values], o.get(prop))]
        if not kept and not any(ch in str(v) for v in values for ch in "*?["):
            raise _not_found(line, cmdlet, param, values[0])
        objects = kept
    return objects


def get_net_ip_interface(node: Node, line: str, tokens: list[Token]) -> PsResult:
    bound = bind(line, GET_NET_IP_INTERFACE, tokens)
    _plain(GET_NET_IP_INTERFACE, bound)
    checks = {
        "InterfaceIndex": "ifIndex",
        "InterfaceAlias": "InterfaceAlias",
        "AddressFamily": "AddressFamily",
        "Forwarding": "Forwarding",
        "WeakHostSend": "WeakHostSend",
        "WeakHostReceive": "WeakHostReceive",
        "AutomaticMetric": "AutomaticMetric",
        "InterfaceMetric": "InterfaceMetric",
        "Dhcp": "Dhcp",
        "ConnectionState": "ConnectionState",
        "PolicyStore": "PolicyStore",
    }
    return PsResult(tuple(_filter(line, GET_NET_IP_INTERFACE, ip_interfaces(node), bound, checks)))


def get_net_ip_address(node: Node, line: str, tokens: list[Token]) -> PsResult:
    bound = bind(line, GET_NET_IP_ADDRESS, tokens)
    _plain(GET_NET_IP_ADDRESS, bound)
    checks = {
        "IPAddress": "IPAddress",
        "InterfaceIndex": "InterfaceIndex",
        "InterfaceAlias": "InterfaceAlias",
        "AddressFamily": "AddressFamily",
        "PrefixLength": "PrefixLength",
        "PolicyStore": "PolicyStore",
    }
    return PsResult(tuple(_filter(line, GET_NET_IP_ADDRESS, ip_addresses(node), bound, checks)))


def get_net_route(node: Node, line: str, tokens: list[Token]) -> PsResult:
    bound = bind(line, GET_NET_ROUTE, tokens)
    _plain(GET_NET_ROUTE, bound)
    checks = {
        "DestinationPrefix": "DestinationPrefix",
        "InterfaceIndex": "ifIndex",
        "InterfaceAlias": "InterfaceAlias",
        "AddressFamily": "AddressFamily",
        "NextHop": "NextHop",
        "RouteMetric": "RouteMetric",
        "PolicyStore": "PolicyStore",
    }
    return PsResult(tuple(_filter(line, GET_NET_ROUTE, routes(node), bound, checks)))


def get_net_ip_configuration(node: Node, line: str, tokens: list[Token]) -> PsResult:
    """One list per interface; names padded to 20, several values under each other."""
    bound = bind(line, GET_NET_IP_CONFIGURATION, tokens)
    _plain(GET_NET_IP_CONFIGURATION, bound)
    ifaces = [
        i
        for i in node.interfaces
        if bound.get("InterfaceAlias") in (None, i.label)
        and bound.get("InterfaceIndex") in (None, node.if_index(i.key))
    ]
    if not ifaces:
        prop = "InterfaceAlias" if "InterfaceAlias" in bound else "InterfaceIndex"
        raise _not_found(line, Cmdlet("Get-NetIPConfiguration", (), (), "MSFT_NetIPInterface"), prop, bound[prop])
    blocks = []
    for iface in ifaces:
        blocks.append(
            [
                ("InterfaceAlias", iface.label),
                ("InterfaceIndex", str(node.if_index(iface.key))),
                ("InterfaceDescription", iface.label),
                ("NetProfile.Name", "Network" if iface.gateways else "Unidentified network"),
                ("IPv4Address", "\n".join(str(a.ip) for a in iface.addresses)),
                ("IPv6DefaultGateway", ""),
                ("IPv4DefaultGateway", "\n".join(str(g.address) for g in iface.gateways)),
                ("DNSServer", ""),
            ]
        )
    text = ps_list([[(f"{k:<20}", v) for k, v in b] for b in blocks])
    return PsResult(text=text)


# --- changes -------------------------------------------------------------------------------


def _apply(net: Network, node_name: str, line: str, cmdlet: Cmdlet, commands: list[str]) -> Network:
    from ..commands import apply_command  # commands imports this package's writers

    for command in commands:
        try:
            net, _ = apply_command(net, node_name, command)
        except CommandError as err:
            raise PsError(
                ps_error(
                    line,
                    cmdlet.name,
                    err.message if not err.own_wording else str(err),
                    f"NotSpecified: ({cmdlet.noun_class}:ROOT/StandardCimv2/{cmdlet.noun_class}) "
                    f"[{cmdlet.name}], CimException",
                    f"Windows System Error 87,{cmdlet.name}",
                    1,
                    len(line.strip()),
                )
            ) from None
    return net


def _interfaces_for(line: str, cmdlet: Cmdlet, node: Node, bound: dict[str, BoundValue]) -> list[Interface]:
    chosen = list(node.interfaces)
    if "InterfaceIndex" in bound:
        chosen = [i for i in chosen if node.if_index(i.key) == bound["InterfaceIndex"]]
        if not chosen:
            raise _not_found(line, cmdlet, "InterfaceIndex", bound["InterfaceIndex"])
    if "InterfaceAlias" in bound:
        given = bound["InterfaceAlias"]
        aliases = given if isinstance(given, tuple) else (str(given),)
        chosen = [i for i in chosen if wildcard(aliases, i.label)]
        if not chosen and not any(ch in a for a in aliases for ch in "*?["):
            if any(a.lower() == LOOPBACK_LABEL.lower() for a in aliases):
                raise CommandError(f"{cmdlet.name} on the loopback pseudo-interface: not modelled by labkit")
            raise _not_found(line, cmdlet, "InterfaceAlias", aliases[0])
    return chosen


def set_net_ip_interface(net: Network, node_name: str, line: str, tokens: list[Token]) -> PsResult:
    node = net.node(node_name)
    bound = bind(line, SET_NET_IP_INTERFACE, tokens)
    _plain(SET_NET_IP_INTERFACE, bound)
    ifaces = _interfaces_for(line, SET_NET_IP_INTERFACE, node, bound)
    settings = [
        f"{name.lower()}={str(bound[name]).lower()}"
        for name in ("Forwarding", "WeakHostSend", "WeakHostReceive")
        if name in bound
    ]
    if "InterfaceMetric" in bound:
        settings.append(f"metric={bound['InterfaceMetric']}")
    if "AutomaticMetric" in bound:
        raise CommandError(
            "Set-NetIPInterface -AutomaticMetric: not modelled by labkit", "set a fixed metric with -InterfaceMetric N"
        )
    if not settings:
        return PsResult(network=net, text="")
    commands = [f"netsh interface ipv4 set interface {quoted_word(i.label)} {' '.join(settings)}" for i in ifaces]
    if bound.get("WhatIf"):
        return PsResult(
            network=net,
            text="\n".join(
                f'What if: Performing operation "Set" on Target "NetIPInterface -InterfaceAlias {i.label} '
                f'-AddressFamily IPv4 -Store Active"'
                for i in ifaces
            ),
        )
    changed = _apply(net, node_name, line, SET_NET_IP_INTERFACE, commands)
    objects = tuple(
        o
        for o in ip_interfaces(changed.node(node_name))
        if o.get("AddressFamily") == "IPv4" and o.get("InterfaceAlias") in {i.label for i in ifaces}
    )
    return PsResult(
        objects if bound.get("PassThru") else (), None if bound.get("PassThru") else "", changed, tuple(commands)
    )


def new_net_route(net: Network, node_name: str, line: str, tokens: list[Token]) -> PsResult:
    node = net.node(node_name)
    bound = bind(line, NEW_NET_ROUTE, tokens)
    _plain(NEW_NET_ROUTE, bound)
    if "DestinationPrefix" not in bound or not ({"InterfaceAlias", "InterfaceIndex"} & set(bound)):
        raise CommandError(
            "New-NetRoute needs -DestinationPrefix and -InterfaceAlias or -InterfaceIndex "
            "(PowerShell would prompt for them)",
            'New-NetRoute -DestinationPrefix 10.30.0.0/16 -InterfaceAlias "NLB NIC" -NextHop 10.10.0.1',
            own_wording=True,
        )
    chosen = _interfaces_for(
        line, NEW_NET_ROUTE, node, {k: v for k, v in bound.items() if k in ("InterfaceIndex", "InterfaceAlias")}
    )
    if not chosen:  # a wildcard alias that matches no interface (a plain one is refused above)
        raise _not_found(line, NEW_NET_ROUTE, "InterfaceAlias", bound["InterfaceAlias"])
    iface = chosen[0]
    store = str(bound.get("PolicyStore", "")).lower()
    if store not in ("", "activestore", "persistentstore"):
        raise CommandError(
            f"New-NetRoute -PolicyStore {bound['PolicyStore']}: expected ActiveStore or PersistentStore",
            own_wording=True,
        )
    if store == "persistentstore":
        raise CommandError(
            "New-NetRoute -PolicyStore PersistentStore (a route that waits for the next restart) "
            "is not modelled by labkit",
            "leave -PolicyStore out: the route goes to both stores",
        )
    command = f"netsh interface ipv4 add route {bound['DestinationPrefix']} {quoted_word(iface.label)}"
    if bound.get("NextHop") not in (None, "0.0.0.0"):
        command += f" {bound['NextHop']}"
    command += f" metric={bound.get('RouteMetric', 256)}" + (" store=active" if store == "activestore" else "")
    if bound.get("WhatIf"):
        return PsResult(
            network=net,
            text=f'What if: Performing operation "Create" on Target "NetRoute '
            f"-DestinationPrefix {bound['DestinationPrefix']} -InterfaceIndex "
            f'{node.if_index(iface.key)} -Store Active"',
        )
    changed = _apply(net, node_name, line, NEW_NET_ROUTE, [command])
    new = changed.node(node_name).routes[-1]
    objects = [route_object(changed.node(node_name), new)]
    if new.persistent:
        objects.append(route_object(changed.node(node_name), new, "PersistentStore"))
    return PsResult(tuple(objects), None, changed, (command,))


def _first(value: BoundValue) -> str | int:
    """The value a filter shows in an error: the first of several."""
    return value[0] if isinstance(value, tuple) else value


def remove_net_route(net: Network, node_name: str, line: str, tokens: list[Token]) -> PsResult:
    node = net.node(node_name)
    bound = bind(line, REMOVE_NET_ROUTE, tokens)
    _plain(REMOVE_NET_ROUTE, bound)
    checks = {
        "DestinationPrefix": "DestinationPrefix",
        "InterfaceIndex": "ifIndex",
        "InterfaceAlias": "InterfaceAlias",
        "NextHop": "NextHop",
    }
    active = [r for r in node.route_table if r.origin in (RouteOrigin.STATIC, RouteOrigin.GATEWAY)]
    pairs = [(route_object(node, r), r) for r in active]
    for param, prop in checks.items():
        if param in bound:
            given = bound[param]
            wanted = given if isinstance(given, tuple) else (given,)
            pairs = [(o, r) for o, r in pairs if wildcard([str(v) for v in wanted], o.get(prop))]
    if not pairs:
        where = (
            " AND ".join(f"(({param} LIKE '{_first(bound[param])}'))" for param in checks if param in bound)
            or "(1 = 1)"
        )
        raise PsError(
            ps_error(
                line,
                REMOVE_NET_ROUTE.name,
                "No matching MSFT_NetRoute objects found by CIM query for instances of the "
                "ROOT/StandardCimv2/MSFT_NetRoute class on the  CIM server: SELECT * FROM "
                f"MSFT_NetRoute  WHERE {where}. Verify query parameters and retry.",
                "ObjectNotFound: (MSFT_NetRoute:String) [Remove-NetRoute], CimJobException",
                "CmdletizationQuery_NotFound,Remove-NetRoute",
                1,
                len(line.strip()),
            )
        )
    targets = [
        f"NetRoute -DestinationPrefix {o.get('DestinationPrefix')} -InterfaceIndex {o.get('ifIndex')} "
        f"-NextHop {o.get('NextHop')} -Store Active"
        for o, _ in pairs
    ]
    if bound.get("WhatIf"):
        return PsResult(
            network=net, text="\n".join(f'What if: Performing operation "Remove" on Target "{t}"' for t in targets)
        )
    commands = list(
        dict.fromkeys(
            f"netsh interface ipv4 delete route {r.destination} {quoted_word(node.interface(r.interface).label)}"
            + ("" if r.gateway is None else f" {r.gateway}")
            for _, r in pairs
        )
    )
    changed = _apply(net, node_name, line, REMOVE_NET_ROUTE, commands)
    confirm = (
        []
        if bound.get("Confirm") is False
        else [
            "\n".join(
                [
                    "Confirm",
                    "Are you sure you want to perform this action?",
                    f'Performing operation "Remove" on Target "{t}"',
                    '[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is "Y"): Y',
                ]
            )
            for t in targets
        ]
    )
    return PsResult((), "\n".join(confirm), changed, tuple(commands))
