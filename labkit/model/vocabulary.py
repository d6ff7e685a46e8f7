"""The base of the kit's fixed vocabularies (FTP mode, rule action, NLB affinity, …).

Each vocabulary is a `StrEnum` defined beside the concept it names (FtpMode in ftp_protocol,
RuleAction in middlebox, …); the scenario schema, the CLI's `choices` and the widgets'
options are all made from it, so a new value is added in one place. A member is its own
text: `FtpMode.PASSIVE == "passive"` and `str(FtpMode.PASSIVE) == "passive"`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from ..errors import LabkitError, clip, shorten

V = TypeVar("V", bound="Vocabulary")


class ChoiceError(LabkitError, ValueError):
    """A value that is not one of a vocabulary's members; str() names them all, on one line."""


class Vocabulary(StrEnum):
    """A fixed set of words; `parse` reads what a learner types."""

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The members' texts, in definition order (argparse `choices`, dropdown options)."""
        return tuple(member.value for member in cls)

    @classmethod
    def parse(cls: type[V], value: object, what: str | None = None) -> V:
        """The member named by `value` (a member or its text); ChoiceError names `what` and
        the allowed values otherwise."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        allowed = ", ".join(cls.values())
        raise ChoiceError(f"{clip(what or cls.__name__, 60)}: expected one of {allowed}, got {shorten(value)}")


def settle(record: object, **vocabularies: type[Vocabulary]) -> None:
    """In a frozen dataclass's __post_init__: each named field becomes its vocabulary's member,
    so `Rule("allow")` and `Rule(RuleAction.ALLOW)` are the same value."""
    for name, vocabulary in vocabularies.items():
        object.__setattr__(record, name, vocabulary.parse(getattr(record, name), name))
