"""`make course`: check every notebook with nbval (strict), then write dist/course/ with
the instructor edition (executed, solutions in), the student edition (each solution cell
replaced by a stub that says what to do, outputs cleared), a self-contained HTML page per
notebook for each edition, and an index. Refuses to build from a failing notebook, and
refuses to write into a folder that is not a course build."""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from labkit.course.editions import EXERCISE_TAG, SOLUTION_TAG, stub_for, student_edition

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "course_template"
MARKER = ".labkit-course-build"
PANEL_TAG = "nbval-ignore-output"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def for_reading(nb, edition: str):
    """An HTML page's notebook. A panel shows its initial picture and text where the panel
    offers one (its static HTML), else a note; the student page keeps the lesson's outputs but
    shows stubs instead of solutions and no check results."""
    nb = nbformat.from_dict(nb)
    after_solution = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if PANEL_TAG in tags:
            cell.outputs = [_static(output) for output in cell.outputs if _static(output) is not None] or [
                nbformat.v4.new_output(
                    "stream", text="(an interactive panel appears here when the notebook runs in JupyterLab)\n"
                )
            ]
        if edition == "student":
            if SOLUTION_TAG in tags:
                cell.source, cell.outputs = stub_for(cell.source), []
                cell.metadata["tags"] = [t for t in tags if t != SOLUTION_TAG] + [EXERCISE_TAG]
                after_solution = True
                continue
            if after_solution:
                cell.outputs = []  # the check's verdict would give the answer away
            after_solution = False
    return nb


def _static(output):
    """A panel's output without its live widget view: what a page can show."""
    data = output.get("data", {})
    if output.get("output_type") != "display_data" and output.get("output_type") != "execute_result":
        return None
    kept = {k: v for k, v in data.items() if k not in (WIDGET_VIEW, "text/plain")}
    if not kept:
        return None
    return nbformat.v4.new_output("display_data", data=kept)


def title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def check(notebooks: Path) -> bool:
    print(f"Checking {notebooks} with nbval (strict) before building...", flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", str(notebooks)], cwd=ROOT
    )
    return result.returncode == 0


INDEX_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 56rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f3f3f3; } a { color: #0b57d0; } .note { color: #555; font-size: .95rem; }
"""


def _refuse_foreign(out: Path) -> None:
    """Only a folder this script made (or an empty or missing one) may be replaced."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(
            f"Refusing to write the course into {out}: it is not empty and not a course build "
            f"(no {MARKER} in it). Choose a new folder."
        )


def build(notebooks: Path, out: Path) -> None:
    from nbconvert import HTMLExporter

    paths = sorted(notebooks.glob("*.ipynb"))
    _refuse_foreign(out)
    if out.exists():
        shutil.rmtree(out)
    for sub in ("instructor", "student", "html/instructor", "html/student"):
        (out / sub).mkdir(parents=True)
    (out / MARKER).write_text("made by tools/build_course.py; the next build replaces this folder\n")
    exporter = HTMLExporter(template_name="labkit", extra_template_basedirs=[str(TEMPLATES)])
    rows = []
    for n, path in enumerate(paths, 1):
        print(f"[{n}/{len(paths)}] {path.name}: instructor, student, html", flush=True)
        nb = nbformat.read(path, as_version=4)
        nbformat.write(nb, out / "instructor" / path.name)
        nbformat.write(student_edition(nb), out / "student" / path.name)
        for edition in ("instructor", "student"):
            body, _ = exporter.from_notebook_node(for_reading(nb, edition))
            (out / "html" / edition / f"{path.stem}.html").write_text(body, encoding="utf-8")
        rows.append((path.stem, title_of(nb, path.stem)))
    links = "\n".join(
        f"<tr><td>{html.escape(title)}</td>"
        f"<td><a href='html/student/{stem}.html'>read</a> · <a href='student/{stem}.ipynb'>notebook</a></td>"
        f"<td><a href='html/instructor/{stem}.html'>read</a> · <a href='instructor/{stem}.ipynb'>notebook</a></td></tr>"
        for stem, title in rows
    )
    (out / "index.html").write_text(
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>labkit course</title>"
        f"<style>{INDEX_STYLE}</style>"
        "<h1>labkit: where do your server's packets really go?</h1>"
        "<p class='note'>The <b>student edition</b> has the exercises open (your answer goes where it says "
        "<code>None</code>); the <b>instructor edition</b> has every solution filled in and checked. "
        "<i>Read</i> opens a page in the browser; <i>notebook</i> downloads it for JupyterLab.</p>"
        "<table><tr><th>lesson</th><th>student edition</th><th>instructor edition (solutions)</th></tr>"
        f"{links}</table></html>",
        encoding="utf-8",
    )
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
