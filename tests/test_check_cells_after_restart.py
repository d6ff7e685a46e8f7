"""A learner restarts the kernel, fills in one answer and runs its check: the answer cell and the
check cell together need nothing an earlier cell made (each check cell imports labkit itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def answer_and_check_cells(path: Path) -> list[tuple[str, str]]:
    """(the answer cell, the check cell after it) for every exercise of a notebook."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    return [
        ("".join(before["source"]), "".join(cell["source"]))
        for before, cell in zip(cells, cells[1:])
        if "labkit.course.check(" in "".join(cell["source"])
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_an_answer_and_its_check_run_in_a_fresh_kernel(path, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(path.parent)
    monkeypatch.setenv("LABKIT_PROGRESS", str(tmp_path / "progress.json"))
    pairs = answer_and_check_cells(path)
    assert pairs, f"{path.name} has no exercise checks"
    for answer, check in pairs:
        namespace: dict = {}
        exec(compile(answer, f"{path.name}: answer", "exec"), namespace)
        exec(compile(check, f"{path.name}: check", "exec"), namespace)  # NameError = needs an earlier cell
    assert "right" in capsys.readouterr().out  # the instructor edition's answers are the solutions
