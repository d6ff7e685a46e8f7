"""The notebooks use only labkit's public vocabulary: `import labkit` and `from labkit import …`
(names the package exports, loaded on first use), never a module path inside the kit."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest

import labkit

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# labkit.course is the course's own vocabulary (labkit.course.check, labkit.course.progress).
PUBLIC_SUBPACKAGES = {"course"}


def _code_cells(path: pathlib.Path):
    for n, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            yield n, ast.parse("\n".join(lines))


def _private_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("labkit"):
            if node.module != "labkit":
                found.append(f"from {node.module} import …")
            found.extend(f"labkit.{a.name} is not exported" for a in node.names if a.name not in labkit.__all__)
        elif isinstance(node, ast.Import):
            found.extend(f"import {a.name}" for a in node.names if a.name.startswith("labkit."))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "labkit":
            if node.attr not in labkit.__all__ and node.attr not in PUBLIC_SUBPACKAGES:
                found.append(f"labkit.{node.attr}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_use_only_the_public_vocabulary(path):
    wrong = {n: uses for n, tree in _code_cells(path) if (uses := _private_uses(tree))}
    assert not wrong, f"{path.name}: cells reach inside the kit: {wrong}"


def test_the_checker_finds_a_private_import():
    tree = ast.parse("from labkit.model.ftp_protocol import parse_227\nimport labkit.scenario\nlabkit.model.trace")
    assert _private_uses(tree) == [
        "from labkit.model.ftp_protocol import …",
        "labkit.parse_227 is not exported",
        "import labkit.scenario",
        "labkit.model",
    ]


def test_every_exported_name_resolves_in_a_fresh_interpreter():
    code = "import labkit\nfor name in labkit.__all__:\n    getattr(labkit, name)\nprint(len(labkit.__all__))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout) == len(labkit.__all__)
