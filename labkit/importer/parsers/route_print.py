"""Reading `route print`: the Interface List, the IPv4 active routes and the persistent routes
(Server 2003's hexadecimal indexes and 2008's On-link alike)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from ..text import ImportInputError

RULE = "=" * 75


@dataclass(frozen=True)
class ListedInterface:
    index: int
    mac: str
    """Upper-case with dashes, '' for the loopback and adapters without one."""
    description: str


@dataclass(frozen=True)
class ActiveRow:
    destination: IPv4Network
    gateway: IPv4Address | None
    """None: On-link (2008+), or the interface's own address (2003)."""
    interface: IPv4Address
    metric: int


@dataclass(frozen=True)
class PersistentRow:
    destination: IPv4Network
    gateway: IPv4Address
    metric: int | None
    """None: `Default` (a gateway typed into the adapter's properties with Automatic metric)."""


@dataclass(frozen=True)
class RoutePrint:
    legacy: bool
    """Server 2003's layout: hexadecimal indexes, no On-link, metrics without the interface metric."""
    interfaces: tuple[ListedInterface, ...]
    active: tuple[ActiveRow, ...]
    persistent: tuple[PersistentRow, ...]
    persistent_shown: bool = True
    """False for an excerpt without the Persistent Routes section: which routes persist is unknown."""


_LISTED = re.compile(r"^\s*(?:0x(?P<hex>[0-9a-fA-F]+) \.\.\.|(?P<dec>\d+)\.\.\.)(?P<rest>.*)$")
_MAC = re.compile(r"^((?:[0-9a-fA-F]{2} ){5}[0-9a-fA-F]{2}) \.")


def parse_route_print(text: str, source: str) -> RoutePrint:
    lines = text.split("\n")
    legacy = not any(line == "IPv4 Route Table" for line in lines)
    start = lines.index("Interface List") + 1 if "Interface List" in lines else len(lines)
    interfaces = []
    for line in lines[start:]:
        if line == RULE:
            break
        found = _LISTED.match(line)
        if found is None:
            raise ImportInputError(
                source,
                f"line {start + 1}: expected an Interface List line like "
                f"' 12...00 15 5d 01 02 03 ......Description', got {line.strip()[:60]!r}",
            )
        index = int(found["hex"], 16) if found["hex"] else int(found["dec"])
        rest = found["rest"]
        mac = _MAC.match(rest)
        description = rest[24:] if not found["hex"] else re.sub(r"^[0-9a-fA-F .]*?\.+ ?", "", rest)
        interfaces.append(ListedInterface(index, mac[1].replace(" ", "-").upper() if mac else "", description.strip()))
        start += 1
    active_at = lines.index("Active Routes:")
    if "Persistent Routes:" in lines[active_at:]:
        persistent_at = lines.index("Persistent Routes:", active_at)
    elif RULE in lines[active_at:]:
        persistent_at = lines.index(RULE, active_at)  # an excerpt: the active table alone, closed
    else:
        raise ImportInputError(
            source,
            "the active routes end without the closing ===== line and no "
            "'Persistent Routes:' follows; is the route print output cut off?",
        )
    active = [_active_row(n + 1, lines[n], source) for n in range(active_at + 1, persistent_at) if _is_row(lines[n])]
    persistent = []
    for n in range(persistent_at + 1, len(lines)):
        if lines[n] in (RULE, "") or lines[n].startswith("IPv6"):
            break
        if _is_row(lines[n]):
            persistent.append(_persistent_row(n + 1, lines[n], source))
    shown = "Persistent Routes:" in lines[active_at:]
    return RoutePrint(legacy, tuple(interfaces), tuple(active), tuple(persistent), shown)


def _is_row(line: str) -> bool:
    """A table row, not a heading, a rule, `None` or 2003's `Default Gateway:` line."""
    stripped = line.strip()
    return bool(stripped) and stripped[0].isdigit() and ":" not in stripped and line != RULE


def _network(dest: str, mask: str) -> IPv4Network:
    return IPv4Network(f"{dest}/{mask}")


def _active_row(number: int, line: str, source: str) -> ActiveRow:
    words = line.split()
    try:
        if len(words) != 5:
            raise ValueError
        dest, mask, gateway, interface, metric = words
        gw = None if gateway == "On-link" else IPv4Address(gateway)
        return ActiveRow(_network(dest, mask), gw, IPv4Address(interface), int(metric))
    except ValueError:
        raise ImportInputError(
            source,
            f"line {number}: expected an active route (destination, netmask, gateway, "
            f"interface, metric), got {line.strip()[:70]!r}",
        ) from None


def _persistent_row(number: int, line: str, source: str) -> PersistentRow:
    words = line.split()
    try:
        if len(words) != 4:
            raise ValueError
        dest, mask, gateway, metric = words
        return PersistentRow(_network(dest, mask), IPv4Address(gateway), None if metric == "Default" else int(metric))
    except ValueError:
        raise ImportInputError(
            source,
            f"line {number}: expected a persistent route (network address, netmask, "
            f"gateway address, metric), got {line.strip()[:70]!r}",
        ) from None
