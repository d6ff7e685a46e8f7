"""The simulated learners of `make bench-workshop`: each logs in, starts their server, runs
notebook 01 up to its host panel and flips the panel's weakhostsend switch every few seconds,
either over Jupyter's protocol (protocol_learner) or in headless Chromium (browser_learner).
Each records its server start, kernel start, update latencies and failures in a Learner."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import client
from .kernel_channel import Kernel
from .settings import ROOT

NOTEBOOK = "01-strong-vs-weak-host.ipynb"
SWITCH = ("nlb", "weakhostsend")
EXPECTED = {True: "ACCEPTED", False: "STRONG_SEND_BLOCKED"}
FLIP = (
    f"box = panel.switches[{SWITCH!r}]\nbox.value = not box.value\n"
    "print(box.value, panel.view.trace.reply.disposition.value)"
)
PASSWORD = "bench-learner-password"


@dataclass
class Learner:
    name: str
    browser: bool = False
    start_s: float | None = None
    kernel_s: float | None = None
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def panel_setup_cells() -> list[str]:
    """Notebook 01's code cells up to and including its host panel (the first widget cell)."""
    import nbformat

    cells = []
    for cell in nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4).cells:
        if cell.cell_type == "code":
            cells.append(cell.source)
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                return cells
    raise RuntimeError(f"{NOTEBOOK} has no panel cell")


async def protocol_learner(me: Learner, base: str, delay: float, duration: float, interval: float) -> None:
    await asyncio.sleep(delay)
    try:
        session = await asyncio.to_thread(client.login, base, me.name, PASSWORD)
        me.start_s = await asyncio.to_thread(client.start_server, session, base, me.name)
        token = await asyncio.to_thread(client.new_token, session, base, me.name)
        began = time.monotonic()
        kernel = await Kernel.open(base, me.name, token, NOTEBOOK)
        for source in panel_setup_cells():
            status, text = await kernel.execute(source)
            if status != "ok":
                raise RuntimeError(f"setup cell failed: {text[-200:]}")
        await kernel.execute("panel = _")
        me.kernel_s = time.monotonic() - began
    except Exception as err:  # a learner who cannot get in is a failure to report, not a crash
        me.failures.append(f"setup: {type(err).__name__}: {str(err)[:160]}")
        return
    stop = time.monotonic() + duration
    while time.monotonic() < stop:
        await asyncio.sleep(random.uniform(interval * 2 / 3, interval * 4 / 3))
        sent = time.monotonic()
        try:
            status, text = await kernel.execute(FLIP, timeout=30)
        except Exception as err:
            me.failures.append(f"flip: {type(err).__name__}")
            continue
        me.latencies_ms.append((time.monotonic() - sent) * 1000)
        value, _, disposition = text.strip().partition(" ")
        if status != "ok" or disposition != EXPECTED[value == "True"]:
            me.failures.append(f"flip: {status} {text.strip()[:80]}")
    kernel.ws.close()


async def browser_learner(
    me: Learner, base: str, browser, folder: Path, delay: float, duration: float, interval: float
) -> None:
    """The same, in headless Chromium: log in, open notebook 01, run all, click the switch."""
    settings = folder / me.name / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')  # render every cell
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    try:
        began = time.monotonic()
        await page.goto(f"{base}/hub/login")
        await page.fill("#username_input", me.name)
        await page.fill("#password_input", PASSWORD)
        await page.click("#login_submit")
        await page.wait_for_url(f"**/user/{me.name}/lab/**", timeout=300_000)
        me.start_s = time.monotonic() - began
        began = time.monotonic()
        await page.goto(f"{base}/user/{me.name}/lab/tree/{NOTEBOOK}")
        await page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
        await page.wait_for_function(
            "document.querySelector('#jp-main-statusbar') && "
            "/Idle/.test(document.querySelector('#jp-main-statusbar').innerText)",
            timeout=180_000,
        )
        await page.click('.lm-MenuBar-itemLabel:has-text("Run")')
        await page.click('.lm-Menu-itemLabel:has-text("Run All Cells")')
        box = page.locator(".widget-checkbox", has_text=SWITCH[1]).first.locator("input")
        await box.wait_for(timeout=180_000)
        me.kernel_s = time.monotonic() - began
        checked = await box.is_checked()
    except Exception as err:
        me.failures.append(f"browser setup: {type(err).__name__}: {str(err).splitlines()[0][:160]}")
        await context.close()
        return
    stop = time.monotonic() + duration
    while time.monotonic() < stop:
        await asyncio.sleep(random.uniform(interval * 2 / 3, interval * 4 / 3))
        checked = not checked
        sent = time.monotonic()
        try:
            await box.click()
            await page.wait_for_function(
                "(want) => Array.from(document.querySelectorAll('.jp-OutputArea .widget-html pre'))"
                ".some(e => new RegExp('reply:[\\\\s\\\\S]*=> ' + want).test(e.innerText))",
                arg=EXPECTED[checked],
                timeout=30_000,
            )
            me.latencies_ms.append((time.monotonic() - sent) * 1000)
        except Exception as err:
            me.failures.append(f"browser flip: {type(err).__name__}")
    await context.close()
