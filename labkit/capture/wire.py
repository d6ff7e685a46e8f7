"""What each wire saw: the model's session replayed as TCP segments per capture point.

A capture point is one interface of one node a packet of the session crossed (the client's
NIC, both sides of every router, firewall, NAT and load balancer, the server's NIC). The
packet's addresses at a point come from the connection tables the trace left behind
(netfilter keeps the same record: the tuple on arrival and the tuple on departure); an FTP
line is shown as it was before a helper rewrote it on the helper's near side and as
rewritten on its far side. Sequence numbers are counted per point from the bytes that
wire carried, which is what Linux's sequence adjustment after a rewrite produces.
Everything here is pure: bytes are made by `labkit.capture.pcap`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from ..model.ftp import FtpResult, FtpStep
from ..model.ftp_protocol import (
    FtpSyntaxError,
    Prot,
    TlsMode,
    parse_227,
    parse_229,
    parse_eprt_argument,
    parse_port_argument,
)
from ..model.ftp_result import FtpChannel
from ..model.middlebox import FourTuple
from ..model.trace import Trace

T0 = 1767225600.0
"""2026-01-01 00:00 UTC: fixed times make the same session give byte-identical files."""
GAP = 0.01
HOP_DELAY = 0.0002
ISN = {"client": 1000, "server": 5000}
LISTING = "-rw-r--r--   1 owner    group          35 Jan 01 00:00 readme.txt\r\n"


@dataclass(frozen=True)
class CapturePoint:
    node: str
    interface: str

    @property
    def name(self) -> str:
        return f"{self.node}-{self.interface}"


@dataclass(frozen=True)
class WirePacket:
    """One packet as one capture point saw it."""

    time: float
    src_mac: str
    dst_mac: str
    src: IPv4Address
    dst: IPv4Address
    proto: str
    sport: int | None
    dport: int | None
    ttl: int
    flags: str = ""
    """TCP flags as scapy spells them: S, SA, A, PA, FA, R, RA."""
    seq: int = 0
    ack: int = 0
    payload: bytes = b""
    icmp_type: int | None = None
    tls: str | None = None
    """None: payload is clear text; else a label for labkit.capture.pcap to make TLS records."""


def mac_of(node: str, interface: str) -> str:
    digest = hashlib.blake2s(f"{node}/{interface}".encode(), digest_size=5).hexdigest()
    return "02:" + ":".join(digest[i : i + 2] for i in range(0, 10, 2))


@dataclass(frozen=True)
class _Crossing:
    """Where one direction of a connection crossed one interface, and its tuple there."""

    point: CapturePoint
    hop: int
    side: str
    """'in' (arriving at the hop's node) or 'out' (leaving it)."""
    four: FourTuple
    src_mac: str
    dst_mac: str
    ttl: int


def _crossings(result: Trace) -> list[_Crossing]:
    """Every interface the traced packet crossed, in order (a dropped packet reached only
    the near side of the node that dropped it)."""
    out: list[_Crossing] = []
    four = FourTuple(result.src, result.sport, result.dst, result.dport)
    hops = result.hops
    for i, hop in enumerate(hops):
        if hop.in_iface is not None and i > 0:
            prev = hops[i - 1]
            out.append(
                _Crossing(
                    CapturePoint(hop.node, hop.in_iface),
                    i,
                    "in",
                    four,
                    mac_of(prev.node, prev.out_iface or "?"),
                    mac_of(hop.node, hop.in_iface),
                    65 - i,
                )
            )
        four = _translated(result, hop.node, four)
        last = i == len(hops) - 1
        if hop.out_iface is not None and not last:
            nxt = hops[i + 1]
            out.append(
                _Crossing(
                    CapturePoint(hop.node, hop.out_iface),
                    i,
                    "out",
                    four,
                    mac_of(hop.node, hop.out_iface),
                    mac_of(nxt.node, nxt.in_iface or "?"),
                    64 - i,
                )
            )
    return out


def _translated(result: Trace, node: str, four: FourTuple) -> FourTuple:
    for session in reversed(result.state.sessions):
        if session.node != node or session.proto != result.proto:
            continue
        if session.original == four:
            return session.translated
        if session.translated.reverse() == four:
            return session.original.reverse()
    return four


@dataclass
class _Connection:
    """One TCP connection being written out: its crossings and each point's byte counts."""

    forward: list[_Crossing]
    backward: list[_Crossing]
    sent: dict = field(default_factory=dict)
    """(point, 'client'|'server') -> bytes of sequence space used so far at that point."""


class _Capture:
    def __init__(self) -> None:
        self.packets: dict[CapturePoint, list[WirePacket]] = {}
        self.clock = T0

    def tick(self, gap: float = GAP) -> None:
        self.clock += gap

    def emit(self, crossings: list[_Crossing], proto: str, **fields) -> None:
        for c in crossings:
            src, sport, dst, dport = c.four
            packet = WirePacket(
                self.clock + c.hop * HOP_DELAY, c.src_mac, c.dst_mac, src, dst, proto, sport, dport, c.ttl, **fields
            )
            self.packets.setdefault(c.point, []).append(packet)
        self.tick()

    def segment(
        self,
        conn: _Connection,
        side: str,
        flags: str,
        payload: bytes | list[bytes] = b"",
        *,
        tls: str | None = None,
        length: int | None = None,
    ) -> None:
        """A TCP segment from `side` (payload: one for all points, or one per crossing);
        each point numbers it from its own byte counts."""
        crossings = conn.forward if side == "client" else conn.backward
        other = "server" if side == "client" else "client"
        for n, c in enumerate(crossings):
            data = payload[n] if isinstance(payload, list) else payload
            size = len(data) if length is None else length
            seq = ISN[side] + conn.sent.get((c.point, side), 0)
            ack = ISN[other] + conn.sent.get((c.point, other), 0) if "A" in flags else 0
            src, sport, dst, dport = c.four
            packet = WirePacket(
                self.clock + c.hop * HOP_DELAY,
                c.src_mac,
                c.dst_mac,
                src,
                dst,
                "tcp",
                sport,
                dport,
                c.ttl,
                flags,
                seq,
                ack,
                data,
                tls=tls,
            )
            self.packets.setdefault(c.point, []).append(packet)
            conn.sent[(c.point, side)] = (
                conn.sent.get((c.point, side), 0) + size + (1 if "S" in flags or "F" in flags else 0)
            )
        self.tick()

    def ordered(self, first: list[CapturePoint]) -> dict[CapturePoint, tuple[WirePacket, ...]]:
        order = list(dict.fromkeys(first + list(self.packets)))
        return {p: tuple(sorted(self.packets[p], key=lambda w: w.time)) for p in order if p in self.packets}


def _connection(result: Trace) -> _Connection:
    return _Connection(_crossings(result), _crossings(result.reply) if result.reply is not None else [])


def _handshake(cap: _Capture, conn: _Connection, result: Trace, listening: bool) -> bool:
    """SYN, then SYN/ACK and ACK, or a reset; True when the connection is open."""
    cap.segment(conn, "client", "S")
    if not result.accepted or result.reply is None:
        return False
    if not listening:
        cap.segment(conn, "server", "RA")
        return False
    cap.segment(conn, "server", "SA")
    if not result.reply.succeeded:
        return False
    cap.segment(conn, "client", "A")
    return True


def _close(cap: _Capture, conn: _Connection, first: str) -> None:
    second = "server" if first == "client" else "client"
    cap.segment(conn, first, "FA")
    cap.segment(conn, second, "FA")
    cap.segment(conn, first, "A")


def _line(text: str) -> bytes:
    return (text + "\r\n").encode()


def _deliver(cap: _Capture, conn: _Connection, step: FtpStep, side: str, tls: bool) -> None:
    """One control line: as sent up to the helper that rewrote it, as rewritten after it."""
    receiver = "server" if side == "client" else "client"
    if tls:
        size = len(step.sent) + 2 + TLS_OVERHEAD
        cap.segment(conn, side, "PA", _line(step.sent), tls=f"data:{side}", length=size)
    else:
        rewrites = {r.node: r.after for r in step.rewrites}
        text, payloads = step.sent, []
        for c in conn.forward if side == "client" else conn.backward:
            if c.side == "out" and c.point.node in rewrites:
                text = rewrites.pop(c.point.node)
            payloads.append(_line(text))
        cap.segment(conn, side, "PA", payloads)
    cap.segment(conn, receiver, "A")


def _listening_port(steps: tuple[FtpStep, ...], upto: int, passive: bool) -> int | None:
    """The port the data connection's receiver listens on: from the last PASV/EPSV reply or
    PORT/EPRT command as its sender wrote it."""
    for step in reversed(steps[:upto]):
        if step.channel is not FtpChannel.CONTROL:
            continue
        verb = step.sent.split()[0].upper() if step.sent else ""
        try:
            if passive and verb == "227":
                return parse_227(step.sent)[1]
            if passive and verb == "229":
                return parse_229(step.sent)
            if not passive and verb in ("PORT", "EPRT"):
                parse = parse_port_argument if verb == "PORT" else parse_eprt_argument
                return parse(step.sent.split(None, 1)[1])[1]
        except (FtpSyntaxError, IndexError):
            return None
    return None


def _session_packets(result: FtpResult) -> _Capture:
    cap = _Capture()
    s = result.settings
    control, conn = None, None
    protected = s.tls is TlsMode.IMPLICIT
    data_tls = s.tls is not TlsMode.NONE and s.prot is Prot.P
    pending_auth = pending_ccc = transfer_started = False
    waiting = None
    """An open data connection whose listing flows once the server says 125/150."""
    for number, step in enumerate(result.steps, 1):
        if step.channel is FtpChannel.CONTROL and step.trace is not None:
            control, conn = step.trace, _connection(step.trace)
            if _handshake(cap, conn, control, control.last_hop.node == result.server) and protected:
                _tls_handshake(cap, conn, "control")
            continue
        if step.channel is FtpChannel.CONTROL:
            if conn is None or control is None or not (control.reply and control.reply.succeeded):
                continue
            side = "client" if step.sender == result.client else "server"
            _deliver(cap, conn, step, side, protected)
            verb = step.sent.split()[0].upper() if step.sent else ""
            if side == "client":
                pending_auth, pending_ccc = verb == "AUTH", verb == "CCC"
                transfer_started = transfer_started and verb != "LIST"
            elif pending_auth and step.received.startswith("234"):
                protected = True
                _tls_handshake(cap, conn, "control")
            elif pending_ccc and step.received.startswith("200"):
                cap.segment(conn, "client", "PA", b"", tls="alert:client", length=24)
                cap.segment(conn, "server", "PA", b"", tls="alert:server", length=24)
                protected = False
            elif verb in ("125", "150"):
                transfer_started = True
                if waiting is not None:
                    _transfer(cap, *waiting, data_tls)
                    waiting = None
            if verb == "221" and result.succeeded:
                _close(cap, conn, "server")
            continue
        data = step.trace
        if data is None:  # no packet was traced for this step, so none reached the wire
            continue
        passive = step.sender == result.client
        port = _listening_port(result.steps, number - 1, passive)
        listening = (
            data.accepted
            and data.last_hop.node == step.receiver
            and data.delivered is not None
            and data.delivered.dport == port
        )
        dconn = _connection(data)
        if not _handshake(cap, dconn, data, listening) or number == result.failed_step:
            if listening and data.reply is not None and data.reply.succeeded:
                _close(cap, dconn, "server" if passive else "client")
            continue
        if data_tls:
            _tls_handshake(cap, dconn, "data")
        waiting = (dconn, "server" if passive else "client")
        if transfer_started:  # IIS and vsftpd connect after LIST and 150
            _transfer(cap, *waiting, data_tls)
            waiting = None
    return cap


def _transfer(cap: _Capture, conn: _Connection, sender: str, tls: bool) -> None:
    """The listing, acknowledged, then the sender closes."""
    receiver = "client" if sender == "server" else "server"
    if tls:
        cap.segment(conn, sender, "PA", LISTING.encode(), tls=f"data:{sender}", length=len(LISTING) + TLS_OVERHEAD)
    else:
        cap.segment(conn, sender, "PA", LISTING.encode())
    cap.segment(conn, receiver, "A")
    _close(cap, conn, sender)


def _tls_handshake(cap: _Capture, conn: _Connection, label: str) -> None:
    """ClientHello, the server's flight, the client's Finished: sizes only matter here."""
    cap.segment(conn, "client", "PA", b"", tls=f"client_hello:{label}", length=TLS_SIZES["client_hello"])
    cap.segment(conn, "server", "PA", b"", tls=f"server_flight:{label}", length=TLS_SIZES["server_flight"])
    cap.segment(conn, "client", "PA", b"", tls=f"client_finished:{label}", length=TLS_SIZES["client_finished"])
    cap.segment(conn, "server", "A")


TLS_OVERHEAD = 22
"""A TLS 1.3 record around n bytes of application data: 5 header + n + 1 type + 16 tag."""
TLS_SIZES = {"client_hello": 50, "server_flight": 158, "client_finished": 58}
"""Record bytes labkit.capture.pcap writes for each handshake flight (checked by a test)."""


def _trace_packets(result: Trace) -> _Capture:
    cap = _Capture()
    if result.proto == "tcp":
        conn = _connection(result)
        cap.segment(conn, "client", "S")
        if result.accepted and result.reply is not None:
            cap.segment(conn, "server", "SA")
        return cap
    cap.emit(_crossings(result), result.proto, icmp_type=8 if result.proto == "icmp" else None)
    if result.accepted and result.reply is not None:
        cap.emit(_crossings(result.reply), result.proto, icmp_type=0 if result.proto == "icmp" else None)
    return cap


def capture_points(result: FtpResult | Trace) -> dict[CapturePoint, tuple[WirePacket, ...]]:
    """Packets per capture point, points in the order the first connection crossed them."""
    if isinstance(result, FtpResult):
        cap = _session_packets(result)
        first = result.steps[0].trace if result.steps and result.steps[0].trace else None
    elif isinstance(result, Trace):
        cap, first = _trace_packets(result), result
    else:
        raise TypeError(f"expected an FtpResult or a Trace, got {type(result).__name__}")
    order = [c.point for c in _crossings(first)] if first is not None else []
    return cap.ordered(order)
