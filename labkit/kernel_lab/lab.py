"""Run one FTP session in namespaces and compare it with the model.

The real server is pyftpdlib, so the model is asked about the same server: software
pyftpdlib and one passive port (the range's first; pyftpdlib picks at random inside a
range, which would make the 227 unpredictable). Compared: the outcome, where it broke
(`control`, `data`, or the verb whose reply refused) and the 227/229 line the client
received, character for character.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from ipaddress import IPv4Address
from pathlib import Path

from ..model.ftp import FtpResult, ftp_session
from ..model.ftp_protocol import FtpClientSettings, ServerSoftware, TlsMode
from ..model.ftp_result import FtpChannel
from ..model.host import Role
from ..model.network import Network
from ..model.ports import PortRange
from . import build
from .netns import (
    STARTUP_SECONDS,
    LabError,
    Namespaces,
    ensure_ftp_helper,
    first_line,
    on_termination,
    remove_stale,
    requirements_problem,
)

SESSION_TIMEOUT = 40
CONTROL_SPORT = 49152  # the model's EPHEMERAL_PORT: same tuples in both captures


@dataclass(frozen=True)
class Outcome:
    outcome: str
    failed_at: str | None
    passive_reply: str | None
    detail: str = ""

    def show(self) -> str:
        where = f" at {self.failed_at}" if self.failed_at else ""
        return f"{self.outcome}{where}"


@dataclass(frozen=True)
class Comparison:
    case: str
    model: Outcome
    kernel: Outcome
    captures: Path | None = None

    @property
    def agree(self) -> bool:
        return (self.model.outcome, self.model.failed_at, self.model.passive_reply) == (
            self.kernel.outcome,
            self.kernel.failed_at,
            self.kernel.passive_reply,
        )

    def __str__(self) -> str:
        lines = [
            f"{self.case}: {'AGREE' if self.agree else 'DISAGREE'}",
            f"  model : {self.model.show()}; 227/229 received: {self.model.passive_reply or '-'}",
            f"  kernel: {self.kernel.show()}; 227/229 received: {self.kernel.passive_reply or '-'}",
        ]
        if self.kernel.detail:
            lines.append(f"  kernel detail: {self.kernel.detail}")
        if self.captures:
            lines.append(f"  captures: {self.captures}")
        return "\n".join(lines)


def as_built(net: Network, server: str) -> Network:
    """The network the lab builds: the server becomes pyftpdlib with one passive port."""
    node = net.node(server)
    ss = build.server_settings(net, server)
    port = ss.passive_pool(node.os.is_windows)[0]
    return net.with_node(
        replace(node, ftp_server=replace(ss, software=ServerSoftware.PYFTPDLIB, passive_ports=PortRange(port)))
    )


def model_outcome(result: FtpResult) -> Outcome:
    passive = next(
        (
            s.received
            for s in result.steps
            if s.channel is FtpChannel.CONTROL and s.sender != result.client and s.received[:3] in ("227", "229")
        ),
        None,
    )
    if result.succeeded:
        return Outcome("success", None, passive)
    if result.failed_step is None:  # a failure the model could not place on a step
        return Outcome("failure", None, passive, result.reason)
    step = result.steps[result.failed_step - 1]
    where: str
    if step.channel is FtpChannel.DATA:
        where = FtpChannel.DATA.value
    elif step.trace is not None:
        where = FtpChannel.CONTROL.value
    else:
        where = next(
            s.sent.split()[0].upper()
            for s in reversed(result.steps[: result.failed_step])
            if s.channel is FtpChannel.CONTROL and s.sender == result.client and s.trace is None
        )
    return Outcome("failure", where, passive, result.reason)


def kernel_outcome(report: dict) -> Outcome:
    passive = next(
        (reply for sent, reply in report["transcript"] if sent in ("PASV", "EPSV") and reply[:3] in ("227", "229")),
        None,
    )
    return Outcome(report["outcome"], report["failed_at"], passive, report.get("error") or "")


def kernel_version() -> str:
    return f"Linux {platform.release()}"


def run(
    net: Network,
    settings: FtpClientSettings | None = None,
    *,
    client: str | None = None,
    server: str | None = None,
    address: str | None = None,
    case: str = "",
    captures: Path | str | None = None,
    progress: Callable[[str], object] | None = None,
) -> Comparison:
    """Build, run, capture, compare, and remove everything (also on error, Ctrl-C and SIGTERM)."""
    problem = requirements_problem()
    if problem:
        raise LabError(problem)
    if not (client and server and settings and address):
        setup = build.ftp_setup(net)
        client, server = client or setup.client, server or setup.server
        settings, address = settings or setup.settings, address or str(setup.address)
    dialled = IPv4Address(str(address))
    why_not = build.cannot_build(net, server)
    if why_not:
        raise LabError(f"{case or net.name}: cannot build this in namespaces: {why_not}")
    built = as_built(net, server)
    model = model_outcome(ftp_session(built, client, server, dialled, settings, check_fixes=False))
    say = progress or (lambda text: None)
    restore = on_termination()
    lab = Namespaces()
    work = Path(tempfile.mkdtemp(prefix="labkit-kernel-"))
    folder = Path(captures) if captures else work / "captures"
    try:
        remove_stale()
        ensure_ftp_helper()
        say(f"building {len(net.nodes)} namespaces ({lab.tag}-*)")
        _build(lab, built)
        folder.mkdir(parents=True, exist_ok=True)
        dumps = lab.captures(
            [
                (lab.names[node.name], iface.key, folder / f"{node.name}-{iface.key}.pcap")
                for node in built.nodes
                for iface in node.interfaces
            ]
        )
        say("capturing; starting the server")
        report = _session(lab, built, client, server, dialled, settings, work)
        lab.stop_captures(dumps)
        say("session done")
        return Comparison(case or net.name, model, kernel_outcome(report), folder if captures else None)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            lab.close()
            shutil.rmtree(work, ignore_errors=True)
        finally:
            restore()


def _build(lab: Namespaces, net: Network) -> None:
    for node in net.nodes:
        lab.add(node.name)
    for segment, members in build.segments(net).items():
        if len(members) == 2:
            (a, ka), (b, kb) = members
            lab.veth(lab.names[a.name], ka, lab.names[b.name], kb)
            continue
        bridge = lab.add(f"segment {segment}")
        lab.ip(bridge, "link", "add", "br0", "type", "bridge")
        lab.ip(bridge, "link", "set", "br0", "up")
        for n, (node, key) in enumerate(members):
            lab.veth(lab.names[node.name], key, bridge, f"p{n}")
            lab.ip(bridge, "link", "set", f"p{n}", "master", "br0", "up")
    for node in net.nodes:
        ns = lab.names[node.name]
        for iface in node.interfaces:
            for address in iface.addresses:
                lab.ip(ns, "addr", "add", str(address), "dev", iface.key)
            lab.ip(ns, "link", "set", iface.key, "up")
        for gateway, key in build.routes(node):
            lab.ip(ns, "route", "add", "default", "via", gateway, "dev", key)
        if node.role is Role.ROUTER:
            lab.sysctl(ns, "net.ipv4.ip_forward", "1")
        rules = build.ruleset(node)
        if rules:
            lab.nft(ns, rules)


def _agent_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}


def _session(
    lab: Namespaces,
    net: Network,
    client: str,
    server: str,
    address: IPv4Address,
    settings: FtpClientSettings,
    work: Path,
) -> dict:
    ss = build.server_settings(net, server)
    server_ip = net.node(server).addresses[0].ip
    agent = [sys.executable, "-m", "labkit.kernel_lab.agent"]
    cfg = {
        "workdir": str(work),
        "host": str(server_ip),
        "port": ss.port,
        "passive_port": ss.passive_pool(net.node(server).os.is_windows)[0],
        "masquerade_address": str(ss.external_address) if ss.external_address else None,
        "permit_foreign_addresses": ss.permit_foreign_addresses,
        "permit_privileged_ports": ss.permit_privileged_ports,
        "tls": ss.tls is TlsMode.EXPLICIT,
        "tls_control_required": ss.tls_required_control,
        "tls_data_required": ss.tls_required_data,
        "names": sorted({str(server_ip), str(address)}),
    }
    srv = lab.start(
        lab.names[server],
        [*agent, "server", json.dumps(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_agent_env(),
    )
    if first_line(srv.stdout, STARTUP_SECONDS).strip() != "ready":
        srv.kill()
        said = srv.stderr.read() if srv.stderr is not None else ""
        raise LabError(f"the FTP server in {lab.names[server]} did not start: {said.strip()[-300:]}")
    port = settings.port if settings.port is not None else ss.port
    ccfg = {
        "address": str(address),
        "port": port,
        "mode": settings.mode,
        "tls": settings.tls,
        "prot": settings.prot,
        "ccc": settings.ccc,
        "on_ccc_refused": settings.on_ccc_refused,
        "type_before_data": settings.type_before_data,
        "trust_pasv_address": settings.trust_pasv_address,
        "data_port": settings.data_port,
        "control_sport": CONTROL_SPORT,
        "ca_file": str(work / "ca.pem"),
    }
    cli = lab.start(
        lab.names[client],
        [*agent, "client", json.dumps(ccfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_agent_env(),
    )
    try:
        out, err = cli.communicate(timeout=SESSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise LabError(f"the FTP client did not finish within {SESSION_TIMEOUT} s") from None
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise LabError(f"the FTP client failed: {err.strip()[-300:]}") from None
