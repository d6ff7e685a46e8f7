"""Grading for notebook exercises: the expected answer always comes from the model, and the
feedback says what is right, what is still wrong, and a hint."""

from __future__ import annotations

from .checks import Check, CheckResult

NOT_ANSWERED = "no answer yet"


def grade(name: str, answer, expected, *, why: str, hint: str, normalise=lambda v: v) -> CheckResult:
    """Compare a learner's answer with the model's; explain either way."""
    check = Check(name)
    if answer is None or answer is Ellipsis:
        return CheckResult(check, False, f"{NOT_ANSWERED} — hint: {hint}")
    try:
        same = normalise(answer) == normalise(expected)
    except (TypeError, ValueError, AttributeError):
        same = False
    if same:
        return CheckResult(check, True, f"right: {why}")
    return CheckResult(check, False, f"still wrong: you answered {answer!r} — hint: {hint}")


def upper(value) -> str:
    return str(value).strip().upper()


def lower(value) -> str:
    return str(value).strip().lower()
