"""Reading IPv4 addresses the one way the whole kit does, with messages a learner can act on."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface

from ..errors import LabkitError, shorten


class AddressError(LabkitError, ValueError):
    """Not an IPv4 address (or address with prefix); str() says what was expected."""


def parse_ipv4(value: object, what: str = "address") -> IPv4Address:
    """An IPv4 address; AddressError names what was expected."""
    try:
        return IPv4Address(str(value).strip())
    except ValueError:
        raise AddressError(f"expected an IPv4 {what} like 10.10.0.1, got {shorten(value)}") from None


def parse_ipv4_prefix(value: object) -> IPv4Interface:
    """An address with its prefix length, as a NIC holds it: 10.10.0.21/24."""
    text = str(value).strip()
    try:
        if "/" not in text:
            raise ValueError
        return IPv4Interface(text)
    except ValueError:
        raise AddressError(
            f"expected an address with its prefix length like 10.10.0.21/24, got {shorten(value)}"
        ) from None


def common_prefix_length(a: IPv4Address, b: IPv4Address) -> int:
    """Leading bits two addresses share (KB 969029's 'longest matching prefix')."""
    return 32 - (int(a) ^ int(b)).bit_length()
