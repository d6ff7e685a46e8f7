"""docs/model-rules.md, docs/ftp-rules.md and docs/case-rules.md name the function that implements
each rule (issue 11, item 4): every rule table has a Code column, every row names at least one
`labkit.…` function there, and every `labkit.…` name and source file the pages mention exists,
so a rename or a moved function makes this test fail instead of leaving a stale name."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs" / name for name in ("model-rules.md", "ftp-rules.md", "case-rules.md")]
DOTTED = re.compile(r"`(labkit(?:\.[A-Za-z_][A-Za-z0-9_]*)+)`")
SOURCE_FILE = re.compile(r"`([A-Za-z0-9_/]+\.py)`")
RULE_TABLE_FIRST_CELLS = {"Rule", "#", "Test", "Risk"}


def resolve(dotted: str):
    """The object a dotted name names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def tables(path: Path):
    """(header cells, [(line number, row cells)]) for each table of a page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    n = 0
    while n < len(lines):
        if lines[n].startswith("|") and n + 1 < len(lines) and set(lines[n + 1].replace("|", "")) <= set("-: "):
            header, rows, n = cells(lines[n]), [], n + 2
            while n < len(lines) and lines[n].startswith("|"):
                rows.append((n + 1, cells(lines[n])))
                n += 1
            yield header, rows
        n += 1


def names_in(path: Path) -> list[str]:
    return sorted(set(DOTTED.findall(path.read_text(encoding="utf-8"))))


def test_the_name_resolver_refuses_a_name_that_does_not_exist():
    assert callable(resolve("labkit.model.routes.select_route"))
    with pytest.raises(AttributeError):
        resolve("labkit.model.routes.no_such_function")
    with pytest.raises((ModuleNotFoundError, AttributeError)):
        resolve("labkit.no_such_module.function")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_rule_table_names_the_code_of_each_rule(path):
    rule_tables = [(h, rows) for h, rows in tables(path) if h[0] in RULE_TABLE_FIRST_CELLS]
    assert rule_tables
    for header, rows in rule_tables:
        assert header[-1] == "Code", f"{path.name}: a rule table without a Code column: {header}"
        for number, row in rows:
            assert len(row) == len(header), f"{path.name}:{number}: {len(row)} cells, header has {len(header)}"
            named = DOTTED.findall(row[-1])
            assert named, f"{path.name}:{number}: the rule names no function"
            for name in named:
                obj = resolve(name)
                assert callable(obj) or isinstance(obj, property), f"{path.name}:{number}: {name} is not code"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_labkit_name_the_page_mentions_exists(path):
    missing = []
    for name in names_in(path):
        try:
            resolve(name)
        except (ModuleNotFoundError, AttributeError):
            missing.append(name)
    assert not missing, f"{path.name} names what labkit does not have: {missing}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_source_file_a_section_heading_names_exists(path):
    """`labkit/model/host.py`, `walk.py`: the later names are in the first one's folder."""
    missing = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            continue
        files = SOURCE_FILE.findall(line)
        folder = Path(files[0]).parent if files else Path()
        for name in files:
            where = ROOT / name if "/" in name and name.startswith("labkit/") else ROOT / folder / name
            if not where.is_file():
                missing.append(name)
    assert not missing, f"{path.name}: headings name files that do not exist: {missing}"
