"""`make lab` serves JupyterLab on the start notebook (headless, on loopback only)."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "labkit-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_make_lab_serves_the_start_notebook(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = f"--no-browser --ip 127.0.0.1 --port {port} --IdentityProvider.token={TOKEN}"
    env = {**os.environ, "HOME": str(tmp_path), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _, _ = get(f"{base}/api/status?token={TOKEN}")
                if status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "JupyterLab did not start within 90 s"
            time.sleep(0.5)
        status, headers, _ = get(f"{base}/?token={TOKEN}")
        assert status == 302
        assert headers["Location"].startswith("/lab/tree/notebooks/00-start-here.ipynb") or \
            "/lab/tree/notebooks/00-start-here.ipynb" in headers["Location"]
        status, _, body = get(f"{base}/api/contents/notebooks/00-start-here.ipynb?token={TOKEN}&content=0")
        assert status == 200 and json.loads(body)["type"] == "notebook"
        status, _, body = get(f"{base}/lab/tree/notebooks/00-start-here.ipynb?token={TOKEN}")
        assert status == 200 and b"JupyterLab" in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
