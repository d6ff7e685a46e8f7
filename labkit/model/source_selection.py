"""Source address selection for a connection a node opens itself (KB 969029)."""

from __future__ import annotations

from ipaddress import IPv4Address

from .addressing import common_prefix_length
from .host import Node


def choose_source(node: Node, out_key: str, next_hop: IPv4Address,
                  dst: IPv4Address) -> tuple[IPv4Address, str]:
    """Source address for a new connection.

    Vista+ ranks the outgoing NIC's addresses by KB 969029's rules 2-4 (rule 1, the
    destination itself, is local delivery); earlier systems take the NIC's first address.
    Addresses marked skipassource are never picked.
    """
    iface = node.interface(out_key)
    pool = [a.ip for a in iface.addresses if a.ip not in iface.skip_as_source]
    if not pool:
        return iface.addresses[0].ip, (f'every address of "{iface.label}" is marked skipassource; '
                                       "the kit falls back to its first address")
    if not node.os.ranked_source_selection:
        return pool[0], f'the first address of "{iface.label}": {node.os.display} does not rank addresses'
    if len(pool) == 1:
        return pool[0], f'KB 969029 rule 2: the only usable address on the outgoing interface "{iface.label}"'
    best3 = max(common_prefix_length(a, next_hop) for a in pool)
    pool3 = [a for a in pool if common_prefix_length(a, next_hop) == best3]
    if len(pool3) == 1:
        return pool3[0], (f'KB 969029 rule 3: of the addresses on "{iface.label}", the longest match '
                          f"with the next hop {next_hop} ({best3} bits)")
    best4 = max(common_prefix_length(a, dst) for a in pool3)
    pool4 = [a for a in pool3 if common_prefix_length(a, dst) == best4]
    return pool4[0], (f'KB 969029 rule 4: of the addresses on "{iface.label}", the longest match with '
                      f"the destination {dst} ({best4} bits)" +
                      ("; still tied, the first listed" if len(pool4) > 1 else ""))
