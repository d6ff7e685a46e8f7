"""From the bytes an admin saved to clean text, and which command printed it.

Pure functions: the caller reads the file (or standard input) and passes its bytes here.
PowerShell's `>` writes UTF-16 with a byte-order mark, cmd.exe's `>` writes the console code
page, and both end lines with CRLF; all of that is undone here. What cannot be read gets an
ImportInputError whose text is one line naming the source and what was expected.
"""

from __future__ import annotations

import re
from enum import StrEnum

from ..errors import LabkitError

MAX_BYTES = 1_000_000
"""The largest input read: a busy server's `route print` is a few tens of kB; a 10 MB paste is a mistake."""

EXPECTED = (
    "the output of ipconfig /all, route print, netsh interface ipv4 show interface(s) "
    "or Get-NetIPInterface | Format-List *"
)


class ImportInputError(LabkitError, ValueError):
    """Input the importer cannot use; str() is one line: the source, then what was expected."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


class Kind(StrEnum):
    IPCONFIG_ALL = "ipconfig /all"
    ROUTE_PRINT = "route print"
    NETSH_VERBOSE = "netsh interface ipv4 show interface l=verbose"
    NETSH_TABLE = "netsh interface ipv4 show interfaces"
    NET_IP_INTERFACE = "Get-NetIPInterface | Format-List"


def decode(data: bytes, source: str) -> str:
    """The text of a saved command output: UTF-16 (with or without BOM), UTF-8 or an OEM code page,
    with CRLF turned into LF and trailing spaces removed."""
    if len(data) > MAX_BYTES:
        raise ImportInputError(
            source,
            f"{len(data):,} bytes is too much (labkit reads at most {MAX_BYTES:,}); expected {EXPECTED}, a few kB",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16(data, "utf-16", source)
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif len(data) >= 4 and data[1:8:2].count(0) >= 2 and data[0:8:2].count(0) == 0:
        text = _utf16(data, "utf-16-le", source)  # UTF-16 saved without its byte-order mark
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp437")  # cmd.exe's `>` writes the OEM code page (437 on en-US)
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd")
    if bad > max(2, len(text) // 100):
        raise ImportInputError(
            source, f"this is not text ({bad} control or undecodable characters); expected {EXPECTED}, saved as text"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _utf16(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise ImportInputError(source, f"it starts like UTF-16 text but does not decode; expected {EXPECTED}") from None


_NETSH_BLOCK = re.compile(r"^Interface .+ Parameters$", re.M)
_PS_PROPERTY = re.compile(r"^(ifIndex|InterfaceAlias|ifAlias|AddressFamily|InterfaceMetric)\s+: ", re.M)
# ipconfig's dotted labels, in any language: "   Hostname  . . . . . : x".
_DOTTED = re.compile(r"^ {3,8}\S.*?(\. ){2,}.*: ", re.M)


def identify(text: str, source: str) -> Kind:
    """Which command printed this text, from its English headings."""
    if re.search(r"^Windows IP Configuration$", text, re.M):
        if not re.search(r"^ +Host Name[ .]*: ", text, re.M):
            raise ImportInputError(
                source, "this is plain ipconfig (it has no Host Name line); expected the output of ipconfig /all"
            )
        return Kind.IPCONFIG_ALL
    if re.search(r"^Active Routes:$", text, re.M) and (
        re.search(r"^Interface List$", text, re.M) or re.search(r"^Network Destination +Netmask", text, re.M)
    ):
        return Kind.ROUTE_PRINT
    if _NETSH_BLOCK.search(text):
        return Kind.NETSH_VERBOSE
    if re.search(r"^Idx +Met +MTU +State +Name$", text, re.M):
        return Kind.NETSH_TABLE
    if len(_PS_PROPERTY.findall(text)) >= 2 and re.search(r"^Forwarding\s+: ", text, re.M):
        return Kind.NET_IP_INTERFACE
    if re.search(r"^ifIndex +InterfaceAlias +AddressFamily", text, re.M):
        raise ImportInputError(
            source,
            "this is Get-NetIPInterface's table, which leaves out the switches; "
            "expected Get-NetIPInterface | Format-List *",
        )
    raise ImportInputError(source, _unrecognised(text))


def _unrecognised(text: str) -> str:
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return f"the file is empty; expected {EXPECTED}"
    first = lines[0].strip()[:60]
    if _DOTTED.search(text):
        what = "ipconfig /all in another language"
    elif any(line.strip() == "=" * 75 for line in lines):
        what = "route print in another language"
    elif any(set(line.strip()) == {"-"} and len(line.strip()) == 46 for line in lines):
        what = "netsh in another language"
    else:
        return f"found none of the English headings of {EXPECTED} (first line: {first!r})"
    return (
        f"this looks like {what} (first line: {first!r}); labkit reads the English (en-US) "
        f"output only: expected {EXPECTED}"
    )
