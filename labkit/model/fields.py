"""Reading the fields of the model's value types (Interface, Gateway, Route, the FTP settings)
the way `ipaddress` reads an address: at construction, so a value typed in a notebook
(`metric="5"`, `gateways=("10.99.0.1",)`) is converted once or refused in one line naming the
field, instead of breaking a trace later."""

from __future__ import annotations

import re
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Interface
from typing import TypeVar

from ..errors import LabkitError, shorten
from .addressing import AddressError, parse_ipv4, parse_ipv4_prefix

T = TypeVar("T")

# ASCII digits only: int() would also read Arabic-Indic and other Unicode digits.
_DIGITS = re.compile(r"\s*\d{1,6}\s*", re.ASCII)

SWITCH_WORDS = {"enabled": True, "disabled": False}
"""netsh's words for a switch (`weakhostsend=enabled`), accepted beside True and False."""


class FieldValueError(LabkitError, ValueError):
    """A field of a model value that is not what the field holds; str() is one line naming the
    field and what was expected."""


def whole_number(value: object, field: str, low: int, high: int) -> int:
    """An int from `low` to `high`; a text of digits ("5") is read as the number."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        number: object = int(value)
    else:
        number = value
    if isinstance(number, int) and not isinstance(number, bool) and low <= number <= high:
        return number
    raise FieldValueError(f"{field}: expected a whole number from {low} to {high}, got {shorten(value)}")


def optional_number(value: object, field: str, low: int, high: int) -> int | None:
    return None if value is None else whole_number(value, field, low, high)


def port(value: object, field: str) -> int:
    """A TCP/UDP port, 1-65535."""
    return whole_number(value, field, 1, 65535)


def switch(value: object, field: str) -> bool:
    """True or False (or netsh's enabled / disabled); anything else, "yes" or 1 included, is refused
    rather than read as true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in SWITCH_WORDS:
        return SWITCH_WORDS[value.strip().lower()]
    raise FieldValueError(f"{field}: expected True or False (or enabled / disabled), got {shorten(value)}")


def address(value: object, field: str) -> IPv4Address:
    if isinstance(value, IPv4Address):
        return value
    try:
        return parse_ipv4(value) if isinstance(value, str) else parse_ipv4(None)
    except AddressError:
        raise FieldValueError(f"{field}: expected an IPv4 address like 10.10.0.1, got {shorten(value)}") from None


def address_with_prefix(value: object, field: str) -> IPv4Interface:
    if isinstance(value, IPv4Interface):
        return value
    try:
        return parse_ipv4_prefix(value) if isinstance(value, str) else parse_ipv4_prefix(None)
    except AddressError:
        raise FieldValueError(
            f"{field}: expected an address with its prefix length like 10.10.0.21/24, got {shorten(value)}"
        ) from None


def items(value: object, field: str, read: Callable[[object, str], T], one: tuple[type, ...] = (str,)) -> tuple[T, ...]:
    """A tuple of values each read by `read`; a single value of a type in `one` (a text) counts
    as a tuple of one."""
    if isinstance(value, one):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise FieldValueError(f"{field}: expected a tuple of values, got {shorten(value)}")
    return tuple(read(item, f"{field}[{n}]") for n, item in enumerate(value))


__all__ = [
    "FieldValueError",
    "SWITCH_WORDS",
    "address",
    "address_with_prefix",
    "items",
    "optional_number",
    "port",
    "switch",
    "whole_number",
]
