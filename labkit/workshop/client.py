"""A learner's side of the hub over HTTP: log in, start the server, get a token for its API.

Used by the hub test and `make bench-workshop`; the same requests a browser makes (the login
form, then the hub's REST API with the session cookie and its _xsrf token).
"""

from __future__ import annotations

import time

import requests

from ..errors import LabkitError

TIMEOUT = 30


class HubError(LabkitError, RuntimeError):
    """The hub refused or failed a learner's request."""


def login(base: str, name: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/hub/login", timeout=TIMEOUT).raise_for_status()  # sets the _xsrf cookie
    answer = session.post(
        f"{base}/hub/login",
        allow_redirects=False,
        timeout=TIMEOUT,
        data={"username": name, "password": password, "_xsrf": session.cookies.get("_xsrf")},
    )
    if answer.status_code != 302:
        raise HubError(f"login as {name!r}: HTTP {answer.status_code}")
    return session


def _hub_api(session: requests.Session, method: str, base: str, path: str, **kwargs):
    token = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
    headers = {"X-XSRFToken": token} if token is not None else {}  # requests drops a None header too
    return session.request(method, f"{base}/hub/api/{path}", headers=headers, timeout=TIMEOUT, **kwargs)


def server_state(session: requests.Session, base: str, name: str) -> dict | None:
    """The learner's default server as the hub reports it (None when it is not running)."""
    answer = _hub_api(session, "GET", base, f"users/{name}")
    answer.raise_for_status()
    return answer.json().get("servers", {}).get("")


def start_server(session: requests.Session, base: str, name: str, timeout: float = 240) -> float:
    """Ask the hub for the learner's server and wait until it is ready; returns the seconds taken."""
    began = time.monotonic()
    answer = _hub_api(session, "POST", base, f"users/{name}/server")
    if answer.status_code not in (201, 202, 400):  # 400: already running
        raise HubError(f"start {name}'s server: HTTP {answer.status_code} {answer.text[:200]}")
    while time.monotonic() - began < timeout:
        state = server_state(session, base, name)
        if state and state.get("ready"):
            return time.monotonic() - began
        if state is None and time.monotonic() - began > 5 and answer.status_code != 202:
            raise HubError(f"{name}'s server stopped while starting")
        time.sleep(0.5)
    raise HubError(f"{name}'s server was not ready within {timeout:.0f} s")


def stop_server(session: requests.Session, base: str, name: str) -> None:
    answer = _hub_api(session, "DELETE", base, f"users/{name}/server")
    if answer.status_code not in (202, 204):
        raise HubError(f"stop {name}'s server: HTTP {answer.status_code}")


def new_token(session: requests.Session, base: str, name: str) -> str:
    """An API token of the learner's own (it can reach only their server)."""
    answer = _hub_api(session, "POST", base, f"users/{name}/tokens", json={"note": "labkit workshop client"})
    if answer.status_code != 201:
        raise HubError(f"token for {name}: HTTP {answer.status_code}")
    return answer.json()["token"]


def server_api(base: str, name: str, token: str, method: str, path: str, **kwargs) -> requests.Response:
    """A call to the learner's own Jupyter server, through the hub's proxy, with their token."""
    return requests.request(
        method, f"{base}/user/{name}/api/{path}", timeout=TIMEOUT, headers={"Authorization": f"token {token}"}, **kwargs
    )
