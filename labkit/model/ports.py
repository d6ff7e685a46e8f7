"""Port ranges: a firewall rule's ports, a port forward, a server's passive range.

One type, parsed and printed in one place, in the style of `ipaddress`: `PortRange("51976-51999")`,
`PortRange(21)` or `PortRange(51976, 51999)`; `str()` gives "51976-51999" (or "21"); `51980 in r`.
It is a (first, last) tuple underneath, so it compares equal to `(51976, 51999)`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import LabkitError, shorten

# ASCII digits only: int() would read '٣-٥' (Arabic-Indic digits) as ports 3-5.
_TEXT = re.compile(r"\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*", re.ASCII)


class PortRangeError(LabkitError, ValueError):
    """Not a port or a port range; str() is one line saying what was expected."""


class _Ends(NamedTuple):
    first: int
    last: int


class PortRange(_Ends):
    """Ports `first` to `last`, both included (1-65535, low to high)."""

    __slots__ = ()

    def __new__(cls, first: int | str | tuple, last: int | None = None) -> PortRange:
        if last is None:
            return cls.parse(first)
        if not isinstance(first, int) or isinstance(first, bool) or isinstance(last, bool):
            raise PortRangeError(f"expected whole-number ports, got {shorten(first)} and {shorten(last)}")
        if not 1 <= first <= last <= 65535:
            raise PortRangeError(f"expected ports from 1 to 65535, low to high, got {first}-{last}")
        return super().__new__(cls, first, last)

    @classmethod
    def parse(cls, value: object) -> PortRange:
        """A port range from what a learner or a file gives: "51976-51999", "21", 21, (51976, 51999)."""
        if isinstance(value, PortRange):
            return value
        if isinstance(value, tuple) and len(value) == 2:
            return cls(*value)
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= 65535:
                raise PortRangeError(f"expected ports from 1 to 65535, low to high, got {shorten(value)}")
            return super().__new__(cls, value, value)
        found = _TEXT.fullmatch(value[:40]) if isinstance(value, str) else None
        if found is None:
            raise PortRangeError(f"expected a port like 21 or a range like 51976-51999, got {shorten(value)}")
        first, last = int(found[1]), int(found[2] or found[1])
        if not 1 <= first <= last <= 65535:
            raise PortRangeError(f"expected ports from 1 to 65535, low to high, got {shorten(value)}")
        return super().__new__(cls, first, last)

    @classmethod
    def single(cls, port: int) -> PortRange:
        return cls(port, port)

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.first <= port <= self.last

    @property
    def size(self) -> int:
        """How many ports."""
        return self.last - self.first + 1

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    def __repr__(self) -> str:
        return f"PortRange({str(self)!r})"


def port_range(value: object) -> PortRange | None:
    """`PortRange.parse`, with None (and a blank text: "any") kept as None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return PortRange.parse(value)
