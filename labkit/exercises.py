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
    try:
        given, wanted = normalise(answer), normalise(expected)
    except (TypeError, ValueError, AttributeError):
        given, wanted = answer, expected
    if isinstance(given, (set, frozenset)) and isinstance(wanted, (set, frozenset)):
        parts = []
        if given & wanted:
            parts.append(f"right so far: {sorted(given & wanted)}")
        wrong = []
        if given - wanted:
            wrong.append(f"{sorted(given - wanted)} should not be there")
        if wanted - given:
            wrong.append(f"{len(wanted - given)} missing")
        return CheckResult(check, False, " — ".join(parts + ["still wrong: " + ", ".join(wrong), f"hint: {hint}"]))
    return CheckResult(check, False, f"still wrong: you answered {answer!r} — hint: {hint}")


def upper(value) -> str:
    return str(value).strip().upper()


def lower(value) -> str:
    return str(value).strip().lower()
