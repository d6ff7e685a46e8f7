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
    seed: str = ""
    """Break-fix labs: the variant's seed, so the instructor can rebuild it."""
    commands: tuple[str, ...] = ()
    """Break-fix labs: the changes of the last attempt (the passing one once passed)."""
    seconds: float | None = None
    """Break-fix labs: from the first attempt to the pass (None until passed)."""


@dataclass(frozen=True)
class Progress:
    exercises: dict[str, Attempts] = field(default_factory=dict)

    def get(self, key: str) -> Attempts:
        return self.exercises.get(key, Attempts())

    def with_attempt(self, key: str, answer: object, passed: bool, now: float) -> Progress:
        old = self.get(key)
        shown = repr(answer)
        new = replace(
            old,
            tries=old.tries + 1,
            passed=old.passed or passed,
            first_try=old.first_try or now,
            passed_at=old.passed_at or (now if passed else None),
            last_answer=shown if len(shown) <= MAX_ANSWER_CHARS else shown[: MAX_ANSWER_CHARS - 3] + "...",
        )
        return Progress({**self.exercises, key: new})

    def with_lab_attempt(self, key: str, seed: str, commands, passed: bool, now: float) -> Progress:
        """A break-fix attempt: counted like any exercise, plus its seed, commands and time to fix."""
        old = self.get(key)
        step = self.with_attempt(key, list(commands), passed, now)
        new = step.get(key)
        keep = old.passed and old.commands
        new = replace(
            new,
            seed=str(seed)[:MAX_ANSWER_CHARS],
            commands=old.commands if keep else tuple(str(c)[:MAX_ANSWER_CHARS] for c in commands[:20]),
            seconds=old.seconds
            if old.passed
            else (round(now - new.first_try, 1) if passed and new.first_try else None),
        )
        return Progress({**step.exercises, key: new})

    def with_solution_shown(self, key: str) -> Progress:
        return Progress({**self.exercises, key: replace(self.get(key), solution_shown=True)})


def load_progress(path: Path | None = None) -> Progress:
    """The saved progress; an unreadable or oversized file counts as no progress (it is never fatal)."""
    path = path or progress_path()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Progress()
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = set(Attempts.__dataclass_fields__)
        return Progress(
            {
                str(k): _attempts({f: v for f, v in entry.items() if f in known})
                for k, entry in raw.get("exercises", {}).items()
                if isinstance(entry, dict)
            }
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return Progress()


def _attempts(fields: dict) -> Attempts:
    if "commands" in fields:
        fields["commands"] = tuple(str(c) for c in fields["commands"] or ())
    return Attempts(**fields)


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


def record_lab(key: str, seed: str, commands, passed: bool) -> Attempts:
    progress = load_progress().with_lab_attempt(key, seed, list(commands), passed, time.time())
    save_progress(progress)
    return progress.get(key)


def record_solution_shown(key: str) -> None:
    save_progress(load_progress().with_solution_shown(key))
