"""`make bench`: how many single-packet traces per second the engine computes.

Reported, never enforced by a test. Runs pinned to one core where the OS allows it.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import replace

from .model import ftp_session, trace
from .scenario import load_scenario, shipped_scenarios

TARGET = 5000
ROUNDS = 5


def flows(net):
    """Every host to every address of every other node: the questions a learner asks."""
    hosts = [n for n in net.nodes if n.role.value == "host"]
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


WIDGET_TARGET_MS = 150


def widget_latency(rounds: int = 25) -> dict[str, float]:
    """Median time from a changed setting to the new picture (model + redraw + PNG), in ms."""
    import matplotlib
    matplotlib.use("Agg")
    import yaml

    from .panels import Flow
    from .scenario import SCENARIO_DIR, parse_scenario
    from .widgets import FtpExplorer, HostPanel

    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    for node in ("web1", "web2"):
        raw["nodes"][node].pop("routes")
    net = parse_scenario(yaml.safe_dump(raw))
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    panel = HostPanel(net, member, Flow("pc1", "10.10.0.100"))
    box = panel.switches[("nlb", "weakhostsend")]
    explorer = FtpExplorer(load_scenario("ftp-nat-seed"))

    def toggle_box():
        box.value = not box.value

    def toggle_tls():
        explorer.tls.value = "explicit" if explorer.tls.value == "none" else "none"

    results = {}
    for name, change in (("host settings panel (weakhostsend)", toggle_box),
                         ("FTP explorer (TLS none/explicit)", toggle_tls)):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            change()
            times.append((time.perf_counter() - start) * 1000)
        results[name] = statistics.median(times)
        verdict = "meets" if results[name] <= WIDGET_TARGET_MS else "MISSES"
        print(f"widget update, {name:<36} median {results[name]:6.1f} ms, max {max(times):6.1f} ms "
              f"({verdict} the {WIDGET_TARGET_MS} ms target)")
    return results


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"labkit bench: Python {platform.python_version()} on {platform.machine()}, one core, "
          f"median of {ROUNDS} rounds")
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
        print(f"FTP session {name:<24} {per:>7.1f} ms ({result.outcome}"
              + (", fixes searched" if not result.succeeded else "") + ")")
    widget_latency()
    overall = statistics.median(medians)
    verdict = "meets" if overall >= TARGET else "MISSES"
    print(f"median over scenarios: {overall:,.0f} single-packet traces/s ({verdict} the target of "
          f"{TARGET:,}/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
