"""One FTP session while it is played: the control connection and its FTP helpers, each
command and reply carried through them (as sent, rewritten and received), and each
connection traced on the packet engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address

from ..errors import LabkitError
from .engine import trace
from .ftp_alg import HelperEventKind, read_line
from .ftp_protocol import IMPLICIT_PORT, FtpClientSettings, FtpServerSettings, TlsMode
from .ftp_result import FtpChannel, FtpStep, Rewrite
from .middlebox import Conntrack, Session
from .network import Network
from .trace import Trace


class SessionFailure(LabkitError):
    """Where and why the session broke."""

    def __init__(self, reason: str, at: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.at = at
        """1-based step where it broke; None = the last step so far."""


@dataclass
class SessionInPlay:
    """One session being played (mutable while it runs; the result is the frozen FtpResult)."""

    net: Network
    client: str
    address: IPv4Address
    cs: FtpClientSettings
    server: str = ""
    ss: FtpServerSettings = FtpServerSettings()
    state: Conntrack = Conntrack()
    steps: list[FtpStep] = field(default_factory=list)
    helpers: list[Session] = field(default_factory=list)
    protected: bool = False
    client_ip: IPv4Address | None = None
    server_ip: IPv4Address | None = None
    seen_client: IPv4Address | None = None
    blinded: bool = False
    """A helper was on the path while the control channel was encrypted."""
    passive_port: int | None = None
    """The port the server picks for PASV/EPSV (None: the lowest of its range)."""
    port_step: int | None = None
    """Index of the 227/229 reply step, once sent."""
    unsynced: dict = field(default_factory=dict)
    """(helper node, 'original'|'reply') -> why that helper does not know where the next line
    starts ('start', 'tls'); absent once it does."""

    @property
    def control_port(self) -> int:
        if self.cs.port is not None:
            return self.cs.port
        return IMPLICIT_PORT if self.cs.tls is TlsMode.IMPLICIT else self.ss.port

    @property
    def path_nodes(self) -> list[str]:
        """Every node a traced connection of this session passed, in order of appearance."""
        names: list[str] = []
        for step in self.steps:
            for result in filter(None, (step.trace, step.trace.reply if step.trace else None)):
                names.extend(h.node for h in result.hops if h.node not in names)
        return names

    # -- messages -----------------------------------------------------------------------------
    def command(self, text: str) -> str:
        self.steps.append(self._carry(self.client, self.server, text, "original"))
        return self.steps[-1].received

    def reply(self, text: str) -> str:
        self.steps.append(self._carry(self.server, self.client, text, "reply"))
        return self.steps[-1].received

    def exchange(self, command: str, reply: str) -> str:
        self.command(command)
        return self.reply(reply)

    def note(self, text: str) -> None:
        self.steps[-1] = replace(self.steps[-1], notes=self.steps[-1].notes + (text,))

    def encrypted_from_here(self) -> None:
        """TLS records now cross every helper both ways: each loses its place in the text."""
        self.protected = True
        for session in self.helpers:
            for way in ("original", "reply"):
                self.unsynced[(session.node, way)] = "tls"

    def _carry(self, sender: str, receiver: str, text: str, way: str) -> FtpStep:
        events, rewrites = [], []
        sent = text
        for session in self.helpers if way == "original" else list(reversed(self.helpers)):
            key = (session.node, way)
            new, event, expectation = read_line(
                self.net, session, text, way, protected=self.protected, unsynced=self.unsynced.get(key)
            )
            if self.protected:
                self.unsynced[key] = "tls"
            else:
                self.unsynced.pop(key, None)  # the line ends in a newline: the helper knows the next start
            if expectation is not None:
                self.state = self.state.with_expectation(expectation)
            if event is not None:
                events.append(event)
                self.blinded = self.blinded or event.kind is HelperEventKind.BLIND
            if new != text:
                rewrites.append(Rewrite(session.node, text, new))
                text = new
        return FtpStep(
            FtpChannel.CONTROL,
            sender,
            receiver,
            sent,
            text,
            None,
            tuple(e.text for e in events),
            tuple(rewrites),
            tuple(events),
        )

    # -- connections --------------------------------------------------------------------------
    def connect_control(self) -> None:
        port = self.control_port
        result = trace(self.net, self.client, self.address, proto="tcp", dport=port, reply=True, state=self.state)
        landed = result.last_hop.node if result.accepted else None
        self.steps.append(
            FtpStep(
                FtpChannel.CONTROL,
                self.client,
                landed or self.server,
                f"connect to {self.address}:{port}",
                arrival(result),
                result,
                opens_connection=True,
            )
        )
        if not result.accepted:
            raise SessionFailure(f"the control connection to {self.address}:{port} does not arrive: {result.reason}")
        assert landed is not None and result.delivered is not None and result.reply is not None  # traced with reply
        server = self.net.node(landed)
        if server.ftp_server is None:
            raise SessionFailure(f"the control connection reached {landed}, where no FTP server listens")
        if landed != self.server:
            self.steps[-1] = replace(
                self.steps[-1], notes=(f"the control connection landed on {landed}, not {self.server}",)
            )
        self.server, self.ss = landed, server.ftp_server
        if not result.reply.succeeded:
            raise SessionFailure(
                f"the server's answer to the control connection does not get back: {result.reply.reason}"
            )
        if self.cs.tls is TlsMode.IMPLICIT and self.ss.tls is not TlsMode.IMPLICIT:
            raise SessionFailure(f"{landed} offers no implicit TLS on port {IMPLICIT_PORT}")
        created = result.state.sessions[len(self.state.sessions) :]  # in path order
        self.helpers = [s for s in created if self.net.node(s.node).ftp_helper is not None]
        # Until a helper has seen a line end in each direction it cannot place the next one.
        self.unsynced = {(h.node, way): "start" for h in self.helpers for way in ("original", "reply")}
        self.state = result.reply.state
        self.client_ip, self.server_ip, self.seen_client = result.src, result.delivered.dst, result.delivered.src

    def data(
        self,
        sender: str,
        receiver: str,
        dst: IPv4Address,
        dport: int,
        *,
        src: IPv4Address | None = None,
        sport: int | None = None,
    ) -> Trace:
        result = trace(
            self.net, sender, dst, src=src, proto="tcp", sport=sport, dport=dport, reply=True, state=self.state
        )
        self.steps.append(
            FtpStep(
                FtpChannel.DATA,
                sender,
                receiver,
                f"connect to {dst}:{dport}",
                arrival(result),
                result,
                opens_connection=True,
            )
        )
        if result.accepted and result.reply is not None and result.reply.succeeded:
            self.state = result.reply.state
        return result


def arrival(result: Trace) -> str:
    """What the far end sees of a connection attempt (after any NAT), or how it ended."""
    if not result.accepted:
        return result.disposition.value
    d = result.delivered
    assert d is not None, "an accepted trace has its delivered packet"
    return f"connection from {d.src}:{d.sport} to {d.dst}:{d.dport} at {result.last_hop.node}"
