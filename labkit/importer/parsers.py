"""Reading the text of ipconfig /all, route print, netsh and Get-NetIPInterface into plain values.

Layouts as Microsoft and real captures show them on Server 2003 to 2022 (docs/import-rules.md).
Each parser takes decoded text (labkit.importer.text.decode) and the source name for messages;
anything it cannot read raises ImportInputError naming the source, the line and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from .text import ImportInputError

RULE = "=" * 75


def _ipv4(text: str) -> IPv4Address | None:
    try:
        return IPv4Address(text.strip())
    except ValueError:
        return None


# --- ipconfig /all -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Adapter:
    name: str
    """The connection name in the header: `Ethernet adapter NAME:`."""
    kind: str
    description: str = ""
    mac: str = ""
    """Physical Address, upper-case with dashes ('' when not shown)."""
    addresses: tuple[IPv4Interface, ...] = ()
    gateways: tuple[IPv4Address, ...] = ()
    disconnected: bool = False
    autoconfigured: tuple[IPv4Address, ...] = ()
    """Addresses Windows gave itself (APIPA, 169.254.x.y) because DHCP did not answer."""


@dataclass(frozen=True)
class IpconfigAll:
    host_name: str
    legacy: bool
    """Server 2003's layout: 8-space indent, `IP Address`."""
    ip_routing: bool
    adapters: tuple[Adapter, ...]


_FIELD = re.compile(r"^(?P<indent> +)(?P<label>[^.:\s][^.:]*?)[ .]*:(?: (?P<value>.*))?$")
_ADAPTER = re.compile(r"^(?P<kind>.*? adapter) (?P<name>.+):$")
_PROMPT = re.compile(r"^(PS )?[A-Za-z]:\\[^>]*>")
"""cmd's or PowerShell's prompt, pasted along with the output."""
_ADDRESS_LABELS = ("IPv4 Address", "IP Address", "Autoconfiguration IPv4 Address", "Autoconfiguration IP Address")


def parse_ipconfig_all(text: str, source: str) -> IpconfigAll:
    host: dict[str, str] = {}
    adapters: list[dict] = []
    label = None
    legacy = False
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.strip() == "Windows IP Configuration" or _PROMPT.match(line):
            continue
        header = _ADAPTER.match(line)
        if header and not line.startswith(" "):
            adapters.append({"name": header["name"], "kind": header["kind"], "fields": []})
            label = None
            continue
        found = _FIELD.match(line)
        if found and len(found["indent"]) <= 8:
            label, value = found["label"].strip(), (found["value"] or "").strip()
            legacy = legacy or len(found["indent"]) == 8
            if adapters:
                adapters[-1]["fields"].append([label, value])
            else:
                host[label] = value
            continue
        if line.startswith(" " * 30) and label is not None and adapters:
            adapters[-1]["fields"][-1].append(line.strip())  # a further gateway / DNS server
            continue
        if not line.startswith(" ") and label is not None and adapters and not line.endswith(":"):
            adapters[-1]["fields"][-1][-1] += line.strip()  # an 80-column console wrapped a long value
            continue
        if adapters or host:
            raise ImportInputError(
                source,
                f"line {number}: expected an ipconfig /all line such as "
                f"'   IPv4 Address. . . : 10.0.0.20', got {line.strip()[:60]!r}",
            )
    if "Host Name" not in host:
        raise ImportInputError(source, "no Host Name line before the adapters; expected ipconfig /all")
    if not adapters:
        raise ImportInputError(
            source, "no adapter section (such as 'Ethernet adapter Ethernet:'); is the ipconfig /all output cut off?"
        )
    return IpconfigAll(
        host["Host Name"],
        legacy,
        host.get("IP Routing Enabled", "No").lower() == "yes",
        tuple(_adapter(a, source) for a in adapters),
    )


def _adapter(raw: dict, source: str) -> Adapter:
    addresses, gateways, auto = [], [], []
    pending: IPv4Address | None = None
    values: dict[str, str] = {}
    for label, *given in raw["fields"]:
        first = re.sub(r"\(.*\)$", "", given[0]).strip() if given else ""
        values.setdefault(label, first)
        if label in _ADDRESS_LABELS:
            address = _ipv4(first)
            if address is not None and address.is_unspecified:
                address = None  # 0.0.0.0: DHCP has not answered yet, no address
                pending = IPv4Address(0)
            if address is not None:  # 2003 lists IPv6 addresses as `IP Address` too
                if pending is not None:
                    raise _no_mask(raw["name"], pending, source)
                pending = address
                if label.startswith("Autoconfiguration"):
                    auto.append(address)
        elif label == "Subnet Mask" and pending == IPv4Address(0):
            pending = None
        elif label == "Subnet Mask" and pending is not None:
            try:
                addresses.append(IPv4Interface(f"{pending}/{first}"))
            except ValueError:
                raise ImportInputError(
                    source,
                    f'adapter "{raw["name"]}": expected a subnet mask like 255.255.255.0 for {pending}, got {first!r}',
                ) from None
            pending = None
        elif label == "Default Gateway":
            candidates = [re.sub(r"\(.*\)$", "", g).strip() for g in given]
            gateways += [g for g in map(_ipv4, candidates) if g is not None]
    if pending is not None:
        raise _no_mask(raw["name"], pending, source)
    media = values.get("Media State", "")
    return Adapter(
        raw["name"],
        raw["kind"],
        values.get("Description", ""),
        values.get("Physical Address", "").upper(),
        tuple(addresses),
        tuple(gateways),
        media.lower() == "media disconnected",
        tuple(auto),
    )


def _no_mask(name: str, address: IPv4Address, source: str) -> ImportInputError:
    return ImportInputError(
        source, f'adapter "{name}": {address} has no Subnet Mask line after it; is the ipconfig /all output cut off?'
    )


# --- route print -------------------------------------------------------------------------------


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


# --- per-NIC switches: netsh and Get-NetIPInterface --------------------------------------------


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
