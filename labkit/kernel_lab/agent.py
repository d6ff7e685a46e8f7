"""The two programs the kernel lab starts inside its namespaces (`python -m labkit.kernel_lab.agent`).

`server`: pyftpdlib on the scenario server's address, one passive port, certificates from
trustme; prints `ready` and serves until SIGTERM. `client`: ftplib logs in, lists, quits,
and prints one JSON line: every command with its reply, and where it broke.

It runs alone inside a namespace and imports nothing from labkit, so the mode, TLS and channel
arrive and leave as the plain texts of the vocabularies (`FtpMode`, `TlsMode`, `FtpChannel`).
"""

from __future__ import annotations

import ftplib
import json
import logging
import signal
import socket
import ssl
import sys
from collections.abc import Callable
from pathlib import Path

USER, PASSWORD = "student", "labkit"
DATA_TIMEOUT = 1.5
CONTROL_TIMEOUT = 4.0


def serve(cfg: dict) -> None:
    import trustme
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.handlers.ftp.dispatchers import ActiveDTP, PassiveDTP
    from pyftpdlib.servers import FTPServer

    logging.getLogger("pyftpdlib").disabled = True
    work = Path(cfg["workdir"])
    root = work / "home"
    root.mkdir(exist_ok=True)
    (root / "readme.txt").write_text("Hello from the labkit kernel lab.\n")
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(root), perm="elr")

    # Short data-channel timeouts keep a failing case to seconds (pyftpdlib waits 30 s).
    class QuickActive(ActiveDTP):
        timeout = DATA_TIMEOUT

    class QuickPassive(PassiveDTP):
        timeout = DATA_TIMEOUT

    settings = {
        "authorizer": authorizer,
        "active_dtp": QuickActive,
        "passive_dtp": QuickPassive,
        "passive_ports": [cfg["passive_port"]],
        "masquerade_address": cfg["masquerade_address"],
        "permit_foreign_addresses": cfg["permit_foreign_addresses"],
        "permit_privileged_ports": cfg["permit_privileged_ports"],
    }
    base = FTPHandler
    if cfg["tls"]:
        from pyftpdlib.handlers import TLS_FTPHandler

        ca = trustme.CA()
        ca.cert_pem.write_to_path(str(work / "ca.pem"))
        ca.issue_cert(*cfg["names"]).private_key_and_cert_chain_pem.write_to_path(str(work / "server.pem"))
        base = TLS_FTPHandler
        settings.update(
            certfile=str(work / "server.pem"),
            tls_control_required=cfg["tls_control_required"],
            tls_data_required=cfg["tls_data_required"],
        )
    server = FTPServer((cfg["host"], cfg["port"]), type("Handler", (base,), settings))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    try:
        server.serve_forever(timeout=0.1, handle_exit=True)
    finally:
        server.close_all()


def client(cfg: dict) -> dict:
    """Log in, LIST, QUIT; the transcript and where the session broke."""
    transcript: list[list[str]] = []
    out = {"transcript": transcript, "outcome": "failure", "failed_at": None, "error": None}
    context = ssl.create_default_context(cafile=cfg["ca_file"]) if cfg["tls"] == "explicit" else None
    if context is not None:
        ftp: ftplib.FTP = ftplib.FTP_TLS(
            context=context, timeout=CONTROL_TIMEOUT, source_address=("", cfg["control_sport"])
        )
    else:
        ftp = ftplib.FTP(timeout=CONTROL_TIMEOUT, source_address=("", cfg["control_sport"]))
    # typeshed's ftplib.FTP lacks this class attribute (CPython added it with bpo-43285)
    ftp.trust_server_pasv_ipv4_address = cfg["trust_pasv_address"]  # type: ignore[attr-defined]

    def send(command: str, shown: str | None = None) -> str:
        try:
            reply = ftp.sendcmd(command)
        except ftplib.Error as err:
            reply = str(err)
            transcript.append([shown or command, reply])
            raise _Refused(command.split()[0].upper(), reply) from None
        transcript.append([shown or command, reply])
        return reply

    try:
        try:
            transcript.append(["(connect)", ftp.connect(cfg["address"], cfg["port"])])
        except OSError as err:
            out.update(failed_at="control", error=f"{type(err).__name__}: {err}")
            return out
        if context is not None:
            send("AUTH TLS")
            secure = context.wrap_socket(_control_socket(ftp), server_hostname=cfg["address"])
            ftp.sock, ftp.file = secure, secure.makefile("r", encoding=ftp.encoding)
        send(f"USER {USER}")
        send(f"PASS {PASSWORD}", "PASS ******")
        if context is not None:
            send("PBSZ 0")
            send(f"PROT {cfg['prot']}")
            if cfg["ccc"]:
                try:
                    send("CCC")
                    plain = secure.unwrap()
                    ftp.sock, ftp.file = plain, plain.makefile("r", encoding=ftp.encoding)
                except _Refused:
                    if cfg.get("on_ccc_refused", "stop") == "stop":
                        raise  # as ftplib's ccc() does: it raises on the refusal
                    # 'continue': the server keeps TLS on; the session goes on encrypted
        if cfg.get("type_before_data", True):
            send("TYPE A")
        _listing(ftp, send, transcript, cfg, context if cfg["prot"] == "P" else None)
        send("QUIT")
        out["outcome"] = "success"
    except _Refused as refused:
        code = refused.reply[:3]
        # 425/421: the server could not open (or never got) the data connection
        out.update(failed_at="data" if code in ("425", "421") else refused.verb, error=refused.reply)
    except _DataFailed as failed:
        out.update(failed_at="data", error=str(failed))
    except (OSError, EOFError, ftplib.Error) as err:
        out.update(failed_at="control", error=f"{type(err).__name__}: {err}")
    finally:
        try:
            ftp.close()
        except OSError:
            pass
    return out


class _Refused(Exception):
    def __init__(self, verb: str, reply: str):
        super().__init__(reply)
        self.verb, self.reply = verb, reply


class _DataFailed(Exception):
    pass


def _control_socket(ftp: ftplib.FTP) -> socket.socket:
    """The control connection's socket, which ftplib sets on connect and clears on close."""
    if ftp.sock is None:
        raise OSError("the FTP control connection is not open")
    return ftp.sock


def _listing(
    ftp: ftplib.FTP, send: Callable[[str], str], transcript: list[list[str]], cfg: dict, context: ssl.SSLContext | None
) -> None:
    """LIST over a data connection; `context` protects it (PROT P), None leaves it clear."""
    control = _control_socket(ftp)
    mode, peer = cfg["mode"], control.getpeername()[0]
    listener: socket.socket | None = None
    conn: socket.socket | None = None
    try:
        if mode in ("passive", "epsv"):
            if mode == "passive":
                host, port = ftplib.parse227(send("PASV"))
                target = host if cfg["trust_pasv_address"] else peer
            else:
                _, port = ftplib.parse229(send("EPSV"), control.getpeername())
                target = peer
            try:
                conn = socket.create_connection(
                    (target, port), timeout=DATA_TIMEOUT, source_address=("", cfg["data_port"])
                )
            except OSError as err:
                raise _DataFailed(f"connect to {target}:{port}: {type(err).__name__}: {err}") from None
        else:
            listener = socket.create_server((control.getsockname()[0], cfg["data_port"]))
            listener.settimeout(DATA_TIMEOUT)
            host, port = listener.getsockname()
            if mode == "active":
                send("PORT " + ",".join(host.split(".") + [str(port // 256), str(port % 256)]))
            else:
                send(f"EPRT |1|{host}|{port}|")
        send("LIST")
        if listener is not None:
            try:
                conn, _ = listener.accept()
            except OSError as err:
                raise _DataFailed(f"no data connection arrived: {err}") from None
        assert conn is not None, "passive and EPSV connect before LIST, active accepts after it"
        if context is not None:
            conn = context.wrap_socket(conn, server_hostname=cfg["address"])
        with conn.makefile("r", encoding="utf-8") as data:
            data.read()
        conn.close()
        try:
            transcript.append(["LIST", ftp.voidresp()])
        except ftplib.Error as err:
            transcript.append(["LIST", str(err)])
            raise _Refused("LIST", str(err)) from None
    finally:
        for sock in (conn, listener):
            if sock is not None:
                sock.close()


def main(argv: list[str]) -> int:
    role, cfg = argv[0], json.loads(argv[1])
    if role == "server":
        serve(cfg)
        return 0
    print(json.dumps(client(cfg)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
