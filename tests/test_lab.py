"""`make lab` serves JupyterLab on the learner's own copy of the start notebook (the student
edition), `make lab-instructor` on the instructor edition; both on loopback only, headless."""

import json
import shutil

import nbformat

from conftest import ROOT, get, running_lab


def test_make_lab_serves_the_learners_student_copy_and_keeps_their_work(tmp_path):
    work = f"build/{tmp_path.name}"
    (ROOT / work).mkdir(parents=True)
    mine = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer_1 = 'my own work'")])
    nbformat.write(mine, ROOT / work / "01-strong-vs-weak-host.ipynb")
    try:
        with running_lab(tmp_path, work=work) as (base, token):
            status, headers, _ = get(f"{base}/?token={token}")
            assert status == 302
            assert f"/lab/tree/{work}/00-start-here.ipynb" in headers["Location"]
            status, _, body = get(f"{base}/api/contents/{work}/00-start-here.ipynb?token={token}")
            assert status == 200
            start = json.loads(body)["content"]
            assert start["metadata"]["labkit"]["edition"] == "student"
            assert not any("solution" in c["metadata"].get("tags", []) for c in start["cells"])
            status, _, body = get(f"{base}/lab/tree/{work}/00-start-here.ipynb?token={token}")
            assert status == 200 and b"JupyterLab" in body
        kept = nbformat.read(ROOT / work / "01-strong-vs-weak-host.ipynb", as_version=4)
        assert kept.cells[0].source == "answer_1 = 'my own work'"  # never overwritten
        assert (ROOT / work / "01-strong-vs-weak-host (course update).ipynb").exists()
    finally:
        shutil.rmtree(ROOT / work, ignore_errors=True)


def test_make_lab_instructor_serves_the_instructor_edition(tmp_path):
    with running_lab(tmp_path, target="lab-instructor") as (base, token):
        status, headers, _ = get(f"{base}/?token={token}")
        assert status == 302 and "/lab/tree/notebooks/00-start-here.ipynb" in headers["Location"]
        status, _, body = get(f"{base}/api/contents/notebooks/00-start-here.ipynb?token={token}&content=0")
        assert status == 200 and json.loads(body)["type"] == "notebook"


def test_the_news_popup_is_switched_off_by_a_shipped_override():
    overrides = json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    installed = ROOT / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(installed.read_text()) == overrides  # make venv put it where JupyterLab reads it


def test_printed_results_wrap_between_words(tmp_path):
    """JupyterLab breaks output lines anywhere ("stic k"); make lab loads the kit's stylesheet."""
    with running_lab(tmp_path, target="lab-instructor") as (base, token):
        status, _, body = get(f"{base}/custom/custom.css?token={token}")
        assert status == 200 and b".jp-Notebook .jp-OutputArea-output pre" in body and b"word-break: normal" in body
        status, _, page = get(f"{base}/lab/tree/notebooks/00-start-here.ipynb?token={token}")
        assert b"custom/custom.css" in page
