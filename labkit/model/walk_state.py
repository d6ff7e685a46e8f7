"""The state of one trace while the engine builds it: the packet as it looks now, the hops
so far, what the path relied on, and the connection tracking it leaves behind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from .host import Node
from .middlebox import Conntrack
from .middlebox_steps import NatCause
from .network import Network
from .routes import RouteChoice, describe_route
from .trace import Disposition, Hop, Packet, Remedy, Trace

NO_SOURCE = IPv4Address("0.0.0.0")


@dataclass
class Walk:
    """The trace being built (private, mutable while one trace runs)."""

    net: Network
    packet: Packet
    state: Conntrack
    origin: Packet | None = None
    """The packet as its sender sent it (before any NAT)."""
    hops: list[Hop] = field(default_factory=list)
    relied_on: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    pending_source: tuple[IPv4Address, int | None, NatCause] | None = None
    """(address, port, NatCause): a source translation this node applies on the way out."""

    def note_choice(self, node: Node, choice: RouteChoice) -> None:
        if choice.tie and not choice.tie_broken_by and choice.winner is not None:  # a tie has a winner
            self.ties.append(
                f"{node.name} picked {describe_route(node, choice.winner.route)} from an "
                "undefined tie; Windows may pick the other route, with another outcome"
            )

    def end(self, disposition: Disposition, reason: str, remedies: Iterable[Remedy] = ()) -> Trace:
        p = self.origin or self.packet
        accepted = disposition is Disposition.ACCEPTED
        relied = self.relied_on + self.ties if accepted else []
        remedies = list(remedies) + ([] if accepted else [Remedy(t) for t in self.ties])
        return Trace(
            p.proto,
            p.src,
            p.dst,
            p.sport,
            p.dport,
            tuple(self.hops),
            disposition,
            reason,
            tuple(remedies),
            tuple(dict.fromkeys(relied)),
            delivered=self.packet,
            state=self.state,
        )
