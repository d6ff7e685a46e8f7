"""What happened at each step of a trace, as typed values.

Every step of a hop carries one of these details: the facts the engine decided on (the
route and its RouteChoice, the source address and the KB 969029 rule, the host-model
switch, a NAT's connection before and after, the firewall's verdict, ...). Code reads
their fields; `str()` gives the one line a learner reads (the text the reference rows,
CLI output and notebooks show).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import ClassVar

from .host_rules import Weakness
from .nlb_cluster import NlbAffinity
from .routes import RouteChoice
from .vocabulary import Vocabulary


class Action(Vocabulary):
    ROUTED = "route"
    SOURCE = "source"
    HOST_MODEL = "host model"
    DEAD_GATEWAY = "dead gateway"
    TRANSMITTED = "sent"
    RECEIVED = "received"
    FORWARDED = "forwarded"
    ACCEPTED = "accepted"
    DROPPED = "dropped"
    NAT = "nat"
    FIREWALL = "firewall"
    HELPER = "ftp helper"
    BALANCED = "load balancer"


# --- routing, source and host model -----------------------------------------------------------


@dataclass(frozen=True)
class RouteChosen:
    action: ClassVar[Action] = Action.ROUTED
    choice: RouteChoice
    why: str
    """RouteChoice.why for the node that looked the route up (it needs the node's labels)."""

    def __str__(self) -> str:
        return self.why


class SourceRule(Vocabulary):
    """How the source address of a new connection was picked (KB 969029 for Vista and later)."""

    ONLY_ADDRESS = "rule 2"
    NEXT_HOP_MATCH = "rule 3"
    DESTINATION_MATCH = "rule 4"
    FIRST_ADDRESS = "first address"
    """A system that does not rank addresses (2003) takes the NIC's first."""
    ALL_SKIPPED = "all skipassource"
    """Every address is marked skipassource: the kit falls back to the first."""


@dataclass(frozen=True)
class SourceChoice:
    """The source address picked for a new connection, and by which rule."""

    address: IPv4Address
    rule: SourceRule
    interface: str
    """Label of the outgoing interface."""
    compared_with: IPv4Address | None = None
    """Rules 3 and 4: the next hop or destination the addresses were matched against."""
    bits: int | None = None
    still_tied: bool = False
    os_display: str = ""

    @property
    def kb_rule(self) -> int | None:
        """The rule number of KB 969029, or None where no ranking was done."""
        return {SourceRule.ONLY_ADDRESS: 2, SourceRule.NEXT_HOP_MATCH: 3, SourceRule.DESTINATION_MATCH: 4}.get(
            self.rule
        )

    def __str__(self) -> str:
        where, rule = f'"{self.interface}"', self.rule
        if rule is SourceRule.ALL_SKIPPED:
            return f"every address of {where} is marked skipassource; the kit falls back to its first address"
        if rule is SourceRule.FIRST_ADDRESS:
            return f"the first address of {where}: {self.os_display} does not rank addresses"
        if rule is SourceRule.ONLY_ADDRESS:
            return f"KB 969029 rule 2: the only usable address on the outgoing interface {where}"
        against = "next hop" if rule is SourceRule.NEXT_HOP_MATCH else "destination"
        return (
            f"KB 969029 {rule.value}: of the addresses on {where}, the longest match with the {against} "
            f"{self.compared_with} ({self.bits} bits)" + ("; still tied, the first listed" if self.still_tied else "")
        )


@dataclass(frozen=True)
class SourceChosen:
    action: ClassVar[Action] = Action.SOURCE
    choice: SourceChoice
    cluster: str | None = None
    """The NLB cluster whose IP the source is (answers then go to whichever member NLB picks)."""

    def __str__(self) -> str:
        src = self.choice.address
        note = (
            (f"; note: {src} is the IP of NLB cluster {self.cluster}, so answers go to whichever member NLB picks")
            if self.cluster
            else ""
        )
        return f"{src} ({self.choice}{note})"


@dataclass(frozen=True)
class HostModelDecision:
    """Strong or weak host send for a packet whose source is fixed."""

    action: ClassVar[Action] = Action.HOST_MODEL
    source: IPv4Address
    interface: str
    """Label of the interface owning the source."""
    weak: Weakness | None
    """None: strong host send, only the owner's routes count."""

    @property
    def strong(self) -> bool:
        return self.weak is None

    def __str__(self) -> str:
        owner = f'source {self.source} belongs to "{self.interface}"'
        if self.weak is not None:
            return f"{owner}; {self.weak.why}, so the whole route table may be used"
        return f'{owner}; strong host send: only routes on "{self.interface}" may carry it'


# --- layer 2, NLB and dead gateway detection ----------------------------------------------------


@dataclass(frozen=True)
class OwnGateway:
    """A gateway that is the sender's own address: the stack treats the route as on-link."""

    gateway: IPv4Address
    node: str

    def __str__(self) -> str:
        return f"the gateway {self.gateway} is {self.node}'s own address: treated as on-link"


@dataclass(frozen=True)
class NlbMemberChoice:
    """Which member of an NLB cluster takes a flow."""

    cluster: str
    member: str
    affinity: NlbAffinity
    client: IPv4Address
    client_port: int | None
    """The port the hash used (None: affinity single hashes the client address only)."""
    live: int

    def __str__(self) -> str:
        basis = f"client {self.client}" + (f" port {self.client_port}" if self.client_port is not None else "")
        return (
            f"NLB cluster {self.cluster}: member {self.member} takes this flow (affinity {self.affinity}, "
            f"from {basis}; {self.live} live member(s))"
        )


@dataclass(frozen=True)
class Transmitted:
    action: ClassVar[Action] = Action.TRANSMITTED
    interface: str
    """Label of the outgoing interface."""
    next_hop: IPv4Address
    next_node: str
    segment: str
    own_gateway: OwnGateway | None = None
    nlb: NlbMemberChoice | None = None

    def __str__(self) -> str:
        note = "; ".join(str(n) for n in (self.own_gateway, self.nlb) if n is not None)
        return f'out "{self.interface}" to {self.next_hop} ({self.next_node}) on segment {self.segment}' + (
            f" ({note})" if note else ""
        )


@dataclass(frozen=True)
class NoFailoverForProtocol:
    """UDP and ICMP never trigger dead gateway detection."""

    action: ClassVar[Action] = Action.DEAD_GATEWAY
    failure: str
    proto: str
    node: str
    gateway: IPv4Address

    def __str__(self) -> str:
        return (
            f"{self.failure}; {self.proto.upper()} never triggers dead gateway detection, so {self.node} "
            f"keeps sending to {self.gateway}"
        )


@dataclass(frozen=True)
class NoOtherGateway:
    action: ClassVar[Action] = Action.DEAD_GATEWAY
    failure: str

    def __str__(self) -> str:
        return f"{self.failure}; no other default gateway to fail over to"


@dataclass(frozen=True)
class GatewaySkipped:
    """Strong host send: the next gateway is on a NIC that does not own the connection's source."""

    action: ClassVar[Action] = Action.DEAD_GATEWAY
    failure: str
    gateway: IPv4Address
    interface: str
    source: IPv4Address

    def __str__(self) -> str:
        return (
            f'{self.failure}; next default gateway {self.gateway} is on "{self.interface}", which does not '
            f"own the connection's source {self.source} (strong host send): skipped"
        )


@dataclass(frozen=True)
class FailedOver:
    action: ClassVar[Action] = Action.DEAD_GATEWAY
    failure: str
    gateway: IPv4Address

    def __str__(self) -> str:
        return (
            f"{self.failure}; after 3 unanswered TCP retransmissions (half of TcpMaxDataRetransmissions = 5) "
            f"the connection moves to the next default gateway {self.gateway}"
        )


# --- arriving: received, accepted, dropped, forwarded -------------------------------------------


@dataclass(frozen=True)
class Received:
    action: ClassVar[Action] = Action.RECEIVED
    interface: str

    def __str__(self) -> str:
        return f'in "{self.interface}"'


@dataclass(frozen=True)
class LocalDelivery:
    """A packet for one of the sender's own addresses: the loopback interface, never the wire."""

    action: ClassVar[Action] = Action.ACCEPTED
    address: IPv4Address
    interface: str

    def __str__(self) -> str:
        return (
            f'{self.address} is an address of this node ("{self.interface}"): delivered through the '
            "loopback interface, never on the wire"
        )


@dataclass(frozen=True)
class AddressHere:
    action: ClassVar[Action] = Action.ACCEPTED
    address: IPv4Address
    interface: str

    def __str__(self) -> str:
        return f'{self.address} is an address of "{self.interface}"'


@dataclass(frozen=True)
class WeakReceive:
    """Accepted on an interface that does not own the address (weak host receive)."""

    action: ClassVar[Action] = Action.ACCEPTED
    address: IPv4Address
    owner: str
    interface: str
    weak: Weakness

    def __str__(self) -> str:
        return (
            f'{self.address} belongs to "{self.owner}", not "{self.interface}"; {self.weak.why}, so it is '
            "let in (weak host receive)"
        )


@dataclass(frozen=True)
class StrongReceiveDrop:
    action: ClassVar[Action] = Action.DROPPED
    address: IPv4Address
    owner: str
    interface: str

    def __str__(self) -> str:
        return f'{self.address} belongs to "{self.owner}", not "{self.interface}": strong host receive drops it'


@dataclass(frozen=True)
class NotForwardedDrop:
    action: ClassVar[Action] = Action.DROPPED
    address: IPv4Address
    node: str
    interface: str

    def __str__(self) -> str:
        return f'{self.address} is not an address of {self.node} and forwarding is disabled on "{self.interface}"'


@dataclass(frozen=True)
class LoopDrop:
    action: ClassVar[Action] = Action.DROPPED
    node: str

    def __str__(self) -> str:
        return f"{self.node} has already forwarded this packet: a routing loop"


@dataclass(frozen=True)
class ForwardingEnabled:
    action: ClassVar[Action] = Action.FORWARDED
    interface: str

    def __str__(self) -> str:
        return f'forwarding enabled on "{self.interface}"'
