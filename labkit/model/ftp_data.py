"""Why an FTP data connection fails, in a learner's words: where it was dialled, what the
FTP helpers on the way could or could not read, and the server's same-client-address check."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from .ftp_alg import HelperEventKind
from .ftp_play import SessionFailure, SessionInPlay
from .ftp_protocol import ServerSoftware, reply_text
from .trace import Trace


def helper_trouble(s: SessionInPlay) -> str | None:
    """A helper's own explanation of why it did not help (wrong port, NOT RECORDING)."""
    for step in s.steps:
        for event in step.helpers:
            if event.kind in (HelperEventKind.OTHER_PORT, HelperEventKind.NOT_RECORDING):
                return event.text
    return None


def skipped_after_tls(s: SessionInPlay) -> bool:
    """A helper let the PORT/EPRT/227/229 line pass unread because TLS had just ended."""
    return any(
        e.kind is HelperEventKind.UNSYNCHRONISED and e.after_tls and e.carries_address
        for step in s.steps
        for e in step.helpers
    )


def check_data(
    s: SessionInPlay,
    result: Trace,
    port: int,
    dial: IPv4Address,
    advertised: IPv4Address | None,
    passive: bool,
    sw: ServerSoftware,
) -> None:
    problem = data_problem(s, result, port, passive)
    if problem is None:
        return
    at = len(s.steps)
    if problem.foreign_source and result.delivered is not None:
        s.reply(reply_text(sw, "pasv_foreign", addr=result.delivered.src, port=result.delivered.sport))
    raise SessionFailure(problem.reason, at)


@dataclass(frozen=True)
class DataProblem:
    reason: str
    """Why the data connection fails, in a learner's words."""
    foreign_source: bool = False
    """The server refuses it because it comes from another address than the control connection."""


def data_problem(s: SessionInPlay, result: Trace, port: int, passive: bool) -> DataProblem | None:
    """Why the data connection fails, or None."""
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
                elif skipped_after_tls(s):
                    why += (
                        ", because the firewall's FTP helper skipped the 227 reply: it was the first clear-text "
                        "line from the server after CCC"
                    )
                elif not s.helpers:
                    why += ", because nothing on the way rewrote it (no FTP helper, no external address on the server)"
        elif s.blinded:
            why += "; no FTP helper could read the encrypted control channel, so nothing expects this connection"
        elif skipped_after_tls(s):
            why += "; the FTP helper skipped the first clear-text line after CCC, so nothing expects this connection"
        trouble = helper_trouble(s)
        return DataProblem(f"{why}: {result.reason}" + (f" (and: {trouble})" if trouble and not s.blinded else ""))
    delivered = result.delivered
    assert delivered is not None, "an accepted trace has its delivered packet"
    landed = result.last_hop.node
    balancers = [h.node for h in result.hops if s.net.node(h.node).load_balancer is not None]
    if landed != target or delivered.dport != port:
        return DataProblem(
            f"the data connection to {dialled} reached {landed}:{delivered.dport}, but "
            f"{target} listens on port {port}: nothing answers there"
            + (
                f" ({balancers[0]} picked another backend than the one that sent the 227)"
                if passive and balancers and landed != target
                else ""
            )
        )
    if passive and s.ss.match_client_address and delivered.src != s.seen_client:
        setting = {
            ServerSoftware.IIS: "IIS matchClientAddressForPasv",
            ServerSoftware.VSFTPD: "vsftpd pasv_promiscuous=NO",
            ServerSoftware.PYFTPDLIB: "pyftpdlib's permit_foreign_addresses=False",
        }[s.ss.software]
        return DataProblem(
            f"the data connection comes from {delivered.src}, the control connection from "
            f"{s.seen_client}: {s.server} rejects it (same-client-address check, {setting})",
            True,
        )
    if result.reply is None or not result.reply.succeeded:
        return DataProblem(
            f"the answer on the data connection does not get back: {result.reply.reason if result.reply else ''}"
        )
    return None
