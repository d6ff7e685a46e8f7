"""README.md's "Project layout" matches the tree (issue 11: the README's layout section matches the
new tree): every folder and file it lists exists, every `name.py` it mentions for a folder is in that
folder, every labkit package (a folder with __init__.py) is listed, and every module of labkit/model
(console included) is named."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*\.py)\b")


def layout_entries() -> dict[str, str]:
    """Each listed path with its description (continuation lines included)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Project layout", 1)[1]
    block = section.split("```", 2)[1]
    entries: dict[str, str] = {}
    last = None
    for line in block.splitlines():
        if not line.strip():
            continue
        if line[0].isspace():
            assert last is not None, f"a continuation line with no entry above: {line!r}"
            entries[last] += " " + line.strip()
        else:
            path, _, description = line.partition(" ")
            entries[path] = description.strip()
            last = path
    return entries


def test_the_layout_section_is_found_and_lists_the_model():
    entries = layout_entries()
    assert "labkit/model/" in entries and "tests/" in entries


def test_every_path_the_layout_lists_exists():
    missing = [
        path
        for path in layout_entries()
        if not ((ROOT / path).is_dir() if path.endswith("/") else (ROOT / path).is_file())
    ]
    assert not missing, f"README's layout lists what is not in the tree: {missing}"


def test_every_module_the_layout_names_for_a_folder_is_in_that_folder():
    missing = []
    for path, description in layout_entries().items():
        if not path.endswith("/"):
            continue
        missing += [f"{path}{name}" for name in MODULE.findall(description) if not (ROOT / path / name).is_file()]
    assert not missing, f"README's layout names modules that are not there: {missing}"


def test_every_labkit_package_is_listed():
    listed = set(layout_entries())
    packages = sorted(
        f"{p.parent.relative_to(ROOT).as_posix()}/"
        for p in (ROOT / "labkit").rglob("__init__.py")
        if "__pycache__" not in p.parts and p.parent != ROOT / "labkit"
    )
    assert len(packages) > 10
    unlisted = [p for p in packages if p not in listed]
    assert not unlisted, f"README's layout does not list these packages: {unlisted}"


def model_modules_not_named(entries: dict[str, str]) -> list[str]:
    """labkit/model modules (console included) that README's layout names neither as an entry of their
    own nor in their folder's description."""
    model = ROOT / "labkit" / "model"
    missing = []
    for module in sorted(model.rglob("*.py")):
        if module.stem in ("__init__", "__main__") or "__pycache__" in module.parts:
            continue
        path = module.relative_to(ROOT).as_posix()
        folder = module.parent.relative_to(ROOT).as_posix() + "/"
        if path not in entries and module.name not in MODULE.findall(entries.get(folder, "")):
            missing.append(path)
    return missing


def test_every_model_module_is_named_in_the_layout():
    missing = model_modules_not_named(layout_entries())
    assert not missing, "README's layout does not name these labkit/model modules: " + ", ".join(missing)


def test_a_model_module_left_out_of_the_layout_is_named_in_the_failure():
    entries = layout_entries()
    entries["labkit/model/"] = re.sub(r"\b(ftp_alg|steps)\.py", "", entries["labkit/model/"])
    entries.pop("labkit/model/steps.py", None)
    assert model_modules_not_named(entries) == ["labkit/model/ftp_alg.py", "labkit/model/steps.py"]
