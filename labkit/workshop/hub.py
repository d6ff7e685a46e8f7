"""The workshop's JupyterHub configuration, from `WorkshopSettings` (see workshop/jupyterhub_config.py).

One machine, no system accounts: learners log in with any name and the shared workshop password
(SharedPasswordAuthenticator), each gets a plain local single-user server (SimpleLocalProcessSpawner)
working in a folder of their own that holds their copy of the student edition, written once at
their first spawn and never overwritten. The instructor's account opens the instructor edition.
Idle servers are stopped by jupyterhub-idle-culler, run by the hub as a service.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from .settings import ROOT, WORKSHOP_DIR, WorkshopSettings

CULLER = "jupyterhub-idle-culler-service"
# The culler's least privileges (jupyterhub-idle-culler README, "Permissions").
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]
STUDENT_START = "00-start-here.ipynb"
USERNAME_PATTERN = r"^[a-z][a-z0-9_-]{1,31}$"


def proxy_command() -> Path:
    """configurable-http-proxy from workshop/node_modules (`npm ci` in workshop/, done by make)."""
    return WORKSHOP_DIR / "node_modules" / ".bin" / "configurable-http-proxy"


def culler_command(settings: WorkshopSettings) -> list[str]:
    command = [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={settings.cull_timeout}"]
    if settings.cull_every:
        command.append(f"--cull-every={settings.cull_every}")
    return command


def prepare_server(spawner, settings: WorkshopSettings):
    """The pre-spawn hook: where this account's server works and what it opens first."""
    name = spawner.user.name
    folder = settings.folder_of(name)
    if name == settings.instructor:
        # The instructor edition is the checkout's notebooks/ as committed (as `make lab-instructor`).
        spawner.notebook_dir = str(ROOT)
        spawner.default_url = f"/lab/tree/notebooks/{STUDENT_START}"
        spawner.environment = {**spawner.environment, "LABKIT_PROGRESS": str(folder / ".labkit-progress.json")}
        return None
    spawner.notebook_dir = str(folder)
    spawner.default_url = f"/lab/tree/{STUDENT_START}"
    # The break-fix lab (notebook 08) builds this learner's own variant from their name.
    spawner.environment = {**spawner.environment, "LABKIT_LEARNER": name}
    return asyncio.to_thread(_student_copy, settings.notebooks, folder, spawner.log)


def _student_copy(notebooks: Path, folder: Path, log) -> None:
    from labkit.course.editions import copy_student_edition

    report = copy_student_edition(notebooks, folder)
    log.info("labkit student copy for %s: %s", folder.name, str(report).replace("\n", " | "))


def configure(c, settings: WorkshopSettings) -> None:
    """Fill a JupyterHub config object `c` for this workshop."""
    settings.state.mkdir(parents=True, exist_ok=True)
    settings.folders.mkdir(parents=True, exist_ok=True)

    c.JupyterHub.bind_url = settings.url
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_api_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
    c.ConfigurableHTTPProxy.command = [str(proxy_command())]
    c.ConfigurableHTTPProxy.pid_file = str(settings.state / "jupyterhub-proxy.pid")
    c.JupyterHub.db_url = "sqlite:///" + str(settings.state / "jupyterhub.sqlite")
    c.JupyterHub.cookie_secret_file = str(settings.state / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = settings.learner_password
    c.SharedPasswordAuthenticator.admin_password = settings.instructor_password
    c.Authenticator.admin_users = {settings.instructor}
    c.Authenticator.allow_all = True
    c.Authenticator.username_pattern = USERNAME_PATTERN

    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(settings.folders / "{username}")
    c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
    # A terminal would run as the hub's own user: learners work in notebooks only.
    # custom_css: the kit's stylesheet that make venv puts in the venv, as make lab loads it
    args = ["--ServerApp.terminals_enabled=False", "--LabApp.custom_css=True"]
    if os.geteuid() == 0:  # jupyter-server refuses to run as root without it
        args.append("--allow-root")
    c.Spawner.args = args
    c.Spawner.pre_spawn_hook = lambda spawner: prepare_server(spawner, settings)
    # A room logging in at once on a small machine: give servers time to come up.
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180

    c.JupyterHub.load_roles = [{"name": "jupyterhub-idle-culler-role", "scopes": CULLER_SCOPES, "services": [CULLER]}]
    c.JupyterHub.services = [{"name": CULLER, "command": culler_command(settings)}]
