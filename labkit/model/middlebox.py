"""Firewalls, NAT, FTP helpers and load balancers, and the connection tracking they share.

Processing order at a node follows Linux netfilter, which the reference notes read in
source: a packet of a known connection is translated as its connection was; otherwise
destination NAT (port forward, load balancer), then the routing decision, then the filter
(input, forward or output), then source NAT on the way out. Forward rules therefore see
the destination after port forwarding and the source before masquerading.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv4Network
from typing import NamedTuple

from ..errors import LabkitError, shorten
from .flow import Protocol
from .ports import PortRange, port_range
from .vocabulary import Vocabulary, settle


class RuleAction(Vocabulary):
    ALLOW = "allow"
    DENY = "deny"


class Direction(Vocabulary):
    """Which of a node's filters a rule belongs to: traffic to it, from it, through it, or any."""

    IN = "in"
    OUT = "out"
    FORWARD = "forward"
    ANY = "any"


class LbAffinity(Vocabulary):
    """How a load balancer keeps a client on one backend."""

    NONE = "none"
    """Each connection picked from client address and port."""
    CLIENT_IP = "client-ip"
    """The client address alone picks the backend."""


def stable_pick(key: str, count: int) -> int:
    """The same index in 0..count-1 for the same key on every run and machine.

    A stand-in for NLB's and load balancers' own hashes (a keyed digest spreads nearby
    keys, such as two ports in a row, where CRC-32 would not).
    """
    digest = hashlib.blake2s(key.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % count


class FourTupleError(LabkitError, ValueError):
    """Not a connection's 4-tuple; str() is one line saying what was expected."""


class _Four(NamedTuple):
    src: IPv4Address
    sport: int | None
    dst: IPv4Address
    dport: int | None


class FourTuple(_Four):
    """(src, sport, dst, dport) of one direction of a connection, as seen at one node.

    `str()` is "10.10.0.5:49152 -> 10.10.0.100:80" (no ":port" for ICMP); `parse` reads that back.
    Addresses may be given as text: `FourTuple("10.10.0.5", 49152, "10.10.0.100", 80)`.
    """

    __slots__ = ()

    def __new__(cls, src: IPv4Address | str, sport: int | None, dst: IPv4Address | str, dport: int | None) -> FourTuple:
        return super().__new__(cls, _address(src), _port(sport), _address(dst), _port(dport))

    @classmethod
    def parse(cls, text: str) -> FourTuple:
        """ "10.10.0.5:49152 -> 10.10.0.100:80" (as str() prints it)."""
        left, arrow, right = str(text).partition("->")
        if not arrow:
            raise FourTupleError(
                f"expected SRC:PORT -> DST:PORT like 10.10.0.5:49152 -> 10.10.0.100:80, got {shorten(text)}"
            )
        (src, sport), (dst, dport) = _endpoint(left), _endpoint(right)
        return cls(src, sport, dst, dport)

    def reverse(self) -> FourTuple:
        """The other direction of the same connection."""
        return FourTuple(self.dst, self.dport, self.src, self.sport)

    def __str__(self) -> str:
        left = f"{self.src}:{self.sport}" if self.sport is not None else str(self.src)
        right = f"{self.dst}:{self.dport}" if self.dport is not None else str(self.dst)
        return f"{left} -> {right}"

    def __repr__(self) -> str:
        return f"FourTuple.parse({str(self)!r})"


def _address(value: IPv4Address | str) -> IPv4Address:
    if isinstance(value, IPv4Address):
        return value
    try:
        return IPv4Address(str(value).strip())
    except ValueError:
        raise FourTupleError(f"expected an IPv4 address like 10.10.0.5, got {shorten(value)}") from None


def _port(value: int | None) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535):
        return value
    raise FourTupleError(f"expected a port from 0 to 65535 (or none), got {shorten(value)}")


def _endpoint(text: str) -> tuple[str, int | None]:
    address, colon, port = text.strip().partition(":")
    if not colon:
        return address, None
    if not (port.isascii() and port.isdigit() and len(port) <= 5):
        raise FourTupleError(f"expected ADDRESS:PORT like 10.10.0.5:49152, got {shorten(text.strip())}")
    return address, int(port)


@dataclass(frozen=True)
class Rule:
    """One firewall rule; unset fields match anything."""

    action: RuleAction
    direction: Direction = Direction.ANY
    in_interface: str | None = None
    out_interface: str | None = None
    proto: str | None = None
    src: IPv4Network | None = None
    dst: IPv4Network | None = None
    sport: PortRange | None = None
    dport: PortRange | None = None
    name: str = ""

    def __post_init__(self) -> None:
        settle(self, action=RuleAction, direction=Direction)
        object.__setattr__(self, "sport", port_range(self.sport))
        object.__setattr__(self, "dport", port_range(self.dport))

    def matches(
        self, direction: Direction, in_iface: str | None, out_iface: str | None, proto: str, four: FourTuple
    ) -> bool:
        src, sport, dst, dport = four
        return (
            (self.direction is Direction.ANY or self.direction == direction)
            and (self.in_interface is None or self.in_interface == in_iface)
            and (self.out_interface is None or self.out_interface == out_iface)
            and (self.proto is None or self.proto == proto)
            and (self.src is None or src in self.src)
            and (self.dst is None or dst in self.dst)
            and (self.sport is None or sport in self.sport)
            and (self.dport is None or dport in self.dport)
        )

    def describe(self, number: int) -> str:
        parts = [
            self.action,
            self.direction if self.direction is not Direction.ANY else "",
            self.proto or "",
            f"from {self.src}" if self.src else "",
            f"sport {self.sport}" if self.sport else "",
            f"to {self.dst}" if self.dst else "",
            f"dport {self.dport}" if self.dport else "",
            f"in {self.in_interface}" if self.in_interface else "",
            f"out {self.out_interface}" if self.out_interface else "",
        ]
        label = f" '{self.name}'" if self.name else ""
        return f"rule {number}{label} ({' '.join(p for p in parts if p)})"

    @property
    def limits_peers(self) -> bool:
        """Allows only some addresses (not 0.0.0.0/0) on the far side."""
        return self.src is not None and self.src.prefixlen > 0


@dataclass(frozen=True)
class Firewall:
    rules: tuple[Rule, ...] = ()
    default_in: RuleAction = RuleAction.DENY
    default_out: RuleAction = RuleAction.ALLOW
    default_forward: RuleAction = RuleAction.DENY
    stateful: bool = True
    """Packets of known connections, and connections an FTP helper expects, pass without rules."""

    def __post_init__(self) -> None:
        settle(self, default_in=RuleAction, default_out=RuleAction, default_forward=RuleAction)

    def decide(
        self, direction: Direction, in_iface: str | None, out_iface: str | None, proto: str, four: FourTuple
    ) -> tuple[bool, str, Rule | None]:
        """(allowed, why, matching rule) for a new connection."""
        for number, rule in enumerate(self.rules, 1):
            if rule.matches(direction, in_iface, out_iface, proto, four):
                return rule.action is RuleAction.ALLOW, rule.describe(number), rule
        default = {
            Direction.IN: self.default_in,
            Direction.OUT: self.default_out,
            Direction.FORWARD: self.default_forward,
        }[direction]
        return default is RuleAction.ALLOW, f"no rule matches; default policy for {direction}: {default}", None


@dataclass(frozen=True)
class PortForward:
    """Destination NAT: connections to `interface`'s address on these ports go to `to`."""

    interface: str
    proto: str
    ports: PortRange
    to: IPv4Address
    to_port: int | None = None
    """First port on the inside; None keeps the port."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ports", PortRange.parse(self.ports))

    def target(self, dport: int) -> int:
        return dport if self.to_port is None else self.to_port + (dport - self.ports.first)


@dataclass(frozen=True)
class Nat:
    masquerade: tuple[str, ...] = ()
    """Interfaces whose outgoing new connections take the interface's own address."""
    port_forwards: tuple[PortForward, ...] = ()


@dataclass(frozen=True)
class FtpHelper:
    """An FTP ALG (Linux nf_conntrack_ftp + nf_nat_ftp) watching control connections."""

    ports: tuple[int, ...] = (21,)
    loose: bool = False
    """Linux 'loose=1': expect even when the embedded address differs from the packet's."""


@dataclass(frozen=True)
class LoadBalancer:
    vip: IPv4Address
    backends: tuple[IPv4Address, ...]
    ports: tuple[PortRange, ...] = ()
    """Balanced destination ports; empty = every port."""
    affinity: LbAffinity = LbAffinity.NONE
    snat: tuple[IPv4Address, ...] = ()
    """Source addresses the balancer gives clients; empty = clients keep theirs."""

    def __post_init__(self) -> None:
        settle(self, affinity=LbAffinity)
        object.__setattr__(self, "ports", tuple(PortRange.parse(r) for r in self.ports))

    def balances(self, dst: IPv4Address, dport: int | None) -> bool:
        return dst == self.vip and (not self.ports or any(dport in r for r in self.ports))

    def backend_for(self, src: IPv4Address, sport: int | None) -> IPv4Address:
        key = str(src) if self.affinity is LbAffinity.CLIENT_IP else f"{src}:{sport}"
        return self.backends[stable_pick(key, len(self.backends))]

    def snat_for(self, src: IPv4Address, sport: int | None) -> IPv4Address | None:
        if not self.snat:
            return None
        return self.snat[stable_pick(f"snat {src}:{sport}", len(self.snat))]


@dataclass(frozen=True)
class Session:
    """A tracked connection at one node: how it looked on arrival and on departure."""

    node: str
    proto: str
    original: FourTuple
    translated: FourTuple
    in_iface: str | None = None
    related: bool = False

    def __post_init__(self) -> None:
        for name in ("original", "translated"):
            if not isinstance(getattr(self, name), FourTuple):
                object.__setattr__(self, name, FourTuple(*getattr(self, name)))

    @property
    def natted(self) -> bool:
        return self.original != self.translated


@dataclass(frozen=True)
class Expectation:
    """A data connection an FTP helper announced (classed RELATED when it comes)."""

    node: str
    src: IPv4Address | None
    dst: IPv4Address
    dport: int
    to: tuple[IPv4Address, int]
    why: str
    snat_to: IPv4Address | None = None
    """Source address the connection takes where its control connection is NATed at this
    node: the address the control connection's peer already sees (Linux nf_nat_follow_master,
    which also sets the destination, `to`, to the control connection's real peer)."""

    def matches(self, node: str, proto: str, four: FourTuple) -> bool:
        src, _, dst, dport = four
        return (
            node == self.node
            and proto == Protocol.TCP
            and dst == self.dst
            and dport == self.dport
            and (self.src is None or src == self.src)
        )


@dataclass(frozen=True)
class Conntrack:
    """Every node's connection table and expectations: the state one trace hands the next."""

    sessions: tuple[Session, ...] = ()
    expectations: tuple[Expectation, ...] = ()

    def find(self, node: str, proto: str, four: FourTuple) -> tuple[Session, str] | None:
        """The session this packet belongs to, and whether it goes 'original' or 'reply' way."""
        for session in reversed(self.sessions):
            if session.node != node or session.proto != proto:
                continue
            if session.original == four:
                return session, "original"
            if session.translated.reverse() == four:
                return session, "reply"
        return None

    def expected(self, node: str, proto: str, four: FourTuple) -> Expectation | None:
        for expectation in self.expectations:
            if expectation.matches(node, proto, four):
                return expectation
        return None

    def with_session(self, session: Session) -> Conntrack:
        return replace(self, sessions=self.sessions + (session,))

    def with_expectation(self, expectation: Expectation) -> Conntrack:
        return replace(self, expectations=self.expectations + (expectation,))

    def without(self, expectation: Expectation) -> Conntrack:
        return replace(self, expectations=tuple(e for e in self.expectations if e != expectation))
