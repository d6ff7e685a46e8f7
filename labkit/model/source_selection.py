"""Source address selection for a connection a node opens itself (KB 969029)."""

from __future__ import annotations

from ipaddress import IPv4Address

from .addressing import common_prefix_length
from .host import Node
from .steps import SourceChoice, SourceRule


def choose_source(node: Node, out_key: str, next_hop: IPv4Address, dst: IPv4Address) -> tuple[IPv4Address, str]:
    """(source address, why) for a new connection: select_source's address and its explanation."""
    choice = select_source(node, out_key, next_hop, dst)
    return choice.address, str(choice)


def select_source(node: Node, out_key: str, next_hop: IPv4Address, dst: IPv4Address) -> SourceChoice:
    """Source address for a new connection.

    Vista+ ranks the outgoing NIC's addresses by KB 969029's rules 2-4 (rule 1, the
    destination itself, is local delivery); earlier systems take the NIC's first address.
    Addresses marked skipassource are never picked.
    """
    iface = node.interface(out_key)
    pool = [a.ip for a in iface.addresses if a.ip not in iface.skip_as_source]
    if not pool:
        return SourceChoice(iface.addresses[0].ip, SourceRule.ALL_SKIPPED, iface.label)
    if not node.os.ranked_source_selection:
        return SourceChoice(pool[0], SourceRule.FIRST_ADDRESS, iface.label, os_display=node.os.display)
    if len(pool) == 1:
        return SourceChoice(pool[0], SourceRule.ONLY_ADDRESS, iface.label)
    best3 = max(common_prefix_length(a, next_hop) for a in pool)
    pool3 = [a for a in pool if common_prefix_length(a, next_hop) == best3]
    if len(pool3) == 1:
        return SourceChoice(pool3[0], SourceRule.NEXT_HOP_MATCH, iface.label, next_hop, best3)
    best4 = max(common_prefix_length(a, dst) for a in pool3)
    pool4 = [a for a in pool3 if common_prefix_length(a, dst) == best4]
    return SourceChoice(pool4[0], SourceRule.DESTINATION_MATCH, iface.label, dst, best4, len(pool4) > 1)
