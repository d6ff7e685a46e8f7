"""The field notes' risk table for an FTP session: each risk, whether this session has it,
and what mitigates it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .ftp_protocol import Certificate, FtpClientSettings, FtpServerSettings, Prot, TlsMode
from .middlebox import Direction, FourTuple

if TYPE_CHECKING:
    from .network import Network
    from .trace import Trace


class _TracedStep(Protocol):
    @property
    def trace(self) -> Trace | None: ...


class SessionView(Protocol):
    """What the risk table reads of a session being played (ftp_play.SessionInPlay, which
    cannot be imported here: it reaches this module through ftp_result)."""

    @property
    def net(self) -> Network: ...
    @property
    def server(self) -> str: ...
    @property
    def cs(self) -> FtpClientSettings: ...
    @property
    def ss(self) -> FtpServerSettings: ...
    @property
    def steps(self) -> Sequence[_TracedStep]: ...


@dataclass(frozen=True)
class Risk:
    risk: str
    present: bool
    mitigation: str
    result: str

    def to_dict(self) -> dict:
        return {"risk": self.risk, "present": self.present, "mitigation": self.mitigation, "result": self.result}


def risks(s: SessionView) -> tuple[Risk, ...]:
    cs, ss = s.cs, s.ss
    active = not cs.mode.passive
    wide = ss.passive_ports is None or ss.passive_ports.size > 100
    trusted = ss.certificate is Certificate.TRUSTED
    limited = _peers_limited(s)
    return (
        Risk("Server connects to client", active, "use passive FTP (PASV/EPSV)", "client initiates connection"),
        Risk(
            "Dynamic ports in use",
            active or wide,
            "select a small fixed passive port range",
            "fewer ports to open on the firewall",
        ),
        Risk(
            "Server not verified",
            cs.tls is TlsMode.NONE or not trusted,
            "use a certificate from a trusted CA (not self-signed)",
            "server can be verified",
        ),
        Risk(
            "Authentication not encrypted",
            cs.tls is TlsMode.NONE,
            "use TLS for authentication (AUTH TLS or implicit)",
            "authentication encrypted",
        ),
        Risk(
            "Data not encrypted",
            cs.tls is TlsMode.NONE or cs.prot is Prot.C,
            "use TLS for data transport (PROT P)",
            "data transport encrypted",
        ),
        Risk(
            "Connections from & to unknown hosts",
            not limited,
            "allow only trusted clients and servers in the firewall rules",
            "no more FTP from/to any host",
        ),
    )


def _peers_limited(s: SessionView) -> bool:
    """Some firewall on the control path admits the control connection only from listed sources."""
    control = s.steps[0].trace if s.steps and s.steps[0].trace else None
    if control is None:
        return False
    for session in control.state.sessions:
        node = s.net.node(session.node)
        if node.firewall is None:
            continue
        arrived = FourTuple(
            session.original.src, session.original.sport, session.translated.dst, session.translated.dport
        )
        direction = Direction.IN if node.name == s.server else Direction.FORWARD
        allowed, _, rule = node.firewall.decide(direction, session.in_iface, None, session.proto, arrived)
        if allowed and rule is not None and rule.limits_peers:
            return True
    return False
