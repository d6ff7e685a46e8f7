"""Firewalls, NAT, FTP helpers and load balancers, and the connection tracking they share.

Processing order at a node follows Linux netfilter, which the reference notes read in
source: a packet of a known connection is translated as its connection was; otherwise
destination NAT (port forward, load balancer), then the routing decision, then the filter
(input, forward or output), then source NAT on the way out. Forward rules therefore see
the destination after port forwarding and the source before masquerading.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv4Network

from ..errors import shorten
from .vocabulary import Vocabulary, settle

PortRange = tuple[int, int]
Four = tuple[IPv4Address, int | None, IPv4Address, int | None]
"""(src, sport, dst, dport) of one direction of a connection, as seen at one node."""



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


def in_range(port: int | None, ports: PortRange | None) -> bool:
    return ports is None or (port is not None and ports[0] <= port <= ports[1])


def show_range(ports: PortRange) -> str:
    return str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}"


# ASCII digits only: int() would read '٣-٥' (Arabic-Indic digits) as ports 3-5.
_PORT_RANGE = re.compile(r"\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*", re.ASCII)


def parse_port_range(value: object) -> PortRange:
    """A port (21) or a range low to high (51976-51999); ValueError says what was expected."""
    found = None if isinstance(value, bool) else _PORT_RANGE.fullmatch(str(value)[:40])
    if found is None:
        raise ValueError(f"expected a port like 21 or a range like 51976-51999, got {shorten(value)}")
    first, last = int(found[1]), int(found[2] or found[1])
    if not 1 <= first <= last <= 65535:
        raise ValueError(f"expected ports from 1 to 65535, low to high, got {shorten(value)}")
    return first, last


def reverse(four: Four) -> Four:
    src, sport, dst, dport = four
    return dst, dport, src, sport


def show_four(four: Four) -> str:
    src, sport, dst, dport = four
    left = f"{src}:{sport}" if sport is not None else str(src)
    right = f"{dst}:{dport}" if dport is not None else str(dst)
    return f"{left} -> {right}"


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

    def __post_init__(self):
        settle(self, action=RuleAction, direction=Direction)

    def matches(self, direction: Direction, in_iface: str | None, out_iface: str | None, proto: str,
                four: Four) -> bool:
        src, sport, dst, dport = four
        return ((self.direction is Direction.ANY or self.direction == direction)
                and (self.in_interface is None or self.in_interface == in_iface)
                and (self.out_interface is None or self.out_interface == out_iface)
                and (self.proto is None or self.proto == proto)
                and (self.src is None or src in self.src)
                and (self.dst is None or dst in self.dst)
                and (self.sport is None or in_range(sport, self.sport))
                and (self.dport is None or in_range(dport, self.dport)))

    def describe(self, number: int) -> str:
        parts = [self.action, self.direction if self.direction is not Direction.ANY else "",
                 self.proto or "", f"from {self.src}" if self.src else "",
                 f"sport {show_range(self.sport)}" if self.sport else "",
                 f"to {self.dst}" if self.dst else "", f"dport {show_range(self.dport)}" if self.dport else "",
                 f"in {self.in_interface}" if self.in_interface else "",
                 f"out {self.out_interface}" if self.out_interface else ""]
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

    def __post_init__(self):
        settle(self, default_in=RuleAction, default_out=RuleAction, default_forward=RuleAction)

    def decide(self, direction: Direction, in_iface: str | None, out_iface: str | None, proto: str,
               four: Four) -> tuple[bool, str, Rule | None]:
        """(allowed, why, matching rule) for a new connection."""
        for number, rule in enumerate(self.rules, 1):
            if rule.matches(direction, in_iface, out_iface, proto, four):
                return rule.action is RuleAction.ALLOW, rule.describe(number), rule
        default = {Direction.IN: self.default_in, Direction.OUT: self.default_out,
                   Direction.FORWARD: self.default_forward}[direction]
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

    def target(self, dport: int) -> int:
        return dport if self.to_port is None else self.to_port + (dport - self.ports[0])


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

    def __post_init__(self):
        settle(self, affinity=LbAffinity)

    def balances(self, dst: IPv4Address, dport: int | None) -> bool:
        return dst == self.vip and (not self.ports or any(in_range(dport, r) for r in self.ports))

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
    original: Four
    translated: Four
    in_iface: str | None = None
    related: bool = False

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

    def matches(self, node: str, proto: str, four: Four) -> bool:
        src, _, dst, dport = four
        return (node == self.node and proto == "tcp" and dst == self.dst and dport == self.dport
                and (self.src is None or src == self.src))


@dataclass(frozen=True)
class Conntrack:
    """Every node's connection table and expectations: the state one trace hands the next."""

    sessions: tuple[Session, ...] = ()
    expectations: tuple[Expectation, ...] = ()

    def find(self, node: str, proto: str, four: Four) -> tuple[Session, str] | None:
        """The session this packet belongs to, and whether it goes 'original' or 'reply' way."""
        for session in reversed(self.sessions):
            if session.node != node or session.proto != proto:
                continue
            if session.original == four:
                return session, "original"
            if reverse(session.translated) == four:
                return session, "reply"
        return None

    def expected(self, node: str, proto: str, four: Four) -> Expectation | None:
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
