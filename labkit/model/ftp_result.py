"""The result of an FTP session: each step as sent, rewritten and received, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from .ftp_alg import HelperEvent
from .ftp_ports import PortCoverage
from .ftp_protocol import FtpClientSettings
from .ftp_risks import Risk
from .trace import Remedy, Trace
from .vocabulary import Vocabulary


class FtpOutcome(Vocabulary):
    SUCCESS = "success"
    """The listing arrived."""
    FAILURE = "failure"


class FtpChannel(Vocabulary):
    CONTROL = "control"
    DATA = "data"


@dataclass(frozen=True)
class Rewrite:
    node: str
    before: str
    after: str


@dataclass(frozen=True)
class FtpStep:
    channel: FtpChannel
    sender: str
    receiver: str
    sent: str
    received: str
    trace: Trace | None = None
    notes: tuple[str, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()
    helpers: tuple[HelperEvent, ...] = ()
    """What each FTP helper on the way did with this line (their texts are also in notes)."""
    ports: PortCoverage | None = None
    """On the 227/229 reply: the passive ports the session works for."""
    opens_connection: bool = False
    """The step opens a TCP connection (`sent` says where); no FTP command or reply is sent."""

    def to_dict(self) -> dict:
        return {
            "channel": self.channel,
            "from": self.sender,
            "to": self.receiver,
            "sent": self.sent,
            "received": self.received,
            "trace": self.trace.to_dict(with_reply=True) if self.trace else None,
            "notes": list(self.notes),
            "rewrites": [{"node": r.node, "before": r.before, "after": r.after} for r in self.rewrites],
            "helpers": [e.to_dict() for e in self.helpers],
            "passive_ports": self.ports.to_dict() if self.ports else None,
        }


@dataclass(frozen=True)
class FtpResult:
    client: str
    server: str
    address: IPv4Address
    settings: FtpClientSettings
    steps: tuple[FtpStep, ...]
    outcome: FtpOutcome
    failed_step: int | None
    reason: str
    remedies: tuple[Remedy, ...]
    risks: tuple[Risk, ...]
    passive_ports: PortCoverage | None = None
    """Passive sessions: which ports of the server's range the session works for. The
    steps show the lowest port, or the lowest failing one when only some ports work."""

    @property
    def succeeded(self) -> bool:
        return self.outcome is FtpOutcome.SUCCESS

    @property
    def hint(self) -> str:
        if self.remedies:
            return "; or ".join(str(r) for r in self.remedies)
        return (
            "nothing to change"
            if self.succeeded
            else "no setting, or pair of settings, that the kit knows of fixes this"
        )

    def commands_and_codes(self) -> list[tuple[str, str]]:
        """(command verb, reply code) pairs on the control channel: what a live run can confirm."""
        pairs, pending = [], "(connect)"
        for step in self.steps:
            if step.channel is not FtpChannel.CONTROL:
                continue
            if step.sender == self.client and not step.opens_connection:
                pending = step.sent.split()[0].upper()
            elif step.sender != self.client and step.received[:3].isdigit():
                pairs.append((pending, step.received[:3]))
        return pairs

    def write_pcap(self, directory: object) -> list:
        """One pcap per capture point, in `directory` (str or Path; labkit.capture, needs the capture extra)."""
        from ..capture import write_pcap

        return write_pcap(self, directory)

    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "failed_step": self.failed_step,
            "reason": self.reason,
            "hint": self.hint,
            "passive_ports": self.passive_ports.to_dict() if self.passive_ports else None,
            "steps": [s.to_dict() for s in self.steps],
            "risks": [r.to_dict() for r in self.risks],
        }

    # Words and layout live in labkit.render, imported when first asked for.
    def __str__(self) -> str:
        from ..render import ftp_text

        return ftp_text(self)

    def __repr__(self) -> str:
        from ..render import ftp_repr

        return ftp_repr(self)

    def _repr_html_(self) -> str:
        from ..render import ftp_html

        return ftp_html(self)
