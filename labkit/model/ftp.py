"""An FTP session on the packet engine: the control connection, every command and reply as
sent, as rewritten by FTP helpers on the way, and as received, and each data connection
traced through firewalls, NAT and load balancers.

Helpers follow the Linux nf_conntrack_ftp/nf_nat_ftp rules (see ftp_alg). A passive
session is played for every piece of the server's passive range that can behave
differently (see ftp_ports), so a partly forwarded range says which ports work.

This module plays the dialogue (which command and reply in which order, per mode and TLS
setting); ftp_play carries each line and traces each connection, ftp_data says why a
data connection fails, ftp_fixes and ftp_risks give the advice.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from ..errors import LabkitError
from .engine import EPHEMERAL_PORT
from .ftp_data import check_data, data_problem, helper_trouble
from .ftp_fixes import candidate_fixes, fixes_that_work
from .ftp_play import SessionFailure, SessionInPlay
from .ftp_ports import PortCoverage, merged, pieces, port_ranges_in
from .ftp_protocol import (
    FtpClientSettings,
    FtpMode,
    OnCccRefused,
    Prot,
    ServerSoftware,
    TlsMode,
    connects_at_port_command,
    eprt_argument,
    parse_227,
    parse_229,
    parse_eprt_argument,
    parse_port_argument,
    reply_text,
    six_numbers,
)
from .ftp_result import FtpOutcome, FtpResult, FtpStep
from .ftp_risks import risks
from .network import Network

__all__ = ["FtpError", "FtpResult", "FtpStep", "ftp_session"]

DATA_PORT_SERVER = EPHEMERAL_PORT + 2
"""The active-mode source port of a server that does not use port 20 (an ephemeral one)."""


class FtpError(LabkitError, ValueError):
    """The session cannot be set up as asked (unknown node, no FTP server, bad setting)."""


def ftp_session(
    net: Network,
    client: str | None = None,
    server: str | None = None,
    address: IPv4Address | str | None = None,
    settings: FtpClientSettings | None = None,
    *,
    check_fixes: bool = True,
) -> FtpResult:
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
            reason = (
                f"this session {coverage} of the server's passive range; when the server picks "
                f"port {session.passive_port}: {reason}"
            )
    result = FtpResult(
        client,
        session.server,
        session.address,
        settings,
        tuple(session.steps),
        outcome,
        failed,
        reason,
        (),
        risks(session),
        coverage,
    )
    if failed is not None and check_fixes:

        def succeeds(changed: Network, changed_settings: FtpClientSettings) -> bool:
            try:  # the replay is a whole session
                return ftp_session(changed, client, server, address, changed_settings, check_fixes=False).succeeded
            except FtpError:
                return False

        candidates = candidate_fixes(net, client, server, address, settings, session, coverage)
        fixes = fixes_that_work(net, settings, candidates, succeeds)
        broken = session.steps[failed - 1].trace
        if broken is not None and failed == 1:  # the control connection itself: the engine's own advice
            fixes = tuple(broken.remedies) + fixes
        result = replace(result, remedies=fixes)
    return result


def _run(
    net: Network, client: str, server: str, address: IPv4Address, settings: FtpClientSettings, passive_port: int | None
) -> tuple[SessionInPlay, SessionFailure | None]:
    server_settings = net.node(server).ftp_server
    assert server_settings is not None, "ftp_session checks that the server runs an FTP server"
    session = SessionInPlay(net, client, address, settings, server, server_settings, passive_port=passive_port)
    try:
        _play(session)
    except SessionFailure as failure:
        return session, failure
    return session, None


def _cover(
    net: Network,
    client: str,
    server: str,
    address: IPv4Address,
    settings: FtpClientSettings,
    first: SessionInPlay,
    first_failure: SessionFailure | None,
) -> tuple[PortCoverage, SessionInPlay, SessionFailure | None]:
    """Play the session once per piece of the passive range that can behave differently.

    Returns the coverage and the session to show: the first run, or the lowest failing
    port's run when only some ports work.
    """
    ss = first.ss
    pool = ss.passive_pool(net.node(first.server).os.is_windows)
    runs = [
        (
            piece,
            (first, first_failure)
            if piece.first == pool.first
            else _run(net, client, server, address, settings, piece.first),
        )
        for piece in pieces(pool, port_ranges_in(net))
    ]
    coverage = PortCoverage(
        pool, ss.picks_passive_port, merged([piece for piece, (_, failure) in runs if failure is None])
    )
    shown, failure = first, first_failure
    if coverage.partial:
        shown, failure = next(run for _, run in runs if run[1] is not None)
    at = shown.port_step
    assert at is not None, "every run of a passive session reaches its 227/229 reply"
    shown.steps[at] = replace(shown.steps[at], ports=coverage)
    return coverage, shown, failure


def _play(s: SessionInPlay) -> None:
    s.connect_control()
    sw = s.ss.software
    if s.cs.tls is TlsMode.IMPLICIT:
        s.encrypted_from_here()
    s.reply(reply_text(sw, "greeting"))
    if s.cs.tls is TlsMode.IMPLICIT:
        s.note(
            f"implicit FTPS on port {s.control_port}: the TLS handshake came first; the greeting and "
            "everything after it is encrypted (no AUTH TLS)"
        )
    if s.cs.tls is TlsMode.EXPLICIT:
        answer = s.exchange("AUTH TLS", reply_text(sw, "auth" if s.ss.tls is TlsMode.EXPLICIT else "no_tls"))
        if not answer.startswith("234"):
            raise SessionFailure(f"{s.server} offers no TLS, and the client insists on it")
        s.encrypted_from_here()
        s.note("TLS handshake: from here the control channel is encrypted")
    if s.cs.tls is TlsMode.NONE and s.ss.tls_required_control:
        s.exchange("USER student", reply_text(sw, "tls_control"))
        raise SessionFailure(f"{s.server} requires TLS on the control channel and the client did not start it")
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
        raise SessionFailure(f"{s.server} requires a protected data channel (PROT P)")
    if mode.passive:
        _passive(s, sw, mode)
    else:
        _active(s, sw, mode)
    s.exchange("QUIT", reply_text(sw, "quit"))


def _clear_command_channel(s: SessionInPlay, sw: ServerSoftware) -> None:
    answer = s.exchange("CCC", reply_text(sw, "ccc_ok" if s.ss.ccc else "ccc"))
    if answer.startswith("200"):
        s.protected = False  # the 200 and TLS's close_notify were still encrypted: helpers resync later
        s.note(
            "the control channel is clear text again; each FTP helper reads it again from the second "
            "clear-text line in each direction"
        )
        return
    if s.cs.on_ccc_refused is OnCccRefused.STOP:
        raise SessionFailure(
            f"{s.server} refuses CCC ({answer}); the client stops here, as Python's ftplib does "
            "(its ccc() raises error_perm on a 5xx reply; client setting on_ccc_refused: stop)"
        )
    s.note(
        f"{s.server} refuses CCC: the client carries on (on_ccc_refused: continue) and the control "
        "channel stays encrypted"
    )


def _passive(s: SessionInPlay, sw: ServerSoftware, mode: FtpMode) -> None:
    port = s.passive_port or s.ss.passive_pool(s.net.node(s.server).os.is_windows).first
    s.passive_port = port
    if mode is FtpMode.PASSIVE:
        advertised = s.ss.external_address or s.server_ip
        assert advertised is not None, "set once the control connection arrived"
        received = s.exchange("PASV", reply_text(sw, "pasv", six=six_numbers(advertised, port)))
        ip, port = parse_227(received)
        dial = ip if s.cs.trust_pasv_address else s.address
        s.note(
            f"the client dials the address in the 227 reply ({ip})"
            if s.cs.trust_pasv_address
            else f"the client ignores the address in 227 ({ip}) and reuses the control connection's ({s.address})"
        )
    else:
        received = s.exchange("EPSV", reply_text(sw, "epsv", port=port))
        port, ip, dial = parse_229(received), None, s.address
    s.port_step = len(s.steps) - 1
    # The client opens the data connection before it sends LIST (ftplib's order).
    result = s.data(s.client, s.server, dial, port, sport=s.cs.data_port)
    check_data(s, result, port, dial, ip, passive=True, sw=sw)
    s.exchange("LIST", reply_text(sw, "transfer"))
    s.reply(reply_text(sw, "done"))


def _active(s: SessionInPlay, sw: ServerSoftware, mode: FtpMode) -> None:
    verb = mode.verb
    assert s.client_ip is not None, "set once the control connection arrived"
    argument = (
        six_numbers(s.client_ip, s.cs.data_port) if verb == "PORT" else eprt_argument(s.client_ip, s.cs.data_port)
    )
    received = s.command(f"{verb} {argument}")
    parse = parse_port_argument if verb == "PORT" else parse_eprt_argument
    ip, port = parse(received.split(None, 1)[1])
    if ip != s.seen_client and not s.ss.permit_foreign_addresses:
        s.reply(reply_text(sw, "foreign", addr=ip, port=port))
        trouble = helper_trouble(s)
        setting = {
            ServerSoftware.PYFTPDLIB: "permit_foreign_addresses=False",
            ServerSoftware.VSFTPD: "port_promiscuous=NO",
            ServerSoftware.IIS: "matchClientAddressForPort",
        }[sw]
        raise SessionFailure(
            f"{s.server} refuses to connect to {ip}: it is not the client's address as the "
            f"server sees it ({s.seen_client}). That is the server's own policy ({setting}), "
            "bounce protection against the attack RFC 2577 describes" + (f" (and: {trouble})" if trouble else "")
        )
    if port < 1024 and not s.ss.permit_privileged_ports:
        s.reply(reply_text(sw, "privileged", port=port))
        raise SessionFailure(
            f"{s.server} refuses to connect to the privileged port {port} "
            "(RFC 2577 advises servers to refuse PORT to ports below 1024)"
        )
    sport = s.ss.active_source_port(DATA_PORT_SERVER)
    ok = "active_ok" if verb == "PORT" else "eprt_ok"
    if connects_at_port_command(sw):
        result = s.data(s.server, s.client, ip, port, src=s.server_ip, sport=sport)
        at = len(s.steps)
        problem = data_problem(s, result, s.cs.data_port, passive=False)
        s.reply(reply_text(sw, ok if problem is None else "active_fail"))
        if problem is not None:
            raise SessionFailure(problem.reason, at)
        s.exchange("LIST", reply_text(sw, "transfer"))
    else:
        s.reply(reply_text(sw, ok))
        s.exchange("LIST", reply_text(sw, "transfer"))
        result = s.data(s.server, s.client, ip, port, src=s.server_ip, sport=sport)
        at = len(s.steps)
        problem = data_problem(s, result, s.cs.data_port, passive=False)
        if problem is not None:
            s.reply(reply_text(sw, "active_fail"))
            raise SessionFailure(problem.reason, at)
    s.reply(reply_text(sw, "done"))
