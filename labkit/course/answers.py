"""Reading a learner's answer the way it was typed.

A learner types `"pc1, pc4"` where Python wants `{"pc1", "pc4"}`, and `"strong send blocked"`
where the kit prints `STRONG_SEND_BLOCKED`. Each reader here turns what was typed into one
canonical value, or raises `AnswerFormatError` saying which format is expected — so feedback
never compares a well-meant answer with the wrong shape and calls it wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address

from ..errors import LabkitError, shorten

MAX_ANSWER_CHARS = 2_000
"""Longer answers are refused before any parsing: no exercise needs more."""


class AnswerFormatError(LabkitError, ValueError):
    """The answer is not in the expected format; the message says which format is."""


@dataclass(frozen=True)
class AnswerReader:
    """A named way to read an answer: `read(answer)` gives the canonical value."""

    expected_format: str
    read: Callable[[object], object]

    def __call__(self, answer: object) -> object:
        if isinstance(answer, str) and len(answer) > MAX_ANSWER_CHARS:
            raise AnswerFormatError(f"that answer is {len(answer):,} characters long; expected {self.expected_format}")
        try:
            return self.read(answer)
        except AnswerFormatError:
            raise
        except (TypeError, ValueError, AttributeError, OverflowError):
            raise AnswerFormatError(f"expected {self.expected_format}, got {_shown(answer)}") from None


def _shown(answer: object) -> str:
    return shorten(answer)


def _words(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError
    return " ".join(value.replace("_", " ").replace("-", " ").split()).lower()


def choice(*options: str) -> AnswerReader:
    """One of a few words; case, spaces, hyphens and underscores do not matter."""
    table = {_words(option): option for option in options}
    listed = ", ".join(repr(o) for o in options)

    def read(answer: object) -> str:
        key = _words(answer)
        if key not in table:
            raise AnswerFormatError(f"expected one of {listed}, got {_shown(answer)}")
        return table[key]

    return AnswerReader(f"one of {listed}", read)


def disposition() -> AnswerReader:
    """A trace's ending as the kit prints it; `"strong send blocked"` counts as STRONG_SEND_BLOCKED."""
    from ..model import Disposition

    names = [d.value for d in Disposition]
    reader = choice(*names)
    return AnswerReader(f"one of {', '.join(names)} (spaces or underscores both fine)", reader.read)


def whole_number(low: int = 0, high: int = 65535) -> AnswerReader:
    """An integer in [low, high], typed as a number or as ASCII digits."""

    def read(answer: object) -> int:
        if isinstance(answer, bool):
            raise TypeError
        if isinstance(answer, float):
            if not answer.is_integer():
                raise ValueError
            answer = int(answer)
        if isinstance(answer, str):
            text = answer.strip().replace(",", "").replace("_", "")
            if not re.fullmatch(r"[0-9]{1,6}", text):  # ASCII digits only: '٣' is not a port number here
                raise ValueError
            answer = int(text)
        if not isinstance(answer, int) or not low <= answer <= high:
            raise AnswerFormatError(f"expected a whole number from {low} to {high}, got {_shown(answer)}")
        return answer

    return AnswerReader(f"a whole number from {low} to {high}", read)


def address() -> AnswerReader:
    """An IPv4 address in dotted form."""

    def read(answer: object) -> str:
        try:
            return str(IPv4Address(str(answer).strip() if isinstance(answer, str) else answer))
        except AddressValueError:
            raise ValueError from None

    return AnswerReader("an IPv4 address such as '10.10.0.100'", read)


def names(*known: str) -> AnswerReader:
    """A set of names: `{"pc1", "pc4"}`, `["pc1", "pc4"]` or the text `"pc1, pc4"`."""
    listed = ", ".join(known)

    def read(answer: object) -> frozenset[str]:
        if isinstance(answer, str):
            items: Iterable[object] = [part for part in re.split(r"[,;\s]+", answer) if part]
        elif isinstance(answer, (set, frozenset, list, tuple)):
            items = answer
        else:
            raise TypeError
        chosen = set()
        for item in items:
            if not isinstance(item, str):
                raise TypeError
            name = item.strip().lower()
            if known and name not in known:
                raise AnswerFormatError(f"{item!r} is not one of the names here ({listed})")
            chosen.add(name)
        return frozenset(chosen)

    return AnswerReader(
        f"names separated by commas, e.g. 'pc1, pc2' (from: {listed})" if known else "names separated by commas", read
    )
