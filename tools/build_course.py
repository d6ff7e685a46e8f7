"""`make course`: check every notebook with nbval (strict), then write dist/course/ with
the instructor edition (executed, solutions in), the student edition (each solution cell
replaced by a stub that says what to do, outputs cleared) and an HTML page per notebook,
plus an index. Refuses to build from a failing notebook."""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from labkit.course.editions import student_edition

ROOT = Path(__file__).resolve().parent.parent


def for_reading(nb):
    """The HTML page: a panel cannot run in a page, so say so instead of printing its repr."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbval-ignore-output" in cell.metadata.get("tags", []):
            cell.outputs = [nbformat.v4.new_output(
                "stream", text="(an interactive panel appears here when the notebook runs in JupyterLab)\n")]
    return nb


def title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def check(notebooks: Path) -> bool:
    print(f"Checking {notebooks} with nbval (strict) before building...", flush=True)
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider",
                             str(notebooks)], cwd=ROOT)
    return result.returncode == 0


def build(notebooks: Path, out: Path) -> None:
    from nbconvert import HTMLExporter
    paths = sorted(notebooks.glob("*.ipynb"))
    if out.exists():
        shutil.rmtree(out)
    for sub in ("instructor", "student", "html"):
        (out / sub).mkdir(parents=True)
    exporter = HTMLExporter(template_name="lab")
    rows = []
    for n, path in enumerate(paths, 1):
        print(f"[{n}/{len(paths)}] {path.name}: instructor, student, html", flush=True)
        nb = nbformat.read(path, as_version=4)
        nbformat.write(nb, out / "instructor" / path.name)
        nbformat.write(student_edition(nb), out / "student" / path.name)
        body, _ = exporter.from_notebook_node(for_reading(nb))
        page = out / "html" / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        rows.append((path.stem, title_of(nb, path.stem)))
    links = "\n".join(
        f"<li>{html.escape(title)}: <a href='student/{stem}.ipynb'>student notebook</a> · "
        f"<a href='instructor/{stem}.ipynb'>instructor notebook (with solutions)</a> · "
        f"<a href='html/{stem}.html'>read online (instructor edition, with solutions)</a></li>"
        for stem, title in rows)
    (out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>labkit course</title>"
        "<h1>labkit: where do your server's packets really go?</h1>"
        f"<ol>{links}</ol>", encoding="utf-8")
    print(f"Built {len(rows)} notebooks into {out}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "course")
    parser.add_argument("--skip-check", action="store_true", help="do not run nbval first (tests only)")
    args = parser.parse_args(argv)
    if not args.skip_check and not check(args.notebooks):
        print("Refusing to build the course: a notebook fails nbval (see above). Nothing was written.")
        return 1
    build(args.notebooks, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
