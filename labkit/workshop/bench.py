"""`make bench-workshop`: a room of simulated learners on the workshop hub, on 127.0.0.1.

For each class size N a fresh hub is started (the same launcher as `make workshop`). Every
learner arrives within the first few seconds, logs in, starts their server, opens notebook 01's
kernel through the hub's proxy with a token of their own (Jupyter's REST and websocket protocol),
runs the notebook's cells up to its host panel, and then flips the panel's weakhostsend switch
every few seconds for a minute: each flip runs the panel's own update (host_view and the redraw)
in the kernel, and the latency is the round trip from the execute request to the kernel's idle.
A few learners do the same in real headless Chromium (click the switch, wait for the panel's text).
Reported per N: server start time, update latency p50/p95, memory per learner, failures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import client
from .settings import ROOT

NOTEBOOK = "01-strong-vs-weak-host.ipynb"
SWITCH = ("nlb", "weakhostsend")
EXPECTED = {True: "ACCEPTED", False: "STRONG_SEND_BLOCKED"}
FLIP = (
    f"box = panel.switches[{SWITCH!r}]\nbox.value = not box.value\n"
    "print(box.value, panel.view.trace.reply.disposition.value)"
)
PASSWORD = "bench-learner-password"
TEACHER = "bench-instructor-password-not-used-" + uuid.uuid4().hex


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


class Kernel:
    """One kernel of a learner's server, driven over the server's websocket (the Jupyter protocol)."""

    def __init__(self, ws):
        self.ws, self.session = ws, uuid.uuid4().hex

    @classmethod
    async def open(cls, base: str, name: str, token: str) -> Kernel:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        answer = await asyncio.to_thread(
            client.server_api,
            base,
            name,
            token,
            "POST",
            "sessions",
            json={"path": NOTEBOOK, "type": "notebook", "name": NOTEBOOK, "kernel": {"name": "python3"}},
        )
        answer.raise_for_status()
        kernel_id = answer.json()["kernel"]["id"]
        url = f"{base.replace('http', 'ws', 1)}/user/{name}/api/kernels/{kernel_id}/channels"
        ws = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {token}"}), max_message_size=64 * 1024 * 1024
        )
        return cls(ws)

    async def execute(self, code: str, timeout: float = 120) -> tuple[str, str]:
        """Run `code`; returns (status, printed text) once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "bench",
            "session": self.session,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "version": "5.3",
        }
        await self.ws.write_message(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        status, text, idle = None, [], False
        deadline = time.monotonic() + timeout
        while status is None or not idle:
            raw = await asyncio.wait_for(self.ws.read_message(), max(0.1, deadline - time.monotonic()))
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            if isinstance(raw, bytes):
                continue  # binary frames carry widget buffers (the panel's picture)
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            if kind == "execute_reply":
                status = message["content"]["status"]
            elif kind == "stream":
                text.append(message["content"]["text"])
            elif kind == "error":
                text.append(f"{message['content']['ename']}: {message['content']['evalue']}")
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
        return status, "".join(text)


async def protocol_learner(me: Learner, base: str, delay: float, duration: float, interval: float) -> None:
    await asyncio.sleep(delay)
    try:
        session = await asyncio.to_thread(client.login, base, me.name, PASSWORD)
        me.start_s = await asyncio.to_thread(client.start_server, session, base, me.name)
        token = await asyncio.to_thread(client.new_token, session, base, me.name)
        began = time.monotonic()
        kernel = await Kernel.open(base, me.name, token)
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


def _memory(folder: Path, names: list[str]) -> dict:
    """PSS of each learner's processes (server and kernels work in their folder), and of the hub's
    own (hub, proxy, culler work in the state folder), in MB."""
    import psutil

    per_learner = {name: 0.0 for name in names}
    for process in psutil.process_iter(["cwd"]):
        cwd = process.info["cwd"] or ""
        if not cwd.startswith(str(folder) + os.sep):
            continue
        name = Path(cwd).relative_to(folder).parts[0]
        if name in per_learner:
            try:
                per_learner[name] += process.memory_full_info().pss / 2**20
            except psutil.Error:
                pass
    return per_learner


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def run_class(n: int, browsers: int, duration: float, interval: float, arrival: float, work: Path) -> dict:
    import socket

    from .serve import launched

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    state, folder = work / f"n{n}" / "state", work / f"n{n}" / "learners"
    env = {
        **os.environ,
        "HOME": str(work / "home"),
        "WORKSHOP_PASSWORD": PASSWORD,
        "INSTRUCTOR_PASSWORD": TEACHER,
        "HUB_PORT": str(free_port()),
        "HUB_API_PORT": str(free_port()),
        "PROXY_API_PORT": str(free_port()),
        "WORKSHOP_STATE": str(state),
        "WORKSHOP_FOLDERS": str(folder),
    }
    learners = [Learner(f"learner{i:02d}", browser=i < browsers) for i in range(n)]
    load_before = _load()
    with launched(env, work / f"n{n}-hub.log") as (base, _):
        playwright = browser = None
        tasks = []
        try:
            if browsers:
                from shutil import which

                from playwright.async_api import async_playwright

                playwright = await async_playwright().start()
                browser = await playwright.chromium.launch(
                    executable_path=which("chromium") or which("chromium-browser"),
                    args=[
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                    ],
                )
            for me in learners:
                delay = random.uniform(0, arrival)
                if me.browser:
                    tasks.append(browser_learner(me, base, browser, folder, delay, duration, interval))
                else:
                    tasks.append(protocol_learner(me, base, delay, duration, interval))
            done = asyncio.Event()
            sampler = asyncio.create_task(_sample_memory(folder, [m.name for m in learners], done))
            await asyncio.gather(*tasks)
            done.set()
            memory = await sampler
        finally:
            if browser:
                await browser.close()
            if playwright:
                await playwright.stop()
    return _summary(n, learners, memory, load_before)


async def _sample_memory(folder: Path, names: list[str], done: asyncio.Event) -> dict:
    """The largest PSS seen per learner while the class works (sampled every 10 s)."""
    peak = {name: 0.0 for name in names}
    while not done.is_set():
        for name, mb in (await asyncio.to_thread(_memory, folder, names)).items():
            peak[name] = max(peak[name], mb)
        try:
            await asyncio.wait_for(done.wait(), 10)
        except TimeoutError:
            pass
    return peak


def _summary(n: int, learners: list[Learner], memory: dict, load_before: str) -> dict:
    protocol = [m for m in learners if not m.browser]
    browsers = [m for m in learners if m.browser]
    starts = [m.start_s for m in protocol if m.start_s is not None]
    latencies = [x for m in protocol for x in m.latencies_ms]
    in_browser = [x for m in browsers for x in m.latencies_ms]
    measured = [mb for mb in memory.values() if mb]
    failures = [f"{m.name}: {f}" for m in learners for f in m.failures]
    return {
        "learners": n,
        "in_browser": len(browsers),
        "load_before": load_before,
        "load_after": _load(),
        "start_s": {"median": statistics.median(starts) if starts else None, "max": max(starts, default=None)},
        "kernel_ready_s": statistics.median([m.kernel_s for m in protocol if m.kernel_s] or [0]) or None,
        "update_ms": {"count": len(latencies), "p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "browser_update_ms": {
            "count": len(in_browser),
            "p50": _percentile(in_browser, 50),
            "p95": _percentile(in_browser, 95),
        },
        "memory_mb_per_learner": statistics.mean(measured) if measured else None,
        "failures": len(failures),
        "failure_list": failures[:20],
        "learner_details": [asdict(m) | {"latencies_ms": len(m.latencies_ms)} for m in learners],
    }


def _fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def report_line(r: dict) -> str:
    return (
        f"| {r['learners']} ({r['in_browser']} in Chromium) | {_fmt(r['start_s']['median'], '.1f')} / "
        f"{_fmt(r['start_s']['max'], '.1f')} s | {_fmt(r['update_ms']['p50'], '.0f')} / "
        f"{_fmt(r['update_ms']['p95'], '.0f')} ms ({r['update_ms']['count']}) | "
        f"{_fmt(r['browser_update_ms']['p50'], '.0f')} / {_fmt(r['browser_update_ms']['p95'], '.0f')} ms | "
        f"{_fmt(r['memory_mb_per_learner'], '.0f')} MB | {r['failures']} | {r['load_before']} → {r['load_after']} |"
    )


def machine() -> str:
    import psutil

    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.workshop.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="10,20,40", help="class sizes, comma-separated (default 10,20,40)")
    parser.add_argument("--browsers", type=int, default=2, help="learners per class in headless Chromium")
    parser.add_argument("--duration", type=float, default=60, help="seconds each learner works the panel")
    parser.add_argument("--interval", type=float, default=3, help="mean seconds between two switch flips")
    parser.add_argument("--arrival", type=float, default=15, help="learners arrive within these seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench-workshop.json")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.learners.split(",") if x.strip()]
    runs: list[dict] = []
    results = {"machine": machine(), "runs": runs}
    print(f"Machine: {results['machine']}", flush=True)
    print(
        "| learners | server start median / max | update p50 / p95 (n) | in Chromium p50 / p95 | "
        "memory per learner (PSS) | failures | load before → after |",
        flush=True,
    )
    print("|---|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="labkit-bench-workshop-") as tmp:
        for n in sizes:
            result = asyncio.run(
                run_class(n, min(args.browsers, n), args.duration, args.interval, args.arrival, Path(tmp))
            )
            runs.append(result)
            print(report_line(result), flush=True)
            for failure in result["failure_list"][:5]:
                print(f"    {failure}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(f"Details: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
