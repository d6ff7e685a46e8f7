"""`make bench`, browser side: from a click on a panel to the new picture on screen, in Chromium.

JupyterLab runs on 127.0.0.1 in a scratch directory with one notebook holding the three panels the
kernel-side bench times; headless Debian Chromium (through Playwright) clicks, and the page itself
times each change: `performance.now()` at the click, then a MutationObserver for the new picture,
then two animation frames (the frame with the new picture has been painted).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "labkit-bench"
# tests/test_browser.py starts Chromium with the same switches: one list for both.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGETS_MS = {"host settings panel": 100, "FTP explorer": 100, "compare view": 300}

CELLS = [
    "import yaml\nfrom labkit.model import trace\nfrom labkit.views import Flow\n"
    "from labkit.scenario import SCENARIO_DIR, load_scenario, parse_scenario\n"
    "from labkit.widgets import ComparePanel, FtpExplorer, HostPanel\n"
    "raw = yaml.safe_load((SCENARIO_DIR / 'nlb-intranet.yaml').read_text())\n"
    "for node in ('web1', 'web2'):\n    raw['nodes'][node].pop('routes')\n"
    "net = parse_scenario(yaml.safe_dump(raw))\nmember = trace(net, 'pc1', '10.10.0.100').last_hop.node",
    "HostPanel(net, member, Flow('pc1', '10.10.0.100'))",
    "FtpExplorer(load_scenario('ftp-nat-seed'))",
    "ComparePanel(load_scenario('nlb-inconsistent-nodes'), 'web2', Flow('pc1', '10.10.0.100'))",
    # The floor: a checkbox that only echoes its value into an HTML widget (no model, no drawing).
    "import ipywidgets as w\nbox = w.Checkbox(description='weakhostsend')\necho = w.HTML('<svg></svg>')\n"
    "echo.add_class('labkit-picture')\n"
    "box.observe(lambda c: setattr(echo, 'value', f'<svg><text y=\"20\">{c.new}</text></svg>'), names='value')\n"
    "floor = w.VBox([box, echo])\nfloor.add_class('labkit-panel')\nfloor",
]
PANELS = (
    ("host settings panel", "checkbox"),
    ("FTP explorer", "select"),
    ("compare view", "checkbox"),
    ("floor: echo widget", "checkbox"),
)

# Runs in the page: change one control `rounds` times, time each change to the painted picture.
MEASURE = """async ([index, kind, rounds]) => {
  const panel = document.querySelectorAll('.labkit-panel')[index];
  const picture = panel.querySelector('.labkit-picture');
  const control = kind === 'checkbox'
    ? Array.from(panel.querySelectorAll('.widget-checkbox')).find(c => c.innerText.includes('weakhostsend'))
        .querySelector('input')
    : Array.from(panel.querySelectorAll('.widget-dropdown')).find(d => d.innerText.includes('TLS'))
        .querySelector('select');
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const times = [];
  for (let n = 0; n < rounds; n++) {
    const before = picture.innerHTML;
    let inPage = 0;
    const changed = new Promise(resolve => {
      const watch = new MutationObserver(() => {
        if (picture.innerHTML !== before) { inPage = performance.now(); watch.disconnect(); resolve(); }
      });
      watch.observe(picture, {childList: true, subtree: true, characterData: true});
    });
    const start = performance.now();
    if (kind === 'checkbox') control.click();
    else { control.value = control.value === 'none' ? 'explicit' : 'none';
           control.dispatchEvent(new Event('change', {bubbles: true})); }
    await changed;
    await frame(); await frame();
    times.push([performance.now() - start, inPage - start]);
    await new Promise(r => setTimeout(r, 120));
  }
  return times;
}"""


def chromium() -> str | None:
    """Debian's Chromium, if it and Playwright (the `test` extra) are installed."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(path: Path) -> None:
    cells: list[dict[str, object]] = [
        {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
        for source in CELLS
    ]
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}
    path.write_text(json.dumps({"cells": cells, "metadata": kernel, "nbformat": 4, "nbformat_minor": 5}))


def _lab(scratch: Path) -> tuple[subprocess.Popen, str]:
    settings = scratch / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"checkForUpdates": false, "fetchNews": "false"}'
    )
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = _free_port()
    env = {
        **os.environ,
        "HOME": str(scratch),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={scratch}",
        "--LabApp.expose_app_in_browser=True",
    ] + (["--allow-root"] if os.getuid() == 0 else [])
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("JupyterLab did not start within 90 s")


def browser_latency(rounds: int = 21) -> dict[str, list[float]]:
    """{panel: [ms per change]}: click to new picture on screen, in a 1366×768 Chromium window."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="labkit-bench-") as tmp:
        scratch = Path(tmp)
        _notebook(scratch / "bench.ipynb")
        proc, base = _lab(scratch)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                try:
                    results = _measure(page, base, rounds)
                except Exception:
                    (ROOT / "build").mkdir(exist_ok=True)
                    page.screenshot(path=str(ROOT / "build" / "bench-FAILED.png"))
                    raise
                finally:
                    browser.close()
        finally:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
    return results


def _measure(page, base: str, rounds: int) -> dict[str, list[float]]:
    page.goto(f"{base}/lab/tree/bench.ipynb?reset&token={TOKEN}")
    page.wait_for_function(
        "(() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!(w && w.context && w.context.path.endsWith('bench.ipynb') && w.sessionContext"
        " && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.kernelDisplayStatus === 'idle'); })()",
        timeout=120_000,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        f"document.querySelectorAll('.labkit-panel .labkit-picture svg').length === {len(PANELS)}", timeout=120_000
    )
    page.wait_for_timeout(1000)
    results = {}
    for index, (name, kind) in enumerate(PANELS):
        times = page.evaluate(MEASURE, [index, kind, rounds + 2])[2:]  # the first two warm caches up
        results[name] = [total for total, _ in times]
        results[name + " (click to new SVG in the page)"] = [in_page for _, in_page in times]
    return results


def report(results: dict[str, list[float]]) -> None:
    for name, times in results.items():
        if name.endswith(")"):
            continue
        median = statistics.median(times)
        target = TARGETS_MS.get(name)
        verdict = (
            f"; {'meets' if median <= target else 'MISSES'} the {target} ms target"
            if target
            else ": comm round trip and browser only"
        )
        print(
            f"browser, click to new picture, {name:<20} median {median:6.1f} ms "
            f"(range {min(times):.0f}-{max(times):.0f} ms, {len(times)} clicks{verdict})"
        )
        dom = statistics.median(results[name + " (click to new SVG in the page)"])
        print(f"  of which click to new SVG in the page {dom:.1f} ms, then layout and paint {median - dom:.1f} ms")


def main() -> int:
    if chromium() is None:
        print(
            "browser bench skipped: Chromium or Playwright not found (apt-get install chromium; "
            "pip install -e '.[test]')"
        )
        return 0
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    report(browser_latency())
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
