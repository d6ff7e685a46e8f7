"""The course's two editions and the learner's own copy.

The instructor edition is `notebooks/` as committed: executed, solutions in. The student edition
replaces every solution cell by a stub naming what to fill in and clears every output. A
learner's copy is the student edition written into a folder of their own that labkit never
overwrites, so their work survives `git pull` and a new course version.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
STUB_HEADER = "# Your answer: replace None below (the question is just above; the next cell checks it)."


def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for element in node.elts for name in _targets(element)]
    return []


def stub_for(source: str) -> str:
    """What a student sees instead of a solution: every name the solution defines, set to None."""
    names: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            names += [name for target in node.targets for name in _targets(target)]
        elif isinstance(node, ast.AnnAssign):
            names += _targets(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
    return "\n".join([STUB_HEADER, *(f"{name} = None" for name in dict.fromkeys(names))])


def student_edition(nb):
    """A copy of an instructor notebook (an nbformat node) with stubs for solutions and no outputs."""
    import nbformat

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags:
            cell.source = stub_for(cell.source)
            cell.metadata["tags"] = [t for t in tags if t != SOLUTION_TAG] + [EXERCISE_TAG]
        cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nb.metadata["labkit"] = {"edition": "student", "course_hash": _course_hash(nb)}
    return nb


def _course_hash(nb) -> str:
    text = json.dumps([(c.cell_type, c.source) for c in nb.cells], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CopyReport:
    written: tuple[str, ...]
    kept: tuple[str, ...]
    updates: tuple[str, ...]
    """Notebooks whose course version changed: the new one sits beside the learner's as '… (course update)'."""

    def __str__(self) -> str:
        lines = []
        if self.written:
            lines.append(f"Your copy of the course: wrote {', '.join(self.written)}")
        if self.kept:
            lines.append(f"Kept your work in {len(self.kept)} notebook(s) (never overwritten).")
        for name in self.updates:
            lines.append(
                f"The course changed {name}: the new version is beside yours as "
                f"'{Path(name).stem} (course update).ipynb'."
            )
        return "\n".join(lines) or "Nothing to copy."


def copy_student_edition(source: Path, destination: Path) -> CopyReport:
    """Write the student edition of every notebook in `source` into `destination`, keeping every
    notebook the learner already has there."""
    import nbformat

    destination.mkdir(parents=True, exist_ok=True)
    written, kept, updates = [], [], []
    for path in sorted(source.glob("*.ipynb")):
        student = student_edition(nbformat.read(path, as_version=4))
        target = destination / path.name
        if not target.exists():
            nbformat.write(student, target)
            written.append(path.name)
            continue
        kept.append(path.name)
        try:
            mine = nbformat.read(target, as_version=4).metadata.get("labkit", {}).get("course_hash")
        except Exception:  # a learner's broken file is theirs to keep; never touch it
            mine = None
        if mine != student.metadata["labkit"]["course_hash"]:
            nbformat.write(student, destination / f"{path.stem} (course update).ipynb")
            updates.append(path.name)
    return CopyReport(tuple(written), tuple(kept), tuple(updates))
