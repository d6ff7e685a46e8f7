"""Wireshark-ready captures of what the model says happened.

`capture_points(result)` works out, for every interface a session's packets crossed, the
packets as they looked there (addresses after NAT, FTP lines after helpers, TCP sequence
numbers as that wire sees them); `write_pcap(result, directory)` writes one .pcap per
capture point with scapy (the `capture` extra), loaded only when used.
"""

import os
from pathlib import Path

from .wire import CapturePoint, WirePacket, capture_points

SHIPPED_CAPTURES = Path(os.environ.get("LABKIT_DATA") or Path(__file__).resolve().parents[1] / "data") / "captures"
KERNEL_SEED_CAPTURE = SHIPPED_CAPTURES / "kernel-lab-ftp-nat-seed"
"""tcpdump's files from `labkit kernel-lab ftp-nat-seed` (node-interface.pcap): a real session."""


def write_pcap(result, directory):
    """One pcap per capture point of an FtpResult or a Trace; returns the paths written."""
    from .pcap import write_pcap as _write

    return _write(result, directory)


def ftp_lines(path, code=None):
    """The clear-text FTP lines in a pcap (the model's or tcpdump's); see labkit.capture.pcap."""
    from .pcap import ftp_lines as _lines

    return _lines(path, code)


__all__ = [
    "KERNEL_SEED_CAPTURE",
    "SHIPPED_CAPTURES",
    "CapturePoint",
    "WirePacket",
    "capture_points",
    "ftp_lines",
    "write_pcap",
]
