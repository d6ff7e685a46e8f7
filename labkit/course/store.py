"""A learner's progress, kept on their own machine: which exercises passed, after how many
attempts, and whether the solution was shown.

The file sits beside the learner's notebooks (`.labkit-progress.json` in the kernel's working
folder) so that a learner's copy of the course carries its own progress, and an instructor can
collect the files from a room. `LABKIT_PROGRESS` names another file (the tests use it).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

FILE_NAME = ".labkit-progress.json"
MAX_FILE_BYTES = 1_000_000
MAX_ANSWER_CHARS = 200


def progress_path() -> Path:
    return Path(os.environ.get("LABKIT_PROGRESS") or Path.cwd() / FILE_NAME)


@dataclass(frozen=True)
class Attempts:
    tries: int = 0
    passed: bool = False
    solution_shown: bool = False
    first_try: float | None = None
    passed_at: float | None = None
    last_answer: str = ""


@dataclass(frozen=True)
class Progress:
    exercises: dict[str, Attempts] = field(default_factory=dict)

    def get(self, key: str) -> Attempts:
        return self.exercises.get(key, Attempts())

    def with_attempt(self, key: str, answer: object, passed: bool, now: float) -> "Progress":
        old = self.get(key)
        shown = repr(answer)
        new = replace(old, tries=old.tries + 1, passed=old.passed or passed,
                      first_try=old.first_try or now,
                      passed_at=old.passed_at or (now if passed else None),
                      last_answer=shown if len(shown) <= MAX_ANSWER_CHARS else shown[:MAX_ANSWER_CHARS - 3] + "...")
        return Progress({**self.exercises, key: new})

    def with_solution_shown(self, key: str) -> "Progress":
        return Progress({**self.exercises, key: replace(self.get(key), solution_shown=True)})


def load_progress(path: Path | None = None) -> Progress:
    """The saved progress; an unreadable or oversized file counts as no progress (it is never fatal)."""
    path = path or progress_path()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Progress()
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = set(Attempts.__dataclass_fields__)
        return Progress({str(k): Attempts(**{f: v for f, v in entry.items() if f in known})
                         for k, entry in raw.get("exercises", {}).items() if isinstance(entry, dict)})
    except (OSError, ValueError, TypeError, AttributeError):
        return Progress()


def save_progress(progress: Progress, path: Path | None = None) -> None:
    """Write atomically, so a kernel killed mid-write never leaves half a file."""
    path = path or progress_path()
    body = json.dumps({"exercises": {k: asdict(v) for k, v in sorted(progress.exercises.items())}}, indent=1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".labkit-progress-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only folder must not stop the lesson; progress is a convenience


def record(key: str, answer: object, passed: bool) -> Attempts:
    progress = load_progress().with_attempt(key, answer, passed, time.time())
    save_progress(progress)
    return progress.get(key)


def record_solution_shown(key: str) -> None:
    save_progress(load_progress().with_solution_shown(key))
