"""Strong and weak host: whether an interface sends or receives weakly, and what the
path then relies on (docs/model-rules.md, "Host model")."""

from __future__ import annotations

from dataclasses import dataclass

from .host import Interface, Node, Role
from .vocabulary import Vocabulary


class WeakBasis(Vocabulary):
    """What makes an interface send or receive weakly."""

    ROUTER = "router"
    OS = "weak host OS"
    SWITCH = "switch"
    FORWARDING = "forwarding"


@dataclass(frozen=True)
class Weakness:
    """Why an interface sends or receives weakly, and what to credit when that made it work."""

    why: str
    credit: str | None
    basis: WeakBasis
    switch: str | None = None
    """The interface setting that does it: 'weakhostsend', 'weakhostreceive' or 'forwarding'."""


def weakness(node: Node, iface: Interface, direction: str) -> Weakness | None:
    """None when `iface` is strong in this direction ('send' or 'receive')."""
    if node.role is Role.ROUTER:
        return Weakness(f"{node.name} is a router", None, WeakBasis.ROUTER)
    if not node.os.host_model_configurable and node.os.weak_host:
        return Weakness(
            f"{node.os.display} always uses the weak host model",
            f"the weak host model of {node.os.display} on {node.name}",
            WeakBasis.OS,
        )
    switch = f"weakhost{direction}"
    if getattr(iface, switch):
        return Weakness(
            f'{switch} is enabled on "{iface.label}"',
            f'{switch} on "{iface.label}" of {node.name}',
            WeakBasis.SWITCH,
            switch,
        )
    if iface.forwarding:
        return Weakness(
            f'forwarding is enabled on "{iface.label}"',
            forwarding_credit(node, iface),
            WeakBasis.FORWARDING,
            "forwarding",
        )
    return None


def forwarding_credit(node: Node, iface: Interface) -> str | None:
    if node.role is Role.ROUTER:
        return None
    if not node.os.forwarding_per_interface:
        return f"IPEnableRouter on {node.name}"
    return f'forwarding on "{iface.label}" of {node.name}'
