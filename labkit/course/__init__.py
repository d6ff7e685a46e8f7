"""The course's exercises: check an answer, ask for the solution after a wrong attempt, and see
your progress.

    print(labkit.course.check("01.1", answer_1))
    print(labkit.course.solution("01.1"))      # only after a wrong attempt
    print(labkit.course.progress())

The expected answers are computed by the model and the explanations live here, so a student
notebook never shows them before the answer is right.
"""

from __future__ import annotations

from .exercise import Feedback

__all__ = ["Feedback", "check", "exercises", "progress", "solution"]


def exercises() -> dict:
    from .catalogue import EXERCISES

    return EXERCISES


def _exercise(key: str):
    found = exercises().get(str(key).strip())
    if found is None:
        raise KeyError(f"no exercise {key!r} in the course (exercises: {', '.join(exercises())})")
    return found


def check(key: str, answer) -> Feedback:
    """Grade an answer, say what is right or still wrong, and remember the attempt."""
    from .store import record

    feedback = _exercise(key).grade(answer)
    if feedback.answered:
        record(feedback.key, answer, feedback.passed)
    return feedback


def solution(key: str) -> str:
    """The solution, once you have tried: after a wrong attempt (or after passing)."""
    from .store import load_progress, record_solution_shown

    exercise = _exercise(key)
    attempts = load_progress().get(exercise.key)
    if attempts.tries == 0:
        return (
            f"{exercise.title} ({exercise.key}): try it once first — put your answer in the cell, run the "
            "check, and if it is not right yet, ask again. Hint: " + exercise.hint
        )
    record_solution_shown(exercise.key)
    return f"{exercise.title} ({exercise.key}), one right answer:\n{exercise.solution}"


def progress():
    """Which exercises you have passed so far (kept in this folder, in .labkit-progress.json)."""
    from .report import progress_report

    return progress_report()
