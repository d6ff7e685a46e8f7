"""An FTP session on the packet engine: the control connection, every command and reply as
sent, as rewritten by FTP helpers on the way, and as received, and each data connection
traced through firewalls, NAT and load balancers.

Helpers follow the Linux nf_conntrack_ftp/nf_nat_ftp rules (see ftp_alg). A passive
session is played for every piece of the server's passive range that can behave
differently (see ftp_ports), so a partly forwarded range says which ports work.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address

from .engine import EPHEMERAL_PORT, trace
from .ftp_alg import read_line
from .ftp_fixes import fixes_that_work, risks
from .ftp_ports import PortCoverage, merged, pieces, port_ranges_in
from .ftp_protocol import (IMPLICIT_PORT, FtpClientSettings, FtpMode, FtpServerSettings, OnCccRefused, Prot,
                           ServerSoftware, TlsMode, connects_at_port_command, eprt_argument, parse_227, parse_229,
                           parse_eprt_argument, parse_port_argument, reply_text, six_numbers)
from .ftp_result import FtpChannel, FtpOutcome, FtpResult, FtpStep, Rewrite
from .middlebox import Conntrack, Session
from .network import Network
from .trace import Trace
from ..errors import LabkitError

__all__ = ["FtpError", "FtpResult", "FtpStep", "ftp_session"]

DATA_PORT_SERVER = EPHEMERAL_PORT + 2
"""The active-mode source port of a server that does not use port 20 (an ephemeral one)."""


class FtpError(LabkitError, ValueError):
    """The session cannot be set up as asked (unknown node, no FTP server, bad setting)."""


class _Failure(Exception):
    def __init__(self, reason: str, at: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.at = at
        """1-based step where it broke; None = the last step so far."""


@dataclass
class _Session:
    """One session being played (private, mutable while it runs)."""

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
        for session in (self.helpers if way == "original" else list(reversed(self.helpers))):
            key = (session.node, way)
            new, event, expectation = read_line(self.net, session, text, way, protected=self.protected,
                                                unsynced=self.unsynced.get(key))
            if self.protected:
                self.unsynced[key] = "tls"
            else:
                self.unsynced.pop(key, None)  # the line ends in a newline: the helper knows the next start
            if expectation is not None:
                self.state = self.state.with_expectation(expectation)
            if event is not None:
                events.append(event)
                self.blinded = self.blinded or event.kind == "blind"
            if new != text:
                rewrites.append(Rewrite(session.node, text, new))
                text = new
        return FtpStep(FtpChannel.CONTROL, sender, receiver, sent, text, None, tuple(e.text for e in events),
                       tuple(rewrites), tuple(events))

    # -- connections --------------------------------------------------------------------------
    def connect_control(self) -> None:
        port = self.control_port
        result = trace(self.net, self.client, self.address, proto="tcp", dport=port, reply=True, state=self.state)
        landed = result.last_hop.node if result.accepted else None
        self.steps.append(FtpStep(FtpChannel.CONTROL, self.client, landed or self.server, f"connect to {self.address}:{port}",
                                  _arrival(result), result))
        if not result.accepted:
            raise _Failure(f"the control connection to {self.address}:{port} does not arrive: {result.reason}")
        server = self.net.node(landed)
        if server.ftp_server is None:
            raise _Failure(f"the control connection reached {landed}, where no FTP server listens")
        if landed != self.server:
            self.steps[-1] = replace(self.steps[-1], notes=(f"the control connection landed on {landed}, "
                                                            f"not {self.server}",))
        self.server, self.ss = landed, server.ftp_server
        if not result.reply.succeeded:
            raise _Failure(f"the server's answer to the control connection does not get back: {result.reply.reason}")
        if self.cs.tls is TlsMode.IMPLICIT and self.ss.tls is not TlsMode.IMPLICIT:
            raise _Failure(f"{landed} offers no implicit TLS on port {IMPLICIT_PORT}")
        created = result.state.sessions[len(self.state.sessions):]  # in path order
        self.helpers = [s for s in created if self.net.node(s.node).ftp_helper is not None]
        # Until a helper has seen a line end in each direction it cannot place the next one.
        self.unsynced = {(h.node, way): "start" for h in self.helpers for way in ("original", "reply")}
        self.state = result.reply.state
        self.client_ip, self.server_ip, self.seen_client = result.src, result.delivered.dst, result.delivered.src

    def data(self, sender: str, receiver: str, dst: IPv4Address, dport: int, *, src=None, sport=None) -> Trace:
        result = trace(self.net, sender, dst, src=src, proto="tcp", sport=sport, dport=dport, reply=True,
                       state=self.state)
        self.steps.append(FtpStep(FtpChannel.DATA, sender, receiver, f"connect to {dst}:{dport}", _arrival(result), result))
        if result.accepted and result.reply is not None and result.reply.succeeded:
            self.state = result.reply.state
        return result


def _arrival(result: Trace) -> str:
    """What the far end sees of a connection attempt (after any NAT), or how it ended."""
    if not result.accepted:
        return result.disposition.value
    d = result.delivered
    return f"connection from {d.src}:{d.sport} to {d.dst}:{d.dport} at {result.last_hop.node}"


def ftp_session(net: Network, client: str | None = None, server: str | None = None,
                address: IPv4Address | str | None = None, settings: FtpClientSettings | None = None,
                *, check_fixes: bool = True) -> FtpResult:
    """Play an FTP session (login, one LIST, QUIT) and say where and why it breaks."""
    setup = net.ftp
    client = client or (setup.client if setup else None)
    server = server or (setup.server if setup else None)
    settings = settings or (setup.settings if setup else FtpClientSettings())
    if not client or not server:
        raise FtpError("say which node is the FTP client and which the server (the scenario has no ftp: section)")
    for name in (client, server):
        if not net.has_node(name):
            raise FtpError(f"no node {name!r} (nodes: {', '.join(n.name for n in net.nodes)})")
    if net.node(server).ftp_server is None:
        raise FtpError(f"{server} runs no FTP server (give it an ftp_server: section)")
    if client == server:
        raise FtpError("the FTP client and server must be different nodes")
    if settings.ccc and settings.tls is TlsMode.NONE:
        raise FtpError("CCC ends TLS on the control channel: it needs tls explicit or implicit")
    if address is None:
        address = setup.address if setup and setup.server == server else net.node(server).addresses[0].ip
    address = IPv4Address(str(address))
    session, failure = _run(net, client, server, address, settings, None)
    coverage = None
    if session.port_step is not None:
        coverage, session, failure = _cover(net, client, server, address, settings, session, failure)
    if failure is None:
        outcome, failed, reason = FtpOutcome.SUCCESS, None, "the listing arrived"
    else:
        outcome, failed, reason = FtpOutcome.FAILURE, failure.at or len(session.steps), failure.reason
        if coverage is not None and coverage.partial:
            reason = (f"this session {coverage} of the server's passive range; when the server picks "
                      f"port {session.passive_port}: {reason}")
    result = FtpResult(client, session.server, session.address, settings, tuple(session.steps), outcome,
                       failed, reason, (), risks(session), coverage)
    if outcome is FtpOutcome.FAILURE and check_fixes:
        fixes = fixes_that_work(net, client, server, address, settings, session, coverage)
        broken = session.steps[failed - 1].trace
        if broken is not None and failed == 1:  # the control connection itself: the engine's own advice
            fixes = tuple(broken.remedies) + fixes
        result = replace(result, remedies=fixes)
    return result


def _run(net: Network, client: str, server: str, address: IPv4Address, settings: FtpClientSettings,
         passive_port: int | None) -> tuple[_Session, _Failure | None]:
    session = _Session(net, client, address, settings, server, net.node(server).ftp_server,
                       passive_port=passive_port)
    try:
        _play(session)
    except _Failure as failure:
        return session, failure
    return session, None


def _cover(net, client, server, address, settings, first: _Session, first_failure):
    """Play the session once per piece of the passive range that can behave differently.

    Returns the coverage and the session to show: the first run, or the lowest failing
    port's run when only some ports work.
    """
    ss = first.ss
    pool = ss.passive_pool(net.node(first.server).os.is_windows)
    runs = [(piece, (first, first_failure) if piece.first == pool.first else
             _run(net, client, server, address, settings, piece.first))
            for piece in pieces(pool, port_ranges_in(net))]
    coverage = PortCoverage(pool, ss.picks_passive_port,
                            merged([piece for piece, (_, failure) in runs if failure is None]))
    shown, failure = first, first_failure
    if coverage.partial:
        shown, failure = next(run for _, run in runs if run[1] is not None)
    at = shown.port_step
    shown.steps[at] = replace(shown.steps[at], ports=coverage)
    return coverage, shown, failure


def _play(s: _Session) -> None:
    s.connect_control()
    sw = s.ss.software
    if s.cs.tls is TlsMode.IMPLICIT:
        s.encrypted_from_here()
    s.reply(reply_text(sw, "greeting"))
    if s.cs.tls is TlsMode.IMPLICIT:
        s.note(f"implicit FTPS on port {s.control_port}: the TLS handshake came first; the greeting and "
               "everything after it is encrypted (no AUTH TLS)")
    if s.cs.tls is TlsMode.EXPLICIT:
        answer = s.exchange("AUTH TLS", reply_text(sw, "auth" if s.ss.tls is TlsMode.EXPLICIT else "no_tls"))
        if not answer.startswith("234"):
            raise _Failure(f"{s.server} offers no TLS, and the client insists on it")
        s.encrypted_from_here()
        s.note("TLS handshake: from here the control channel is encrypted")
    if s.cs.tls is TlsMode.NONE and s.ss.tls_required_control:
        s.exchange("USER student", reply_text(sw, "tls_control"))
        raise _Failure(f"{s.server} requires TLS on the control channel and the client did not start it")
    s.exchange("USER student", reply_text(sw, "user"))
    s.exchange("PASS ******", reply_text(sw, "pass"))
    if s.cs.tls is not TlsMode.NONE:
        s.exchange("PBSZ 0", reply_text(sw, "pbsz"))
        s.exchange(f"PROT {s.cs.prot}", reply_text(sw, f"prot_{s.cs.prot}"))
        if s.cs.ccc:
            _clear_command_channel(s, sw)
    if s.cs.type_before_data:
        s.exchange("TYPE A", reply_text(sw, "type"))
    data_clear = s.cs.tls is TlsMode.NONE or s.cs.prot is Prot.C
    mode = s.cs.mode
    if s.ss.tls_required_data and data_clear:
        s.exchange(mode.verb, reply_text(sw, "tls_data"))
        raise _Failure(f"{s.server} requires a protected data channel (PROT P)")
    if mode.passive:
        _passive(s, sw, mode)
    else:
        _active(s, sw, mode)
    s.exchange("QUIT", reply_text(sw, "quit"))


def _clear_command_channel(s: _Session, sw: ServerSoftware) -> None:
    answer = s.exchange("CCC", reply_text(sw, "ccc_ok" if s.ss.ccc else "ccc"))
    if answer.startswith("200"):
        s.protected = False  # the 200 and TLS's close_notify were still encrypted: helpers resync later
        s.note("the control channel is clear text again; each FTP helper reads it again from the second "
               "clear-text line in each direction")
        return
    if s.cs.on_ccc_refused is OnCccRefused.STOP:
        raise _Failure(f"{s.server} refuses CCC ({answer}); the client stops here, as Python's ftplib does "
                       "(its ccc() raises error_perm on a 5xx reply; client setting on_ccc_refused: stop)")
    s.note(f"{s.server} refuses CCC: the client carries on (on_ccc_refused: continue) and the control "
           "channel stays encrypted")


def _passive(s: _Session, sw: ServerSoftware, mode: FtpMode) -> None:
    port = s.passive_port or s.ss.passive_pool(s.net.node(s.server).os.is_windows).first
    s.passive_port = port
    if mode is FtpMode.PASSIVE:
        advertised = s.ss.external_address or s.server_ip
        received = s.exchange("PASV", reply_text(sw, "pasv", six=six_numbers(advertised, port)))
        ip, port = parse_227(received)
        dial = ip if s.cs.trust_pasv_address else s.address
        s.note(f"the client dials the address in the 227 reply ({ip})" if s.cs.trust_pasv_address else
               f"the client ignores the address in 227 ({ip}) and reuses the control connection's ({s.address})")
    else:
        received = s.exchange("EPSV", reply_text(sw, "epsv", port=port))
        port, ip, dial = parse_229(received), None, s.address
    s.port_step = len(s.steps) - 1
    # The client opens the data connection before it sends LIST (ftplib's order).
    result = s.data(s.client, s.server, dial, port, sport=s.cs.data_port)
    _check_data(s, result, port, dial, ip, passive=True, sw=sw)
    s.exchange("LIST", reply_text(sw, "transfer"))
    s.reply(reply_text(sw, "done"))


def _active(s: _Session, sw: ServerSoftware, mode: FtpMode) -> None:
    verb = mode.verb
    argument = six_numbers(s.client_ip, s.cs.data_port) if verb == "PORT" else eprt_argument(s.client_ip, s.cs.data_port)
    received = s.command(f"{verb} {argument}")
    parse = parse_port_argument if verb == "PORT" else parse_eprt_argument
    ip, port = parse(received.split(None, 1)[1])
    if ip != s.seen_client and not s.ss.permit_foreign_addresses:
        s.reply(reply_text(sw, "foreign", addr=ip, port=port))
        trouble = _helper_trouble(s)
        setting = {ServerSoftware.PYFTPDLIB: "permit_foreign_addresses=False",
                   ServerSoftware.VSFTPD: "port_promiscuous=NO", ServerSoftware.IIS: "matchClientAddressForPort"}[sw]
        raise _Failure(f"{s.server} refuses to connect to {ip}: it is not the client's address as the "
                       f"server sees it ({s.seen_client}). That is the server's own policy ({setting}), "
                       "bounce protection against the attack RFC 2577 describes"
                       + (f" (and: {trouble})" if trouble else ""))
    if port < 1024 and not s.ss.permit_privileged_ports:
        s.reply(reply_text(sw, "privileged", port=port))
        raise _Failure(f"{s.server} refuses to connect to the privileged port {port} "
                       "(RFC 2577 advises servers to refuse PORT to ports below 1024)")
    sport = s.ss.active_source_port(DATA_PORT_SERVER)
    ok = "active_ok" if verb == "PORT" else "eprt_ok"
    if connects_at_port_command(sw):
        result = s.data(s.server, s.client, ip, port, src=s.server_ip, sport=sport)
        at = len(s.steps)
        problem = _data_ok(s, result, s.cs.data_port, passive=False)
        s.reply(reply_text(sw, ok if problem is None else "active_fail"))
        if problem is not None:
            raise _Failure(problem, at)
        s.exchange("LIST", reply_text(sw, "transfer"))
    else:
        s.reply(reply_text(sw, ok))
        s.exchange("LIST", reply_text(sw, "transfer"))
        result = s.data(s.server, s.client, ip, port, src=s.server_ip, sport=sport)
        at = len(s.steps)
        problem = _data_ok(s, result, s.cs.data_port, passive=False)
        if problem is not None:
            s.reply(reply_text(sw, "active_fail"))
            raise _Failure(problem, at)
    s.reply(reply_text(sw, "done"))


def _helper_trouble(s: _Session) -> str | None:
    """A helper's own explanation of why it did not help (wrong port, NOT RECORDING)."""
    for step in s.steps:
        for event in step.helpers:
            if event.kind in ("other-port", "not-recording"):
                return event.text
    return None


def _skipped_after_tls(s: _Session) -> bool:
    """A helper let the PORT/EPRT/227/229 line pass unread because TLS had just ended."""
    return any(e.kind == "unsynchronised" and e.after_tls and e.carries_address
               for step in s.steps for e in step.helpers)


def _check_data(s: _Session, result: Trace, port: int, dial, advertised, passive: bool, sw: ServerSoftware) -> None:
    problem = _data_ok(s, result, port, passive)
    if problem is None:
        return
    at = len(s.steps)
    if result.accepted and result.last_hop.node == s.server and "same-client-address" in problem:
        s.reply(reply_text(sw, "pasv_foreign", addr=result.delivered.src, port=result.delivered.sport))
    raise _Failure(problem, at)


def _data_ok(s: _Session, result: Trace, port: int, passive: bool) -> str | None:
    """Why the data connection fails, in a learner's words, or None."""
    target = s.server if passive else s.client
    dialled = f"{result.dst}:{result.dport}"
    if not result.accepted:
        why = f"the {'client' if passive else 'server'} dialled {dialled}"
        if passive and s.cs.trust_pasv_address and result.dst != s.address:
            kind = "private " if result.dst.is_private else ""
            if s.ss.external_address is not None:
                why += f", the external address the server was given ({s.ss.external_address}), from the 227 reply"
            else:
                why += f", the server's {kind}address from the 227 reply"
                if s.blinded:
                    why += ", because the firewall's FTP helper could not read the TLS-encrypted 227 reply"
                elif _skipped_after_tls(s):
                    why += (", because the firewall's FTP helper skipped the 227 reply: it was the first clear-text "
                            "line from the server after CCC")
                elif not s.helpers:
                    why += ", because nothing on the way rewrote it (no FTP helper, no external address on the server)"
        elif s.blinded:
            why += "; no FTP helper could read the encrypted control channel, so nothing expects this connection"
        elif _skipped_after_tls(s):
            why += ("; the FTP helper skipped the first clear-text line after CCC, so nothing expects this "
                    "connection")
        trouble = _helper_trouble(s)
        return f"{why}: {result.reason}" + (f" (and: {trouble})" if trouble and not s.blinded else "")
    landed = result.last_hop.node
    balancers = [h.node for h in result.hops if s.net.node(h.node).load_balancer is not None]
    if landed != target or result.delivered.dport != port:
        return (f"the data connection to {dialled} reached {landed}:{result.delivered.dport}, but "
                f"{target} listens on port {port}: nothing answers there" +
                (f" ({balancers[0]} picked another backend than the one that sent the 227)"
                 if passive and balancers and landed != target else ""))
    if passive and s.ss.match_client_address and result.delivered.src != s.seen_client:
        setting = {ServerSoftware.IIS: "IIS matchClientAddressForPasv", ServerSoftware.VSFTPD: "vsftpd pasv_promiscuous=NO",
                   ServerSoftware.PYFTPDLIB: "pyftpdlib's permit_foreign_addresses=False"}[s.ss.software]
        return (f"the data connection comes from {result.delivered.src}, the control connection from "
                f"{s.seen_client}: {s.server} rejects it (same-client-address check, {setting})")
    if result.reply is None or not result.reply.succeeded:
        return f"the answer on the data connection does not get back: {result.reply.reason if result.reply else ''}"
    return None
