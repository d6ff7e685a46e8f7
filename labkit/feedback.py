"""What every grader says, in one format: right, or right so far / still wrong / hint, or no
answer yet. Scenario checks, the course's exercises and the troubleshooting lab all build
their feedback here, so a learner reads the same shape of feedback everywhere.

A grader's feedback is an `Assessment`: a typed value (what kind of verdict, what is right,
what is still wrong, the hint, the lesson, …). str() is the one line a learner reads (print, the
CLI, the progress file); the notebook's HTML lists the same fields one per line, and is never
made by cutting that line up again (a cause or a Windows message may contain " — " itself).

Stdlib only and light: the model-free part of grading, imported by `labkit.checks`,
`labkit.course` and `labkit.labs`; the HTML a notebook shows comes from `labkit.render` when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SEPARATOR = " — "


class AssessmentKind(StrEnum):
    """What a grader concluded about an answer. A plain StrEnum rather than labkit.model's
    Vocabulary: this module stays stdlib-only (importing labkit.model loads the whole engine)."""

    RIGHT = "right"
    STILL_WRONG = "still wrong"
    NOT_ANSWERED = "not answered"
    NOT_MINIMAL = "not minimal"
    """It works, but a change in it is not needed."""
    NOT_GRADED = "not graded"
    """The answer could not be run at all (the flow cannot be traced, the FTP session cannot start)."""


@dataclass(frozen=True)
class Assessment:
    """A grader's verdict on one answer, made by `right`, `still_wrong`, `not_answered`,
    `not_minimal` or `not_graded` below."""

    kind: AssessmentKind
    right: str = ""
    """RIGHT: why it is right. STILL_WRONG: what is right so far ('' when nothing is)."""
    wrong: tuple[str, ...] = ()
    """STILL_WRONG: what is still wrong, one entry per problem. NOT_GRADED: why it could not be run."""
    hint: str = ""
    advice: str = ""
    """What to do next, said as it is (no 'hint:' label)."""
    lesson: str = ""
    """RIGHT: what to take away from it."""
    lead: str = ""
    """The check's own sentence (a scenario check's `pass:` or `fail:` text), said first; for
    RIGHT it replaces the kit's 'right: …' sentence."""
    what: str = "answer"
    """NOT_ANSWERED: what is missing ("no answer yet", "no changes yet")."""
    leave_out: str = ""
    """NOT_MINIMAL: the change(s) that are not needed."""
    cost: str = ""
    """NOT_MINIMAL: why an unneeded change still costs something."""
    cost_joined: str = SEPARATOR
    """NOT_MINIMAL: how the cost follows the 'leave out' part in the text (". " for a full sentence)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AssessmentKind(self.kind))
        object.__setattr__(self, "wrong", tuple(self.wrong))

    @property
    def passed(self) -> bool:
        return self.kind is AssessmentKind.RIGHT

    def parts(self) -> tuple[str, ...]:
        """The feedback as the items a notebook lists one per line (each problem its own item)."""
        return self._parts(each_problem=True)

    def __str__(self) -> str:
        if self.kind is AssessmentKind.NOT_MINIMAL:
            return f"{self._leave_out()}{self.cost_joined}{self.cost}"
        return SEPARATOR.join(self._parts(each_problem=False))

    def _leave_out(self) -> str:
        return f"it works, but it is not minimal: leave out {self.leave_out}"

    def _parts(self, *, each_problem: bool) -> tuple[str, ...]:
        kind = self.kind
        if kind is AssessmentKind.RIGHT:
            return (self.lead or f"right: {self.right}" + (f" Lesson: {self.lesson}" if self.lesson else ""),)
        if kind is AssessmentKind.NOT_ANSWERED:
            return (f"no {self.what} yet", self.advice or f"hint: {self.hint}")
        if kind is AssessmentKind.NOT_MINIMAL:
            return (self._leave_out(), self.cost)
        if kind is AssessmentKind.NOT_GRADED:
            return self.wrong
        wrong = (
            tuple(f"still wrong: {w}" for w in self.wrong)
            if each_problem
            else (f"still wrong: {SEPARATOR.join(self.wrong)}",)
        )
        return (
            *((self.lead,) if self.lead else ()),
            *((f"right so far: {self.right}",) if self.right else ()),
            *wrong,
            *((self.advice,) if self.advice else ()),
            *((f"hint: {self.hint}",) if self.hint else ()),
        )


def right(why: str, *, lesson: str = "", lead: str = "") -> Assessment:
    """`lead`: the check's own pass text, said instead of 'right: why'."""
    return Assessment(AssessmentKind.RIGHT, right=why, lesson=lesson, lead=lead)


def still_wrong(
    problem: str | tuple[str, ...],
    hint: str = "",
    *,
    right_so_far: str = "",
    lead: str = "",
    advice: str = "",
) -> Assessment:
    """`problem`: what is still wrong (several problems as a tuple); `lead` is the check's own
    failure sentence (a scenario check's `fail:` text); `advice` what to do, without a label."""
    problems = (problem,) if isinstance(problem, str) else tuple(problem)
    return Assessment(
        AssessmentKind.STILL_WRONG, right=right_so_far, wrong=problems, hint=hint, lead=lead, advice=advice
    )


def not_answered(hint: str, *, what: str = "answer", labelled: bool = True) -> Assessment:
    """`labelled=False` when the advice is what to do, not a hint about the answer."""
    if labelled:
        return Assessment(AssessmentKind.NOT_ANSWERED, hint=hint, what=what)
    return Assessment(AssessmentKind.NOT_ANSWERED, advice=hint, what=what)


def not_minimal(leave_out: str, why: str, *, joined: str = SEPARATOR) -> Assessment:
    """It works, but a change in it is not needed: what to leave out and why it still costs something."""
    return Assessment(AssessmentKind.NOT_MINIMAL, leave_out=leave_out, cost=why, cost_joined=joined)


def not_graded(reason: str) -> Assessment:
    """The answer could not be run at all: the reason, said as it is."""
    return Assessment(AssessmentKind.NOT_GRADED, wrong=(reason,))


class ShownAsFeedback:
    """A grader's result (`passed` and its `assessment`) as a short repr and a plain HTML block,
    so a notebook cell that ends in one shows the feedback without print()."""

    passed: bool
    assessment: Assessment

    @property
    def message(self) -> str:
        """The feedback as the one line a learner reads."""
        return str(self.assessment)

    def _label(self) -> str:
        """What was graded (a check's name, an exercise's key), '' when nothing names it."""
        return ""

    def _mark(self) -> str:
        if self.passed:
            return "PASS"
        return "not answered" if getattr(self, "answered", True) is False else "FAIL"

    def __repr__(self) -> str:
        label = self._label()
        return f"<{type(self).__name__}{' ' + label if label else ''}: {self.assessment.kind.value}>"

    def _repr_html_(self) -> str:
        from .render.html import feedback_html  # the look every result shares in a notebook

        return feedback_html(self.passed, self._mark(), self._label(), [p for p in self.assessment.parts() if p])


__all__ = [
    "SEPARATOR",
    "Assessment",
    "AssessmentKind",
    "ShownAsFeedback",
    "not_answered",
    "not_graded",
    "not_minimal",
    "right",
    "still_wrong",
]
