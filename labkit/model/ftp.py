"""An FTP session on the packet engine: the control connection, every command and reply as
sent, as rewritten by FTP helpers on the way, and as received, and each data connection
traced through firewalls, NAT and load balancers.

Helpers follow the Linux nf_conntrack_ftp rules the reference notes read in source: they
watch plain-text control connections on their ports, rewrite PORT/EPRT/227 (229 carries
only a port) where the connection is NATed, announce the coming data connection, refuse
when the embedded address is not the packet's own, and see nothing inside TLS.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Network

from .engine import EPHEMERAL_PORT, trace
from .ftp_protocol import (IMPLICIT_PORT, FtpClientSettings, FtpServerSettings, FtpSyntaxError,
                           connects_at_port_command, eprt_argument, parse_227, parse_229,
                           parse_eprt_argument, parse_port_argument, replace_eprt,
                           replace_six_numbers, reply_text, six_numbers)
from .middlebox import Conntrack, Expectation, FtpHelper, PortForward, Rule, Session
from .network import Network
from .trace import Remedy, Trace

DATA_PORT_SERVER = EPHEMERAL_PORT + 2
"""pyftpdlib's active-mode source port (an ephemeral one); IIS and vsftpd use port 20."""
MAX_PAIRED = 8
"""Candidates tried in pairs when none works alone (keeps the search to at most 28 replays)."""
SMALL_RANGE = (51976, 51999)
"""The seed's example port 51976 (= 203*256 + 8) opens the range the kit suggests."""


class FtpError(ValueError):
    """The session cannot be set up as asked (unknown node, no FTP server, bad setting)."""


@dataclass(frozen=True)
class Rewrite:
    node: str
    before: str
    after: str


@dataclass(frozen=True)
class FtpStep:
    channel: str
    """'control' or 'data'."""
    sender: str
    receiver: str
    sent: str
    received: str
    trace: Trace | None = None
    notes: tuple[str, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()

    def to_dict(self) -> dict:
        return {"channel": self.channel, "from": self.sender, "to": self.receiver, "sent": self.sent,
                "received": self.received,
                "trace": self.trace.to_dict(with_reply=True) if self.trace else None,
                "notes": list(self.notes),
                "rewrites": [{"node": r.node, "before": r.before, "after": r.after} for r in self.rewrites]}


@dataclass(frozen=True)
class Risk:
    risk: str
    present: bool
    mitigation: str
    result: str

    def to_dict(self) -> dict:
        return {"risk": self.risk, "present": self.present, "mitigation": self.mitigation,
                "result": self.result}


@dataclass(frozen=True)
class FtpResult:
    client: str
    server: str
    address: IPv4Address
    settings: FtpClientSettings
    steps: tuple[FtpStep, ...]
    outcome: str
    failed_step: int | None
    reason: str
    remedies: tuple[Remedy, ...]
    risks: tuple[Risk, ...]

    @property
    def succeeded(self) -> bool:
        return self.outcome == "success"

    @property
    def hint(self) -> str:
        if self.remedies:
            return "; or ".join(str(r) for r in self.remedies)
        return ("nothing to change" if self.succeeded else
                "no setting, or pair of settings, that the kit knows of fixes this")

    def commands_and_codes(self) -> list[tuple[str, str]]:
        """(command verb, reply code) pairs on the control channel: what a live run can confirm."""
        pairs, pending = [], "(connect)"
        for step in self.steps:
            if step.channel != "control":
                continue
            if step.sender == self.client and not step.sent.startswith("connect"):
                pending = step.sent.split()[0].upper()
            elif step.sender != self.client and step.received[:3].isdigit():
                pairs.append((pending, step.received[:3]))
        return pairs

    def write_pcap(self, directory) -> list:
        """One Wireshark-ready pcap per capture point (labkit.capture; needs the capture extra)."""
        from ..capture import write_pcap
        return write_pcap(self, directory)

    def to_dict(self) -> dict:
        return {"outcome": self.outcome, "failed_step": self.failed_step, "reason": self.reason,
                "hint": self.hint, "steps": [s.to_dict() for s in self.steps],
                "risks": [r.to_dict() for r in self.risks]}

    def __str__(self) -> str:
        s = self.settings
        lines = [f"FTP: {self.client} -> {self.address} ({self.server}); mode {s.mode}, TLS {s.tls}"
                 + (f", PROT {s.prot}" if s.tls != "none" else "") + (", CCC" if s.ccc else "")
                 + (", client trusts the 227 address" if s.trust_pasv_address else "")]
        for n, step in enumerate(self.steps, 1):
            mark = " X" if n == self.failed_step else "  "
            lines.append(f"{mark}{n:>2}. {step.channel:<7} {step.sender} -> {step.receiver}: {step.sent}")
            for rewrite in step.rewrites:
                lines.append(f"          rewritten by {rewrite.node}: {rewrite.after}")
            if step.received != step.sent:
                lines.append(f"          received: {step.received}")
            if step.trace is not None:
                verdict = step.trace.disposition.value
                if step.trace.reply is not None:
                    verdict += f", answer {step.trace.reply.disposition.value}"
                lines.append(f"          TCP: {verdict}")
            lines.extend(f"          note: {note}" for note in step.notes)
        lines.append(f"=> {self.outcome.upper()}" + (f" at step {self.failed_step}" if self.failed_step else "")
                     + f": {self.reason}")
        lines.append(f"   hint: {self.hint}")
        lines.append("risks (from the field notes' table):")
        for risk in self.risks:
            lines.append(f"   [{'PRESENT' if risk.present else 'handled'}] {risk.risk} -> {risk.mitigation}")
        return "\n".join(lines)


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

    @property
    def control_port(self) -> int:
        if self.cs.port is not None:
            return self.cs.port
        return IMPLICIT_PORT if self.cs.tls == "implicit" else self.ss.port

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
        received, notes, rewrites = self._carry(text, "original")
        self.steps.append(FtpStep("control", self.client, self.server, text, received, None, notes, rewrites))
        return received

    def reply(self, text: str) -> str:
        received, notes, rewrites = self._carry(text, "reply")
        self.steps.append(FtpStep("control", self.server, self.client, text, received, None, notes, rewrites))
        return received

    def exchange(self, command: str, reply: str) -> str:
        self.command(command)
        return self.reply(reply)

    def _carry(self, text: str, way: str):
        notes, rewrites = [], []
        path = self.helpers if way == "original" else list(reversed(self.helpers))
        for session in path:
            new, note = self._inspect(session, text, way)
            if note:
                notes.append(note)
            if new != text:
                rewrites.append(Rewrite(session.node, text, new))
                text = new
        return text, tuple(notes), tuple(rewrites)

    def _inspect(self, session: Session, text: str, way: str) -> tuple[str, str | None]:
        node = self.net.node(session.node)
        helper = node.ftp_helper
        verb = text.split()[0].upper() if text else ""
        interesting = verb in ("PORT", "EPRT") if way == "original" else verb in ("227", "229")
        if session.original[3] not in helper.ports:
            return text, (f"{node.name}: the FTP helper watches port(s) {', '.join(map(str, helper.ports))}, "
                          f"not {session.original[3]}" if interesting else None)
        if self.protected:
            if interesting:
                self.blinded = True
                return text, (f"{node.name}: the FTP helper cannot read the TLS-encrypted control channel: "
                              f"{verb} passes unseen, no rewrite, no expectation")
            return text, None
        if not interesting:
            return text, None
        client_side_src, _, public, _ = session.original
        new_src, _, private, _ = session.translated
        try:
            if verb in ("PORT", "EPRT"):
                argument = text.split(None, 1)[1]
                ip, port = (parse_port_argument if verb == "PORT" else parse_eprt_argument)(argument)
                if ip != client_side_src and not helper.loose:
                    return text, (f"{node.name}: the address in {verb} ({ip}) is not the packet's source "
                                  f"({client_side_src}): NOT RECORDING (no rewrite, no expectation)")
                follow = public if public != private else None  # the control connection was DNATed here
                self.state = self.state.with_expectation(Expectation(
                    node.name, private, new_src, port, (ip, port), f"{verb} from {self.client}", follow))
                note = f"{node.name}: expects a connection from {private} to {new_src}:{port}"
                if new_src == ip:
                    return text, note
                new = replace_six_numbers(text, new_src, port) if verb == "PORT" else replace_eprt(text, new_src, port)
                return new, note + f" and rewrote {ip} to {new_src}"
            if verb == "229":
                port = parse_229(text)
                self.state = self.state.with_expectation(Expectation(
                    node.name, client_side_src, public, port, (private, port), f"229 from {self.server}"))
                return text, f"{node.name}: expects a connection from {client_side_src} to {public}:{port}"
            ip, port = parse_227(text)
        except (FtpSyntaxError, IndexError):
            return text, f"{node.name}: the FTP helper could not read {text!r}"
        if ip != private and not helper.loose:
            return text, (f"{node.name}: the address in 227 ({ip}) is not the packet's source ({private}): "
                          "NOT RECORDING (no rewrite, no expectation)")
        self.state = self.state.with_expectation(Expectation(
            node.name, client_side_src, public, port, (ip, port), f"227 from {self.server}"))
        note = f"{node.name}: expects a connection from {client_side_src} to {public}:{port}"
        if public == ip:
            return text, note
        return replace_six_numbers(text, public, port), note + f" and rewrote {ip} to {public}"

    # -- connections --------------------------------------------------------------------------
    def connect_control(self) -> None:
        port = self.control_port
        result = trace(self.net, self.client, self.address, proto="tcp", dport=port, reply=True, state=self.state)
        landed = result.last_hop.node if result.accepted else None
        self.steps.append(FtpStep("control", self.client, landed or self.server, f"connect to {self.address}:{port}",
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
        if self.cs.tls == "implicit" and self.ss.tls != "implicit":
            raise _Failure(f"{landed} offers no implicit TLS on port {IMPLICIT_PORT}")
        created = result.state.sessions[len(self.state.sessions):]  # in path order
        self.helpers = [s for s in created if self.net.node(s.node).ftp_helper is not None]
        self.state = result.reply.state
        self.client_ip, self.server_ip, self.seen_client = result.src, result.delivered.dst, result.delivered.src

    def data(self, sender: str, receiver: str, dst: IPv4Address, dport: int, *, src=None, sport=None) -> Trace:
        result = trace(self.net, sender, dst, src=src, proto="tcp", sport=sport, dport=dport, reply=True,
                       state=self.state)
        self.steps.append(FtpStep("data", sender, receiver, f"connect to {dst}:{dport}", _arrival(result), result))
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
    if settings.ccc and settings.tls == "none":
        raise FtpError("CCC ends TLS on the control channel: it needs tls explicit or implicit")
    if address is None:
        address = setup.address if setup and setup.server == server else net.node(server).addresses[0].ip
    session = _Session(net, client, IPv4Address(str(address)), settings, server, net.node(server).ftp_server)
    try:
        _play(session)
        outcome, failed, reason = "success", None, "the listing arrived"
    except _Failure as failure:
        outcome, failed, reason = "failure", failure.at or len(session.steps), failure.reason
    result = FtpResult(client, session.server, session.address, settings, tuple(session.steps), outcome,
                       failed, reason, (), _risks(session))
    if outcome == "failure" and check_fixes:
        fixes = _fixes_that_work(net, client, server, address, settings, session)
        broken = session.steps[failed - 1].trace
        if broken is not None and failed == 1:  # the control connection itself: the engine's own advice
            fixes = tuple(broken.remedies) + fixes
        result = replace(result, remedies=fixes)
    return result


def _play(s: _Session) -> None:
    s.connect_control()
    sw = s.ss.software
    if s.cs.tls == "implicit":
        s.protected = True
    s.reply(reply_text(sw, "greeting"))
    if s.cs.tls == "explicit":
        answer = s.exchange("AUTH TLS", reply_text(sw, "auth" if s.ss.tls == "explicit" else "no_tls"))
        if not answer.startswith("234"):
            raise _Failure(f"{s.server} offers no TLS, and the client insists on it")
        s.protected = True
        s.steps[-1] = replace(s.steps[-1], notes=s.steps[-1].notes + (
            "TLS handshake: from here the control channel is encrypted",))
    if s.cs.tls == "none" and s.ss.tls_required_control:
        s.exchange("USER student", reply_text(sw, "tls_control"))
        raise _Failure(f"{s.server} requires TLS on the control channel and the client did not start it")
    s.exchange("USER student", reply_text(sw, "user"))
    s.exchange("PASS ******", reply_text(sw, "pass"))
    if s.cs.tls != "none":
        s.exchange("PBSZ 0", reply_text(sw, "pbsz"))
        s.exchange(f"PROT {s.cs.prot}", reply_text(sw, f"prot_{s.cs.prot}"))
        if s.cs.ccc:
            answer = s.exchange("CCC", reply_text(sw, "ccc_ok" if s.ss.ccc else "ccc"))
            if answer.startswith("200"):
                s.protected = False
                s.steps[-1] = replace(s.steps[-1], notes=("the control channel is clear text again: "
                                                          "helpers can read it",))
            else:
                s.steps[-1] = replace(s.steps[-1], notes=(f"{s.server} refuses CCC: the control channel "
                                                          "stays encrypted",))
    s.exchange("TYPE A", reply_text(sw, "type"))
    data_private = s.cs.tls == "none" or s.cs.prot == "C"
    mode = s.cs.mode
    if s.ss.tls_required_data and data_private:
        s.exchange({"passive": "PASV", "epsv": "EPSV", "active": "PORT", "eprt": "EPRT"}[mode],
                   reply_text(sw, "tls_data"))
        raise _Failure(f"{s.server} requires a protected data channel (PROT P)")
    if mode in ("passive", "epsv"):
        _passive(s, sw, mode)
    else:
        _active(s, sw, mode)
    s.exchange("QUIT", reply_text(sw, "quit"))


def _passive(s: _Session, sw: str, mode: str) -> None:
    port = s.ss.first_passive_port()
    if mode == "passive":
        advertised = s.ss.external_address or s.server_ip
        received = s.exchange("PASV", reply_text(sw, "pasv", six=six_numbers(advertised, port)))
        ip, port = parse_227(received)
        dial = ip if s.cs.trust_pasv_address else s.address
        note = (f"the client dials the address in the 227 reply ({ip})" if s.cs.trust_pasv_address else
                f"the client ignores the address in 227 ({ip}) and reuses the control connection's ({s.address})")
        s.steps[-1] = replace(s.steps[-1], notes=s.steps[-1].notes + (note,))
    else:
        received = s.exchange("EPSV", reply_text(sw, "epsv", port=port))
        port, ip, dial = parse_229(received), None, s.address
    # The client opens the data connection before it sends LIST (ftplib's order).
    result = s.data(s.client, s.server, dial, port, sport=s.cs.data_port)
    _check_data(s, result, port, dial, ip, passive=True, sw=sw)
    s.exchange("LIST", reply_text(sw, "transfer"))
    s.reply(reply_text(sw, "done"))


def _active(s: _Session, sw: str, mode: str) -> None:
    verb = "PORT" if mode == "active" else "EPRT"
    argument = six_numbers(s.client_ip, s.cs.data_port) if verb == "PORT" else eprt_argument(s.client_ip, s.cs.data_port)
    received = s.command(f"{verb} {argument}")
    parse = parse_port_argument if verb == "PORT" else parse_eprt_argument
    ip, port = parse(received.split(None, 1)[1])
    if ip != s.seen_client and not s.ss.permit_foreign_addresses:
        s.reply(reply_text(sw, "foreign", addr=ip, port=port))
        trouble = _helper_trouble(s)
        raise _Failure(f"{s.server} refuses to connect to {ip}: it is not the client's address as the "
                       f"server sees it ({s.seen_client}); bounce protection"
                       + (f" (and: {trouble})" if trouble else ""))
    if port < 1024 and not s.ss.permit_privileged_ports:
        s.reply(reply_text(sw, "privileged", port=port))
        raise _Failure(f"{s.server} refuses to connect to the privileged port {port}")
    sport = DATA_PORT_SERVER if sw == "pyftpdlib" else 20
    if connects_at_port_command(sw):
        result = s.data(s.server, s.client, ip, port, src=s.server_ip, sport=sport)
        at = len(s.steps)
        problem = _data_ok(s, result, s.cs.data_port, passive=False)
        s.reply(reply_text(sw, "active_ok" if problem is None else "active_fail"))
        if problem is not None:
            raise _Failure(problem, at)
        s.exchange("LIST", reply_text(sw, "transfer"))
    else:
        s.reply(reply_text(sw, "active_ok"))
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
        for note in step.notes:
            if "watches port" in note or "NOT RECORDING" in note:
                return note
    return None


def _check_data(s: _Session, result: Trace, port: int, dial, advertised, passive: bool, sw: str) -> None:
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
                elif not s.helpers:
                    why += ", because nothing on the way rewrote it (no FTP helper, no external address on the server)"
        elif s.blinded:
            why += "; no FTP helper could read the encrypted control channel, so nothing expects this connection"
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
        setting = {"iis": "IIS matchClientAddressForPasv", "vsftpd": "vsftpd pasv_promiscuous=NO",
                   "pyftpdlib": "pyftpdlib's permit_foreign_addresses=False"}[s.ss.software]
        return (f"the data connection comes from {result.delivered.src}, the control connection from "
                f"{s.seen_client}: {s.server} rejects it (same-client-address check, {setting})")
    if result.reply is None or not result.reply.succeeded:
        return f"the answer on the data connection does not get back: {result.reply.reason if result.reply else ''}"
    return None


# --- fixes -------------------------------------------------------------------------------------

def _candidate_fixes(net: Network, client: str, server: str, address, cs: FtpClientSettings, s: _Session):
    """(text, change) pairs for the nodes this session touched; change(net, settings) gives
    the network and client settings to try."""
    fixes = []
    ss = net.node(server).ftp_server
    srv_ip = s.server_ip or net.node(server).addresses[0].ip
    span = ss.passive_ports or SMALL_RANGE
    range_note = ("" if ss.passive_ports else
                  f", and give the server that range (IIS: Data Channel Port Range; pyftpdlib: passive_ports)")
    path = [net.node(name) for name in s.path_nodes if net.has_node(name)]

    def set_server(n: Network, **changes) -> Network:
        node = n.node(server)
        return n.with_node(replace(node, ftp_server=replace(node.ftp_server, **changes)))

    def with_rule(n: Network, name: str, rule: Rule) -> Network:
        box = n.node(name)
        return n.with_node(replace(box, firewall=replace(box.firewall, rules=(rule,) + box.firewall.rules)))

    if s.server_ip is not None and s.address != s.server_ip:
        fixes.append((f"set the server's external address to {s.address} (IIS: External IP Address of "
                      f"Firewall; pyftpdlib: masquerade_address; vsftpd: pasv_address)",
                      lambda n, c: (set_server(n, external_address=s.address), c)))
    for node in path:
        for pf in (node.nat.port_forwards if node.nat else ()):
            if pf.to == srv_ip and pf.ports[0] <= s.control_port <= pf.ports[1]:
                def forward(n, c, node=node, pf=pf):
                    box = n.node(node.name)
                    nat = replace(box.nat, port_forwards=box.nat.port_forwards + (
                        PortForward(pf.interface, "tcp", span, srv_ip),))
                    n = n.with_node(replace(box, nat=nat))
                    if box.firewall is not None:
                        n = with_rule(n, node.name, Rule("allow", "forward", pf.interface, None, "tcp", None,
                                                         IPv4Network(srv_ip), None, span, "FTP passive range"))
                    return set_server(n, passive_ports=span), c
                fixes.append((f"forward (and allow) the passive port range {span[0]}-{span[1]} on {node.name} "
                              f"to {srv_ip}{range_note}", forward))
        if node.firewall is not None and node.name != client:
            direction = "in" if node.name == server else "forward"

            def allow(n, c, node=node, direction=direction):
                rule = Rule("allow", direction, proto="tcp", dst=IPv4Network(srv_ip), dport=span,
                            name="FTP passive range")
                return set_server(with_rule(n, node.name, rule), passive_ports=span), c
            command = (f" (netsh advfirewall firewall add rule name=\"FTP passive\" dir=in action=allow "
                       f"protocol=TCP localport={span[0]}-{span[1]})" if direction == "in" and node.os.is_windows else "")
            fixes.append((f"allow the passive port range {span[0]}-{span[1]} {'inbound ' if direction == 'in' else ''}"
                          f"in {node.name}'s firewall{command}{range_note}", allow))
        if node.role.value == "router" and (node.nat or node.firewall):
            helper = node.ftp_helper
            if helper is None:
                fixes.append((f"attach an FTP helper on {node.name} watching port {s.control_port} (nft: "
                              f"ct helper set \"ftp\" on tcp dport {s.control_port})",
                              lambda n, c, node=node: (n.with_node(replace(
                                  n.node(node.name), ftp_helper=FtpHelper((s.control_port,)))), c)))
            elif s.control_port not in helper.ports:
                fixes.append((f"let the FTP helper on {node.name} watch port {s.control_port} too",
                              lambda n, c, node=node: (n.with_node(replace(n.node(node.name), ftp_helper=replace(
                                  n.node(node.name).ftp_helper,
                                  ports=n.node(node.name).ftp_helper.ports + (s.control_port,)))), c)))
        if node.load_balancer is not None:
            lb = node.load_balancer
            if lb.affinity != "client-ip":
                fixes.append((f"give the load balancer {node.name} client-IP affinity, so the data connection "
                              "reaches the backend that sent the 227",
                              lambda n, c, node=node: (n.with_node(replace(n.node(node.name), load_balancer=replace(
                                  n.node(node.name).load_balancer, affinity="client-ip"))), c)))
            if len(lb.snat) > 1:
                fixes.append((f"let {node.name} source-NAT clients to one address only, so control and data "
                              "connections come from the same address",
                              lambda n, c, node=node: (n.with_node(replace(n.node(node.name), load_balancer=replace(
                                  n.node(node.name).load_balancer, snat=n.node(node.name).load_balancer.snat[:1]))), c)))
    if cs.trust_pasv_address:
        fixes.append(("let the client use the control connection's address instead of the one in 227 "
                      "(Python ftplib's default since 3.9.3, curl >= 7.74, FileZilla's default)",
                      lambda n, c: (n, replace(c, trust_pasv_address=False))))
    if cs.mode != "epsv":
        fixes.append(("use EPSV (the 229 reply carries only a port)", lambda n, c: (n, replace(c, mode="epsv"))))
    if cs.mode in ("active", "eprt"):
        fixes.append(("use passive mode (the client opens the data connection)",
                      lambda n, c: (n, replace(c, mode="passive"))))
    if cs.tls != "none" and not cs.ccc and any(n.ftp_helper for n in path):
        fixes.append(("send CCC after login, so FTP helpers can read the control channel again "
                      "(the server must support CCC)", lambda n, c: (n, replace(c, ccc=True))))
    if cs.tls == "implicit":
        fixes.append(("use explicit TLS (AUTH TLS on the control port) instead of implicit TLS on 990",
                      lambda n, c: (n, replace(c, tls="explicit", port=None))))
    return fixes


def _fixes_that_work(net, client, server, address, cs, s: _Session) -> tuple[Remedy, ...]:
    fixes = _candidate_fixes(net, client, server, address, cs, s)

    def works(changes) -> bool:
        n, c = net, cs
        for _, change in changes:
            n, c = change(n, c)
        try:
            return ftp_session(n, client, server, address, c, check_fixes=False).succeeded
        except FtpError:
            return False

    single = [f for f in fixes if works([f])]
    found = [Remedy(text) for text, _ in single]
    rest = [f for f in fixes if f not in single][:MAX_PAIRED]
    for i, first in enumerate(rest):
        for second in rest[i + 1:]:
            if works([first, second]):
                found.append(Remedy(f"{first[0]}, together with: {second[0]}"))
    return tuple(found)


# --- the field notes' risk table ----------------------------------------------------------------

def _risks(s: _Session) -> tuple[Risk, ...]:
    cs, ss = s.cs, s.ss
    active = cs.mode in ("active", "eprt")
    wide = ss.passive_ports is None or ss.passive_ports[1] - ss.passive_ports[0] + 1 > 100
    trusted = ss.certificate == "trusted"
    limited = _peers_limited(s)
    return (
        Risk("Server connects to client", active, "use passive FTP (PASV/EPSV)", "client initiates connection"),
        Risk("Dynamic ports in use", active or wide, "select a small fixed passive port range",
             "fewer ports to open on the firewall"),
        Risk("Server not verified", cs.tls == "none" or not trusted,
             "use a certificate from a trusted CA (not self-signed)", "server can be verified"),
        Risk("Authentication not encrypted", cs.tls == "none", "use TLS for authentication (AUTH TLS or implicit)",
             "authentication encrypted"),
        Risk("Data not encrypted", cs.tls == "none" or cs.prot == "C", "use TLS for data transport (PROT P)",
             "data transport encrypted"),
        Risk("Connections from & to unknown hosts", not limited,
             "allow only trusted clients and servers in the firewall rules", "no more FTP from/to any host"),
    )


def _peers_limited(s: _Session) -> bool:
    """Some firewall on the control path admits the control connection only from listed sources."""
    control = s.steps[0].trace if s.steps and s.steps[0].trace else None
    if control is None:
        return False
    for session in control.state.sessions:
        node = s.net.node(session.node)
        if node.firewall is None:
            continue
        src, sport, _, _ = session.original
        _, _, dst, dport = session.translated
        direction = "in" if node.name == s.server else "forward"
        allowed, _, rule = node.firewall.decide(direction, session.in_iface, None, session.proto,
                                                (src, sport, dst, dport))
        if allowed and rule is not None and rule.limits_peers:
            return True
    return False

