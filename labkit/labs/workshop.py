"""The instructor's side: one challenge notebook per learner and one answer key (`make`), and who
fixed what from the learners' progress files (`report`).

Pure text builders (`learner_notebook`, `answer_key`, `report_lines`) and thin file shells
(`make`, `read_progress`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import LabkitError
from . import FIX_KINDS, KINDS, ChallengeError, challenge

NOTEBOOK = "lab-challenges.ipynb"
KEY = "answer-key.md"
MAX_LEARNERS = 500
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


class ChallengeWorkshopError(LabkitError, ValueError):
    """Bad input to the workshop commands: one line naming the file and what was expected."""


def read_learners(path: Path) -> list[str]:
    """Learner names, one a line; blank lines and # comments skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ChallengeWorkshopError(f"{path}: cannot read it ({getattr(err, 'strerror', None) or err})") from None
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    for number, name in enumerate(names, 1):
        if not NAME.match(name):
            raise ChallengeWorkshopError(
                f"{path}: learner {number} {name!r}: expected letters, digits, space, . _ - (at most 64 characters)"
            )
    if not names:
        raise ChallengeWorkshopError(f"{path}: expected one learner name a line, found none")
    if len(set(n.lower() for n in names)) != len(names):
        raise ChallengeWorkshopError(f"{path}: a learner name appears twice; each learner needs a name of their own")
    if len(names) > MAX_LEARNERS:
        raise ChallengeWorkshopError(f"{path}: {len(names)} learners; at most {MAX_LEARNERS}")
    return names


def parse_kinds(text: str) -> list[str]:
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS and k not in ("1", "2", "3")]
    if not kinds or bad:
        raise ChallengeWorkshopError(
            f"--kinds: expected a comma-separated list of levels (1,2,3) or kinds ({', '.join(KINDS)}), got {text!r}"
        )
    return kinds


def folder_name(learner: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", learner).strip("-.").lower() or "learner"


def _kind_arg(kind: str):
    return int(kind) if kind.isdigit() else kind


def learner_notebook(learner: str, kinds: list[str]):
    """The challenge notebook for one learner (nbformat object)."""
    import nbformat as nbf

    cells = [
        nbf.v4.new_markdown_cell(
            f"# Break-fix lab for {learner}\n\nEach section is a ticket. Investigate on the broken server with the "
            "console (ipconfig /all, route print, netsh interface ipv4 show …), fix it with real commands, then "
            "list the commands you used in `check`. Hints come after an attempt: `lab.hint()`."
        ),
        nbf.v4.new_code_cell(f"import labkit\nLEARNER = {learner!r}"),
    ]
    for number, kind in enumerate(kinds, 1):
        lab = challenge(_kind_arg(kind), learner)
        var = f"lab{number}"
        cells.append(nbf.v4.new_markdown_cell(f"## Challenge {number}: {lab.title}"))
        cells.append(
            nbf.v4.new_code_cell(f"{var} = labkit.challenge({kind_literal(kind)}, seed=LEARNER)\nprint({var})")
        )
        if lab.broken is None:
            cells.append(nbf.v4.new_code_cell(f"print({var}.extra['answers'])  # answer one of these"))
            cells.append(nbf.v4.new_code_cell(f"{var}.check(...)  # your answer in quotes"))
        elif lab.settings:
            from .settings import VOCABULARY

            cells.append(
                nbf.v4.new_markdown_cell(
                    "This fix is made in settings (IIS Manager, the firewall, the "
                    "client), written as short lines: " + "; ".join(f"`{v}`" for v in VOCABULARY)
                )
            )
            cells.append(nbf.v4.new_code_cell(f"{var}.check([...])  # your settings lines"))
        else:
            cells.append(nbf.v4.new_code_cell(f"console{number} = {var}.console()\nconsole{number}"))
            cells.append(nbf.v4.new_code_cell(f"{var}.check(console{number})  # or a list of the command lines"))
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def kind_literal(kind: str) -> str:
    return kind if kind.isdigit() else repr(kind)


def answer_key(learners: list[str], kinds: list[str]) -> str:
    lines = ["# Answer key (instructor only)", "", "Rebuild any variant with `labkit.challenge(KIND, seed=NAME)`.", ""]
    for learner in learners:
        lines.append(f"## {learner}")
        for kind in kinds:
            lab = challenge(_kind_arg(kind), learner)
            where = f" on {lab.node}" if lab.node else ""
            lines += [
                f"- **{lab.kind}**{where}: {lab.ticket}",
                f"  - cause: {lab.cause}",
                *(f"  - fix: `{line}`" for line in lab.fix),
            ]
        lines.append("")
    return "\n".join(lines)


def make(learners_file: Path, kinds_text: str, out: Path) -> str:
    learners, kinds = read_learners(learners_file), parse_kinds(kinds_text)
    try:
        import nbformat as nbf
    except ImportError:
        raise ChallengeWorkshopError(
            "labkit workshop make writes notebooks with nbformat: install the lab extra "
            "(pip install -e '.[lab]', or make lab)"
        ) from None
    try:
        notebooks = {name: learner_notebook(name, kinds) for name in learners}
        key = answer_key(learners, kinds)
    except ChallengeError as err:
        raise ChallengeWorkshopError(str(err)) from None
    out = Path(out)
    try:
        for name, nb in notebooks.items():
            folder = out / folder_name(name)
            folder.mkdir(parents=True, exist_ok=True)
            nbf.write(nb, str(folder / NOTEBOOK))
            (folder / ".labkit-learner").write_text(name + "\n", encoding="utf-8")
        (out / KEY).write_text(key, encoding="utf-8")
    except OSError as err:
        raise ChallengeWorkshopError(f"{out}: cannot write there ({err.strerror or err})") from None
    return (
        f"wrote {len(learners)} challenge notebooks ({', '.join(kinds)}) under {out}/<learner>/{NOTEBOOK} "
        f"and the answer key {out / KEY}"
    )


@dataclass(frozen=True)
class Row:
    learner: str
    challenge: str
    passed: bool
    tries: int
    seconds: float | None
    commands: tuple[str, ...]


def read_progress(folder: Path) -> list[Row]:
    """Every learner's lab rows from the progress files under `folder` (one sub-folder a learner)."""
    from ..course.store import load_progress

    folder = Path(folder)
    if not folder.is_dir():
        raise ChallengeWorkshopError(f"{folder}: expected a folder holding one sub-folder per learner")
    rows = []
    for path in sorted(folder.rglob(".labkit-progress.json")):
        marker = path.parent / ".labkit-learner"
        learner = marker.read_text(encoding="utf-8").strip() if marker.is_file() else path.parent.name
        for key, attempts in sorted(load_progress(path).exercises.items()):
            if key.startswith("lab:"):
                rows.append(Row(learner, key[4:], attempts.passed, attempts.tries, attempts.seconds, attempts.commands))
    return rows


def report_lines(rows: list[Row]) -> list[str]:
    if not rows:
        return ["no lab attempts found (collect each learner's .labkit-progress.json into a folder of theirs)"]
    out = [f"{'learner':<16} {'challenge':<24} {'fixed':<5} {'tries':>5} {'time':>7}  commands"]
    for r in rows:
        time = f"{r.seconds / 60:.1f}m" if r.seconds is not None else "-"
        out.append(
            f"{r.learner[:16]:<16} {r.challenge[:24]:<24} {'yes' if r.passed else 'no':<5} {r.tries:>5} "
            f"{time:>7}  {' | '.join(r.commands) or '-'}"
        )
    fixed = sum(r.passed for r in rows)
    out.append(f"{fixed} of {len(rows)} challenges attempted were fixed")
    return out


def report(folder: Path) -> str:
    return "\n".join(report_lines(read_progress(folder)))


__all__ = ["FIX_KINDS", "ChallengeWorkshopError", "answer_key", "learner_notebook", "make", "read_learners", "report"]
