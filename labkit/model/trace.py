"""Traces: what happened to one packet, hop by hop, and how it ended.

The vocabulary follows pybatfish (Trace / Hop / Step, a fixed set of
dispositions) with host-model outcomes added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import IPv4Address

from .middlebox import Conntrack, FourTuple
from .middlebox_steps import BackendChosen, FirewallVerdict, NatRewrite, RelatedExpected
from .routes import RouteChoice
from .steps import (
    Action,
    AddressHere,
    FailedOver,
    ForwardingEnabled,
    GatewaySkipped,
    HostModelDecision,
    LocalDelivery,
    LoopDrop,
    NoFailoverForProtocol,
    NoOtherGateway,
    NotForwardedDrop,
    Received,
    RouteChosen,
    SourceChosen,
    StrongReceiveDrop,
    Transmitted,
    WeakReceive,
)
from .vocabulary import Vocabulary

StepDetail = (
    RouteChosen
    | SourceChosen
    | HostModelDecision
    | Transmitted
    | NoFailoverForProtocol
    | NoOtherGateway
    | GatewaySkipped
    | FailedOver
    | Received
    | LocalDelivery
    | AddressHere
    | WeakReceive
    | StrongReceiveDrop
    | NotForwardedDrop
    | LoopDrop
    | ForwardingEnabled
    | NatRewrite
    | RelatedExpected
    | BackendChosen
    | FirewallVerdict
)
"""The detail a step carries: one of the types in labkit.model.steps and middlebox_steps."""


class Disposition(Vocabulary):
    """Where and why a packet's walk ended: ACCEPTED, or the reason it was dropped."""

    ACCEPTED = "ACCEPTED"
    NO_ROUTE = "NO_ROUTE"
    STRONG_SEND_BLOCKED = "STRONG_SEND_BLOCKED"
    STRONG_RECEIVE_DROPPED = "STRONG_RECEIVE_DROPPED"
    NOT_FORWARDED = "NOT_FORWARDED"
    NEIGHBOR_UNREACHABLE = "NEIGHBOR_UNREACHABLE"
    DENIED = "DENIED"
    LOOP = "LOOP"


@dataclass(frozen=True)
class Packet:
    src: IPv4Address
    dst: IPv4Address
    proto: str
    sport: int | None
    dport: int | None

    @property
    def four(self) -> FourTuple:
        return FourTuple(self.src, self.sport, self.dst, self.dport)

    def with_four(self, four: FourTuple) -> Packet:
        return Packet(four.src, four.dst, self.proto, four.sport, four.dport)


class Outcome(Vocabulary):
    """How a trace ended: its disposition, or a reply accepted by another node than the one
    that sent the request (an NLB member that has no such connection)."""

    ACCEPTED = "ACCEPTED"
    ACCEPTED_BY_WRONG_NODE = "ACCEPTED_BY_WRONG_NODE"
    NO_ROUTE = "NO_ROUTE"
    STRONG_SEND_BLOCKED = "STRONG_SEND_BLOCKED"
    STRONG_RECEIVE_DROPPED = "STRONG_RECEIVE_DROPPED"
    NOT_FORWARDED = "NOT_FORWARDED"
    NEIGHBOR_UNREACHABLE = "NEIGHBOR_UNREACHABLE"
    DENIED = "DENIED"
    LOOP = "LOOP"


@dataclass(frozen=True)
class Step:
    """One thing that happened at a hop; `detail` holds the facts (labkit.model.steps)."""

    detail: StepDetail

    @property
    def action(self) -> Action:
        return self.detail.action

    @property
    def text(self) -> str:
        return str(self.detail)

    @property
    def route_choice(self) -> RouteChoice | None:
        return self.detail.choice if isinstance(self.detail, RouteChosen) else None


@dataclass(frozen=True)
class Hop:
    node: str
    in_iface: str | None
    out_iface: str | None
    steps: tuple[Step, ...]

    @property
    def decision(self) -> str:
        return "; ".join(s.text for s in self.steps)

    def to_dict(self) -> dict:
        return {"node": self.node, "in": self.in_iface, "out": self.out_iface, "decision": self.decision}


@dataclass(frozen=True)
class Remedy:
    """A setting that would change the outcome, with the Windows commands that make it.

    `commands` are equivalent forms (any one of them does it), to be run on `node`.
    """

    text: str
    commands: tuple[str, ...] = ()
    node: str | None = None

    def __str__(self) -> str:
        return f"{self.text} ({'; '.join(self.commands)})" if self.commands else self.text


@dataclass(frozen=True)
class Trace:
    proto: str
    src: IPv4Address
    dst: IPv4Address
    sport: int | None
    dport: int | None
    hops: tuple[Hop, ...]
    disposition: Disposition
    reason: str
    remedies: tuple[Remedy, ...] = ()
    relied_on: tuple[str, ...] = ()
    """For an accepted packet: the switches, routes and failovers the path depends on."""
    reply: Trace | None = None
    expected_at: str | None = None
    """For a reply accepted by another node than the one that asked: the node that asked."""
    delivered: Packet | None = None
    """The packet as it finally looked (after NAT), where it ended."""
    state: Conntrack = Conntrack()
    """Connection tracking after this packet: what the next packet of the conversation meets."""

    @property
    def accepted(self) -> bool:
        return self.disposition is Disposition.ACCEPTED

    @property
    def outcome(self) -> Outcome:
        """The disposition, or ACCEPTED_BY_WRONG_NODE for a reply that reached another node
        than the one that sent the request (`expected_at`)."""
        if self.accepted and self.expected_at is not None:
            return Outcome.ACCEPTED_BY_WRONG_NODE
        return Outcome(self.disposition.value)

    @property
    def succeeded(self) -> bool:
        """Accepted, and (for a reply) by the node that sent the request."""
        return self.outcome is Outcome.ACCEPTED

    @property
    def hint(self) -> str:
        if self.remedies:
            return "; or ".join(str(r) for r in self.remedies)
        if self.accepted:
            if self.relied_on:
                return "works because of " + "; ".join(self.relied_on)
            return "no host-model switch or static route involved: on-link routes and default gateways only"
        return "no single setting fixes this"

    @property
    def last_hop(self) -> Hop:
        return self.hops[-1]

    @property
    def egress(self) -> tuple[str, str | None]:
        """(node, interface key) the packet first left by."""
        return self.hops[0].node, self.hops[0].out_iface

    def _endpoint(self, address: IPv4Address, port: int | None) -> str:
        return f"{address}:{port}" if port is not None else str(address)

    @property
    def flow(self) -> str:
        src = "(no source chosen)" if self.src.is_unspecified else self._endpoint(self.src, self.sport)
        return f"{self.proto.upper()} {src} -> {self._endpoint(self.dst, self.dport)}"

    def to_dict(self, with_reply: bool = False) -> dict:
        out: dict[str, object] = {
            "src": str(self.src),
            "dst": str(self.dst),
            "proto": self.proto,
            "sport": self.sport,
            "dport": self.dport,
            "disposition": self.disposition.value,
            "reason": self.reason,
            "hint": self.hint,
            "hops": [h.to_dict() for h in self.hops],
        }
        if self.expected_at is not None:
            out["expected_at"] = self.expected_at
        if with_reply:
            out["reply"] = self.reply.to_dict() if self.reply else None
        return out

    def write_pcap(self, directory: object) -> list:
        """One Wireshark-ready pcap per interface the packet crossed, in `directory` (str or Path; labkit.capture)."""
        from ..capture import write_pcap

        return write_pcap(self, directory)

    def to_json(self, with_reply: bool = False) -> str:
        return json.dumps(self.to_dict(with_reply), indent=2)

    # Words and layout live in labkit.render, imported when first asked for.
    def lines(self, indent: str = "") -> list[str]:
        from ..render import trace_lines

        return trace_lines(self, indent)

    def __str__(self) -> str:
        from ..render import trace_text

        return trace_text(self)

    def __repr__(self) -> str:
        from ..render import trace_repr

        return trace_repr(self)

    def _repr_html_(self) -> str:
        from ..render import trace_html

        return trace_html(self)
