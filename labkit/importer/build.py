"""One server's parsed outputs -> a labkit Node, and what the outputs could not tell.

How each value is recovered (docs/import-rules.md): NICs, addresses and gateways from ipconfig /all;
the interface index from route print's Interface List (matched by MAC, else by description);
the interface metric from netsh / Get-NetIPInterface, else from the NIC's own host route
(route print shows route metric + interface metric on Vista and later, 256 for on-link routes);
static routes are the active routes the stack did not create itself, persistent when route print
lists them under Persistent Routes, with the interface metric taken back off their metric.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from ipaddress import IPv4Address, IPv4Network

from ..model import Gateway, Interface, Node, Role, Route, RouteOrigin, interface_defaults, profile
from ..model.routes import interface_for_gateway
from .parsers import ActiveRow, Adapter, IpconfigAll, NicOutput, NicSettings, RoutePrint
from .text import ImportInputError

_VISTA_PLUS = (
    "windows-2008r2",
    "windows-2008",
    "windows-2012",
    "windows-2012r2",
    "windows-2016",
    "windows-2019",
    "windows-2022",
)
"""Vista and later, the kit's default (2008 R2) first: it is taken when the outputs allow it."""
_LOOPBACK_FAMILY = {
    306: frozenset({"windows-2008", "windows-2008r2", "windows-2012", "windows-2012r2"}),
    331: frozenset({"windows-2016", "windows-2019", "windows-2022"}),
}
"""Loopback routes show 256 + the loopback metric: 50 until 2012 R2, 75 from 2016."""
_SPEEDS = (1000, 10_000, 100, 100_000, 40_000, 2500, 25_000, 150, 50, 10, 2, 0.4)
"""Link speeds tried (1 Gb/s first, the kit's default) to keep an automatic metric automatic."""
SYSTEM_ROUTE_METRIC = 256


@dataclass(frozen=True)
class ServerOutputs:
    """One server's outputs, each with the name it came from."""

    ipconfig: IpconfigAll
    ipconfig_source: str
    routes: RoutePrint
    routes_source: str
    nics: tuple[tuple[NicOutput, str], ...] = ()


def node_key(label: str) -> str:
    """A scenario key from a Windows name: 'NLB NIC' -> 'nlb-nic'."""
    key = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    return key or "nic"


def guess_os(outputs: ServerOutputs) -> tuple[str, list[str]]:
    """The OS profile the outputs point to, and a note when they leave a choice."""
    if outputs.ipconfig.legacy or outputs.routes.legacy:
        return "windows-2003", []
    candidates = frozenset(_VISTA_PLUS)
    loopback = {row.metric for row in outputs.routes.active if row.interface == IPv4Address("127.0.0.1")}
    for metric in loopback:
        candidates &= _LOOPBACK_FAMILY.get(metric, candidates)
    for output, _ in outputs.nics:
        if output.versions is not None and candidates & output.versions:
            candidates &= output.versions
    chosen = next(name for name in _VISTA_PLUS if name in candidates)
    notes = []
    if len(candidates) > 1:
        others = ", ".join(profile(n).display for n in _VISTA_PLUS if n in candidates and n != chosen)
        notes.append(
            f"Windows version: the outputs fit {profile(chosen).display} and also {others}; "
            f"the scenario says {chosen} (set os: if you know better; the kit treats versions "
            "with the same metric table alike)"
        )
    return chosen, notes


def _settings_for(adapter: Adapter, index: int | None, outputs: ServerOutputs) -> NicSettings | None:
    """netsh / Get-NetIPInterface's view of this adapter: by name, else by route print's index."""
    found = None
    for output, _ in outputs.nics:
        match = next((nic for nic in output.nics if nic.name.lower() == adapter.name.lower()), None)
        if match is None and index is not None:
            match = next((nic for nic in output.nics if nic.index == index), None)
        if match is not None:
            found = match if found is None else _merge(found, match)
    return found


def _merge(one: NicSettings, other: NicSettings) -> NicSettings:
    """`one`'s settings, each one it does not know taken from `other`."""
    unknown = {f.name: getattr(other, f.name) for f in fields(one) if getattr(one, f.name) is None}
    return replace(one, **unknown)


def _index(adapter: Adapter, routes: RoutePrint) -> int | None:
    if adapter.mac:
        for listed in routes.interfaces:
            if listed.mac == adapter.mac[:17]:
                return listed.index
    matches = [
        listed.index
        for listed in routes.interfaces
        if adapter.description and listed.description == adapter.description
    ]
    return matches[0] if len(matches) == 1 else None


def _system_destinations(iface_addresses) -> set[IPv4Network]:
    out = {IPv4Network("224.0.0.0/4"), IPv4Network("255.255.255.255/32")}
    for addr in iface_addresses:
        out |= {addr.network, IPv4Network(addr.ip), IPv4Network(addr.network.broadcast_address)}
        # 2003 lists the classful broadcast of each address instead of the subnet's.
        classful = 8 if addr.ip.packed[0] < 128 else 16 if addr.ip.packed[0] < 192 else 24
        out.add(IPv4Network(IPv4Network(f"{addr.ip}/{classful}", strict=False).broadcast_address))
    return out


def _interface_metric(
    adapter: Adapter, rows: list[ActiveRow], os_name: str, settings: NicSettings | None, source: str
) -> int:
    if settings is not None and settings.metric is not None:
        return settings.metric
    own = {a.ip for a in adapter.addresses}
    nets = {a.network for a in adapter.addresses}
    for row in rows:
        if row.interface in own and row.destination in nets and (row.gateway is None or row.gateway in own):
            return row.metric - (SYSTEM_ROUTE_METRIC if os_name != "windows-2003" else 0)
    raise ImportInputError(
        source,
        f'route print has no on-link route for "{adapter.name}" '
        f"({', '.join(map(str, own))}); do the route print and ipconfig /all "
        "come from the same server?",
    )


def build_node(outputs: ServerOutputs, name: str) -> tuple[Node, list[str]]:
    """The server as a kit node, and the notes on what the outputs do not show."""
    ipconfig, routes, where = outputs.ipconfig, outputs.routes, outputs.routes_source
    os_name, notes = guess_os(outputs)
    os = profile(os_name)
    defaults = interface_defaults(os, Role.HOST)
    used = [a for a in ipconfig.adapters if a.addresses and not a.disconnected and "Tunnel" not in a.kind]
    for adapter in ipconfig.adapters:
        if adapter.disconnected and "Tunnel" not in adapter.kind:
            notes.append(f'"{adapter.name}": media disconnected, so left out (Windows keeps no routes for it)')
    if not used:
        raise ImportInputError(
            outputs.ipconfig_source, "no connected adapter with an IPv4 address; expected ipconfig /all of the server"
        )
    interfaces, owner = [], {}
    keys: set[str] = set()
    for adapter in used:
        key = node_key(adapter.name)
        while key in keys:
            key += "-2"
        keys.add(key)
        index = _index(adapter, routes)
        settings = _settings_for(adapter, index, outputs)
        if index is None and settings is not None:
            index = settings.index
        metric = _interface_metric(adapter, list(routes.active), os_name, settings, where)
        switches = dict(defaults)
        if settings is not None:
            switches.update({k: getattr(settings, k) for k in defaults if getattr(settings, k) is not None})
        elif os_name == "windows-2003":
            switches["forwarding"] = ipconfig.ip_routing
        if index is not None and not 2 <= index <= 9999:
            notes.append(
                f'"{adapter.name}": interface index {index} ({index:#x}) is outside the 2-9999 the kit '
                "numbers with, so the kit numbers it itself"
            )
        iface = Interface(
            key=key,
            label=adapter.name,
            segment=None,
            addresses=adapter.addresses,
            index=index if index is not None and 2 <= index <= 9999 else None,
        )
        iface = with_switches(iface, switches)
        iface = replace(iface, **_metric_fields(os, metric, settings))
        interfaces.append(iface)
        owner.update({a.ip: key for a in adapter.addresses})
        if adapter.autoconfigured:
            notes.append(
                f'"{adapter.name}": {", ".join(map(str, adapter.autoconfigured))} is an address Windows '
                "gave itself because no DHCP server answered"
            )
    if not outputs.nics:
        notes.append(
            "interface metrics: whether each is automatic is not in these outputs, so the numbers route "
            "print implies are kept (automatic where a 1 Gb/s link would give the same number)"
        )
    if not outputs.nics and os_name != "windows-2003":
        notes.append(
            "per-NIC switches (forwarding, weakhostsend, weakhostreceive): not in these outputs, so "
            "the Windows defaults are assumed; add netsh interface ipv4 show interface l=verbose"
        )
    node = Node(name=name, os=os, interfaces=tuple(interfaces))
    node, more = _gateways_and_routes(node, outputs, owner)
    return node, notes + more


def with_switches(iface: Interface, switches: Mapping[str, bool]) -> Interface:
    """`iface` with its per-NIC switches set from `switches` (interface_defaults' keys)."""
    return replace(
        iface,
        weakhostsend=switches["weakhostsend"],
        weakhostreceive=switches["weakhostreceive"],
        forwarding=switches["forwarding"],
    )


def _metric_fields(os, metric: int, settings: NicSettings | None) -> dict:
    """Keep an automatic metric automatic (a speed that gives it); else the number itself."""
    if settings is None or settings.automatic_metric is not False:
        for speed in _SPEEDS:
            if os.automatic_metric(speed) == metric and (settings is not None or speed == 1000):
                return {"metric": None, "speed": speed}
    return {"metric": metric, "speed": 1000}


def _gateways_and_routes(node: Node, outputs: ServerOutputs, owner: dict) -> tuple[Node, list[str]]:
    ipconfig, routes = outputs.ipconfig, outputs.routes
    adds = node.os.adds_interface_metric
    persistent = {(p.destination, p.gateway): p for p in routes.persistent}
    matched: set = set()
    notes: list[str] = []
    by_name = {a.name: a for a in ipconfig.adapters}
    gateways: dict[str, list[Gateway]] = {i.key: [] for i in node.interfaces}
    typed = {(i.key, gw) for i in node.interfaces for gw in by_name[i.label].gateways}
    static: list[Route] = []
    default = IPv4Network("0.0.0.0/0")
    for row in routes.active:
        key = owner.get(row.interface)
        if key is None:
            continue  # the loopback, or 2003's host routes via 127.0.0.1
        iface = node.interface(key)
        ifm = node.interface_metric(key)
        metric = row.metric - ifm if adds else row.metric
        on_link = row.gateway is None or row.gateway in iface.ips
        if on_link and row.destination in _system_destinations(iface.addresses):
            continue
        saved = persistent.get((row.destination, row.gateway or IPv4Address("0.0.0.0")))
        if saved is not None:
            matched.add((saved.destination, saved.gateway))
        if row.destination == default and row.gateway is not None and (key, row.gateway) in typed:
            automatic = node.os.static_gateway_metric
            gateways[key].append(_gateway(row.gateway, metric, saved, ifm if automatic is None else automatic))
            continue
        static.append(
            Route(
                row.destination,
                None if on_link else row.gateway,
                key,
                saved.metric if saved is not None and saved.metric is not None else metric,
                RouteOrigin.STATIC,
                saved is not None,
            )
        )
    for key, gw in typed:
        if gw not in {g.address for g in gateways[key]}:
            gateways[key].append(Gateway(gw))
            notes.append(
                f"default gateway {gw}: ipconfig /all lists it but route print shows no default route "
                "through it; imported with an automatic metric"
            )
    if not routes.persistent_shown:
        notes.append(
            "route print has no Persistent Routes section (an excerpt?), so which static routes and "
            "gateways survive a restart is not known: static routes are taken as not persistent"
        )
    node = replace(
        node,
        interfaces=tuple(
            replace(i, gateways=_in_ipconfig_order(gateways[i.key], by_name[i.label].gateways)) for i in node.interfaces
        ),
    )
    for saved in routes.persistent:
        if (
            (saved.destination, saved.gateway) in matched
            or saved.destination == default
            and any(g.address == saved.gateway for i in node.interfaces for g in i.gateways)
        ):
            continue
        key = interface_for_gateway(node, saved.gateway)
        if key is None:
            notes.append(
                f"persistent route {saved.destination} via {saved.gateway}: its gateway is on no subnet "
                "of the server, so Windows does not use it; left out"
            )
            continue
        static.append(
            Route(
                saved.destination,
                saved.gateway,
                key,
                saved.metric if saved.metric is not None else node.os.static_route_metric,
            )
        )
    return replace(node, routes=tuple(static)), notes


def _gateway(address: IPv4Address, metric: int, saved, automatic: int) -> Gateway:
    """A typed gateway: `Default` under Persistent Routes means Automatic metric; without a
    persistent row (2003, or DHCP) the metric tells."""
    if saved is not None:
        return Gateway(address, saved.metric)
    return Gateway(address, None if metric == automatic else metric)


def _in_ipconfig_order(found: list[Gateway], order: tuple[IPv4Address, ...]) -> tuple[Gateway, ...]:
    rank = {address: n for n, address in enumerate(order)}
    return tuple(sorted(found, key=lambda g: rank.get(g.address, len(rank))))
