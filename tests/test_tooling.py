"""The project's habits (issue 11 item 8): ruff, mypy and the import contracts run clean, and
`import labkit` stays light. Configuration: pyproject.toml; `make lint` runs the same commands.

The tool tests skip where the lint extra is not installed (`pip install -e '.[lint]'`); `make test`
installs it. Import time is a figure for `make bench`, never a timed assertion here: the test
below checks *what* `import labkit` loads.
"""

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import labkit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)


def _needs(module: str) -> None:
    # make test installs the lint extra: a missing tool is a broken install, not a reason to skip
    assert importlib.util.find_spec(module) is not None, f"{module} is not installed (pip install -e '.[lint]')"


def _model_contract() -> dict:
    return next(c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["source_modules"] == ["labkit.model"])


def test_import_labkit_loads_no_part_of_the_kit_until_a_name_is_used():
    code = (
        "import sys, labkit; before = sorted(sys.modules); labkit.trace; labkit.run_console\n"
        "print(' '.join(before)); print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True)
    before, after = (set(line.split()) for line in out.stdout.splitlines())
    assert {m for m in before if m.startswith("labkit")} == {"labkit", "labkit.errors"}
    heavy = {"yaml", "pydantic", "networkx", "ipywidgets", "IPython", "nbformat", "matplotlib"}
    assert not {m.split(".")[0] for m in before} & heavy
    assert {"labkit.model.engine", "labkit.model.commands", "labkit.model.console.dispatch"} <= after


def test_every_public_name_of_labkit_resolves():
    for name in labkit.__all__:
        assert getattr(labkit, name) is not None, name
        assert name in dir(labkit), name
    from labkit import ConsoleResult, Network, Trace, course, run_console, trace  # noqa: F401 (the names resolve)

    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        labkit.not_a_name  # noqa: B018 (the lookup is the test)


def test_the_layering_contracts_are_kept():
    _needs("importlinter")
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_model_contract_names_every_part_of_labkit_above_the_model():
    below = {"model", "errors"}
    parts = {
        p.stem
        for p in (ROOT / "labkit").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    forbidden = set(_model_contract()["forbidden_modules"])
    assert {f"labkit.{part}" for part in parts - below} <= forbidden
    assert {"os", "io", "pathlib", "subprocess", "socket", "yaml", "pydantic", "ipywidgets", "matplotlib"} <= forbidden


def test_the_model_opens_no_files():
    for path in (ROOT / "labkit" / "model").rglob("*.py"):
        assert "open(" not in path.read_text(), path


def test_mypy_finds_no_errors():
    _needs("mypy")
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_ruff_finds_nothing():
    _needs("ruff")
    result = _run(sys.executable, "-m", "ruff", "check", "--no-fix", ".")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_code_is_as_ruff_formats_it():
    _needs("ruff")
    result = _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_make_test_runs_the_linters_from_the_lint_extra():
    makefile = (ROOT / "Makefile").read_text()
    for command in ("ruff check", "ruff format --check", "mypy", "lint-imports"):
        assert f"$(BIN)/{command}" in makefile, command
    assert any(line.startswith("test:") and " lint" in line for line in makefile.splitlines())
    lint = {r.split(">")[0].split("[")[0].lower() for r in PYPROJECT["project"]["optional-dependencies"]["lint"]}
    assert {"ruff", "mypy", "import-linter"} <= lint
    assert "lint" in PYPROJECT["project"]["optional-dependencies"]["test"][0]
