import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from labkit.scenario import SCENARIO_DIR, load_scenario, parse_scenario

DATA = Path(__file__).parent / "data"


@pytest.fixture
def topology_n():
    return load_scenario(DATA / "topology-n.yaml")


@pytest.fixture
def topology_r():
    return load_scenario(DATA / "topology-r.yaml")


def without_static_routes(name: str = "nlb-intranet"):
    """A shipped scenario with every node's static routes removed (the broken copy)."""
    raw = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text())
    for node in raw["nodes"].values():
        node.pop("routes", None)
    return parse_scenario(yaml.safe_dump(raw), f"{name}-copy.yaml")


ROOT = Path(__file__).resolve().parent.parent
TOKEN = "labkit-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    """(status, headers, body) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@contextlib.contextmanager
def running_lab(tmp_path, *extra: str, target: str = "lab", work: str | None = None):
    """`make lab` (or `target`) on a free loopback port with a token; yields (base URL, token);
    always stopped. The learner's copy goes to `work` (a folder under the checkout, default
    build/<test's tmp name>), never to the default my-course/."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = " ".join([f"--no-browser --ip 127.0.0.1 --port {port} --IdentityProvider.token={TOKEN}", *extra])
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"checkForUpdates": false, "fetchNews": "false"}')
    # Render every cell: with windowing, cells scrolled out of view are not in the page at all.
    notebook = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    (notebook / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
    }
    work = work or f"build/{tmp_path.name}"
    proc = subprocess.Popen(
        ["make", "-s", target, f"LAB_ARGS={args}", f"WORK={work}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if get(f"{base}/api/status?token={TOKEN}")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "JupyterLab did not start within 90 s"
            time.sleep(0.5)
        yield base, TOKEN
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
