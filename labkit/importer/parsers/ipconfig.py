"""Reading `ipconfig /all`: the host name, IP routing, and each adapter's addresses with their
masks, gateways, Physical Address and media state (Server 2003's layout and 2008's on)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface

from ..text import ImportInputError


def _ipv4(text: str) -> IPv4Address | None:
    try:
        return IPv4Address(text.strip())
    except ValueError:
        return None


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
