"""Exercises of notebook 08 (the break-fix lab): three challenges of rising difficulty, each the
learner's own variant (the seed is the learner's name from LABKIT_LEARNER, set by the workshop).
Graded by labkit.labs' grader; the attempt, its commands and the time to fix also go to the
lab's own progress entry, which `labkit workshop report` reads."""

from __future__ import annotations

from ...labs import learner
from ..exercise import Exercise

CHALLENGES = {"08.1": "missing-route", "08.2": "gateway-on-nlb-nic", "08.3": "two-gateways"}


def _grader(key: str):
    def build():
        from ...labs import challenge
        from ...labs.grading import answer_lines, grade
        from ..store import record_lab

        def run(answer):
            lab = challenge(CHALLENGES[key], learner())
            result = grade(lab, answer)
            lines, _ = answer_lines(answer)
            record_lab(lab.key, lab.seed, [line for line, _ in lines or []], result.passed)
            return result.passed, result.assessment

        return run

    return build


class LabExercise(Exercise):
    """An exercise whose solution is the intended fix of the learner's own variant, built only
    when asked for (building a variant loads the scenario parser)."""

    def __init__(self, key: str, hint: str):
        number = key.split(".")[1]
        for name, value in dict(
            key=key, title=f"exercise {number}", hint=hint, reader=None, expected=None, why="", grader=_grader(key)
        ).items():
            object.__setattr__(self, name, value)

    @property
    def solution(self) -> str:
        from ...labs import challenge

        return f"answer_{self.key.split('.')[1]} = {list(challenge(CHALLENGES[self.key], learner()).fix)!r}"


def _exercise(key: str, hint: str) -> Exercise:
    return LabExercise(key, hint)


EXERCISES = (
    _exercise("08.1", "compare route print on both web servers: which persistent route is missing?"),
    _exercise("08.2", "ipconfig /all: how many default gateways, and which 0.0.0.0 route wins in route print?"),
    _exercise("08.3", "one default gateway on the NIC facing the most destinations, a persistent route for the rest"),
)
