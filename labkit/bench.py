"""`make bench`: how long `import labkit` and the model it loads on first use take, how many single-packet traces per second the engine
computes, how long a panel's kernel takes per click, and (when Chromium is installed) click to new
picture in a real browser.

Reported, never enforced by a test. The engine figures run pinned to one core where the OS allows it.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import replace

from .model import Role, TlsMode, ftp_session, trace
from .scenario import load_scenario, shipped_scenarios

TARGET = 5000
ROUNDS = 5
IMPORT_TARGET_MS = 60
IMPORT_ROUNDS = 7
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the folder labkit/ is in


def flows(net):
    """Every host to every address of every other node: the questions a learner asks."""
    hosts = [n for n in net.nodes if n.role is Role.HOST]
    targets = [a.ip for n in net.nodes for a in n.addresses]
    return [(h.name, dst) for h in hosts for dst in targets if not h.owns(dst)]


def rate(net, questions, fresh: bool, minimum_seconds: float = 0.4) -> float:
    """Traces per second; fresh=True rebuilds the network per trace (as after a settings change)."""
    count, start = 0, time.perf_counter()
    while True:
        for start_node, dst in questions:
            subject = replace(net, nodes=tuple(replace(n) for n in net.nodes)) if fresh else net
            trace(subject, start_node, dst)
            count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= minimum_seconds:
            return count / elapsed


def widget_latency(rounds: int = 25) -> dict[str, float]:
    """Kernel side of a click: median time from a changed setting to the panel's new SVG, in ms,
    and for the host panel where that time goes (model, picture layout, SVG text)."""
    import yaml

    from .plot.network_picture import network_picture
    from .plot.svg import to_svg
    from .scenario import SCENARIO_DIR, parse_scenario
    from .views import Flow, host_view
    from .widgets import ComparePanel, FtpExplorer, HostPanel

    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    for node in ("web1", "web2"):
        raw["nodes"][node].pop("routes")
    net = parse_scenario(yaml.safe_dump(raw))
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    panel = HostPanel(net, member, Flow("pc1", "10.10.0.100"))
    explorer = FtpExplorer(load_scenario("ftp-nat-seed"))
    compare = ComparePanel(load_scenario("nlb-inconsistent-nodes"), "web2", Flow("pc1", "10.10.0.100"))

    def toggle(box):
        return lambda: setattr(box, "value", not box.value)

    def toggle_tls():
        explorer.tls.value = TlsMode.EXPLICIT.value if explorer.tls.value == TlsMode.NONE else TlsMode.NONE.value

    def timed(change) -> list[float]:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            change()
            times.append((time.perf_counter() - start) * 1000)
        return times

    results = {}
    for name, change in (
        ("host settings panel (weakhostsend)", toggle(panel.switches[("nlb", "weakhostsend")])),
        ("FTP explorer (TLS none/explicit)", toggle_tls),
        ("compare view (weakhostsend)", toggle(compare.switches[("nlb", "weakhostsend")])),
    ):
        times = timed(change)
        results[name] = statistics.median(times)
        print(f"kernel side of a click, {name:<36} median {results[name]:6.1f} ms, max {max(times):6.1f} ms")
    flow = Flow("pc1", "10.10.0.100")
    flags = iter(range(10**6))
    view = host_view(net, member, flow)
    picture = network_picture(view.network, view.trace)
    parts = {
        "model (host_view)": lambda: host_view(
            net, member, flow, switches={("nlb", "weakhostsend"): next(flags) % 2 == 0}
        ),
        "picture layout": lambda: network_picture(view.network, view.trace),
        "SVG text": lambda: to_svg(picture),
    }
    print(
        "  host panel, where the kernel's time goes: "
        + ", ".join(f"{part} {statistics.median(timed(work)):.1f} ms" for part, work in parts.items())
    )
    return results


def _fresh(code: str, *options: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter on this checkout, bytecode already cached."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (ROOT, os.environ.get("PYTHONPATH"))))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a learner's second import reads cached bytecode
    return subprocess.run(
        [sys.executable, *options, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )


def import_ms(code: str) -> float:
    """Milliseconds the imports `code` makes take in a fresh interpreter (`python -X importtime`),
    labkit's own entries only (the interpreter's start-up is not counted)."""
    total = 0
    for line in _fresh(code, "-X", "importtime").stderr.splitlines():  # "import time: <self> | <cumulative> | <name>"
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[1].strip().isdigit():
            name = fields[2].removeprefix(" ")
            if name.split(".")[0] == "labkit":  # a top-level entry (nested ones are indented)
                total += int(fields[1])
    return total / 1000


def import_cpu_ms(code: str) -> float:
    """CPU milliseconds `code` takes in a fresh interpreter (steadier than -X importtime's wall
    clock on a busy machine)."""
    timed = f"import time\nstart = time.process_time()\n{code}\nprint((time.process_time() - start) * 1000)"
    return float(_fresh(timed).stdout.split()[-1])


FIRST_TRACE = (  # a learner's first question about a shipped scenario, timed after it is loaded
    "import time, labkit\n"
    "net = labkit.load_scenario('nlb-intranet')\n"
    "start = time.perf_counter()\n"
    "labkit.trace(net, 'pc1', '10.10.0.100')\n"
    "print((time.perf_counter() - start) * 1000)"
)


def import_time() -> float:
    """Medians of IMPORT_ROUNDS fresh interpreters: `import labkit`, `import labkit.model` (what a
    learner's first `labkit.trace` loads), that first `labkit.trace`, and the first trace on a
    shipped scenario. Returns the model's figure."""
    import_ms("import labkit.model")  # writes the bytecode the rounds below read
    codes = ("import labkit", "import labkit.model", "import labkit; labkit.trace")
    figures = {code: statistics.median(import_ms(code) for _ in range(IMPORT_ROUNDS)) for code in codes}
    cpu = {code: statistics.median(import_cpu_ms(code) for _ in range(IMPORT_ROUNDS)) for code in codes}
    first = statistics.median(float(_fresh(FIRST_TRACE).stdout.split()[-1]) for _ in range(IMPORT_ROUNDS))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"import times, median of {IMPORT_ROUNDS} fresh interpreters, load average {load}:")
    for what, ms in figures.items():
        verdict = "meets" if ms < IMPORT_TARGET_MS else "MISSES"
        print(
            f"  {what:<28} {ms:6.1f} ms ({verdict} the target of {IMPORT_TARGET_MS} ms), CPU time {cpu[what]:6.1f} ms"
        )
    print(f"  first trace on nlb-intranet  {first:6.1f} ms (pc1 -> 10.10.0.100, after load_scenario)")
    return figures["import labkit.model"]


def main() -> int:
    import_time()
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores:
        os.sched_setaffinity(0, {min(cores)})
    print(
        f"labkit bench: Python {platform.python_version()} on {platform.machine()}, one core, median of {ROUNDS} rounds"
    )
    print(f"{'scenario':<26}{'flows':>6}{'traces/s':>12}{'fresh net/s':>13}")
    medians = []
    for name in shipped_scenarios():
        net = load_scenario(name)
        questions = flows(net)
        for start_node, dst in questions[:5]:  # warm caches
            trace(net, start_node, dst)
        cached = statistics.median(rate(net, questions, False) for _ in range(ROUNDS))
        fresh = statistics.median(rate(net, questions, True, 0.2) for _ in range(ROUNDS))
        medians.append(cached)
        print(f"{name:<26}{len(questions):>6}{cached:>12,.0f}{fresh:>13,.0f}")
    for name in shipped_scenarios():
        net = load_scenario(name)
        if net.ftp is None:
            continue
        start, count = time.perf_counter(), 0
        while time.perf_counter() - start < 0.5:
            result = ftp_session(net)
            count += 1
        per = (time.perf_counter() - start) / count * 1000
        print(
            f"FTP session {name:<24} {per:>7.1f} ms ({result.outcome}"
            + (", fixes searched" if not result.succeeded else "")
            + ")"
        )
    overall = statistics.median(medians)
    verdict = "meets" if overall >= TARGET else "MISSES"
    print(f"median over scenarios: {overall:,.0f} single-packet traces/s ({verdict} the target of {TARGET:,}/s)")
    widget_latency()
    from . import browser_bench

    if browser_bench.chromium() is None:
        print(
            "browser figures skipped: Chromium or Playwright not found (apt-get install chromium; "
            "pip install -e '.[test]')"
        )
    else:
        if cores:  # JupyterLab, the kernel and Chromium get every core, as on a learner's machine
            os.sched_setaffinity(0, cores)
        print(
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
            "starting JupyterLab and Chromium..."
        )
        browser_bench.report(browser_bench.browser_latency())
    return 0


if __name__ == "__main__":
    sys.exit(main())
