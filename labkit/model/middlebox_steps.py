"""What happened at a middlebox step of a trace, as typed values: NAT, the FTP helper's
expectation, a load balancer's backend, the firewall's verdict (see labkit.model.steps)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address
from typing import ClassVar

from .middlebox import Direction, FourTuple, LbAffinity
from .steps import Action


class NatCause(StrEnum):
    TRACKED = "part of a tracked connection"
    TRACKED_REPLY = "the reply of a tracked connection"
    FTP_FOLLOWS_CONTROL = "source NAT follows the FTP control connection"
    LOAD_BALANCER = "load balancer source NAT"
    MASQUERADE = "masquerade"
    PORT_FORWARD = "port forward"


@dataclass(frozen=True)
class NatRewrite:
    """One translation of a packet's connection 4-tuple."""

    action: ClassVar[Action] = Action.NAT
    before: FourTuple
    after: FourTuple
    cause: NatCause
    interface: str | None = None
    """Label of the interface a masquerade or port forward is on."""

    def __str__(self) -> str:
        change = f"{self.before} → {self.after}"
        if self.cause is NatCause.PORT_FORWARD:
            return f'port forward on "{self.interface}": {change}'
        if self.cause is NatCause.MASQUERADE:
            return f'{change} (masquerade on "{self.interface}")'
        return f"{change} ({self.cause.value})"


@dataclass(frozen=True)
class RelatedExpected:
    """A connection an FTP helper announced arrives: RELATED, maybe sent on elsewhere."""

    action: ClassVar[Action] = Action.HELPER
    why: str
    """The helper's reason, e.g. 'PORT from the client'."""
    before: FourTuple
    after: FourTuple

    def __str__(self) -> str:
        text = f"RELATED: a data connection the FTP helper expects ({self.why})"
        return text + (f"; {self.before} → {self.after}" if self.after != self.before else "")


@dataclass(frozen=True)
class BackendChosen:
    """A load balancer's virtual IP: which backend takes the connection."""

    action: ClassVar[Action] = Action.BALANCED
    vip: IPv4Address
    backend: IPv4Address
    affinity: LbAffinity
    client: IPv4Address
    client_port: int | None
    """The port the choice used (None: affinity by client address only)."""
    dst: IPv4Address

    def __str__(self) -> str:
        basis = f"client {self.client}" + (f" port {self.client_port}" if self.client_port is not None else "")
        return (
            f"virtual IP {self.vip}: backend {self.backend} takes this connection (affinity {self.affinity}, "
            f"from {basis}); dst {self.dst} → {self.backend}"
        )


class Tracked(StrEnum):
    KNOWN = "part of a tracked connection"
    RELATED = "RELATED, announced by the FTP helper"


@dataclass(frozen=True)
class FirewallVerdict:
    action: ClassVar[Action] = Action.FIREWALL
    allowed: bool
    direction: Direction | None = None
    """None when a stateful firewall passed a tracked packet."""
    why: str = ""
    rule: int | None = None
    """1-based number of the matching rule; None for the default policy or a tracked packet."""
    tracked: Tracked | None = None

    def __str__(self) -> str:
        if self.tracked is not None:
            return f"allowed: {self.tracked.value}"
        return f"{'allowed' if self.allowed else 'DENIED'} ({self.direction}): {self.why}"
