"""Write the model's packets as pcap files with scapy.

scapy (the `capture` extra) builds every header, fills in lengths and checksums, and
writes the classic pcap format Wireshark, tshark and tcpdump read. Only the layers needed
are imported (about 0.6 s, against 1.7 s for scapy.all). Under TLS the payload becomes
TLS records: a real ClientHello/ServerHello from scapy's TLS layer, then application-data
records of the right size filled with bytes that look encrypted (a keyed hash of what
they stand for, so the same session always gives the same file).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .wire import TLS_OVERHEAD, TLS_SIZES, WirePacket, capture_points

SNAPLEN = 65535


def _noise(label: str, size: int) -> bytes:
    return hashlib.shake_256(label.encode()).digest(size)


def _app_record(label: str, size: int, content_type: int = 23) -> bytes:
    """A TLS 1.3 record of `size` bytes in all (header included)."""
    from scapy.layers.tls.record import TLS, TLSApplicationData

    return bytes(TLS(type=content_type, version=0x0303, msg=[TLSApplicationData(data=_noise(label, size - 5))]))


def tls_bytes(packet: WirePacket) -> bytes:
    """The TLS records a packet carries in place of its clear-text payload."""
    from scapy.layers.tls.handshake import TLSClientHello, TLSServerHello
    from scapy.layers.tls.record import TLS, TLSChangeCipherSpec

    if packet.tls is None:
        raise ValueError("tls_bytes: this packet carries clear text (its tls label is None)")
    kind, _, who = packet.tls.partition(":")
    seed = f"{kind}:{who}:{packet.seq}:{packet.payload!r}"
    if kind == "client_hello":
        out = bytes(TLS(msg=[TLSClientHello(gmt_unix_time=0, random_bytes=_noise(seed, 28), ciphers=[0x1301])]))
    elif kind == "server_flight":
        hello = bytes(TLS(msg=[TLSServerHello(gmt_unix_time=0, random_bytes=_noise(seed, 28), cipher=0x1301)]))
        ccs = bytes(TLS(type=20, msg=[TLSChangeCipherSpec()]))
        out = hello + ccs + _app_record(seed, TLS_SIZES["server_flight"] - len(hello) - len(ccs))
    elif kind == "client_finished":
        ccs = bytes(TLS(type=20, msg=[TLSChangeCipherSpec()]))
        out = ccs + _app_record(seed, TLS_SIZES["client_finished"] - len(ccs))
    elif kind == "alert":
        out = _app_record(seed, 24)
    else:
        out = _app_record(seed, len(packet.payload) + TLS_OVERHEAD)
    expected = TLS_SIZES.get(kind, 24 if kind == "alert" else len(packet.payload) + TLS_OVERHEAD)
    if len(out) != expected:
        raise AssertionError(f"TLS {kind} record is {len(out)} bytes, the sequence numbers assume {expected}")
    return out


def to_scapy(packet: WirePacket):
    from scapy.layers.inet import ICMP, IP, TCP, UDP
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw

    ip = IP(src=str(packet.src), dst=str(packet.dst), ttl=packet.ttl)
    if packet.proto == "tcp":
        layer = ip / TCP(
            sport=packet.sport,
            dport=packet.dport,
            flags=packet.flags,
            seq=packet.seq,
            ack=packet.ack,
            window=64240,
            options=[],
        )
        data = tls_bytes(packet) if packet.tls else packet.payload
    elif packet.proto == "udp":
        layer, data = ip / UDP(sport=packet.sport, dport=packet.dport), packet.payload
    else:
        layer, data = ip / ICMP(type=packet.icmp_type or 0, id=1, seq=1), packet.payload
    frame = Ether(src=packet.src_mac, dst=packet.dst_mac) / layer
    if data:
        frame = frame / Raw(load=data)
    frame.time = packet.time
    return frame


def write_pcap(result, directory) -> list[Path]:
    """One file per capture point, named NN-node-interface.pcap in path order."""
    from scapy.utils import PcapWriter

    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(f"cannot create the capture folder {folder}: {err.strerror}") from None
    written = []
    for number, (point, packets) in enumerate(capture_points(result).items(), 1):
        path = folder / f"{number:02d}-{point.name}.pcap"
        writer = PcapWriter(str(path), linktype=1, snaplen=SNAPLEN, sync=False)
        try:
            for packet in packets:
                writer.write(to_scapy(packet))
        finally:
            writer.close()
        written.append(path)
    return written


def ftp_lines(path, code: str | None = None) -> list[str]:
    """The clear-text FTP lines in a capture ("SRC:PORT -> DST:PORT  LINE"), from the model's
    files or a real tcpdump; with `code`, only replies with that code (e.g. "227")."""
    from scapy.layers.inet import IP, TCP
    from scapy.utils import rdpcap

    found = []
    for packet in rdpcap(str(path)):
        if TCP not in packet:
            continue
        data = bytes(packet[TCP].payload)
        line = data[:-2].decode("ascii", "replace")
        if not data.endswith(b"\r\n") or not line or not line.isprintable():
            continue  # a TLS record, a data-channel listing or an empty segment
        if code is None or line.startswith(code + " "):
            t = packet[TCP]
            found.append(f"{packet[IP].src}:{t.sport} -> {packet[IP].dst}:{t.dport}  {line}")
    return found
