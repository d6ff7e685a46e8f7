"""`make workshop`: a class on one machine through JupyterHub.

The hub runs on free loopback ports with a temporary state folder and temporary learner folders,
started by the same launcher `make workshop` runs, and is always stopped; afterwards no process
of that hub (hub, proxy, culler, servers, kernels) may be left.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import nbformat
import pytest
import requests
import yaml
from test_browser import browser  # noqa: F401 (the headless Chromium fixture)

from conftest import ROOT, free_port
from labkit.course.editions import STUB_HEADER
from labkit.workshop import client
from labkit.workshop.hub import CULLER, CULLER_SCOPES, configure, prepare_server, proxy_command
from labkit.workshop.serve import launched
from labkit.workshop.settings import WorkshopError, settings_from_env

LEARNER_PW = "room-4-password"
TEACHER_PW = "the-instructor-has-a-much-longer-password"
STOP_SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}


def _env(tmp_path: Path, **extra) -> dict:
    return {
        "WORKSHOP_PASSWORD": LEARNER_PW,
        "INSTRUCTOR_PASSWORD": TEACHER_PW,
        "HUB_PORT": str(free_port()),
        "HUB_API_PORT": str(free_port()),
        "PROXY_API_PORT": str(free_port()),
        "WORKSHOP_STATE": str(tmp_path / "state"),
        "WORKSHOP_FOLDERS": str(tmp_path / "learners"),
        **extra,
    }


# --- settings: one-line errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        ({"WORKSHOP_PASSWORD": ""}, "WORKSHOP_PASSWORD is not set"),
        ({"WORKSHOP_PASSWORD": "short"}, "WORKSHOP_PASSWORD is 5 characters long"),
        ({"INSTRUCTOR_PASSWORD": "too-short-for-an-admin"}, "needs at least 32"),
        ({"INSTRUCTOR_PASSWORD": LEARNER_PW * 3, "WORKSHOP_PASSWORD": LEARNER_PW * 3}, "must differ"),
        ({"HUB_PORT": "80a"}, "HUB_PORT='80a'"),
        ({"HUB_IP": "room-pc"}, "HUB_IP='room-pc'"),
        ({"CULL_TIMEOUT": "5"}, "CULL_TIMEOUT='5'"),
        ({"WORKSHOP_NOTEBOOKS": "/nonexistent"}, "WORKSHOP_NOTEBOOKS"),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path, change, message):
    with pytest.raises(WorkshopError) as caught:
        settings_from_env(_env(tmp_path, **change))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_the_launcher_refuses_a_missing_password_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("WORKSHOP_PASSWORD", "INSTRUCTOR_PASSWORD")}
    done = subprocess.run(
        [sys.executable, "-m", "labkit.workshop", "serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "WORKSHOP_PASSWORD is not set" in done.stderr


# --- the hub's configuration --------------------------------------------------------------------


def _config(tmp_path, **extra):
    from traitlets.config import Config

    c = Config()
    settings = settings_from_env(_env(tmp_path, **extra))
    configure(c, settings)
    return c, settings


def test_the_hub_listens_on_loopback_and_keeps_its_state_out_of_the_checkout(tmp_path):
    c, settings = _config(tmp_path)
    assert c.JupyterHub.bind_url == f"http://127.0.0.1:{settings.port}"
    assert c.JupyterHub.hub_bind_url.startswith("http://127.0.0.1:")
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    for state_file in (
        c.JupyterHub.db_url.removeprefix("sqlite:///"),
        c.JupyterHub.cookie_secret_file,
        c.ConfigurableHTTPProxy.pid_file,
    ):
        assert Path(state_file).parent == tmp_path / "state"
    assert c.ConfigurableHTTPProxy.command == [str(proxy_command())]
    default_state = settings_from_env({"WORKSHOP_PASSWORD": LEARNER_PW, "INSTRUCTOR_PASSWORD": TEACHER_PW}).state
    ignored = subprocess.run(["git", "check-ignore", "-q", str(default_state / "jupyterhub.sqlite")], cwd=ROOT)
    assert ignored.returncode == 0, "the default state folder must be gitignored"
    room, _ = _config(tmp_path, HUB_IP="192.0.2.10", HUB_PORT="8000")
    assert room.JupyterHub.bind_url == "http://192.0.2.10:8000"


def test_learners_log_in_with_the_shared_password_and_the_instructor_is_admin(tmp_path):
    c, _ = _config(tmp_path, INSTRUCTOR_NAME="Trainer")
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.SharedPasswordAuthenticator.user_password == LEARNER_PW
    assert c.SharedPasswordAuthenticator.admin_password == TEACHER_PW
    assert c.Authenticator.admin_users == {"trainer"}
    assert c.JupyterHub.spawner_class == "simple"


def test_idle_servers_are_culled_by_the_idle_culler_service_with_its_own_role(tmp_path):
    c, _ = _config(tmp_path, CULL_TIMEOUT="900", CULL_EVERY="60")
    (service,) = c.JupyterHub.services
    assert service["name"] == CULLER
    assert service["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=900", "--cull-every=60"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == [CULLER] and set(role["scopes"]) == set(CULLER_SCOPES)


def _spawner(name: str):
    return types.SimpleNamespace(
        user=types.SimpleNamespace(name=name), environment={}, log=types.SimpleNamespace(info=lambda *a: None)
    )


def test_each_learner_gets_the_student_edition_once_and_keeps_their_work(tmp_path):
    import asyncio

    _, settings = _config(tmp_path)
    ada = _spawner("ada")
    asyncio.run(prepare_server(ada, settings))
    folder = tmp_path / "learners" / "ada"
    assert ada.notebook_dir == str(folder) and ada.default_url == "/lab/tree/00-start-here.ipynb"
    start = nbformat.read(folder / "00-start-here.ipynb", as_version=4)
    assert start.metadata["labkit"]["edition"] == "student"
    assert any(cell.source.startswith(STUB_HEADER) for cell in start.cells)
    start.cells[0].source = "my own notes"
    nbformat.write(start, folder / "00-start-here.ipynb")
    asyncio.run(prepare_server(_spawner("ada"), settings))  # logging in again
    assert nbformat.read(folder / "00-start-here.ipynb", as_version=4).cells[0].source == "my own notes"
    teacher = _spawner("teacher")
    assert prepare_server(teacher, settings) is None
    assert teacher.notebook_dir == str(ROOT) and teacher.default_url == "/lab/tree/notebooks/00-start-here.ipynb"
    assert not (tmp_path / "learners" / "teacher" / "00-start-here.ipynb").exists()


# --- the hub for real ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxy():
    """configurable-http-proxy in workshop/node_modules (installed here with npm ci if missing)."""
    if not proxy_command().exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm not found: install Node.js 20+ and npm to run the hub tests (apt-get install npm)")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=ROOT / "workshop",
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
    return proxy_command()


def _processes_under(folder: Path) -> list[str]:
    """Processes working in `folder` (the hub, proxy and culler in its state folder; servers and
    kernels in the learners' folders)."""
    import psutil

    found = []
    for process in psutil.process_iter(["pid", "cwd", "cmdline"]):
        cwd = process.info["cwd"] or ""
        if cwd == str(folder) or cwd.startswith(str(folder) + os.sep):
            found.append(f"{process.info['pid']} {' '.join((process.info['cmdline'] or [])[:3])}")
    return found


@contextlib.contextmanager
def running_hub(tmp_path: Path, stop_with: str, **extra):
    """The launcher `make workshop` runs, on free loopback ports; yields (base URL, env). Stopped
    with `stop_with` (SIGINT as Ctrl-C sends); afterwards nothing of it may be running."""
    env = {**os.environ, "HOME": str(tmp_path / "home"), **_env(tmp_path, **extra)}
    log = tmp_path / "hub.log"
    with launched(env, log, STOP_SIGNALS[stop_with]) as (base, launcher):
        assert base == f"http://127.0.0.1:{env['HUB_PORT']}"
        yield base, env
    said = launcher.stdout.read().decode()
    assert launcher.returncode == 0, said + _tail(log)
    assert "Stopped" not in said, said  # the hub itself stopped everything it started
    time.sleep(0.5)
    assert _processes_under(tmp_path) == [], "left running after stop:\n" + _tail(log)
    try:
        requests.get(f"{base}/hub/health", timeout=2)
        answered = True
    except OSError:
        answered = False
    assert not answered, "the proxy still answers after stop"


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else ""


def test_a_culled_learner_finds_their_work_and_sigterm_stops_everything(tmp_path, proxy):
    with running_hub(tmp_path, "SIGTERM", CULL_TIMEOUT="10", CULL_EVERY="5") as (base, _):
        ada = client.login(base, "ada", LEARNER_PW)
        client.start_server(ada, base, "ada")
        token = client.new_token(ada, base, "ada")
        notebook = client.server_api(base, "ada", token, "GET", "contents/01-strong-vs-weak-host.ipynb").json()
        notebook["content"]["cells"][0]["source"] = "ada's notes"
        saved = client.server_api(
            base,
            "ada",
            token,
            "PUT",
            "contents/01-strong-vs-weak-host.ipynb",
            json={"type": "notebook", "content": notebook["content"]},
        )
        assert saved.status_code == 200
        deadline = time.monotonic() + 90
        while client.server_state(ada, base, "ada") is not None:
            assert time.monotonic() < deadline, "the idle culler did not stop the server within 90 s"
            time.sleep(2)
        assert "Culling server ada" in (tmp_path / "hub.log").read_text()
        ada = client.login(base, "ada", LEARNER_PW)  # back after the break
        client.start_server(ada, base, "ada")
        token = client.new_token(ada, base, "ada")
        again = client.server_api(base, "ada", token, "GET", "contents/01-strong-vs-weak-host.ipynb").json()
        assert again["content"]["cells"][0]["source"] == "ada's notes"


def test_three_learners_in_a_real_browser_each_with_their_own_copy(tmp_path, proxy, browser):  # noqa: F811 (fixture)
    names = ("ada", "bob", "cyd")
    marker = "# ada-was-here"
    with running_hub(tmp_path, "SIGINT") as (base, _):
        pages = {}
        for name in names:  # the whole room logs in at once
            page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
            page.goto(f"{base}/hub/login")
            page.fill("#username_input", name)
            page.fill("#password_input", LEARNER_PW)
            page.click("#login_submit")
            pages[name] = page
        try:
            for name, page in pages.items():
                page.wait_for_url(f"**/user/{name}/lab/tree/00-start-here.ipynb*", timeout=180_000)
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
                mine = _fetch_json(page, f"/user/{name}/api/contents/00-start-here.ipynb")
                assert mine["content"]["metadata"]["labkit"]["edition"] == "student"
                assert any(cell["source"].startswith(STUB_HEADER) for cell in mine["content"]["cells"])
                assert (tmp_path / "learners" / name / "00-start-here.ipynb").exists()

            ada = pages["ada"]
            ada.click(".jp-Notebook .jp-CodeCell .cm-content >> nth=0")
            ada.keyboard.press("Control+End")
            ada.keyboard.press("Enter")
            ada.keyboard.type(marker)
            ada.keyboard.press("Control+s")
            on_disk = tmp_path / "learners" / "ada" / "00-start-here.ipynb"
            deadline = time.monotonic() + 60
            while marker not in on_disk.read_text():
                assert time.monotonic() < deadline, "ada's change was not saved within 60 s"
                time.sleep(0.5)
            for other in ("bob", "cyd"):
                assert marker not in (tmp_path / "learners" / other / "00-start-here.ipynb").read_text()
                theirs = _fetch_json(pages[other], f"/user/{other}/api/contents/00-start-here.ipynb")
                assert marker not in str(theirs["content"])
            assert _fetch_status(pages["bob"], "/user/ada/api/contents/00-start-here.ipynb") == 403
        except Exception:
            for name, page in pages.items():
                (ROOT / "build").mkdir(exist_ok=True)
                page.screenshot(path=str(ROOT / "build" / f"workshop-{name}-FAILED.png"))
            raise


# A fetch from the page, as JupyterLab makes it: the session cookie plus the _xsrf token
# (jupyterhub-singleuser checks it on every cookie-authenticated API request).
FETCH = """async (p) => {
    const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || "";
    const r = await fetch(p, {redirect: "manual", headers: {"X-XSRFToken": decodeURIComponent(xsrf)}});
    return {status: r.status, body: r.status === 200 ? await r.json() : await r.text()};
}"""


def _fetch_json(page, path: str) -> dict:
    answer = page.evaluate(FETCH, path)
    assert answer["status"] == 200, answer
    return answer["body"]


def _fetch_status(page, path: str) -> int:
    return page.evaluate(FETCH, path)["status"]


# --- for classes that outgrow one machine -------------------------------------------------------


def _makefile_extras(stamp: str) -> set[str]:
    """The extras the Makefile installs in the recipe that makes the venv stamp `stamp`."""
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(
        rf"^\$\(VENV\)/{re.escape(stamp)}:[^\n]*\n(?:\t[^\n]*\n)*?\t[^\n]*install -e '\.\[([a-z,]+)\]'", makefile, re.M
    )
    assert found, stamp
    return set(found.group(1).split(","))


def test_the_image_installs_what_make_lab_installs_and_the_student_edition():
    dockerfile = (ROOT / "workshop" / "Dockerfile").read_text()
    installed = re.search(r'pip install[^\n]*"\.\[([a-z,]+)\]"', dockerfile)
    assert installed, "the Dockerfile must pip install the kit with its extras"
    assert set(installed.group(1).split(",")) == _makefile_extras(".installed") - {"test"}
    assert re.search(r'pip install[^\n]*"jupyterhub==5\.', dockerfile), (
        "jupyterhub-singleuser, same major as the chart's hub"
    )
    for source in re.findall(r"^COPY (?!--from)(\S+)", dockerfile, re.M):
        assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is not in the checkout"
    assert "python -m labkit.course student-copy notebooks /opt/labkit/student" in dockerfile
    assert re.search(r"rm -rf [^\n]*\bnotebooks\b", dockerfile), "the image must not carry the instructor edition"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "workshop/node_modules", "workshop/state", "workshop/learners"} <= set(ignored)


def test_the_student_copy_of_a_student_edition_is_stable(tmp_path):
    """The image copies /opt/labkit/student into each home at every start: a second copy must keep
    the learner's notebooks and announce no 'course update'."""
    from labkit.course.editions import copy_student_edition

    copy_student_edition(ROOT / "notebooks", tmp_path / "image")
    first = copy_student_edition(tmp_path / "image", tmp_path / "home")
    again = copy_student_edition(tmp_path / "image", tmp_path / "home")
    assert first.written and not again.written and not again.updates


# The chart's documented keys used here (zero-to-jupyterhub-k8s jupyterhub/values.schema.yaml).
Z2JH_KEYS = {
    ("singleuser", "image", "name"): str,
    ("singleuser", "image", "tag"): str,
    ("singleuser", "defaultUrl"): str,
    ("singleuser", "cmd"): str,
    ("singleuser", "storage", "homeMountPath"): str,
    ("singleuser", "memory", "guarantee"): str,
    ("cull", "enabled"): bool,
    ("cull", "timeout"): int,
    ("cull", "every"): int,
    ("hub", "config", "JupyterHub", "authenticator_class"): str,
    ("hub", "config", "Authenticator", "admin_users"): list,
    ("hub", "config", "Authenticator", "allow_all"): bool,
}
Z2JH_TOP_LEVEL = {"hub", "proxy", "singleuser", "cull", "prePuller", "scheduling", "ingress", "debug"}


def test_the_zero_to_jupyterhub_values_use_the_image_url_and_culler_of_the_one_machine_hub():
    from labkit.workshop.hub import STUDENT_START

    values = yaml.safe_load((ROOT / "workshop" / "z2jh-values.yaml").read_text())
    assert set(values) <= Z2JH_TOP_LEVEL
    for path, kind in Z2JH_KEYS.items():
        node = values
        for key in path:
            assert isinstance(node, dict) and key in node, f"z2jh-values.yaml lacks {'.'.join(path)}"
            node = node[key]
        assert isinstance(node, kind), f"{'.'.join(path)}: expected {kind.__name__}"
    single = values["singleuser"]
    assert single["defaultUrl"] == f"/lab/tree/{STUDENT_START}"
    assert single["image"]["name"] == "labkit-workshop"
    assert values["cull"] == {"enabled": True, "timeout": 3600, "every": 600}
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "shared-password"
    assert values["hub"]["config"]["Authenticator"]["admin_users"] == ["teacher"]
    assert single["cmd"] == "labkit-singleuser" and single["storage"]["homeMountPath"] == "/home/jovyan"
    dockerfile = (ROOT / "workshop" / "Dockerfile").read_text()
    assert 'CMD ["labkit-singleuser"]' in dockerfile and "useradd --create-home --uid 1000" in dockerfile
    start = (ROOT / "workshop" / "labkit-singleuser").read_text()
    assert 'student-copy /opt/labkit/student "$HOME"' in start and 'exec jupyterhub-singleuser "$@"' in start
    assert "user_password" not in str(values), "passwords go in with --set at install time, never in the file"


def test_make_test_installs_the_workshop_extra_and_the_proxy():
    assert _makefile_extras(".workshop") == {"workshop"}
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'workshop = \[[^\]]*"jupyterhub>=', pyproject)
    assert re.search(r'workshop = \[[^\]]*"jupyterhub-idle-culler>=', pyproject)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: [^\n]*\$\(VENV\)/\.workshop proxy", makefile, re.M)
    assert "npm ci" in makefile
