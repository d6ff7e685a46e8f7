"""Traces: what happened to one packet, hop by hop, and how it ended.

The vocabulary follows pybatfish (Trace / Hop / Step, a fixed set of
dispositions) with host-model outcomes added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import IPv4Address

from .middlebox import Conntrack, FourTuple
from .routes import RouteChoice
from .vocabulary import Vocabulary


class Disposition(Vocabulary):
    ACCEPTED = "ACCEPTED"
    NO_ROUTE = "NO_ROUTE"
    STRONG_SEND_BLOCKED = "STRONG_SEND_BLOCKED"
    STRONG_RECEIVE_DROPPED = "STRONG_RECEIVE_DROPPED"
    NOT_FORWARDED = "NOT_FORWARDED"
    NEIGHBOR_UNREACHABLE = "NEIGHBOR_UNREACHABLE"
    DENIED = "DENIED"
    LOOP = "LOOP"


WRONG_NODE = "ACCEPTED_BY_WRONG_NODE"
"""A reply's outcome when it was accepted, but by another node than the one that asked
(an NLB member other than the one that took the request): see Trace.outcome."""


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


class Action(Vocabulary):
    ORIGINATED = "originated"
    ROUTED = "route"
    SOURCE = "source"
    HOST_MODEL = "host model"
    DEAD_GATEWAY = "dead gateway"
    NLB = "nlb"
    TRANSMITTED = "sent"
    RECEIVED = "received"
    FORWARDED = "forwarded"
    ACCEPTED = "accepted"
    DROPPED = "dropped"
    NAT = "nat"
    FIREWALL = "firewall"
    HELPER = "ftp helper"
    BALANCED = "load balancer"


@dataclass(frozen=True)
class Step:
    action: Action
    text: str
    route_choice: RouteChoice | None = None


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
        return {"node": self.node, "in": self.in_iface, "out": self.out_iface,
                "decision": self.decision}


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
    def succeeded(self) -> bool:
        """Accepted, and (for a reply) by the node that sent the request."""
        return self.accepted and self.expected_at is None

    @property
    def outcome(self) -> str:
        """The disposition's name, or WRONG_NODE for a reply accepted by the wrong node."""
        return WRONG_NODE if self.accepted and self.expected_at is not None else self.disposition.value

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
        out = {"src": str(self.src), "dst": str(self.dst), "proto": self.proto,
               "sport": self.sport, "dport": self.dport,
               "disposition": self.disposition.value, "reason": self.reason, "hint": self.hint,
               "hops": [h.to_dict() for h in self.hops]}
        if self.expected_at is not None:
            out["expected_at"] = self.expected_at
        if with_reply:
            out["reply"] = self.reply.to_dict() if self.reply else None
        return out

    def write_pcap(self, directory) -> list:
        """One Wireshark-ready pcap per interface the packet crossed (labkit.capture)."""
        from ..capture import write_pcap
        return write_pcap(self, directory)

    def to_json(self, with_reply: bool = False) -> str:
        return json.dumps(self.to_dict(with_reply), indent=2)

    def lines(self, indent: str = "") -> list[str]:
        out = [f"{indent}{self.flow}"]
        for n, hop in enumerate(self.hops, 1):
            where = ", ".join(f"{k}: {v}" for k, v in (("in", hop.in_iface), ("out", hop.out_iface)) if v)
            out.append(f"{indent}  {n}. {hop.node}" + (f" ({where})" if where else ""))
            out.extend(f"{indent}       {s.action.value}: {s.text}" for s in hop.steps)
        verdict = self.disposition.value + (", but by the wrong node" if self.expected_at else "")
        out.append(f"{indent}  => {verdict}: {self.reason}")
        out.append(f"{indent}     hint: {self.hint}")
        return out

    def __str__(self) -> str:
        out = self.lines()
        if self.reply is not None:
            out.append("reply:")
            out.extend(self.reply.lines("  "))
        return "\n".join(out)
