"""The course in a real browser: JupyterLab on 127.0.0.1, headless Debian Chromium through
Playwright, a 1366×768 window. Runs notebooks 01, 03 and 05, changes one setting in each panel,
checks that the panel says what the model predicts, that the controls, the verdict line and the
picture are on screen together after the change, and that no two labels of the picture overlap
as Chromium draws them. Screenshots of each panel before and after the change go to build/."""

import os
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
SCREEN = {"width": 1366, "height": 768}

# Every label's box as Chromium laid it out, and the pairs that overlap.
OVERLAPS = """panel => {
  const boxes = Array.from(panel.querySelectorAll('.labkit-picture svg g.label'))
    .map(g => [g.id, g.getBoundingClientRect()]);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, r] = boxes[i], [b, s] = boxes[j];
    if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5)
      out.push(a + ' / ' + b);
  }
  return [boxes.length, out];
}"""

# Controls, verdict line and picture: each rectangle inside the visible part of the notebook
# (the window minus JupyterLab's menus, toolbar and status bar)?
ON_SCREEN = """panel => {
  const area = (panel.closest('.jp-WindowedPanel-outer') || panel.closest('.jp-Notebook')).getBoundingClientRect();
  return ['.labkit-controls', '.labkit-verdict', '.labkit-picture svg'].map(sel => {
    const r = panel.querySelector(sel).getBoundingClientRect();
    return [sel, r.top >= Math.max(0, area.top) - 1 && r.left >= Math.max(0, area.left) - 1
                 && r.bottom <= Math.min(innerHeight, area.bottom) + 1 && r.right <= Math.min(innerWidth, area.right) + 1,
            [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]];
  });
}"""


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


def _panel(page, control_text):
    """The first panel with a control labelled `control_text`, scrolled to the top of the notebook."""
    panel = page.locator(".labkit-panel", has=page.locator(".widget-inline-hbox, .widget-checkbox",
                                                           has_text=control_text)).first
    panel.locator(".labkit-picture svg").wait_for(timeout=90_000)
    panel.evaluate("p => p.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    return panel


# The smallest text of the picture as drawn on screen, in CSS px (font size times the SVG's scale).
SMALLEST_TEXT = """panel => {
  const svg = panel.querySelector('.labkit-picture svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...Array.from(svg.querySelectorAll('text')).map(t => parseFloat(t.getAttribute('font-size')))) * scale;
}"""


def _check_panel(page, panel, name):
    panel.evaluate("p => p.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"browser-{name}-after.png"))
    placed = panel.evaluate(ON_SCREEN)
    assert all(inside for _, inside, _ in placed), f"{name}: not all on a 1366x768 screen: {placed}"
    count, overlaps = panel.evaluate(OVERLAPS)
    assert count > 10 and overlaps == [], f"{name}: labels overlap in Chromium: {overlaps}"
    smallest = panel.evaluate(SMALLEST_TEXT)
    print(f"notebook {name}: smallest text in the picture {smallest:.1f} px on screen")
    assert smallest >= 10.95, f"{name}: text {smallest:.1f} px on screen, expected at least 11 px"


def _wait_verdict(page, panel, text, timeout=30_000):
    """Wait until the panel's verdict line says `text` (the line is rewritten on every change)."""
    page.wait_for_function("([p, text]) => Array.from(p.querySelectorAll('.labkit-verdict'))"
                           ".some(v => v.innerText.includes(text))", arg=[panel.element_handle(), text],
                           timeout=timeout)


def _picture(panel) -> str:
    return panel.locator(".labkit-picture").inner_html()


def test_notebooks_01_03_and_05_react_and_fit_the_screen(tmp_path, browser):
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
                           ("03", lambda page: _notebook_03(page, base, token)),
                           ("05", lambda page: _notebook_05(page, base, token, plain, tls))):
            page = browser.new_page(viewport=SCREEN)
            try:
                walk(page)
            except Exception:
                page.screenshot(path=str(SHOTS / f"browser-{name}-FAILED.png"), full_page=True)
                raise
            finally:
                page.close()


def _notebook_01(page, base, token, before, after):
    _open_and_run(page, base, token, "01-strong-vs-weak-host.ipynb")
    panel = _panel(page, "weakhostsend")
    _wait_verdict(page, panel, f"reply {before}", 60_000)
    page.screenshot(path=str(SHOTS / "browser-01-before.png"))
    old = _picture(panel)
    panel.locator(".widget-checkbox", has_text="weakhostsend").first.locator("input").click()
    _wait_verdict(page, panel, f"reply {after}")
    assert _picture(panel) != old
    assert 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled' in panel.inner_text()
    _check_panel(page, panel, "01")
    _typing_applies_on_enter(page, panel)


def _typing_applies_on_enter(page, panel):
    """Typing 10.0.0.300 applies nothing on the way (not 10.0.0.3, not 10.0.0.30); Enter applies
    it, and the bad value keeps the last good picture and trace."""
    field = panel.locator(".widget-text", has_text="gateway").first.locator("input")
    page.wait_for_timeout(1000)  # every message of the last change has arrived
    picture, text = _picture(panel), panel.locator(".labkit-panel pre, pre").last.inner_text()
    field.fill("")
    field.press_sequentially("10.0.0.300", delay=60)
    page.wait_for_timeout(800)
    assert "expected an IPv4 gateway" not in panel.inner_text()
    field.press("Enter")
    page.wait_for_function("p => p.innerText.includes('expected an IPv4 gateway')", arg=panel.element_handle(),
                           timeout=30_000)
    assert _picture(panel) == picture
    assert panel.locator(".labkit-panel pre, pre").last.inner_text() == text


def _notebook_03(page, base, token):
    _open_and_run(page, base, token, "03-nlb-two-nics.ipynb")
    panel = _panel(page, "weakhostsend")
    _wait_verdict(page, panel, "as written", 60_000)
    page.screenshot(path=str(SHOTS / "browser-03-before.png"))
    old = _picture(panel)
    panel.locator(".widget-checkbox", has_text="weakhostsend").first.locator("input").click()
    page.wait_for_function("([el, old]) => el.innerHTML !== old",
                           arg=[panel.locator(".labkit-picture").element_handle(), old], timeout=30_000)
    _check_panel(page, panel, "03")


def _notebook_05(page, base, token, plain, tls):
    _open_and_run(page, base, token, "05-ftp-nat-tls-load-balancers.ipynb")
    panel = _panel(page, "TLS")
    _wait_verdict(page, panel, f"✔ {plain}", 60_000)
    page.screenshot(path=str(SHOTS / "browser-05-before.png"))
    panel.locator(".widget-dropdown", has_text="TLS").first.locator("select").select_option("explicit")
    _wait_verdict(page, panel, f"✖ {tls}")
    _check_panel(page, panel, "05")
