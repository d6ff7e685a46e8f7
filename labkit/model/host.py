"""Nodes and their interfaces, the per-interface host-model switches, and the IPv4 route
table Windows builds from a node's addresses, gateways and static routes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Any, NamedTuple

from ..errors import LabkitError, shorten
from . import fields
from .ftp_protocol import FtpServerSettings
from .middlebox import Firewall, FtpHelper, LoadBalancer, Nat
from .osprofile import OsProfile
from .vocabulary import Vocabulary, settle

LOOPBACK = "loopback"
"""Key of the software loopback pseudo-interface every node has."""
LOOPBACK_LABEL = "Loopback Pseudo-Interface 1"

DEFAULT_ROUTE = IPv4Network("0.0.0.0/0")
_MULTICAST = IPv4Network("224.0.0.0/4")
_LIMITED_BROADCAST = IPv4Network("255.255.255.255/32")

METRICS = (0, 9999)
"""The metrics a route, a gateway or an interface may have (route.exe's METRIC 1-9999; 0 for Linux)."""


class RouteOrigin(Vocabulary):
    SYSTEM = "system"  # on-link, host and broadcast routes the stack creates per address
    GATEWAY = "gateway"  # a default gateway from the NIC's properties
    STATIC = "static"  # route add / netsh add route
    LOOPBACK = "loopback"  # 127.0.0.0/8 on the loopback pseudo-interface


@dataclass(frozen=True)
class Route:
    destination: IPv4Network
    gateway: IPv4Address | None
    """Next hop; None = on-link."""
    interface: str
    metric: int
    """Route metric (Vista+: an offset added to the interface metric)."""
    origin: RouteOrigin = RouteOrigin.STATIC
    persistent: bool = True

    def __post_init__(self) -> None:
        if type(self.metric) is not int or not METRICS[0] <= self.metric <= METRICS[1]:
            object.__setattr__(self, "metric", fields.whole_number(self.metric, "metric", *METRICS))
        if self.gateway is not None and type(self.gateway) is not IPv4Address:
            object.__setattr__(self, "gateway", fields.address(self.gateway, "gateway"))

    @property
    def is_default(self) -> bool:
        return self.destination.prefixlen == 0

    def next_hop(self, dst: IPv4Address) -> IPv4Address:
        return dst if self.gateway is None else self.gateway


class Role(Vocabulary):
    HOST = "host"
    ROUTER = "router"


class InterfaceRefError(LabkitError, ValueError):
    """Not a NODE.INTERFACE reference; str() is one line saying what was expected."""


class _Ref(NamedTuple):
    node: str
    interface: str


class InterfaceRef(_Ref):
    """One interface of one node, written NODE.INTERFACE (web1.nlb): a cluster member, the NIC a
    check expects a packet to leave by. A (node, interface key) tuple underneath."""

    __slots__ = ()

    def __new__(cls, node: str, interface: str | None = None) -> InterfaceRef:
        if interface is None:
            return cls.parse(node)
        return super().__new__(cls, node, interface)

    @classmethod
    def parse(cls, value: object) -> InterfaceRef:
        """ "web1.nlb", or a (node, interface) pair."""
        if isinstance(value, InterfaceRef):
            return value
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return super().__new__(cls, *value)
        node, dot, interface = value.partition(".") if isinstance(value, str) else ("", "", "")
        if not (node and dot and interface) or "." in interface:
            raise InterfaceRefError(f"expected NODE.INTERFACE like web1.nlb, got {shorten(value)}")
        return super().__new__(cls, node, interface)

    def __str__(self) -> str:
        return f"{self.node}.{self.interface}"

    def __repr__(self) -> str:
        return f"InterfaceRef({str(self)!r})"


@dataclass(frozen=True)
class Gateway:
    """A default gateway as typed in the NIC's TCP/IP properties."""

    address: IPv4Address
    metric: int | None = None
    """Gateway (route) metric; None = 'Automatic metric'."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "address", fields.address(self.address, "gateway"))
        object.__setattr__(self, "metric", fields.optional_number(self.metric, "gateway metric", *METRICS))

    @classmethod
    def read(cls, value: object, field: str = "gateway") -> Gateway:
        """A Gateway from what a learner gives: a Gateway, an IPv4Address or a text "10.99.0.1"."""
        if isinstance(value, Gateway):
            return value
        return cls(fields.address(value, field))

    def __str__(self) -> str:
        return str(self.address)


@dataclass(frozen=True)
class Interface:
    """One network connection of a node (a NIC, or a loopback adapter when segment is None)."""

    key: str
    label: str
    segment: str | None
    addresses: tuple[IPv4Interface, ...]
    gateways: tuple[Gateway, ...] = ()
    metric: int | None = None
    """Interface metric; None = automatic from `speed` and the OS table."""
    speed: float = 1000.0
    """Link speed in Mb/s, used for the automatic metric."""
    weakhostsend: bool = False
    weakhostreceive: bool = False
    forwarding: bool = False
    index: int | None = None
    """Windows interface index (Idx); None = numbered in listing order from 11."""
    skip_as_source: tuple[IPv4Address, ...] = ()
    """Addresses Windows never picks as a source (netsh … add address … skipassource=true)."""

    def __post_init__(self) -> None:
        # Read once here, so a value typed in a notebook cannot break a trace later.
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("addresses", fields.items(self.addresses, "addresses", fields.address_with_prefix))
        put("gateways", fields.items(self.gateways, "gateways", Gateway.read, (str, IPv4Address, Gateway)))
        put("metric", fields.optional_number(self.metric, "metric", *METRICS))
        put("index", fields.optional_number(self.index, "index", 1, 2**32 - 1))
        put("skip_as_source", fields.items(self.skip_as_source, "skip_as_source", fields.address, (str, IPv4Address)))
        for name in Switch:
            put(name, fields.switch(getattr(self, name), name))
        if isinstance(self.speed, bool) or not isinstance(self.speed, (int, float)) or not 0 < self.speed < 1e9:
            raise fields.FieldValueError(f"speed: expected a link speed in Mb/s above 0, got {shorten(self.speed)}")

    @property
    def is_loopback_adapter(self) -> bool:
        return self.segment is None

    @cached_property
    def ips(self) -> frozenset[IPv4Address]:
        return frozenset(a.ip for a in self.addresses)

    def owns(self, address: IPv4Address) -> bool:
        return address in self.ips

    def on_link(self, address: IPv4Address) -> bool:
        """The address lies in one of this interface's subnets."""
        return any(address in a.network for a in self.addresses)

    @property
    def quoted(self) -> str:
        """The label as a Windows command line would quote it."""
        return f'"{self.label}"'

    @property
    def sends_weakly(self) -> bool:
        """Packets sourced from this interface's addresses may leave by another interface."""
        return self.weakhostsend or self.forwarding

    @property
    def receives_weakly(self) -> bool:
        """Packets arriving here may be accepted for another interface's address."""
        return self.weakhostreceive or self.forwarding


@dataclass(frozen=True)
class Node:
    """A host or router: its OS, interfaces and static routes."""

    name: str
    os: OsProfile
    interfaces: tuple[Interface, ...]
    routes: tuple = ()
    """Static routes (Route with origin STATIC), in the order added."""
    role: Role = Role.HOST
    down: bool = False
    binding_order: tuple[str, ...] = ()
    """Adapters and Bindings order (interface keys); empty = listing order."""
    dead_gateway_detection: bool = True
    """EnableDeadGWDetect (default 1)."""
    firewall: Firewall | None = None
    nat: Nat | None = None
    ftp_helper: FtpHelper | None = None
    load_balancer: LoadBalancer | None = None
    ftp_server: FtpServerSettings | None = None
    """Set when the node runs an FTP server."""
    x: float | None = None
    y: float | None = None

    def __post_init__(self) -> None:
        settle(self, role=Role)
        for name in ("down", "dead_gateway_detection"):
            object.__setattr__(self, name, fields.switch(getattr(self, name), name))

    def __repr__(self) -> str:
        nics = ", ".join(f"{i.key} {', '.join(str(a) for a in i.addresses) or 'no address'}" for i in self.interfaces)
        state = ", down" if self.down else ""
        return f"<Node {self.name} ({self.os.name}, {self.role.value}{state}): {nics}>"

    @cached_property
    def _by_key(self) -> dict[str, Interface]:
        return {i.key: i for i in self.interfaces}

    @cached_property
    def _owner(self) -> dict[IPv4Address, Interface]:
        owner: dict[IPv4Address, Interface] = {}
        for iface in self.interfaces:
            for ip in iface.ips:
                owner.setdefault(ip, iface)
        return owner

    def interface(self, key: str) -> Interface:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"node {self.name!r} has no interface {key!r} (it has: {', '.join(self._by_key)})") from None

    def has_interface(self, key: str) -> bool:
        return key in self._by_key

    def with_interface(self, key: str, **changes: Any) -> Node:
        """A copy with one interface's fields changed, e.g. `with_interface("nlb", weakhostsend=True)`."""
        target = self.interface(key)  # a clear KeyError for an unknown key
        return replace(self, interfaces=tuple(replace(i, **changes) if i is target else i for i in self.interfaces))

    def owner_of(self, address: IPv4Address) -> Interface | None:
        """The interface that holds this address, or None if the node does not own it."""
        return self._owner.get(address)

    def owns(self, address: IPv4Address) -> bool:
        return address in self._owner

    @property
    def addresses(self) -> tuple[IPv4Interface, ...]:
        return tuple(a for i in self.interfaces for a in i.addresses)

    def interface_metric(self, key: str) -> int:
        iface = self.interface(key)
        if iface.metric is not None:
            return iface.metric
        return self.os.automatic_metric(iface.speed)

    def if_index(self, key: str) -> int:
        iface = self.interface(key)
        if iface.index is not None:
            return iface.index
        return 11 + self.interfaces.index(iface)

    @property
    def tracks_connections(self) -> bool:
        """A firewall, NAT, FTP helper or load balancer keeps a connection table here."""
        return any((self.firewall, self.nat, self.ftp_helper, self.load_balancer))

    @property
    def bindings(self) -> tuple[str, ...]:
        return self.binding_order or tuple(i.key for i in self.interfaces)

    @cached_property
    def route_table(self) -> tuple[Route, ...]:
        return build_route_table(self)


def interface_defaults(os: OsProfile, role: Role) -> dict[str, bool]:
    """The switch values an interface gets when the scenario does not set them."""
    if role is Role.ROUTER:
        return dict.fromkeys(Switch, True)
    return {Switch.WEAKHOSTSEND: os.weak_host, Switch.WEAKHOSTRECEIVE: os.weak_host, Switch.FORWARDING: False}


class Switch(Vocabulary):
    """The per-interface switches (each an `Interface` field), in the order netsh lists them in the kit."""

    WEAKHOSTSEND = "weakhostsend"
    WEAKHOSTRECEIVE = "weakhostreceive"
    FORWARDING = "forwarding"


HOST_MODEL_SWITCHES = (Switch.WEAKHOSTSEND, Switch.WEAKHOSTRECEIVE)
"""The two switches that make an interface weak or strong host (Windows 2003 has neither)."""


def build_route_table(node: Node) -> tuple[Route, ...]:
    """Every route the node holds, in the order the kit lists them (ties go to the first)."""
    os = node.os
    table: list[Route] = []
    for iface in node.interfaces:
        ifm = node.interface_metric(iface.key)
        system = ifm if os.system_route_metric is None else os.system_route_metric
        onlink: list[IPv4Network] = []
        for addr in iface.addresses:
            net = addr.network
            if net.prefixlen < 32:
                onlink.append(net)
            onlink.append(IPv4Network(addr.ip))
            if net.prefixlen < 31 and os.is_windows:
                onlink.append(IPv4Network(net.broadcast_address))
        # Two addresses in one subnet share its network and broadcast routes.
        table.extend(Route(dest, None, iface.key, system, RouteOrigin.SYSTEM) for dest in dict.fromkeys(onlink))
        if os.is_windows:
            table.append(Route(_MULTICAST, None, iface.key, system, RouteOrigin.SYSTEM))
            table.append(Route(_LIMITED_BROADCAST, None, iface.key, system, RouteOrigin.SYSTEM))
        for gw in iface.gateways:
            if gw.metric is not None:
                metric = gw.metric
            elif os.static_gateway_metric is None:
                metric = ifm
            else:
                metric = os.static_gateway_metric
            table.append(Route(DEFAULT_ROUTE, gw.address, iface.key, metric, RouteOrigin.GATEWAY))
    table.extend(node.routes)
    loop_metric = os.system_route_metric if os.system_route_metric is not None else os.loopback_metric
    loopback = (
        ("127.0.0.0/8", "127.0.0.1/32", "127.255.255.255/32", "224.0.0.0/4", "255.255.255.255/32")
        if os.is_windows
        else ("127.0.0.0/8",)
    )
    for dest in loopback:
        table.append(Route(IPv4Network(dest), None, LOOPBACK, loop_metric, RouteOrigin.LOOPBACK))
    return tuple(table)
