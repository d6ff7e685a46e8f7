"""What every grader says, in one format: right, or right so far / still wrong / hint, or no
answer yet. Scenario checks, the course's exercises and the troubleshooting lab all build
their messages here, so a learner reads the same shape of feedback everywhere.

Stdlib only and light: the model-free part of grading, imported by `labkit.checks`,
`labkit.course` and `labkit.labs`; the HTML a notebook shows comes from `labkit.render` when asked.
"""

from __future__ import annotations

SEPARATOR = " — "


def right(why: str) -> str:
    return f"right: {why}"


def still_wrong(problem: str, hint: str = "", *, right_so_far: str = "", lead: str = "") -> str:
    """`lead` is the check's own failure sentence (a scenario check's `fail:` text)."""
    parts = [lead] if lead else []
    if right_so_far:
        parts.append(f"right so far: {right_so_far}")
    parts.append(f"still wrong: {problem}")
    if hint:
        parts.append(f"hint: {hint}")
    return SEPARATOR.join(parts)


def not_answered(hint: str, *, what: str = "answer", labelled: bool = True) -> str:
    """`labelled=False` when the advice is what to do, not a hint about the answer."""
    return f"no {what} yet{SEPARATOR}" + (f"hint: {hint}" if labelled else hint)


def not_minimal(leave_out: str, why: str, *, joined: str = SEPARATOR) -> str:
    """It works, but a change in it is not needed: what to leave out and why it still costs something."""
    return f"it works, but it is not minimal: leave out {leave_out}{joined}{why}"


class ShownAsFeedback:
    """A grader's result (`passed`, `message`) as a short repr and a plain HTML block, so a
    notebook cell that ends in one shows the feedback without print()."""

    passed: bool
    message: str

    def _label(self) -> str:
        """What was graded (a check's name, an exercise's key), '' when nothing names it."""
        return ""

    def _mark(self) -> str:
        if self.passed:
            return "PASS"
        return "not answered" if getattr(self, "answered", True) is False else "FAIL"

    def __repr__(self) -> str:
        label = self._label()
        return f"<{type(self).__name__}{' ' + label if label else ''}: {'passed' if self.passed else 'not yet'}>"

    def _repr_html_(self) -> str:
        from .render.html import feedback_html  # the look every result shares in a notebook

        return feedback_html(self.passed, self._mark(), self._label(), [p for p in self.message.split(SEPARATOR) if p])


__all__ = ["SEPARATOR", "ShownAsFeedback", "not_answered", "not_minimal", "right", "still_wrong"]
