"""What an FTP helper (Linux nf_conntrack_ftp + nf_nat_ftp) does with one control-channel line.

The rules, read in the kernel source:
- only connections to the helper's ports are inspected, and only clear text;
- a line is read only if it starts right after a newline the helper saw in the same
  direction, so the first line each way, and the first clear-text line each way after
  TLS (AUTH TLS, then CCC), is passed unread; it only teaches the helper where the next
  line starts;
- client to server it reads PORT/EPRT, server to client 227/229;
- an address in the line other than the packet's own source is NOT RECORDING (no
  expectation, no rewrite) unless the helper is loose; then the expectation is for that
  address;
- where the control connection is NATed at this node, the address is rewritten to the one
  the peer sees and the data connection, when it comes, is sent to the control
  connection's real peer with the control connection's addresses (nf_nat_follow_master).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from .ftp_protocol import (
    FtpSyntaxError,
    parse_227,
    parse_229,
    parse_eprt_argument,
    parse_port_argument,
    replace_eprt,
    replace_six_numbers,
)
from .middlebox import Expectation, Session
from .network import Network
from .vocabulary import Vocabulary, settle


class HelperEventKind(Vocabulary):
    """What an FTP helper did with a control-channel line."""

    OTHER_PORT = "other-port"  # the connection is not to a port the helper watches
    BLIND = "blind"  # the control channel is encrypted (TLS)
    UNSYNCHRONISED = "unsynchronised"  # the line did not start where the helper expected a line
    NOT_RECORDING = "not-recording"  # the address in the line is not the packet's source
    EXPECTS = "expects"  # it expects the data connection (and may have rewritten the line)
    UNREADABLE = "unreadable"  # the line could not be parsed


@dataclass(frozen=True)
class HelperEvent:
    """What one FTP helper did with one control-channel line."""

    node: str
    kind: HelperEventKind
    text: str
    after_tls: bool = False
    """For 'unsynchronised': the helper lost its place because of TLS, not at the start."""
    carries_address: bool = False
    """The line was one the helper looks for (PORT, EPRT, 227, 229)."""

    def __post_init__(self) -> None:
        settle(self, kind=HelperEventKind)

    def to_dict(self) -> dict:
        return {
            "node": self.node,
            "kind": self.kind,
            "text": self.text,
            "after_tls": self.after_tls,
            "carries_address": self.carries_address,
        }


def interesting(text: str, way: str) -> bool:
    verb = text.split()[0].upper() if text else ""
    return verb in ("PORT", "EPRT") if way == "original" else verb in ("227", "229")


def read_line(
    net: Network, session: Session, text: str, way: str, *, protected: bool, unsynced: str | None
) -> tuple[str, HelperEvent | None, Expectation | None]:
    """(the line as it leaves the node, what the helper did, the data connection it expects).

    `way` is 'original' (client to server) or 'reply'; `unsynced` is None when the helper
    knows where this line starts, else 'start' or 'tls' (why it does not).
    """
    node = net.node(session.node)
    helper = node.ftp_helper
    assert helper is not None, f"read_line is called only where a helper watches ({node.name})"
    verb = text.split()[0].upper() if text else ""
    wanted = interesting(text, way)
    if session.original.dport not in helper.ports:
        return (
            text,
            (
                HelperEvent(
                    node.name,
                    HelperEventKind.OTHER_PORT,
                    f"{node.name}: the FTP helper watches port(s) "
                    f"{', '.join(map(str, helper.ports))}, not {session.original.dport}",
                )
                if wanted
                else None
            ),
            None,
        )
    if protected:
        return (
            text,
            (
                HelperEvent(
                    node.name,
                    HelperEventKind.BLIND,
                    f"{node.name}: the FTP helper cannot read the TLS-encrypted "
                    f"control channel: {verb} passes unseen, no rewrite, no expectation",
                )
                if wanted
                else None
            ),
            None,
        )
    if unsynced is not None:
        if unsynced != "tls" and not wanted:
            return text, None, None
        side = "client" if way == "original" else "server"
        cause = "after TLS" if unsynced == "tls" else "of the connection"
        return (
            text,
            HelperEvent(
                node.name,
                HelperEventKind.UNSYNCHRONISED,
                f"{node.name}: first clear-text line from the {side} {cause}: the FTP helper does not read it "
                f"(it reads only a line that starts where the last line it saw ended)"
                + (
                    f", so {verb} is not rewritten and nothing is expected"
                    if wanted
                    else "; it reads this direction again from the next line"
                ),
                unsynced == "tls",
                wanted,
            ),
            None,
        )
    if not wanted:
        return text, None, None
    try:
        return _match(node.name, helper.loose, session, text, way, verb)
    except (FtpSyntaxError, IndexError):
        return (
            text,
            HelperEvent(node.name, HelperEventKind.UNREADABLE, f"{node.name}: the FTP helper could not read {text!r}"),
            None,
        )


def _match(
    name: str, loose: bool, session: Session, text: str, way: str, verb: str
) -> tuple[str, HelperEvent | None, Expectation | None]:
    client_side, _, dialled, _ = session.original
    server_sees, _, real_server, _ = session.translated
    if way == "original":  # PORT/EPRT: the data connection will come from the server
        ip, port = (parse_port_argument if verb == "PORT" else parse_eprt_argument)(text.split(None, 1)[1])
        own, peer_view, expected_from = client_side, server_sees, real_server
        real, master_src = client_side, dialled
    else:
        ip, port = parse_227(text) if verb == "227" else (real_server, parse_229(text))
        own, peer_view, expected_from = real_server, dialled, client_side
        real, master_src = real_server, server_sees
    where = "" if ip == own else f"the address in {verb} ({ip}) is not the packet's source ({own})"
    if where and not loose:
        return (
            text,
            HelperEvent(
                name, HelperEventKind.NOT_RECORDING, f"{name}: {where}: NOT RECORDING (no rewrite, no expectation)"
            ),
            None,
        )
    expected_at: IPv4Address = ip if where else peer_view
    if session.natted:
        to, snat_to = (real, port), master_src
        new = {
            "PORT": lambda: replace_six_numbers(text, peer_view, port),
            "227": lambda: replace_six_numbers(text, peer_view, port),
            "EPRT": lambda: replace_eprt(text, peer_view, port),
            "229": lambda: text,
        }[verb]()
    else:
        to, snat_to, new = (expected_at, port), None, text
    sender = "the client" if way == "original" else "the server"
    expectation = Expectation(name, expected_from, expected_at, port, to, f"{verb} from {sender}", snat_to)
    note = f"{name}: expects a connection from {expected_from} to {expected_at}:{port}"
    if to[0] != expected_at:
        note += f" and will send it on to {to[0]}:{port}"
    if where:
        note += f" (loose helper: {where}, expected all the same)"
    if new != text:
        note += f"; rewrote {ip} to {peer_view}"
    return new, HelperEvent(name, HelperEventKind.EXPECTS, note), expectation
