"""Issue 13 in a real browser: notebook 08 in the learner's copy (student edition) in JupyterLab,
headless Debian Chromium through Playwright; the first challenge is solved by typing the fix into
the console widget, and the course check, given the console itself, says PASS. Reuses
test_browser's browser fixture and helpers."""

import shutil

from test_browser import SCREEN, SHOTS, _open_and_run, _wait_done, browser  # noqa: F401 - fixture by name

import labkit
from conftest import ROOT, running_lab

NOTEBOOK = "08-troubleshooting-lab.ipynb"

# A cell appended to the notebook and run: the course check of challenge 1, given the console widget.
CHECK_THE_CONSOLE = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  const model = w.content.model;
  model.sharedModel.insertCell(model.cells.length,
    {cell_type: 'code', source: 'print(labkit.course.check("08.1", console1))'});
  w.content.activeCellIndex = model.cells.length - 1;
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""


def test_challenge_1_is_solved_through_the_console_widget(tmp_path, browser):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    lab = labkit.challenge("missing-route", seed="learner")  # the notebook's default seed
    folder = f"build/{tmp_path.name}-student"
    shutil.rmtree(ROOT / folder, ignore_errors=True)
    try:
        _solve(browser, tmp_path, folder, lab)
    finally:
        shutil.rmtree(ROOT / folder, ignore_errors=True)


def _solve(browser, tmp_path, folder, lab):  # noqa: F811
    with running_lab(tmp_path, "--LabApp.expose_app_in_browser=True", work=folder) as (base, token):
        page = browser.new_page(viewport=SCREEN)
        try:
            _open_and_run(page, base, token, folder, NOTEBOOK)
            _wait_done(page, NOTEBOOK)
            line = page.locator(".widget-text input[placeholder^='type a command']").first
            line.wait_for(timeout=90_000)
            line.scroll_into_view_if_needed()
            line.fill("route print")
            line.press("Enter")
            page.wait_for_function("() => document.body.innerText.includes('C:\\\\>route print')", timeout=30_000)
            for command in lab.fix:
                line.fill(command)
                line.press("Enter")
            page.wait_for_function("() => document.body.innerText.includes(' OK!')", timeout=30_000)
            page.screenshot(path=str(SHOTS / "browser-08-console.png"))
            page.evaluate(CHECK_THE_CONSOLE)
            page.wait_for_function("() => document.body.innerText.includes('[PASS] exercise 1 (08.1)')", timeout=60_000)
            page.screenshot(path=str(SHOTS / "browser-08-passed.png"))
        except Exception:
            page.screenshot(path=str(SHOTS / "browser-08-FAILED.png"), full_page=True)
            raise
        finally:
            page.close()
