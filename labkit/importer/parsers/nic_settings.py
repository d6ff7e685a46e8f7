"""Reading the per-NIC switches: `netsh interface ipv4 show interface` (verbose and the table)
and `Get-NetIPInterface | Format-List *`, and which Windows versions could print each layout."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import ImportInputError


@dataclass(frozen=True)
class NicSettings:
    """What netsh or Get-NetIPInterface says about one NIC; None where that output does not say."""

    name: str
    index: int | None = None
    metric: int | None = None
    automatic_metric: bool | None = None
    forwarding: bool | None = None
    weakhostsend: bool | None = None
    weakhostreceive: bool | None = None


@dataclass(frozen=True)
class NicOutput:
    """One netsh or Get-NetIPInterface output: its NICs, and which Windows versions could print it."""

    kind: str
    nics: tuple[NicSettings, ...]
    versions: frozenset[str] | None = None
    """OS profile names whose layout this is; None when the layout does not tell."""
    notes: tuple[str, ...] = field(default=())


_VISTA_PLUS = (
    "windows-2008",
    "windows-2008r2",
    "windows-2012",
    "windows-2012r2",
    "windows-2016",
    "windows-2019",
    "windows-2022",
)
_NETSH_NEEDED = ("IfIndex", "Metric", "Forwarding", "Weak Host Sends", "Weak Host Receives")


def _flag(value: str, where: str, source: str) -> bool:
    word = value.strip().lower()
    if word not in ("enabled", "disabled"):
        raise ImportInputError(source, f"{where}: expected enabled or disabled, got {value.strip()[:30]!r}")
    return word == "enabled"


def _number(value: str, where: str, source: str) -> int:
    digits = value.strip().split(" ")[0]
    if not digits.isdigit():
        raise ImportInputError(source, f"{where}: expected a whole number, got {value.strip()[:30]!r}")
    return int(digits)


def parse_netsh_verbose(text: str, source: str) -> NicOutput:
    blocks: list[tuple[str, dict[str, str]]] = []
    for line in text.split("\n"):
        header = re.match(r"^Interface (.+) Parameters$", line)
        if header:
            blocks.append((header[1], {}))
            continue
        found = re.match(r"^(\S.*?)\s*: (.*)$", line)
        if found and blocks:
            blocks[-1][1][found[1]] = found[2]
    nics, generations = [], set()
    for name, fields in blocks:
        missing = [label for label in _NETSH_NEEDED if label not in fields]
        if missing:
            raise ImportInputError(
                source, f'"Interface {name} Parameters" has no {missing[0]} line; is the netsh output cut off?'
            )
        where = f'interface "{name}"'
        automatic = fields.get("Use Automatic Metric")
        nics.append(
            NicSettings(
                name,
                _number(fields["IfIndex"], where, source),
                _number(fields["Metric"], where, source),
                None if automatic is None else _flag(automatic, where, source),
                _flag(fields["Forwarding"], where, source),
                _flag(fields["Weak Host Sends"], where, source),
                _flag(fields["Weak Host Receives"], where, source),
            )
        )
        generations.add(_netsh_generation(fields))
    loopback = [n for n in nics if n.name.startswith("Loopback Pseudo-Interface")]
    versions = frozenset.intersection(*generations) if generations else None
    return NicOutput("netsh", tuple(n for n in nics if n not in loopback), versions)


def _netsh_generation(fields: dict[str, str]) -> frozenset[str]:
    """2008 prints Compartment Id and stops at Ignore Default Routes; 2008 R2 adds the wake-up
    lines, 2012 ECN capability, the 2019-era builds two more (docs/import-rules.md)."""
    if "Compartment Id" in fields:
        return frozenset({"windows-2008"})
    if "RA Based DNS Config (RFC 6106)" in fields:
        return frozenset({"windows-2019", "windows-2022"})
    if "ECN capability" in fields:
        return frozenset({"windows-2012", "windows-2012r2", "windows-2016"})
    if "Directed MAC Wake up patterns" in fields:
        return frozenset({"windows-2008r2"})
    return frozenset(_VISTA_PLUS)


def parse_netsh_table(text: str, source: str) -> NicOutput:
    nics = []
    for line in text.split("\n"):
        row = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(connected|disconnected)\s+(.+)$", line)
        if row and not row[5].startswith("Loopback Pseudo-Interface"):
            nics.append(NicSettings(row[5], int(row[1]), int(row[2])))
    if not nics:
        raise ImportInputError(source, "the netsh interface table has no rows; is the output cut off?")
    return NicOutput("netsh", tuple(nics), frozenset(_VISTA_PLUS))


_PS_FLAGS = {"Forwarding": "forwarding", "WeakHostSend": "weakhostsend", "WeakHostReceive": "weakhostreceive"}


def parse_net_ip_interface(text: str, source: str) -> NicOutput:
    blocks: list[dict[str, str]] = [{}]
    for line in text.split("\n"):
        found = re.match(r"^(\S+)\s*: ?(.*)$", line)
        if found:
            if found[1] in blocks[-1]:
                blocks.append({})
            blocks[-1][found[1]] = found[2].strip()
        elif not line.strip() and blocks[-1]:
            blocks.append({})
    nics = []
    for fields in blocks:
        if not fields or fields.get("AddressFamily", "IPv4") != "IPv4":
            continue
        name = fields.get("InterfaceAlias") or fields.get("ifAlias")
        index = fields.get("ifIndex") or fields.get("InterfaceIndex")
        if not name or index is None or "InterfaceMetric" not in fields or "Forwarding" not in fields:
            raise ImportInputError(
                source,
                "a Get-NetIPInterface object lacks InterfaceAlias, ifIndex, "
                "InterfaceMetric or Forwarding; is the output cut off?",
            )
        if name.startswith("Loopback Pseudo-Interface"):
            continue
        where = f'interface "{name}"'
        flags = {key: _flag(fields[ps], where, source) for ps, key in _PS_FLAGS.items() if ps in fields}
        automatic = fields.get("AutomaticMetric")
        nics.append(
            NicSettings(
                name,
                _number(index, where, source),
                _number(fields["InterfaceMetric"], where, source),
                None if automatic is None else _flag(automatic, where, source),
                **flags,
            )
        )
    if not nics:
        raise ImportInputError(
            source,
            "no IPv4 interface in the Get-NetIPInterface output; expected "
            "Get-NetIPInterface -AddressFamily IPv4 | Format-List *",
        )
    return NicOutput(
        "Get-NetIPInterface",
        tuple(nics),
        frozenset({"windows-2012", "windows-2012r2", "windows-2016", "windows-2019", "windows-2022"}),
    )
