"""Rewriting addresses and names in imported outputs so a learner can share the result.

Consistent and deterministic for a given seed (docs/import-rules.md):
- an address maps to one new address everywhere; the mapping is prefix-preserving (two addresses
  share their first k bits after the mapping exactly when they did before), so subnets stay subnets,
  a route's destination still holds the same NICs' subnets and a gateway stays in its subnet;
- the host part inside a NIC's own subnet is kept, so .1 stays .1 and network and broadcast
  addresses stay what they are;
- private ranges stay private (10/8, 172.16/12, 192.168/16 keep their leading bits), public
  addresses move into 100.64.0.0/10; loopback, multicast, 0.0.0.0 and 255.255.255.255 are kept;
- servers become host1, host2 …, their adapters "NIC 1", "NIC 2" …, descriptions and MACs are
  replaced (a unicast NLB MAC 02-BF-… follows its cluster address).
Anyone who knows the seed can test guesses against the mapping: choose your own seed to share.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from .build import ServerOutputs
from .parsers import NicOutput

_KEPT = (IPv4Network("0.0.0.0/8"), IPv4Network("127.0.0.0/8"), IPv4Network("224.0.0.0/3"))
_PRIVATE = (
    IPv4Network("10.0.0.0/8"),
    IPv4Network("172.16.0.0/12"),
    IPv4Network("192.168.0.0/16"),
    IPv4Network("169.254.0.0/16"),
    IPv4Network("100.64.0.0/10"),
)
_PUBLIC_INTO = IPv4Network("100.64.0.0/10")


class AddressMap:
    """The prefix-preserving address mapping for one seed and one set of known subnets."""

    def __init__(self, seed: int, subnets: set[IPv4Network], salt: int = 0):
        self._key = f"labkit-anonymise:{seed}:{salt}".encode()
        self._subnets = sorted(subnets, key=lambda n: -n.prefixlen)

    def _flips(self, value: int, start: int, stop: int) -> int:
        out = value
        for bit in range(start, stop):
            prefix = value >> (32 - bit) if bit else 0
            digest = hmac.new(self._key, f"{bit}:{prefix}".encode(), hashlib.sha256).digest()
            out ^= (digest[0] & 1) << (31 - bit)
        return out

    def _map(self, value: int, stop: int) -> int:
        address = IPv4Address(value)
        if any(address in net for net in _KEPT) or value == 0xFFFFFFFF:
            return value
        private = next((net for net in _PRIVATE if address in net), None)
        if private is not None:
            return self._flips(value, private.prefixlen, stop)
        mapped = self._flips(value, 0, stop)
        keep = 32 - _PUBLIC_INTO.prefixlen
        return int(_PUBLIC_INTO.network_address) | (mapped & ((1 << keep) - 1))

    def address(self, address: IPv4Address) -> IPv4Address:
        stop = next((n.prefixlen for n in self._subnets if address in n), 32)
        return IPv4Address(self._map(int(address), stop))

    def network(self, network: IPv4Network) -> IPv4Network:
        if network.prefixlen == 32:
            return IPv4Network(self.address(network.network_address))
        return IPv4Network(
            f"{IPv4Address(self._map(int(network.network_address), network.prefixlen))}/{network.prefixlen}"
        )

    def interface(self, value: IPv4Interface) -> IPv4Interface:
        return IPv4Interface(f"{self.address(value.ip)}/{value.network.prefixlen}")


def _mac(mac: str, n: int, k: int, amap: AddressMap) -> str:
    parts = mac.split("-")
    if len(parts) == 6 and parts[:2] == ["02", "BF"]:
        ip = amap.address(IPv4Address(bytes(int(p, 16) for p in parts[2:])))
        return "02-BF-" + "-".join(f"{b:02X}" for b in ip.packed)
    return f"00-15-5D-00-{n:02X}-{k:02X}" if mac else ""


def anonymise(
    servers: list[ServerOutputs], seed: int = 0, extra: tuple[IPv4Address, ...] = ()
) -> tuple[list[ServerOutputs], tuple[IPv4Address, ...]]:
    """The outputs with addresses and names rewritten, and `extra` addresses (the --nlb ones) mapped alike."""
    subnets = {a.network for s in servers for ad in s.ipconfig.adapters for a in ad.addresses}
    for salt in range(16):
        amap = AddressMap(seed, subnets, salt)
        if _one_to_one(servers, amap):
            break
    return [_server(s, n + 1, amap) for n, s in enumerate(servers)], tuple(amap.address(a) for a in extra)


def _one_to_one(servers: list[ServerOutputs], amap: AddressMap) -> bool:
    """No two addresses of the outputs land on the same new address (possible only for public ones)."""
    seen: dict[IPv4Address, IPv4Address] = {}
    for s in servers:
        every = [a.ip for ad in s.ipconfig.adapters for a in ad.addresses]
        every += [g for ad in s.ipconfig.adapters for g in ad.gateways]
        every += [r.destination.network_address for r in s.routes.active]
        every += [r.gateway for r in s.routes.active if r.gateway is not None]
        every += [r.gateway for r in s.routes.persistent]
        for address in every:
            new = amap.address(address)
            if seen.setdefault(new, address) != address:
                return False
    return True


def _server(outputs: ServerOutputs, n: int, amap: AddressMap) -> ServerOutputs:
    ipconfig, routes = outputs.ipconfig, outputs.routes
    names = {a.name.lower(): f"NIC {k}" for k, a in enumerate(ipconfig.adapters, 1)}
    macs = {a.mac: _mac(a.mac, n, k, amap) for k, a in enumerate(ipconfig.adapters, 1) if a.mac}
    descriptions = {a.description: f"Network adapter {k}" for k, a in enumerate(ipconfig.adapters, 1)}
    adapters = tuple(
        replace(
            a,
            name=names[a.name.lower()],
            description=descriptions[a.description],
            mac=macs.get(a.mac, ""),
            addresses=tuple(map(amap.interface, a.addresses)),
            gateways=tuple(map(amap.address, a.gateways)),
            autoconfigured=tuple(map(amap.address, a.autoconfigured)),
        )
        for a in ipconfig.adapters
    )
    listed = tuple(
        replace(
            i,
            mac=macs.get(i.mac, "") if i.mac in macs else "",
            description=descriptions.get(i.description, "Other adapter"),
        )
        for i in routes.interfaces
    )
    active = tuple(
        replace(
            r,
            destination=amap.network(r.destination),
            interface=amap.address(r.interface),
            gateway=None if r.gateway is None else amap.address(r.gateway),
        )
        for r in routes.active
    )
    persistent = tuple(
        replace(r, destination=amap.network(r.destination), gateway=amap.address(r.gateway)) for r in routes.persistent
    )
    nics = tuple(
        (
            NicOutput(
                o.kind,
                tuple(
                    replace(nic, name=names.get(nic.name.lower(), f"Other NIC {k}")) for k, nic in enumerate(o.nics, 1)
                ),
                o.versions,
            ),
            f"output {m}",
        )
        for m, (o, _) in enumerate(outputs.nics, 1)
    )
    return ServerOutputs(
        replace(ipconfig, host_name=f"host{n}", adapters=adapters),
        f"host{n} ipconfig /all",
        replace(routes, interfaces=listed, active=active, persistent=persistent),
        f"host{n} route print",
        nics,
    )
