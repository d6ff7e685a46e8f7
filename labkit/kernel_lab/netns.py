"""Network namespaces for the kernel lab: build a scenario, run programs in it, tear it down.

Every namespace is named labkit-<pid>-<n>, so parallel runs never clash and leftovers of a
killed run are recognisable (`remove_stale` deletes those whose process is gone). Links
are created straight inside their namespaces (`ip link add … netns …`), addresses, routes,
sysctls and nftables rules are set inside them: the root namespace is never changed. The
one host-wide effect is that the kernel's FTP conntrack helper (nf_conntrack_ftp) gets
loaded if it is a module that is not loaded yet.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LabkitError

PREFIX = "labkit-"
INSTALL = "apt-get install nftables tcpdump iproute2 (Debian/Ubuntu; as root)"


STARTUP_SECONDS = 15


def first_line(stream, seconds: float) -> str:
    """The next line a program prints, or '' if none comes within `seconds` (never hangs)."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else ""


class LabError(LabkitError, RuntimeError):
    """The lab cannot run here, or building it failed: one line saying why."""


def requirements_problem() -> str | None:
    """Why the lab cannot run on this machine, or None."""
    if not sys.platform.startswith("linux"):
        return f"the kernel lab needs Linux (network namespaces and nftables); this is {sys.platform}"
    if os.geteuid() != 0:
        return "the kernel lab needs root (it creates network namespaces): run it with sudo"
    missing = [tool for tool in ("ip", "nft", "tcpdump") if shutil.which(tool) is None]
    if missing:
        return f"missing {', '.join(missing)}: {INSTALL}"
    return None


def _run(args: list[str], what: str, input: str | None = None) -> str:
    done = subprocess.run(args, input=input, capture_output=True, text=True, timeout=20)
    if done.returncode != 0:
        raise LabError(f"{what} failed: {' '.join(args[:6])}…: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def ensure_ftp_helper() -> str:
    """Load nf_conntrack_ftp if it is a module (the lab's only host-wide action)."""
    if Path("/sys/module/nf_conntrack_ftp").exists():
        return "nf_conntrack_ftp already present"
    if shutil.which("modprobe") is None:
        raise LabError("nf_conntrack_ftp is not loaded and there is no modprobe: apt-get install kmod")
    _run(["modprobe", "nf_conntrack_ftp"], "loading the FTP conntrack helper")
    return "loaded nf_conntrack_ftp"


def helper_loose() -> bool:
    """nf_conntrack_ftp's host-wide `loose` parameter (read only: the lab never sets it)."""
    path = Path("/sys/module/nf_conntrack_ftp/parameters/loose")
    return path.exists() and path.read_text().strip() in ("Y", "1")


def live_namespaces() -> list[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def remove_stale() -> list[str]:
    """Delete labkit namespaces whose creating process no longer runs."""
    removed = []
    for name in live_namespaces():
        match = re.fullmatch(re.escape(PREFIX) + r"(\d+)-\d+", name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            _delete_namespace(name)
            removed.append(name)
    return removed


def _delete_namespace(name: str) -> None:
    pids = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    subprocess.run(["ip", "netns", "del", name], capture_output=True)


@dataclass
class Namespaces:
    """The namespaces, programs and captures of one run; `close()` removes them all."""

    names: dict[str, str] = field(default_factory=dict)
    """node (or segment bridge) -> namespace name."""
    processes: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tag = f"{PREFIX}{os.getpid()}"

    def add(self, owner: str) -> str:
        name = f"{self.tag}-{len(self.names)}"
        self.names[owner] = name
        _run(["ip", "netns", "add", name], f"creating namespace {name}")
        self.ip(name, "link", "set", "lo", "up")
        return name

    def ip(self, ns: str, *args: str) -> str:
        return _run(["ip", "-n", ns, *args], f"ip {' '.join(args[:3])} in {ns}")

    def sysctl(self, ns: str, key: str, value: str) -> None:
        _run(["ip", "netns", "exec", ns, "sysctl", "-qw", f"{key}={value}"], f"sysctl {key} in {ns}")

    def nft(self, ns: str, ruleset: str) -> None:
        _run(["ip", "netns", "exec", ns, "nft", "-f", "-"], f"nftables rules in {ns}", input=ruleset)

    def veth(self, ns_a: str, name_a: str, ns_b: str, name_b: str) -> None:
        _run(
            ["ip", "link", "add", name_a, "netns", ns_a, "type", "veth", "peer", "name", name_b, "netns", ns_b],
            f"veth {name_a}/{name_b}",
        )

    def start(self, ns: str, args: list[str], **kw) -> subprocess.Popen:
        process = subprocess.Popen(["ip", "netns", "exec", ns, *args], **kw)
        self.processes.append(process)
        return process

    def captures(self, where: list[tuple[str, str, Path]]) -> list[subprocess.Popen]:
        """tcpdump on each (namespace, interface, file), all listening when this returns."""
        started = [
            (
                ns,
                interface,
                self.start(
                    ns,
                    [
                        "tcpdump",
                        "--immediate-mode",
                        "-Z",
                        "root",
                        "-i",
                        interface,
                        "-n",
                        "-U",
                        "-s",
                        "0",
                        "-w",
                        str(path),
                        "tcp",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for ns, interface, path in where
        ]
        for ns, interface, process in started:
            line = first_line(process.stderr, STARTUP_SECONDS)
            if "listening on" not in line:
                raise LabError(f"tcpdump on {interface} in {ns} did not start: {line.strip()}")
        return [process for _, _, process in started]

    def stop_captures(self, processes: list[subprocess.Popen]) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(3)
            except subprocess.TimeoutExpired:
                process.kill()

    def close(self) -> None:
        """Stop every program and delete every namespace (idempotent, never raises)."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 2
        for process in self.processes:
            try:
                process.wait(max(0.05, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(1)
        self.processes.clear()
        for name in reversed(list(self.names.values())):
            _delete_namespace(name)
        self.names.clear()


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C, so every `finally` cleans up."""


def on_termination():
    """Turn SIGTERM (and SIGHUP) into an exception while the lab runs; returns a restorer."""

    def raise_interrupted(signum, _frame):
        raise Interrupted(f"stopped by signal {signum}")

    before = {sig: signal.signal(sig, raise_interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}

    def restore() -> None:
        for sig, handler in before.items():
            signal.signal(sig, handler)

    return restore
