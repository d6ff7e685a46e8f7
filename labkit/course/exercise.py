"""One exercise of the course: how to read the answer, how the model finds the right one, and
what to say. The explanation lives here, not in the notebook, so a learner sees it only once
the answer is right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..feedback import Assessment, ShownAsFeedback, not_answered, right, still_wrong
from .answers import AnswerFormatError, AnswerReader


@dataclass(frozen=True, repr=False)
class Feedback(ShownAsFeedback):
    """What a check says: right, or what is still wrong and a hint. One format for every exercise."""

    key: str
    title: str
    passed: bool
    assessment: Assessment
    answered: bool = True

    def __str__(self) -> str:
        return f"[{self._mark()}] {self.title} ({self.key}): {self.message}"

    def _label(self) -> str:
        return self.key


def _unanswered(answer: object) -> bool:
    """None (the student edition's stub), or a pair of answers both still None."""
    if isinstance(answer, tuple) and answer:
        return all(_unanswered(part) for part in answer)
    return answer is None or answer is Ellipsis


Grader = Callable[[object], tuple[bool, Assessment]]
"""For exercises graded by running the answer (commands, switches, FTP settings): the answer in,
(passed, assessment) out, the assessment made by labkit.feedback (`right` / `still_wrong`)."""


@dataclass(frozen=True)
class Exercise:
    key: str
    """'NN.k': notebook number and exercise number."""
    title: str
    solution: str
    """The instructor edition's solution cell, shown on request after a wrong attempt."""
    hint: str
    reader: AnswerReader | None = None
    expected: Callable[[], object] | None = None
    """The right answer, computed from the model (never typed in here)."""
    why: str = ""
    grader: Callable[[], Grader] | None = None
    """Instead of reader/expected: builds a grader (e.g. over labkit.checks)."""

    def grade(self, answer: object) -> Feedback:
        if _unanswered(answer):
            return Feedback(self.key, self.title, False, not_answered(self.hint), answered=False)
        if self.grader is not None:
            passed, assessment = self.grader()(answer)
            return Feedback(self.key, self.title, passed, assessment)
        assert self.reader is not None and self.expected is not None
        try:
            given = self.reader(answer)
        except AnswerFormatError as err:
            return Feedback(self.key, self.title, False, still_wrong(str(err), self.hint))
        wanted = self.reader(self.expected())
        if given == wanted:
            return Feedback(self.key, self.title, True, right(self.why))
        return Feedback(self.key, self.title, False, still_wrong(self._difference(given, wanted), self.hint))

    @staticmethod
    def _difference(given: object, wanted: object) -> str:
        if isinstance(given, frozenset) and isinstance(wanted, frozenset):
            wrong = [f"{', '.join(sorted(given - wanted))} should not be there"] if given - wanted else []
            if wanted - given:
                wrong.append(f"{len(wanted - given)} missing")
            return "; ".join(wrong)
        return f"you answered {given!r}"
