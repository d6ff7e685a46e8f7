"""The learner's progress as a table: one line per notebook, one mark per exercise."""

from __future__ import annotations

from dataclasses import dataclass

from .store import Progress, load_progress


@dataclass(frozen=True)
class ProgressReport:
    rows: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    passed: int
    total: int

    def __str__(self) -> str:
        lines = [f"Your progress: {self.passed} of {self.total} exercises passed"]
        for notebook, marks in self.rows:
            lines.append(f"  notebook {notebook}: " + "  ".join(f"{key} {mark}" for key, mark in marks))
        lines.append("  (✔ passed · ✖ tried, not yet · – not tried · S solution shown)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ProgressReport {self.passed}/{self.total} passed>"


def _mark(progress: Progress, key: str) -> str:
    attempts = progress.get(key)
    mark = "✔" if attempts.passed else ("✖" if attempts.tries else "–")
    return mark + ("S" if attempts.solution_shown else "")


def progress_report(progress: Progress | None = None) -> ProgressReport:
    from .catalogue import EXERCISES

    progress = progress if progress is not None else load_progress()
    by_notebook: dict[str, list[tuple[str, str]]] = {}
    for key in EXERCISES:
        by_notebook.setdefault(key.split(".")[0], []).append((key, _mark(progress, key)))
    passed = sum(progress.get(key).passed for key in EXERCISES)
    return ProgressReport(tuple((nb, tuple(marks)) for nb, marks in by_notebook.items()), passed, len(EXERCISES))
