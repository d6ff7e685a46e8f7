"""The course as a learner gets it, in a real browser: `make lab` (the student edition copied into a
learner's folder), JupyterLab on 127.0.0.1, headless Debian Chromium through Playwright, a 1366×768
window. Opens and runs every notebook; for every panel (every widget cell) it takes a screenshot in
the panel's first state, makes one change, checks that the panel then says what the model predicts
(the same pure function, called here), takes a second screenshot, and checks that the controls,
the verdict line and the picture (for the case panels: the verdict's explanation) are on screen
together, that no two labels of a picture overlap and no line breaks inside a word as Chromium
draws them, and that no notebook shows an error, a [PASS] or a solution before the learner earned
it. Screenshots go to build/browser-NN-panel-{before,after}.png."""

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import nbformat
import pytest

import labkit
from conftest import ROOT, running_lab
from labkit.browser_bench import ARGS
from labkit.cases.dcdiag import DomainState, judge, parse_dcdiag, parse_replsummary
from labkit.cases.files import load_layout, read_text
from labkit.cases.restore import preflight_attached
from labkit.model import FtpClientSettings
from labkit.plot.network_labels import ending_words
from labkit.scenario import DATA_DIR, load_scenario
from labkit.views import Flow, ftp_view, host_view

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "build"
SCREEN = {"width": 1366, "height": 768}
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
CASES = DATA_DIR / "cases"

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

# Each of `selectors`: its rectangle inside the visible part of the notebook (the window minus
# JupyterLab's menus, toolbar and status bar)?
ON_SCREEN = """(panel, selectors) => {
  const area = (panel.closest('.jp-WindowedPanel-outer') || panel.closest('.jp-Notebook')).getBoundingClientRect();
  return selectors.map(sel => {
    const r = panel.querySelector(sel).getBoundingClientRect();
    return [sel, r.height > 0 && r.top >= Math.max(0, area.top) - 1 && r.left >= Math.max(0, area.left) - 1
                 && r.bottom <= Math.min(innerHeight, area.bottom) + 1 && r.right <= Math.min(innerWidth, area.right) + 1,
            [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]];
  });
}"""

# Words (letters and digits) of the panel's texts that Chromium drew over two lines although they fit on
# one ("NLB NI" / "C").
BROKEN_WORDS = """panel => {
  const out = [];
  for (const el of panel.querySelectorAll('.labkit-verdict, .labkit-warning, pre')) {
    const width = el.getBoundingClientRect().width;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[\\p{L}\\p{N}_]+/gu)) {  // a break after - or , is fine
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
        if (tops.size > 1 && range.getBoundingClientRect().width < width) out.push(m[0]);
      }
    }
  }
  return out;
}"""

# The smallest text of the picture as drawn on screen, in CSS px (font size times the SVG's scale).
SMALLEST_TEXT = """panel => {
  const svg = panel.querySelector('.labkit-picture svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...Array.from(svg.querySelectorAll('text')).map(t => parseFloat(t.getAttribute('font-size')))) * scale;
}"""

PICTURE = [".labkit-controls", ".labkit-verdict", ".labkit-picture svg"]
CASE = [".labkit-controls", ".labkit-verdict", ".labkit-explanation"]


@dataclass(frozen=True)
class Walk:
    """One panel: how to find it, what it says first, the one change, what it says after."""

    notebook: str
    name: str
    label: str  # the text of one of its controls
    before: str
    change: Callable
    after: str
    on_screen: tuple = tuple(PICTURE)


def _words(trace) -> str:
    """The panel's verdict line, from the same function the panel calls."""
    return " · ".join([ending_words(trace, "request")] + ([ending_words(trace.reply, "reply")] if trace.reply else []))


def _tick(label):
    return lambda panel: panel.locator(".widget-checkbox", has_text=label).first.locator("input").click()


def _select(label, value):
    return lambda panel: panel.locator(".widget-dropdown", has_text=label).first.locator("select").select_option(value)


def _type(label, text):
    def change(panel):
        field = panel.locator(".widget-text", has_text=label).first.locator("input")
        field.fill(text)
        field.press("Enter")

    return change


def _walks() -> list[Walk]:
    """Every widget cell of the course, with the change the model predicts an answer for."""
    nlb = load_scenario("nlb-intranet")
    broken = nlb
    for member in ("web1", "web2"):
        broken, _ = labkit.apply_command(broken, member, "route delete 10.20.0.0")
    server = labkit.trace(broken, "pc1", "10.10.0.100", reply=True).last_hop.node
    weak = {("nlb", "weakhostsend"): True}
    start = Flow("pc1", "10.10.0.100")
    seed = load_scenario("ftp-nat-seed")
    plain = ftp_view(seed, seed.ftp.settings).result
    tls = ftp_view(seed, FtpClientSettings(tls="explicit")).result
    dual, gateways = load_scenario("reference-nlb-dual-nic"), load_scenario("gateway-choice")
    inconsistent, home = load_scenario("nlb-inconsistent-nodes"), load_scenario("ftp-active-client-nat")
    no_helper = ftp_view(home, home.ftp.settings, helper=False).result
    report = parse_dcdiag(read_text(CASES / "dcdiag-seed.txt"))
    clean = parse_replsummary(read_text(CASES / "replsummary-clean.txt"))
    usb = load_layout(CASES / "restore-usb-stick.yaml")
    disks = {d.name for d in usb.target}

    def headline(result) -> str:
        return str(result).partition("\n")[0]

    def ftp_mark(result) -> str:
        return "✔ SUCCESS" if result.succeeded else f"✖ FAILURE at step {result.failed_step}"

    return [
        Walk(
            "00",
            "host",
            "weakhostsend",
            _words(host_view(broken, server, start).trace),
            _tick("weakhostsend"),
            _words(host_view(broken, server, start, switches=weak).trace),
        ),
        Walk("00", "ftp", "TLS", ftp_mark(plain), _select("TLS", "explicit"), ftp_mark(tls)),
        Walk(
            "01",
            "host",
            "weakhostsend",
            _words(host_view(dual, "H", Flow("C2", "10.10.0.100")).trace),
            _tick("weakhostsend"),
            _words(host_view(dual, "H", Flow("C2", "10.10.0.100"), switches=weak).trace),
        ),
        Walk(
            "02",
            "host",
            "gateway",
            _words(host_view(gateways, "H", Flow("H", "198.51.100.80")).trace),
            _type("gateway", ""),  # the first NIC's field: the fast NIC's gateway removed
            _words(host_view(gateways, "H", Flow("H", "198.51.100.80"), gateways={"fast": ""}).trace),
        ),
        Walk(
            "03",
            "compare",
            "weakhostsend",
            "your settings: " + _words(host_view(inconsistent, "web2", start).trace),
            _tick("weakhostsend"),
            "your settings: " + _words(host_view(inconsistent, "web2", start, switches=weak).trace),
        ),
        Walk(
            "04",
            "ftp",
            "helper",
            ftp_mark(ftp_view(home, home.ftp.settings).result),
            _tick("FTP helper on NAT"),
            ftp_mark(no_helper),
        ),
        Walk("05", "ftp", "TLS", ftp_mark(plain), _select("TLS", "explicit"), ftp_mark(tls)),
        Walk(
            "06",
            "dcdiag",
            "SYSVOL replicated by",
            headline(judge(report, DomainState("2008R2", "frs", None, clean))),
            _select("SYSVOL replicated by", "dfsr"),
            headline(judge(report, DomainState("2008R2", "dfsr", None, clean))),
            tuple(CASE),
        ),
        Walk(
            "06",
            "restore",
            "BIOS boot disk",
            headline(preflight_attached(usb, disks, usb.bios_boot_disk)),
            _tick("WinRE USB stick"),
            headline(preflight_attached(usb, disks - {"WinRE USB stick"}, usb.bios_boot_disk)),
            tuple(CASE),
        ),
    ]


@pytest.fixture
def browser():
    if CHROMIUM is None:
        message = (
            "Chromium not found: install Debian's chromium (apt-get install -y chromium) to run the "
            "browser test; `make test` does this when it runs as root"
        )
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


def _open_and_run(page, base, token, folder, notebook):
    # A workspace of its own per notebook: JupyterLab would otherwise restore the tabs of the
    # previous page, and "run all" could go to whichever notebook happened to be current.
    page.goto(f"{base}/lab/workspaces/{notebook.split('-')[0]}/tree/{folder}/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Run only once this notebook is the current one and its kernel is idle.
    page.wait_for_function(
        "(() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"  # noqa: UP031 (JavaScript braces)
        " return !!(w && w.context && w.context.path.endsWith(%r) && w.sessionContext"
        " && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.kernelDisplayStatus === 'idle'); })()" % notebook,
        timeout=90_000,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _wait_done(page, notebook):
    """Every code cell has run (an execution count, none pending) and the kernel is idle again."""
    page.wait_for_function(
        "(() => { const w = window.jupyterapp.shell.currentWidget;"
        " const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'));"
        " return w.sessionContext.kernelDisplayStatus === 'idle' && cells.length > 0"
        " && cells.every(c => /\\[\\d+\\]/.test(c.innerText)); })()",
        timeout=150_000,
    )
    shown = page.locator(".jp-Notebook").inner_text()
    errors = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.error']").count()
    assert errors == 0, f"{notebook}: {errors} cell(s) raised an error in the student edition"
    # ([PASS] lines of a scenario's own design checks are no answer: only exercises are earned.)
    solutions = _solution_lines(notebook)
    assert "[PASS] exercise" not in shown, f"{notebook}: a passed exercise before any answer"
    assert len(re.findall(r"exercise \d+ [^\n]*?\(\d\d\.\d+\): no answer yet", shown)) == len(solutions), (
        f"{notebook}: not every exercise check says 'no answer yet'"
    )
    assert not [line for line in solutions if line in shown], f"{notebook}: a solution is shown"


def _solution_lines(notebook) -> list[str]:
    """The first line of each of the instructor edition's solution cells (one per exercise)."""
    cells = nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells
    return [cell.source.strip().splitlines()[0] for cell in cells if "solution" in cell.metadata.get("tags", [])]


def _panel(page, label):
    """The first panel with a control labelled `label`, scrolled to the top of the notebook."""
    panel = page.locator(
        ".labkit-panel", has=page.locator(".widget-inline-hbox, .widget-checkbox, .widget-text", has_text=label)
    ).first
    panel.locator(".labkit-verdict").first.wait_for(timeout=90_000)
    return panel


def _wait_verdict(page, panel, text, timeout=30_000):
    """Wait until the panel's verdict line says `text` (the line is rewritten on every change)."""
    page.wait_for_function(
        "([p, text]) => Array.from(p.querySelectorAll('.labkit-verdict')).some(v => v.innerText.includes(text))",
        arg=[panel.element_handle(), text],
        timeout=timeout,
    )


def _check_panel(page, panel, walk: Walk, state: str):
    panel.evaluate("p => p.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    name = f"{walk.notebook}-{walk.name}"
    page.screenshot(path=str(SHOTS / f"browser-{name}-{state}.png"))
    placed = panel.evaluate(ON_SCREEN, list(walk.on_screen))
    assert all(inside for _, inside, _ in placed), f"{name} {state}: not all on a 1366x768 screen: {placed}"
    broken = panel.evaluate(BROKEN_WORDS)
    assert broken == [], f"{name} {state}: words broken over two lines: {broken[:10]}"
    if ".labkit-picture svg" in walk.on_screen:
        count, overlaps = panel.evaluate(OVERLAPS)
        assert count > 10 and overlaps == [], f"{name} {state}: labels overlap in Chromium: {overlaps}"
        smallest = panel.evaluate(SMALLEST_TEXT)
        print(f"{name} {state}: smallest text in the picture {smallest:.1f} px on screen")
        assert smallest >= 10.95, f"{name}: text {smallest:.1f} px on screen, expected at least 11 px"


def _walk_panel(page, walk: Walk):
    panel = _panel(page, walk.label)
    _wait_verdict(page, panel, walk.before, 60_000)
    assert walk.before != walk.after, f"{walk.notebook}-{walk.name}: the change predicts no new verdict"
    _check_panel(page, panel, walk, "before")
    old = panel.inner_html()
    walk.change(panel)
    _wait_verdict(page, panel, walk.after)
    if ".labkit-picture svg" in walk.on_screen:
        assert panel.locator(".labkit-picture").inner_html() not in old, "the picture was not redrawn"
    _check_panel(page, panel, walk, "after")
    return panel


def test_every_notebook_of_the_student_edition_runs_and_every_panel_reacts_on_screen(tmp_path, browser):
    SHOTS.mkdir(exist_ok=True)
    walks = _walks()
    assert {w.notebook for w in walks} <= {n[:2] for n in NOTEBOOKS}
    folder = f"build/{tmp_path.name}-student"
    shutil.rmtree(ROOT / folder, ignore_errors=True)  # the copy is never overwritten: start from none
    try:
        with running_lab(tmp_path, "--LabApp.expose_app_in_browser=True", work=folder) as (base, token):
            for notebook in NOTEBOOKS:
                page = browser.new_page(viewport=SCREEN)
                try:
                    _open_and_run(page, base, token, folder, notebook)
                    _wait_done(page, notebook)
                    for walk in (w for w in walks if w.notebook == notebook[:2]):
                        panel = _walk_panel(page, walk)
                        if notebook.startswith("01"):
                            _typing_applies_on_enter(page, panel)
                except Exception:
                    page.screenshot(path=str(SHOTS / f"browser-{notebook[:2]}-FAILED.png"), full_page=True)
                    raise
                finally:
                    page.close()
    finally:
        shutil.rmtree(ROOT / folder, ignore_errors=True)


def _typing_applies_on_enter(page, panel):
    """Typing 10.0.0.300 applies nothing on the way (not 10.0.0.3, not 10.0.0.30); Enter applies
    it, and the bad value keeps the last good picture and trace."""
    field = panel.locator(".widget-text", has_text="gateway").first.locator("input")
    page.wait_for_timeout(1000)  # every message of the last change has arrived
    picture, text = panel.locator(".labkit-picture").inner_html(), panel.locator("pre").last.inner_text()
    field.fill("")
    field.press_sequentially("10.0.0.300", delay=60)
    page.wait_for_timeout(800)
    assert "expected an IPv4 gateway" not in panel.inner_text()
    field.press("Enter")
    page.wait_for_function(
        "p => p.innerText.includes('expected an IPv4 gateway')", arg=panel.element_handle(), timeout=30_000
    )
    assert panel.locator(".labkit-picture").inner_html() == picture
    assert panel.locator("pre").last.inner_text() == text
