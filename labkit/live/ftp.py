"""A real FTP session on loopback: pyftpdlib serves, Python's ftplib drives the control
connection, and every command and reply is recorded.

Certificates are made at run time by trustme (no key is ever written to the project);
the server runs in a thread and is always stopped when the `with` block ends.
"""

from __future__ import annotations

import contextlib
import ftplib
import logging
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model.ftp_protocol import FtpMode, OnCccRefused, Prot, TlsMode

LOOPBACK = "127.0.0.1"
TIMEOUT = 5
USER, PASSWORD = "student", "labkit"


@dataclass(frozen=True)
class LiveServer:
    host: str
    port: int
    ca_file: str
    """PEM of the CA that signed the server's certificate (for the client to trust)."""


@contextlib.contextmanager
def local_ftp_server(
    *,
    passive_ports: range | None = None,
    masquerade_address: str | None = None,
    tls: bool = True,
    tls_control_required: bool = False,
    tls_data_required: bool = False,
    permit_foreign_addresses: bool = False,
) -> Iterator[LiveServer]:
    """Run pyftpdlib on 127.0.0.1 (an ephemeral port) for the length of a `with` block."""
    import trustme
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    # pyftpdlib logs every start of its loop; the transcript is what the learner needs.
    log = logging.getLogger("pyftpdlib")
    was_disabled, log.disabled = log.disabled, True
    with tempfile.TemporaryDirectory(prefix="labkit-ftp-") as tmp, _restore(log, was_disabled):
        root = Path(tmp, "home")
        root.mkdir()
        (root / "readme.txt").write_text("Hello from the labkit FTP server.\n")
        authorizer = DummyAuthorizer()
        authorizer.add_user(USER, PASSWORD, str(root), perm="elr")
        ca = trustme.CA()
        ca_file = Path(tmp, "ca.pem")
        ca.cert_pem.write_to_path(str(ca_file))
        settings = {
            "authorizer": authorizer,
            "passive_ports": passive_ports,
            "masquerade_address": masquerade_address,
            "permit_foreign_addresses": permit_foreign_addresses,
        }
        if tls:
            from pyftpdlib.handlers import TLS_FTPHandler

            cert = ca.issue_cert(LOOPBACK, "localhost")
            cert_file = Path(tmp, "server.pem")
            cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
            base = TLS_FTPHandler
            settings.update(
                certfile=str(cert_file), tls_control_required=tls_control_required, tls_data_required=tls_data_required
            )
        else:
            base = FTPHandler
        # A fresh subclass per server: TLS_FTPHandler caches its SSL context on the class.
        handler = type("Handler", (base,), settings)
        server = FTPServer((LOOPBACK, 0), handler)
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                server.serve_forever(timeout=0.05, blocking=False, handle_exit=False)

        thread = threading.Thread(target=serve, name="labkit-ftp-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(LOOPBACK, server.address[1], str(ca_file))
        finally:
            stop.set()
            thread.join(TIMEOUT)
            server.close_all()


@contextlib.contextmanager
def _restore(log: logging.Logger, disabled: bool) -> Iterator[None]:
    try:
        yield
    finally:
        log.disabled = disabled


def run_client(
    server: LiveServer,
    *,
    mode: FtpMode | str = FtpMode.PASSIVE,
    tls: TlsMode | str = TlsMode.NONE,
    prot: Prot | str = Prot.P,
    trust_pasv_address: bool = False,
    ccc: bool = False,
    on_ccc_refused: OnCccRefused | str = OnCccRefused.STOP,
) -> list[tuple[str, str]]:
    """Log in, LIST, QUIT; return [(what the client sent, the server's reply line)].

    The data connection is opened the way ftplib does it (passive: connect, then LIST;
    active: listen, PORT/EPRT, LIST, accept); EPSV and EPRT are sent explicitly because
    ftplib uses them only over IPv6. With `ccc`, CCC is sent through ftplib's own ccc()
    after PROT; when the server refuses it, ftplib raises error_perm: 'stop' ends the
    session there (the transcript's last reply is the refusal), 'continue' carries on
    with the control channel still encrypted.
    """
    mode, tls, prot = FtpMode.parse(mode, "mode"), TlsMode.parse(tls, "tls"), Prot.parse(prot, "prot")
    if ccc and tls is not TlsMode.EXPLICIT:
        raise ValueError("CCC needs tls='explicit'")
    if on_ccc_refused not in OnCccRefused.values():
        raise ValueError(
            f"on_ccc_refused must be {' or '.join(map(repr, OnCccRefused.values()))}, got {on_ccc_refused!r}"
        )
    on_ccc_refused = OnCccRefused(on_ccc_refused)
    if trust_pasv_address and not server.host.startswith("127."):
        raise ValueError("the live runner only ever dials loopback addresses")
    if tls not in (TlsMode.NONE, TlsMode.EXPLICIT):
        raise ValueError("the live runner speaks plain FTP or explicit TLS (pyftpdlib has no implicit TLS)")
    transcript: list[tuple[str, str]] = []
    context = ssl.create_default_context(cafile=server.ca_file) if tls is TlsMode.EXPLICIT else None
    ftp = ftplib.FTP(timeout=TIMEOUT) if context is None else ftplib.FTP_TLS(context=context, timeout=TIMEOUT)
    # typeshed's ftplib.FTP lacks this class attribute (CPython added it with bpo-43285)
    ftp.trust_server_pasv_ipv4_address = trust_pasv_address  # type: ignore[attr-defined]
    try:
        transcript.append(("(connect)", ftp.connect(server.host, server.port)))

        def send(command: str, shown: str | None = None) -> str:
            reply = ftp.sendcmd(command)
            transcript.append((shown or command, reply))
            return reply

        if context is not None:
            send("AUTH TLS")
            secure = context.wrap_socket(_control_socket(ftp), server_hostname=ftp.host)
            ftp.sock, ftp.file = secure, secure.makefile("r", encoding=ftp.encoding)
        send(f"USER {USER}")
        send(f"PASS {PASSWORD}", "PASS ******")
        if context is not None:
            send("PBSZ 0")
            send(f"PROT {prot}")
        if ccc and isinstance(ftp, ftplib.FTP_TLS):  # CCC was refused above unless tls='explicit'
            try:
                transcript.append(("CCC", ftp.ccc()))
            except ftplib.error_perm as refusal:
                transcript.append(("CCC", str(refusal)))
                if on_ccc_refused is OnCccRefused.STOP:
                    return transcript
        send("TYPE A")
        listing = _list(ftp, send, transcript, mode, context if prot is Prot.P else None, trust_pasv_address)
        transcript.append(("(data)", listing))
        send("QUIT")
    finally:
        ftp.close()
    return transcript


def _control_socket(ftp: ftplib.FTP) -> socket.socket:
    """The control connection's socket, which ftplib sets on connect and clears on close."""
    if ftp.sock is None:
        raise OSError("the FTP control connection is not open")
    return ftp.sock


def _list(
    ftp: ftplib.FTP,
    send: Callable[[str], str],
    transcript: list[tuple[str, str]],
    mode: FtpMode,
    context: ssl.SSLContext | None,
    trust: bool,
) -> str:
    """LIST over a data connection; `context` protects it (PROT P), None leaves it clear."""
    control = _control_socket(ftp)
    peer = control.getpeername()[0]
    listener: socket.socket | None = None
    conn: socket.socket | None = None
    if mode is FtpMode.PASSIVE:
        host, port = ftplib.parse227(send("PASV"))
        target = host if trust else peer
        if not target.startswith("127."):  # tests may only ever reach loopback
            raise ConnectionRefusedError(f"labkit will not dial {target}: only loopback addresses")
        conn = socket.create_connection((target, port), timeout=TIMEOUT)
    elif mode is FtpMode.EPSV:
        _, port = ftplib.parse229(send("EPSV"), control.getpeername())
        conn = socket.create_connection((peer, port), timeout=TIMEOUT)
    else:
        listener = socket.create_server((control.getsockname()[0], 0))
        listener.settimeout(TIMEOUT)
        host, port = listener.getsockname()
        if mode is FtpMode.ACTIVE:
            send("PORT " + ",".join(host.split(".") + [str(port // 256), str(port % 256)]))
        else:
            send(f"EPRT |1|{host}|{port}|")
    try:
        reply = ftp.sendcmd("LIST")
        transcript.append(("LIST", reply))
        if listener is not None:
            conn, _ = listener.accept()
        assert conn is not None, "passive and EPSV connect before LIST, active accepts after it"
        if context is not None:
            conn = context.wrap_socket(conn, server_hostname=ftp.host)
        with conn.makefile("r", encoding="utf-8") as data:
            listing = data.read()
        conn.close()
        transcript.append(("LIST", ftp.voidresp()))
        return listing
    finally:
        if conn is not None:
            conn.close()
        if listener is not None:
            listener.close()


def transcript_codes(transcript: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(verb, reply code) pairs of a live transcript, comparable with FtpResult.commands_and_codes().

    pyftpdlib answers LIST with 125 when the passive data connection is already open and 150
    when LIST wins the race (a documented race, reference notes on FTP §1.1): both mean
    'transfer starting', so 150 is read as 125.
    """
    pairs = [
        (sent.split()[0].upper() if sent != "(connect)" else sent, reply[:3])
        for sent, reply in transcript
        if sent != "(data)"
    ]
    return [(verb, "125" if (verb, code) == ("LIST", "150") else code) for verb, code in pairs]
