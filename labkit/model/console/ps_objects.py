"""The objects the NetTCPIP cmdlets return (MSFT_NetIPInterface, MSFT_NetIPAddress,
MSFT_NetRoute) built from a node, and PowerShell 5.1's views of them: the default table
or list, `Format-List` and `Format-List *`.

Rows follow the provider's order as captures show it: IPv6 rows first, interfaces by
descending index. The kit models IPv4 only; the loopback's IPv6 rows appear as they do
on a server whose NICs have IPv6 unbound.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..host import Interface, Node
from ..routes import LOOPBACK, LOOPBACK_LABEL, Route, RouteOrigin
from .layout import LINK_MTU, LOOPBACK_INDEX, LOOPBACK_MTU, enabled, ps_list, ps_table

INFINITE = "Infinite ([TimeSpan]::MaxValue)"


@dataclass(frozen=True)
class PsObject:
    kind: str
    """NetIPInterface, NetIPAddress, NetRoute."""
    props: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str:
        return dict(self.props)[name]


# --- MSFT_NetIPInterface -------------------------------------------------------------------


def _interface_props(node: Node, iface: Interface | None, family: str) -> PsObject:
    """The NIC's properties; iface None: the Loopback Pseudo-Interface."""
    loop = iface is None
    index = LOOPBACK_INDEX if iface is None else node.if_index(iface.key)
    alias = LOOPBACK_LABEL if iface is None else iface.label
    metric = node.os.loopback_metric if iface is None else node.interface_metric(iface.key)
    mtu = LOOPBACK_MTU if loop else LINK_MTU
    props = {
        "ifIndex": index,
        "InterfaceAlias": alias,
        "CompartmentId": 1,
        "AddressFamily": family,
        "Forwarding": enabled(iface is not None and iface.forwarding),
        "ClampMss": "Disabled",
        "Advertising": "Disabled",
        "NlMtu": mtu,
        "AutomaticMetric": enabled(iface is None or iface.metric is None),
        "InterfaceMetric": metric,
        "NeighborDiscoverySupported": "No" if loop else "Yes",
        "NeighborUnreachabilityDetection": "Disabled" if loop else "Enabled",
        "BaseReachableTime": 30000,
        "ReachableTime": 35500 if loop else 30000,
        "RetransmitTime": 1000,
        "DadTransmits": 0 if loop else 3,
        "DadRetransmitTime": 1000,
        "RouterDiscovery": "Disabled" if loop else "ControlledByDHCP",
        "ManagedAddressConfiguration": "Disabled",
        "OtherStatefulConfiguration": "Disabled",
        "WeakHostSend": enabled(iface is not None and iface.weakhostsend),
        "WeakHostReceive": enabled(iface is not None and iface.weakhostreceive),
        "IgnoreDefaultRoutes": "Disabled",
        "AdvertisedRouterLifetime": "00:30:00",
        "AdvertiseDefaultRoute": "Disabled",
        "CurrentHopLimit": 128,
        "ForceArpNdWolPattern": "Disabled",
        "DirectedMacWolPattern": "Disabled",
        "EcnMarking": "AppDecide",
        "Dhcp": "Disabled",
        "ConnectionState": "Connected",
        "PolicyStore": "ActiveStore",
    }
    return PsObject("NetIPInterface", tuple((k, str(v)) for k, v in props.items()))


def ip_interfaces(node: Node) -> list[PsObject]:
    ordered = sorted(node.interfaces, key=lambda i: -node.if_index(i.key))
    return (
        [_interface_props(node, None, "IPv6")]
        + [_interface_props(node, i, "IPv4") for i in ordered]
        + [_interface_props(node, None, "IPv4")]
    )


# The list view renames three properties with their units.
_LIST_NAMES = {
    "NlMtu": "NlMtu(Bytes)",
    "BaseReachableTime": "BaseReachableTime(ms)",
    "ReachableTime": "ReachableTime(ms)",
    "RetransmitTime": "RetransmitTime(ms)",
    "DadRetransmitTime": "DadRetransmitTime(ms)",
}
_RAW_ORDER = (
    "ifIndex",
    "ifAlias",
    "InterfaceIndex",
    "InterfaceAlias",
    "AddressFamily",
    "AdvertiseDefaultRoute",
    "AdvertisedRouterLifetime",
    "Advertising",
    "AutomaticMetric",
    "BaseReachableTime",
    "ClampMss",
    "CompartmentId",
    "ConnectionState",
    "CurrentHopLimit",
    "DadRetransmitTime",
    "DadTransmits",
    "Dhcp",
    "DirectedMacWolPattern",
    "EcnMarking",
    "ForceArpNdWolPattern",
    "Forwarding",
    "IgnoreDefaultRoutes",
    "InterfaceMetric",
    "IsolationId",
    "LowestIfNetLuid",
    "ManagedAddressConfiguration",
    "NeighborDiscoverySupported",
    "NeighborUnreachabilityDetection",
    "NlMtu",
    "OtherStatefulConfiguration",
    "ReachableTime",
    "RetransmitTime",
    "RouterDiscovery",
    "Store",
    "WeakHostReceive",
    "WeakHostSend",
    "Caption",
    "Description",
    "ElementName",
    "InstanceID",
    "Name",
    "PSComputerName",
)


def _raw_interface(obj: PsObject) -> list[tuple[str, str]]:
    p = dict(obj.props)
    extra = {
        "ifAlias": p["InterfaceAlias"],
        "InterfaceIndex": p["ifIndex"],
        "IsolationId": "0",
        "LowestIfNetLuid": "",
        "Store": "0" if p["PolicyStore"] == "ActiveStore" else "1",
        "Caption": "",
        "Description": "",
        "ElementName": "",
        "Name": "",
        "InstanceID": f";D8:8:8:9:55{p['ifIndex']};",
        "PSComputerName": "",
    }
    values = {**p, **extra}
    return [(name, values[name]) for name in _RAW_ORDER]


# --- MSFT_NetIPAddress -----------------------------------------------------------------------


def ip_addresses(node: Node) -> list[PsObject]:
    out = [_address(LOOPBACK_INDEX, LOOPBACK_LABEL, "::1", 128, "WellKnown", "IPv6")]
    for iface in sorted(node.interfaces, key=lambda i: -node.if_index(i.key)):
        for addr in reversed(iface.addresses):
            out.append(
                _address(
                    node.if_index(iface.key),
                    iface.label,
                    str(addr.ip),
                    addr.network.prefixlen,
                    "Manual",
                    "IPv4",
                    skip=addr.ip in iface.skip_as_source,
                )
            )
    out.append(_address(LOOPBACK_INDEX, LOOPBACK_LABEL, "127.0.0.1", 8, "WellKnown", "IPv4"))
    return out


def _address(index: int, alias: str, ip: str, length: int, origin: str, family: str, skip: bool = False) -> PsObject:
    return PsObject(
        "NetIPAddress",
        (
            ("IPAddress", ip),
            ("InterfaceIndex", str(index)),
            ("InterfaceAlias", alias),
            ("AddressFamily", family),
            ("Type", "Unicast"),
            ("PrefixLength", str(length)),
            ("PrefixOrigin", origin),
            ("SuffixOrigin", origin),
            ("AddressState", "Preferred"),
            ("ValidLifetime", INFINITE),
            ("PreferredLifetime", INFINITE),
            ("SkipAsSource", str(skip)),
            ("PolicyStore", "ActiveStore"),
        ),
    )


# --- MSFT_NetRoute ---------------------------------------------------------------------------


def _instance_id(index: int, prefix: str, next_hop: str) -> str:
    """A made-up, fixed InstanceID in the shape Windows prints (it encodes the route's key)."""
    return (
        "".join(
            chr(0x38 + ord(c) % 5) if c.isdigit() else ":" if c in "./" else ";" for c in f"{index}/{prefix}/{next_hop}"
        )
        + ";"
    )


def route_object(node: Node, route: Route, store: str = "ActiveStore") -> PsObject:
    index = LOOPBACK_INDEX if route.interface == LOOPBACK else node.if_index(route.interface)
    alias = LOOPBACK_LABEL if route.interface == LOOPBACK else node.interface(route.interface).label
    if_metric = (
        ""
        if store != "ActiveStore"
        else str(node.os.loopback_metric if route.interface == LOOPBACK else node.interface_metric(route.interface))
    )
    next_hop = "0.0.0.0" if route.gateway is None else str(route.gateway)
    system = route.origin in (RouteOrigin.SYSTEM, RouteOrigin.LOOPBACK)
    return PsObject(
        "NetRoute",
        (
            ("ifIndex", str(index)),
            ("DestinationPrefix", str(route.destination)),
            ("NextHop", next_hop),
            ("RouteMetric", str(route.metric)),
            ("ifMetric", if_metric),
            ("PolicyStore", store),
            ("InterfaceAlias", alias),
            ("AddressFamily", "IPv4"),
            ("Protocol", "Local" if system else "NetMgmt"),
            ("InstanceID", _instance_id(index, str(route.destination), next_hop)),
            ("ValidLifetime", INFINITE),
            ("PreferredLifetime", INFINITE),
        ),
    )


def _ipv6_loopback_routes(node: Node) -> list[PsObject]:
    return [
        PsObject(
            "NetRoute",
            (
                ("ifIndex", "1"),
                ("DestinationPrefix", dest),
                ("NextHop", "::"),
                ("RouteMetric", "256"),
                ("ifMetric", str(node.os.loopback_metric)),
                ("PolicyStore", "ActiveStore"),
                ("InterfaceAlias", LOOPBACK_LABEL),
                ("AddressFamily", "IPv6"),
                ("Protocol", "Local"),
                ("InstanceID", _instance_id(1, dest, "::")),
                ("ValidLifetime", INFINITE),
                ("PreferredLifetime", INFINITE),
            ),
        )
        for dest in ("ff00::/8", "::1/128")
    ]


def routes(node: Node) -> list[PsObject]:
    """Get-NetRoute's rows: the active store (destinations descending, as captures list them)
    and the persistent store's copies of persistent routes and static gateways."""

    def key(r: Route) -> tuple:
        return int(r.destination.network_address), r.destination.prefixlen

    active = sorted(node.route_table, key=key, reverse=True)
    # Vista+ keeps a gateway typed in the NIC's properties in the persistent store too.
    gateways = [r for r in node.route_table if r.origin is RouteOrigin.GATEWAY and node.os.adds_interface_metric]
    persistent = [r for r in node.routes if r.persistent] + gateways
    return (
        _ipv6_loopback_routes(node)
        + [route_object(node, r) for r in active]
        + [route_object(node, r, "PersistentStore") for r in persistent]
    )


def route_list_props(obj: PsObject) -> list[tuple[str, str]]:
    """Every property of a route, as Format-List * and Find-NetRoute show it."""
    p = dict(obj.props)
    store = p["PolicyStore"]
    return [
        ("Caption", ""),
        ("Description", ""),
        ("ElementName", ""),
        ("InstanceID", p["InstanceID"]),
        ("AdminDistance", ""),
        ("DestinationAddress", ""),
        ("IsStatic", ""),
        ("RouteMetric", p["RouteMetric"]),
        ("TypeOfRoute", "3"),
        ("AddressFamily", p["AddressFamily"]),
        ("DestinationPrefix", p["DestinationPrefix"]),
        ("InterfaceAlias", p["InterfaceAlias"]),
        ("InterfaceIndex", p["ifIndex"]),
        ("NextHop", p["NextHop"]),
        ("PreferredLifetime", p["PreferredLifetime"]),
        ("Protocol", p["Protocol"]),
        ("Publish", "No"),
        ("Store", store),
        ("ValidLifetime", p["ValidLifetime"]),
        ("PSComputerName", ""),
        ("ifIndex", p["ifIndex"]),
    ]


# --- views -----------------------------------------------------------------------------------

IP_INTERFACE_TABLE = [
    ("ifIndex", 7, "l"),
    ("InterfaceAlias", 31, "l"),
    ("AddressFamily", 13, "l"),
    ("NlMtu(Bytes)", 12, "r"),
    ("InterfaceMetric", 15, "r"),
    ("Dhcp", 8, "l"),
    ("ConnectionState", 15, "l"),
    ("PolicyStore", 11, "l"),
]
IP_ADDRESS_TABLE = [
    ("ifIndex", 7, "l"),
    ("IPAddress", 39, "l"),
    ("PrefixLength", 20, "r"),
    ("PrefixOrigin", 12, "l"),
    ("SuffixOrigin", 12, "l"),
    ("AddressState", 12, "l"),
    ("PolicyStore", 11, "l"),
]
ROUTE_TABLE = [
    ("ifIndex", 7, "l"),
    ("DestinationPrefix", 46, "l"),
    ("NextHop", 40, "l"),
    ("RouteMetric", 11, "r"),
    ("ifMetric", 8, "l"),
    ("PolicyStore", 11, "l"),
]
_TABLE_PROPS = {
    "NetIPInterface": [
        "ifIndex",
        "InterfaceAlias",
        "AddressFamily",
        "NlMtu",
        "InterfaceMetric",
        "Dhcp",
        "ConnectionState",
        "PolicyStore",
    ],
    "NetIPAddress": [
        "InterfaceIndex",
        "IPAddress",
        "PrefixLength",
        "PrefixOrigin",
        "SuffixOrigin",
        "AddressState",
        "PolicyStore",
    ],
    "NetRoute": ["ifIndex", "DestinationPrefix", "NextHop", "RouteMetric", "ifMetric", "PolicyStore"],
}
_TABLES = {"NetIPInterface": IP_INTERFACE_TABLE, "NetIPAddress": IP_ADDRESS_TABLE, "NetRoute": ROUTE_TABLE}


def as_table(objects: list[PsObject]) -> str:
    if not objects:
        return ""
    kind = objects[0].kind
    return ps_table(_TABLES[kind], [[o.get(p) for p in _TABLE_PROPS[kind]] for o in objects])


def as_list(objects: list[PsObject], every: bool = False) -> str:
    """Format-List (the list view), or with every=True Format-List * (every property)."""
    shown = []
    for o in objects:
        if o.kind == "NetRoute":
            shown.append(route_list_props(o))
        elif o.kind == "NetIPInterface" and every:
            shown.append(_raw_interface(o))
        elif o.kind == "NetIPInterface":
            shown.append([(_LIST_NAMES.get(k, k), v) for k, v in o.props])
        else:
            shown.append(list(o.props))
    return ps_list(shown) if shown else ""


def default_view(objects: list[PsObject]) -> str:
    """What PowerShell prints with no Format-* cmdlet: addresses as a list, the rest as tables."""
    if objects and objects[0].kind == "NetIPAddress":
        return as_list(objects)
    return as_table(objects)
