"""Wireshark-ready captures of what the model says happened.

`capture_points(result)` works out, for every interface a session's packets crossed, the
packets as they looked there (addresses after NAT, FTP lines after helpers, TCP sequence
numbers as that wire sees them); `write_pcap(result, directory)` writes one .pcap per
capture point with scapy (the `capture` extra), loaded only when used.
"""

from .wire import CapturePoint, WirePacket, capture_points


def write_pcap(result, directory):
    """One pcap per capture point of an FtpResult or a Trace; returns the paths written."""
    from .pcap import write_pcap as _write
    return _write(result, directory)


__all__ = ["CapturePoint", "WirePacket", "capture_points", "write_pcap"]
