"""The question a learner asks of a network: "does this node reach that destination, and does
the answer come back?" One value type for every place that asks it: `trace()`, the panels,
the checks of a scenario file and the troubleshooting lab's graders.

A Flow is checked on its own when it is built (strings a learner typed become addresses,
protocols and ports, or a one-line `FlowError`); whether the node and the address exist is a
question for the network, answered by `trace()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address

from ..errors import LabkitError, shorten
from .addressing import parse_ipv4
from .vocabulary import Vocabulary


class Protocol(Vocabulary):
    """The IP protocols a flow carries in the kit."""

    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"

    @property
    def default_port(self) -> int | None:
        """The destination port a flow uses when none is given (ICMP has no ports)."""
        return _DEFAULT_PORT.get(self)

    @property
    def has_ports(self) -> bool:
        return self is not Protocol.ICMP


_DEFAULT_PORT = {Protocol.TCP: 80, Protocol.UDP: 53}
EPHEMERAL_PORT = 49152
"""The source port a flow uses when none is given: the first of Windows's dynamic range."""

_NODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class FlowError(LabkitError, ValueError):
    """A flow that cannot be asked: a bad address, protocol or port (one line)."""


def _port(value: object, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 6:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise FlowError(f"{what} must be a number from 1 to 65535, got {shorten(value)}")
    return value


@dataclass(frozen=True)
class Flow:
    """One flow: from node `source` to `destination`, and (with `reply`) its answer back.

    `destination` is kept as typed: an address, or the name of a node (its first address).
    `src` fixes the source address (as a bound socket or `ping -S` does); without it Windows
    chooses. Ports left out are the protocol's defaults when the flow is traced.
    """

    source: str
    destination: str
    src: IPv4Address | None = None
    proto: Protocol = Protocol.TCP
    sport: int | None = None
    dport: int | None = None
    reply: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise FlowError(f"expected the name of the sending node, got {shorten(self.source)}")
        object.__setattr__(self, "source", self.source.strip())
        typed = self.proto.strip().lower() if isinstance(self.proto, str) else None
        if typed not in Protocol.values():
            raise FlowError(f"protocol must be one of {', '.join(Protocol.values())}, got {shorten(self.proto)}")
        proto = Protocol(typed)
        object.__setattr__(self, "proto", proto)
        destination = str(self.destination).strip() if isinstance(self.destination, (str, IPv4Address)) else None
        if destination is None or not _NODE_NAME.fullmatch(destination):
            try:
                destination = str(parse_ipv4(self.destination, "destination"))
            except ValueError as err:
                raise FlowError(str(err)) from None
        object.__setattr__(self, "destination", destination)
        if self.src is not None and not (isinstance(self.src, str) and not self.src.strip()):
            try:
                object.__setattr__(self, "src", parse_ipv4(self.src, "source"))
            except ValueError as err:
                raise FlowError(str(err)) from None
        else:
            object.__setattr__(self, "src", None)
        object.__setattr__(self, "sport", _port(self.sport, "source port"))
        object.__setattr__(self, "dport", _port(self.dport, "destination port"))
        if not proto.has_ports and (self.sport is not None or self.dport is not None):
            raise FlowError("ICMP has no ports: leave out --dport/--sport")
        if not isinstance(self.reply, bool):
            raise FlowError(f"reply must be true or false, got {shorten(self.reply)}")

    @property
    def ports(self) -> tuple[int | None, int | None]:
        """(source port, destination port) as the packet carries them: defaults filled in."""
        if not self.proto.has_ports:
            return None, None
        return (
            EPHEMERAL_PORT if self.sport is None else self.sport,
            self.proto.default_port if self.dport is None else self.dport,
        )

    def __str__(self) -> str:
        via = f" from {self.src}" if self.src else ""
        port = f" port {self.dport}" if self.dport is not None else ""
        back = " and back" if self.reply else ""
        return f"{self.source}{via} -> {self.destination} ({self.proto}{port}){back}"


__all__ = ["EPHEMERAL_PORT", "Flow", "FlowError", "Protocol"]
