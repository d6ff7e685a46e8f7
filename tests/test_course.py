"""`make course`: three editions, no solution in the student edition, refusal on a broken notebook."""

import subprocess
import sys

import nbformat

from conftest import ROOT

BUILD = [sys.executable, str(ROOT / "tools" / "build_course.py")]


def test_course_has_three_editions_and_students_get_no_solutions(tmp_path):
    out = tmp_path / "course"
    done = subprocess.run(BUILD + ["--skip-check", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    for edition in ("instructor", "student"):
        assert sorted(p.name for p in (out / edition).glob("*.ipynb")) == notebooks
    for edition in ("instructor", "student"):
        assert sorted(p.stem for p in (out / "html" / edition).glob("*.html")) == [n[:-6] for n in notebooks]
    assert all(n[:-6] in (out / "index.html").read_text() for n in notebooks)
    assert f"[{len(notebooks)}/{len(notebooks)}]" in done.stdout  # progress per notebook
    solutions = 0
    for name in notebooks:
        teacher = nbformat.read(out / "instructor" / name, as_version=4)
        student = nbformat.read(out / "student" / name, as_version=4)
        for t_cell, s_cell in zip(teacher.cells, student.cells):
            if "solution" in t_cell.metadata.get("tags", []):
                solutions += 1
                assert t_cell.source not in s_cell.source
                assert s_cell.source.startswith("# Your answer: replace None")
                assert all(line.endswith("= None") for line in s_cell.source.splitlines()[1:])
            if s_cell.cell_type == "code":
                assert s_cell.outputs == [] and s_cell.execution_count is None
        assert "solution" not in str([c.metadata.get("tags") for c in student.cells])
    assert solutions >= 18
    page = (out / "html" / "instructor" / "01-strong-vs-weak-host.html").read_text()
    assert "VBox(children" not in page
    for edition in ("instructor", "student"):  # each panel: its first picture and text, not a placeholder
        for name in ("01-strong-vs-weak-host", "05-ftp-nat-tls-load-balancers", "06-case-files"):
            page = (out / "html" / edition / f"{name}.html").read_text()
            assert "labkit-static-panel" in page and "an interactive panel appears here" not in page, (edition, name)
        assert "<svg" in (out / "html" / edition / "01-strong-vs-weak-host.html").read_text()


def test_course_pages_are_self_contained_and_the_student_pages_give_nothing_away(tmp_path):
    import re

    import labkit

    out = tmp_path / "course"
    subprocess.run(BUILD + ["--skip-check", "--out", str(out)], check=True, capture_output=True)
    index = (out / "index.html").read_text()
    assert "<style>" in index and "student edition" in index and "instructor edition" in index
    for page in (out / "html").rglob("*.html"):
        text = page.read_text()
        assert not re.search(r"<script[^>]+src=['\"]https?://", text), page  # no CDN: opens offline
        assert not re.search(r"<link[^>]+href=['\"]https?://", text), page
    import html
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_course", ROOT / "tools" / "build_course.py")
    build_course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_course)
    whys = [e.why for e in labkit.course.exercises().values() if e.why]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        teacher = nbformat.read(path, as_version=4)
        reading = build_course.for_reading(teacher, "student")
        solutions = [c.source for c in teacher.cells if "solution" in c.metadata.get("tags", [])]
        assert solutions
        for n, cell in enumerate(reading.cells):
            assert cell.source not in solutions, (path.name, cell.source)
            if "exercise" in cell.metadata.get("tags", []):
                assert reading.cells[n + 1].outputs == [], path.name  # the check's verdict is not shown
        page = (out / "html" / "student" / f"{path.stem}.html").read_text()
        assert not any(html.escape(why) in page for why in whys), path.name


def test_the_course_build_never_replaces_a_folder_it_did_not_make(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    done = subprocess.run(BUILD + ["--skip-check", "--out", str(precious)], capture_output=True, text=True)
    assert done.returncode != 0 and "Refusing to write the course" in done.stderr
    assert (precious / "notes.txt").read_text() == "keep me"


def test_student_notebooks_run_and_every_check_asks_for_an_answer(tmp_path):
    from nbclient import NotebookClient

    out = tmp_path / "course"
    subprocess.run(BUILD + ["--skip-check", "--out", str(out)], check=True, capture_output=True)
    for path in sorted((out / "student").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(ROOT / "notebooks")}}
        ).execute()  # raises on error
        cells = nb.cells
        for n, cell in enumerate(cells):
            if "exercise" in cell.metadata.get("tags", []):
                printed = "".join(o.get("text", "") for o in cells[n + 1].outputs)
                assert "no answer yet" in printed, (path.name, printed)


def test_course_refuses_to_build_from_a_failing_notebook(tmp_path):
    broken = tmp_path / "notebooks"
    broken.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="2\n")]  # stale output: nbval must fail
    nb.cells[0].execution_count = 1
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, broken / "stale.ipynb")
    out = tmp_path / "course"
    done = subprocess.run(BUILD + ["--notebooks", str(broken), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 1 and "Refusing to build the course" in done.stdout
    assert not out.exists()
