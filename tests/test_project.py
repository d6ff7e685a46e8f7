"""The project's own promises: one dependency list, a light import, clean notebooks."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "python3"


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_installs_the_package_extras_the_makefile_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    assert conda == {"python": project["requires-python"], "pip": ""}  # no second list to drift
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    make_extras = re.search(r"install -e '\.\[([a-z,]+)\]'", (ROOT / "Makefile").read_text())[1]
    assert pip_section == [f"-e .[{make_extras}]"]
    extras = project["optional-dependencies"]
    for requirement in [*project["dependencies"], *(r for extra in extras.values() for r in extra)]:
        name, spec = _split(requirement)
        if name == "labkit":  # an extra built from others: they must exist
            assert set(spec.strip("[]").split(",")) <= set(extras), requirement
    assert set(make_extras.split(",")) <= set(extras)


def test_import_labkit_stays_light():
    code = (
        "import labkit, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'matplotlib','ipywidgets','IPython','jupyter_core','pydantic','yaml'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_there_is_a_start_notebook():
    assert ROOT / "notebooks" / "00-start-here.ipynb" in NOTEBOOKS


def test_notebooks_are_executed_with_one_kernel_and_no_widget_state():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == KERNEL, path
        assert "widgets" not in nb["metadata"], f"{path}: widget state not stripped"
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip():
                assert cell["execution_count"] is not None, f"{path}: a code cell was not executed"
                tags = cell.get("metadata", {}).get("tags", [])
                assert "nbval-skip" not in tags, f"{path}: cells may not be skipped"
                assert cell["outputs"] or "nbval-ignore-output" in tags or not cell_prints(cell), (
                    f"{path}: a printing cell has no stored output"
                )


def cell_prints(cell) -> bool:
    return "print(" in "".join(cell["source"])


def test_ci_runs_make_test_and_nbval_is_strict():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    for name in ("Makefile", "pyproject.toml", ".ci/run"):
        assert "--nbval-lax" not in (ROOT / name).read_text()
    assert "--nbval " in (ROOT / "Makefile").read_text()


COURSE = [
    "00-start-here",
    "01-strong-vs-weak-host",
    "02-gateway-selection",
    "03-nlb-two-nics",
    "04-ftp-active-passive",
    "05-ftp-nat-tls-load-balancers",
    "06-case-files",
    "07-your-own-server",
    "08-troubleshooting-lab",
]


def test_the_course_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == COURSE


def test_each_notebook_has_three_checked_exercises_that_pass_with_the_solution():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        solutions = [n for n, c in enumerate(cells) if "solution" in c.get("metadata", {}).get("tags", [])]
        assert len(solutions) >= 3, path
        for n in solutions:
            check = cells[n + 1]
            printed = "".join("".join(o.get("text", "")) for o in check.get("outputs", []))
            assert check["cell_type"] == "code" and printed.startswith("[PASS]"), (path, n, printed)


def test_widget_cells_are_the_only_ones_whose_output_nbval_ignores():
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
                source = "".join(cell["source"])
                assert any(w in source for w in ("Panel(", "FtpExplorer(", "StepThrough(", ".console(")), (path, source)
