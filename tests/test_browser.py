"""The course in a real browser: JupyterLab on 127.0.0.1, headless Debian Chromium through
Playwright. Runs notebooks 01 and 05, changes one toggle in each, and checks that the
panel's text changes to what the model predicts. Screenshots go to build/."""

import os
import re
import shutil

import pytest

from conftest import ROOT, running_lab
from labkit.model import FtpClientSettings
from labkit.panels import Flow, ftp_view, host_view
from labkit.scenario import load_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "build"


@pytest.fixture
def browser():
    if CHROMIUM is None:
        message = ("Chromium not found: install Debian's chromium (apt-get install -y chromium) to run the "
                   "browser test; `make test` does this when it runs as root")
        if os.environ.get("LABKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open_and_run(page, base, token, notebook):
    # A workspace of its own per notebook: JupyterLab would otherwise restore the tabs of the
    # previous page, and "run all" could go to whichever notebook happened to be current.
    page.goto(f"{base}/lab/workspaces/{notebook.split('-')[0]}/tree/notebooks/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Run only once this notebook is the current one and its kernel is idle.
    page.wait_for_function(
        "(() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!(w && w.context && w.context.path.endsWith(%r) && w.sessionContext"
        " && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.kernelDisplayStatus === 'idle'); })()" % notebook, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _panel_text(page) -> str:
    return page.evaluate("Array.from(document.querySelectorAll('.jp-OutputArea .widget-html pre'))"
                         ".map(e => e.innerText).join('\\n=====\\n')")


def test_notebooks_01_and_05_react_to_their_toggles(tmp_path, browser):
    SHOTS.mkdir(exist_ok=True)
    net = load_scenario("reference-nlb-dual-nic")
    before = host_view(net, "H", Flow("C2", "10.10.0.100")).trace.reply.disposition.value
    after = host_view(net, "H", Flow("C2", "10.10.0.100"),
                      switches={("nlb", "weakhostsend"): True}).trace.reply.disposition.value
    seed = load_scenario("ftp-nat-seed")
    plain = ftp_view(seed, seed.ftp.settings).result.outcome.upper()
    tls = ftp_view(seed, FtpClientSettings(tls="explicit")).result.outcome.upper()
    assert (before, after, plain, tls) == ("STRONG_SEND_BLOCKED", "ACCEPTED", "SUCCESS", "FAILURE")

    with running_lab(tmp_path, "--LabApp.expose_app_in_browser=True") as (base, token):
        for name, walk in (("01", lambda page: _notebook_01(page, base, token, before, after)),
                           ("05", lambda page: _notebook_05(page, base, token, plain, tls))):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                walk(page)
            except Exception:
                page.screenshot(path=str(SHOTS / f"browser-{name}-FAILED.png"), full_page=True)
                raise


def _notebook_01(page, base, token, before, after):
        _open_and_run(page, base, token, "01-strong-vs-weak-host.ipynb")
        box = page.locator(".widget-checkbox", has_text="weakhostsend").first.locator("input")
        box.wait_for(timeout=90_000)
        page.wait_for_function(f"/reply:[\\s\\S]*=> {before}/.test(Array.from(document.querySelectorAll("
                               "'.jp-OutputArea .widget-html pre')).map(e => e.innerText).join(' '))",
                               timeout=60_000)
        box.click()
        page.wait_for_function(f"/reply:[\\s\\S]*=> {after}/.test(Array.from(document.querySelectorAll("
                               "'.jp-OutputArea .widget-html pre')).map(e => e.innerText).join(' '))",
                               timeout=30_000)
        assert re.search(r'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled', _panel_text(page))
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "browser-01-weakhostsend.png"))


def _notebook_05(page, base, token, plain, tls):
        _open_and_run(page, base, token, "05-ftp-nat-tls-load-balancers.ipynb")
        tls_box = page.locator(".widget-dropdown", has_text="TLS").first.locator("select")
        tls_box.wait_for(timeout=90_000)
        page.wait_for_function(f"Array.from(document.querySelectorAll('.jp-OutputArea .widget-html'))"
                               f".some(e => e.innerText.includes('✔ {plain}'))", timeout=60_000)
        tls_box.select_option("explicit")
        page.wait_for_function(f"Array.from(document.querySelectorAll('.jp-OutputArea .widget-html'))"
                               f".some(e => e.innerText.includes('✖ {tls}'))", timeout=30_000)
        tls_box.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "browser-05-tls.png"))
