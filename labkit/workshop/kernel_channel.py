"""One kernel of a learner's server, driven over the server's websocket with Jupyter's messaging
protocol (an execute request, then the kernel's output until it is idle again): how the
workshop load test (labkit.workshop.bench) works a notebook without a browser."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from . import client


class Kernel:
    """One kernel of a learner's server, driven over the server's websocket (the Jupyter protocol)."""

    def __init__(self, ws):
        self.ws, self.session = ws, uuid.uuid4().hex

    @classmethod
    async def open(cls, base: str, name: str, token: str, notebook: str) -> Kernel:
        """A new kernel for `notebook` on the learner's server (a session, as JupyterLab opens one)."""
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        answer = await asyncio.to_thread(
            client.server_api,
            base,
            name,
            token,
            "POST",
            "sessions",
            json={"path": notebook, "type": "notebook", "name": notebook, "kernel": {"name": "python3"}},
        )
        answer.raise_for_status()
        kernel_id = answer.json()["kernel"]["id"]
        url = f"{base.replace('http', 'ws', 1)}/user/{name}/api/kernels/{kernel_id}/channels"
        ws = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {token}"}), max_message_size=64 * 1024 * 1024
        )
        return cls(ws)

    async def execute(self, code: str, timeout: float = 120) -> tuple[str, str]:
        """Run `code`; returns (status, printed text) once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "bench",
            "session": self.session,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "version": "5.3",
        }
        await self.ws.write_message(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        status, text, idle = None, [], False
        deadline = time.monotonic() + timeout
        while status is None or not idle:
            raw = await asyncio.wait_for(self.ws.read_message(), max(0.1, deadline - time.monotonic()))
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            if isinstance(raw, bytes):
                continue  # binary frames carry widget buffers (the panel's picture)
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            if kind == "execute_reply":
                status = message["content"]["status"]
            elif kind == "stream":
                text.append(message["content"]["text"])
            elif kind == "error":
                text.append(f"{message['content']['ename']}: {message['content']['evalue']}")
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
        return status, "".join(text)
