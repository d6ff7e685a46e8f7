"""FTP's embedded addresses: reading and writing PORT, EPRT, 227 and 229 (RFC 959, RFC 2428).

Parsers are lenient the way RFC 1123 asks (a 227 reply is scanned for its first digit,
so pyftpdlib's lower-case "passive mode" and trailing dot are fine); writers produce the
canonical forms.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address

_SIX_NUMBERS = re.compile(r"(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})")


class FtpSyntaxError(ValueError):
    """A PORT/EPRT argument or a 227/229 reply that cannot be read."""


def _from_six(numbers) -> tuple[IPv4Address, int]:
    values = [int(n) for n in numbers]
    if any(v > 255 for v in values):
        raise FtpSyntaxError(f"each of the six numbers must be 0-255, got {','.join(map(str, values))}")
    h1, h2, h3, h4, p1, p2 = values
    return IPv4Address(f"{h1}.{h2}.{h3}.{h4}"), p1 * 256 + p2


def six_numbers(address: IPv4Address, port: int) -> str:
    """'h1,h2,h3,h4,p1,p2' with port = p1*256 + p2."""
    if not 0 <= port <= 65535:
        raise FtpSyntaxError(f"port must be 0-65535, got {port}")
    return ",".join([*str(address).split("."), str(port // 256), str(port % 256)])


def parse_port_argument(argument: str) -> tuple[IPv4Address, int]:
    """The argument of `PORT h1,h2,h3,h4,p1,p2`."""
    match = _SIX_NUMBERS.fullmatch(argument.strip())
    if not match:
        raise FtpSyntaxError(f"expected PORT h1,h2,h3,h4,p1,p2, got {argument!r}")
    return _from_six(match.groups())


def parse_227(reply: str) -> tuple[IPv4Address, int]:
    """Address and port of a '227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)' reply."""
    if not reply.startswith("227"):
        raise FtpSyntaxError(f"expected a 227 reply, got {reply!r}")
    match = _SIX_NUMBERS.search(reply[3:])
    if not match:
        raise FtpSyntaxError(f"no h1,h2,h3,h4,p1,p2 in {reply!r}")
    return _from_six(match.groups())


def parse_eprt_argument(argument: str) -> tuple[IPv4Address, int]:
    """The argument of `EPRT |1|132.235.1.2|6275|` (any delimiter, IPv4 only here)."""
    text = argument.strip()
    if len(text) < 2 or not 33 <= ord(text[0]) <= 126 or text[0] != text[-1]:
        raise FtpSyntaxError(f"expected EPRT |1|address|port|, got {argument!r}")
    parts = text[1:-1].split(text[0])
    if len(parts) != 3 or not parts[2].isdigit():
        raise FtpSyntaxError(f"expected EPRT |1|address|port|, got {argument!r}")
    if parts[0] != "1":
        raise FtpSyntaxError(f"only address family 1 (IPv4) is modelled, got {parts[0]!r}")
    try:
        address = IPv4Address(parts[1])
    except ValueError:
        raise FtpSyntaxError(f"bad IPv4 address in EPRT: {parts[1]!r}") from None
    port = int(parts[2])
    if not 0 < port <= 65535:
        raise FtpSyntaxError(f"port must be 1-65535, got {port}")
    return address, port


def eprt_argument(address: IPv4Address, port: int) -> str:
    return f"|1|{address}|{port}|"


def parse_229(reply: str) -> int:
    """Port of '229 Entering Extended Passive Mode (|||6446|)' (any delimiter)."""
    if not reply.startswith("229"):
        raise FtpSyntaxError(f"expected a 229 reply, got {reply!r}")
    start, end = reply.find("("), reply.rfind(")")
    if start < 0 or end < start:
        raise FtpSyntaxError(f"no (|||port|) in {reply!r}")
    inner = reply[start + 1:end]
    if len(inner) < 5 or len(set(inner[:3] + inner[-1])) != 1 or not inner[3:-1].isdigit():
        raise FtpSyntaxError(f"expected (|||port|) in {reply!r}")
    port = int(inner[3:-1])
    if not 0 < port <= 65535:
        raise FtpSyntaxError(f"port must be 1-65535, got {port}")
    return port


def replace_six_numbers(text: str, address: IPv4Address, port: int) -> str:
    """The same line with its h1,…,p2 group replaced (how a NAT helper mangles PORT/227)."""
    return _SIX_NUMBERS.sub(six_numbers(address, port), text, count=1)


def replace_eprt(text: str, address: IPv4Address, port: int) -> str:
    """The same EPRT line with address and port replaced (the delimiter becomes '|')."""
    verb, _, _ = text.partition(" ")
    return f"{verb} {eprt_argument(address, port)}"
