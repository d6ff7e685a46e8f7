"""Start the workshop's hub and bring everything down with it (`make workshop`).

JupyterHub starts its proxy, the idle culler and every learner's server each in a session of its
own, so a signal to the hub's process group never reaches them; the hub stops them itself on
SIGTERM. This launcher keeps a list of everything the hub started, and after the hub has gone,
ends whatever is still running (as after a crash), so Ctrl-C leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .hub import proxy_command
from .settings import WORKSHOP_DIR, WorkshopError, WorkshopSettings, settings_from_env

CONFIG = WORKSHOP_DIR / "jupyterhub_config.py"
READY_TIMEOUT = 120
STOP_TIMEOUT = 60


def _reset_sigint() -> None:
    # A child started in the background inherits SIGINT ignored; the hub's culler would then sit out
    # the hub's 30 s interrupt timeout at every stop.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_hub(settings: WorkshopSettings, log=None) -> subprocess.Popen:
    settings.state.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
        cwd=settings.state,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        start_new_session=True,
        preexec_fn=_reset_sigint,
    )


def hub_is_healthy(settings: WorkshopSettings) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{settings.hub_api_port}/hub/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def stop_hub(hub: subprocess.Popen, started: dict) -> list[str]:
    """SIGTERM to the hub (it stops culler, servers and proxy in order), then end anything left
    of what it started. Returns the command lines that had to be ended here."""
    import psutil

    for process in descendants(hub.pid):
        started.setdefault(process.pid, process)
    if hub.poll() is None:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
    left = [p for p in started.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    ended = []
    for process in left:
        try:
            ended.append(" ".join(process.cmdline()[:3]))
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(left, timeout=5)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    return ended


def banner(settings: WorkshopSettings) -> str:
    return "\n".join(
        [
            f"Workshop hub ready: {settings.url}/",
            "  learners: any short name (lower-case letters, digits, - or _) and WORKSHOP_PASSWORD;",
            f"            each gets their own copy of the course in {settings.folders}/NAME/",
            f"  instructor: '{settings.instructor}' and INSTRUCTOR_PASSWORD (the instructor edition, the admin page)",
            f"  idle servers stop after {settings.cull_timeout} s; work is kept. Ctrl-C stops the hub and every server.",
        ]
    )


def serve(settings: WorkshopSettings, log_path: Path | None = None) -> int:
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: stop.append(signum))
    log = open(log_path, "ab") if log_path else None
    hub = start_hub(settings, log)
    started: dict = {}
    deadline = time.monotonic() + READY_TIMEOUT
    ready = False
    try:
        while not stop and hub.poll() is None:
            for process in descendants(hub.pid):
                started.setdefault(process.pid, process)
            if not ready and hub_is_healthy(settings):
                ready = True
                print(banner(settings), flush=True)
            elif not ready and time.monotonic() > deadline:
                print(f"make workshop: the hub did not answer within {READY_TIMEOUT} s; stopping it", file=sys.stderr)
                break
            time.sleep(1)
    finally:
        crashed = hub.poll() is not None
        ended = stop_hub(hub, started)
        if log:
            log.close()
    if ended:
        print(f"Stopped {len(ended)} process(es) the hub left running: {'; '.join(ended)}", file=sys.stderr)
    if crashed and not stop:
        print(f"make workshop: the hub exited with status {hub.returncode} (its log says why)", file=sys.stderr)
        return 1
    print("Workshop stopped: the hub, the proxy and every learner's server are down.", flush=True)
    return 0 if ready else 1


@contextlib.contextmanager
def launched(env: dict, log_path: Path, stop_with: int = signal.SIGINT):
    """`python -m labkit.workshop serve` as `make workshop` runs it, in a session of its own; yields
    (base URL, launcher) once the hub answers, and always stops it with `stop_with` (SIGINT is what
    Ctrl-C sends). Afterwards `launcher.returncode` and `launcher.stdout` tell how it went."""
    launcher = subprocess.Popen(
        [sys.executable, "-m", "labkit.workshop", "serve", "--log", str(log_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert launcher.stdout is not None, "stdout=PIPE gives the launcher an output pipe"
        line = launcher.stdout.readline().decode()  # the launcher gives up by itself after READY_TIMEOUT
        if not line.startswith("Workshop hub ready: "):
            raise RuntimeError(f"the workshop hub did not start: {line.strip()}")
        yield line.split()[3].rstrip("/"), launcher
    finally:
        os.killpg(launcher.pid, stop_with)
        try:
            launcher.wait(STOP_TIMEOUT + 30)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m labkit.workshop", description="Serve the course to a room through JupyterHub."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="start the hub (settings from environment variables, see docs/workshop.md)")
    run.add_argument("--log", type=Path, help="append the hub's log to this file instead of the terminal")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env()
    except WorkshopError as err:
        print(f"make workshop: {err}", file=sys.stderr)
        return 2
    if not proxy_command().exists():
        print(
            f"make workshop: {proxy_command()} is missing: run `npm ci` in workshop/ "
            "(make workshop does; it needs Node.js 20 or newer and npm)",
            file=sys.stderr,
        )
        return 2
    return serve(settings, args.log)
