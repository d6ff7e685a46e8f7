"""What the instructor sets for `make workshop`, read from the environment and checked once.

Every mistake is a `WorkshopError` whose message is one line naming the variable and what was
expected, so the hub never starts half-configured.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import LabkitError

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP_DIR = ROOT / "workshop"
# SharedPasswordAuthenticator's own minimums (it refuses shorter passwords at start-up).
MIN_LEARNER_PASSWORD = 8
MIN_INSTRUCTOR_PASSWORD = 32
MIN_CULL_TIMEOUT = 10


class WorkshopError(LabkitError, ValueError):
    """A setting the hub cannot start with; the message is one line the instructor can act on."""


@dataclass(frozen=True)
class WorkshopSettings:
    learner_password: str
    instructor_password: str
    ip: str = "127.0.0.1"
    port: int = 8765
    hub_api_port: int = 8081
    proxy_api_port: int = 8001
    state: Path = WORKSHOP_DIR / "state"
    folders: Path = WORKSHOP_DIR / "learners"
    notebooks: Path = ROOT / "notebooks"
    instructor: str = "teacher"
    cull_timeout: int = 3600
    cull_every: int = 0  # 0: the culler's default, half the timeout

    @property
    def url(self) -> str:
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"http://{host}:{self.port}"

    def folder_of(self, name: str) -> Path:
        return self.folders / name


def _port(env, key: str, default: int) -> int:
    text = env.get(key, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise WorkshopError(f"{key}={text!r}: expected a TCP port number from 1 to 65535")
    return int(text)


def _seconds(env, key: str, default: int, minimum: int) -> int:
    text = env.get(key, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < minimum:
        raise WorkshopError(f"{key}={text!r}: expected a whole number of seconds, at least {minimum}")
    return int(text)


def _password(env, key: str, minimum: int, who: str) -> str:
    value = env.get(key, "")
    if not value:
        raise WorkshopError(f"{key} is not set: export {key}=… ({who}, at least {minimum} characters) and start again")
    if len(value) < minimum:
        raise WorkshopError(f"{key} is {len(value)} characters long: {who} needs at least {minimum}")
    return value


def settings_from_env(env=None) -> WorkshopSettings:
    """The workshop's settings from environment variables (the Makefile passes its own as these)."""
    env = os.environ if env is None else env
    learner = _password(env, "WORKSHOP_PASSWORD", MIN_LEARNER_PASSWORD, "the password learners type")
    teacher = _password(env, "INSTRUCTOR_PASSWORD", MIN_INSTRUCTOR_PASSWORD, "the instructor's password")
    if learner == teacher:
        raise WorkshopError(
            "INSTRUCTOR_PASSWORD must differ from WORKSHOP_PASSWORD "
            "(otherwise every learner could log in as the instructor)"
        )
    ip = env.get("HUB_IP", "").strip() or "127.0.0.1"
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise WorkshopError(
            f"HUB_IP={ip!r}: expected this machine's IP address on the room's network "
            "(e.g. 192.0.2.10), or 127.0.0.1 for this machine only"
        ) from None
    instructor = env.get("INSTRUCTOR_NAME", "").strip() or "teacher"
    if not instructor.isascii() or not instructor.isalnum() or not instructor[0].isalpha():
        raise WorkshopError(f"INSTRUCTOR_NAME={instructor!r}: expected a short name of letters and digits")
    ports = {
        key: _port(env, key, default)
        for key, default in (("HUB_PORT", 8765), ("HUB_API_PORT", 8081), ("PROXY_API_PORT", 8001))
    }
    if len(set(ports.values())) < len(ports):
        raise WorkshopError(f"HUB_PORT, HUB_API_PORT and PROXY_API_PORT must differ, got {ports}")
    notebooks = Path(env.get("WORKSHOP_NOTEBOOKS") or ROOT / "notebooks").resolve()
    if not any(notebooks.glob("*.ipynb")):
        raise WorkshopError(f"WORKSHOP_NOTEBOOKS={str(notebooks)!r}: expected a folder of course notebooks")
    cull_timeout = _seconds(env, "CULL_TIMEOUT", 3600, MIN_CULL_TIMEOUT)
    return WorkshopSettings(
        learner_password=learner,
        instructor_password=teacher,
        ip=ip,
        port=ports["HUB_PORT"],
        hub_api_port=ports["HUB_API_PORT"],
        proxy_api_port=ports["PROXY_API_PORT"],
        state=Path(env.get("WORKSHOP_STATE") or WORKSHOP_DIR / "state").resolve(),
        folders=Path(env.get("WORKSHOP_FOLDERS") or WORKSHOP_DIR / "learners").resolve(),
        notebooks=notebooks,
        instructor=instructor.lower(),
        cull_timeout=cull_timeout,
        cull_every=_seconds(env, "CULL_EVERY", 0, 0),
    )
