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
from dataclasses import asdict
from pathlib import Path

from .learners import PASSWORD, Learner, browser_learner, protocol_learner
from .settings import ROOT

TEACHER = "bench-instructor-password-not-used-" + uuid.uuid4().hex


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
