"""The kernel lab's agreement suite: every shipped FTP scenario it can build, and variants.

Each case is (name, scenario, change). A case the model and the kernel answer differently
must be listed in DOCUMENTED with its reason (docs/kernel-lab.md explains each), or in
AFTER_MERGE when the model is being fixed on another branch; otherwise the test fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from ipaddress import IPv4Network

from ..model.ftp_protocol import FtpClientSettings, TlsMode
from ..model.middlebox import FtpHelper, PortForward, Rule
from ..model.network import Network
from ..model.ports import PortRange
from . import build
from .lab import Comparison, kernel_version, run
from .netns import LabError, helper_loose

Change = Callable[[Network, FtpClientSettings], tuple[Network, FtpClientSettings]]


@dataclass(frozen=True)
class Case:
    name: str
    scenario: str
    change: Change | None = None
    needs_loose: bool = False
    """Runs only where the host's nf_conntrack_ftp already has loose=1 (a host-wide setting)."""

    def setup(self) -> tuple[Network, FtpClientSettings]:
        from ..scenario import load_scenario

        net = load_scenario(self.scenario)
        settings = build.ftp_setup(net).settings
        return self.change(net, settings) if self.change else (net, settings)


def _client(**changes) -> Change:
    return lambda net, s: (net, replace(s, **changes))


def _node(net: Network, name: str, **changes) -> Network:
    return net.with_node(replace(net.node(name), **changes))


def _helper_off(net, s):
    return _node(net, "fw", ftp_helper=None), s


def _control_port(helper_ports: tuple[int, ...]) -> Change:
    """The server listens on 2121 and the firewall forwards 2121; the helper watches `helper_ports`."""

    def change(net, s):
        srv = net.node("ftpsrv")
        net = _node(net, "ftpsrv", ftp_server=replace(srv.ftp_server, port=2121))
        fw = net.node("fw")
        forwards = tuple(replace(pf, ports=(2121, 2121)) if pf.ports == (21, 21) else pf for pf in fw.nat.port_forwards)
        rules = tuple(replace(r, dport=(2121, 2121)) if r.dport == (21, 21) else r for r in fw.firewall.rules)
        net = _node(
            net,
            "fw",
            nat=replace(fw.nat, port_forwards=forwards),
            firewall=replace(fw.firewall, rules=rules),
            ftp_helper=FtpHelper(helper_ports),
        )
        return net, replace(s, port=2121)

    return change


def _loose_external(net, s):
    """The server already advertises the public address; a loose helper still expects the
    data connection (Linux loose=1)."""
    srv = net.node("ftpsrv")
    net = _node(
        net, "ftpsrv", ftp_server=replace(srv.ftp_server, external_address=net.node("fw").interfaces[0].addresses[0].ip)
    )
    return _node(net, "fw", ftp_helper=FtpHelper((21,), loose=True)), s


def _strict_external(net, s):
    srv = net.node("ftpsrv")
    return _node(
        net, "ftpsrv", ftp_server=replace(srv.ftp_server, external_address=net.node("fw").interfaces[0].addresses[0].ip)
    ), s


def _forwarded_range(net, s):
    """Forward and allow the passive range on the firewall (the fix for FTP over TLS)."""
    fw = net.node("fw")
    server_ip = net.node("ftpsrv").addresses[0].ip
    forward = PortForward("wan", "tcp", (51976, 51999), server_ip)
    allow = Rule(
        "allow", "forward", "wan", None, "tcp", None, IPv4Network(server_ip), None, (51976, 51999), "FTP passive range"
    )
    return _node(
        net,
        "fw",
        nat=replace(fw.nat, port_forwards=fw.nat.port_forwards + (forward,)),
        firewall=replace(fw.firewall, rules=fw.firewall.rules + (allow,)),
    ), s


def _shipped_ftp_scenarios() -> tuple[Case, ...]:
    """Every shipped scenario with an ftp: section, so a new one is run (or says why not) by itself."""
    from ..scenario import load_scenario, shipped_scenarios

    return tuple(Case(name, name) for name in shipped_scenarios() if load_scenario(name).ftp is not None)


CASES = (
    *_shipped_ftp_scenarios(),
    Case("seed helper off", "ftp-nat-seed", _helper_off),
    Case(
        "seed helper off, trusting client",
        "ftp-nat-seed",
        lambda n, s: (_helper_off(n, s)[0], replace(s, trust_pasv_address=True)),
    ),
    Case("seed trusting client", "ftp-nat-seed", _client(trust_pasv_address=True)),
    Case("seed TLS", "ftp-nat-seed", _client(tls="explicit")),
    Case("seed TLS, trusting client", "ftp-nat-seed", _client(tls="explicit", trust_pasv_address=True)),
    Case("seed EPSV", "ftp-nat-seed", _client(mode="epsv")),
    Case("seed EPSV over TLS", "ftp-nat-seed", _client(mode="epsv", tls="explicit")),
    Case(
        "partial range, server picks 51990 (not forwarded)",
        "ftp-nat-ftps-partial",
        lambda n, s: (
            _node(n, "ftpsrv", ftp_server=replace(build.server_settings(n, "ftpsrv"), passive_ports=PortRange(51990))),
            s,
        ),
    ),
    Case("seed TLS + CCC (server refuses CCC)", "ftp-nat-seed", _client(tls="explicit", ccc=True)),
    Case(
        "seed TLS + CCC refused, client carries on",
        "ftp-nat-seed",
        _client(tls="explicit", ccc=True, on_ccc_refused="continue"),
    ),
    Case("seed control port 2121, helper on 21", "ftp-nat-seed", _control_port((21,))),
    Case("seed control port 2121, helper on 2121", "ftp-nat-seed", _control_port((2121,))),
    Case("seed external address, strict helper", "ftp-nat-seed", _strict_external),
    Case(
        "seed external address, forwarded range", "ftp-nat-seed", lambda n, s: _forwarded_range(*_strict_external(n, s))
    ),
    Case(
        "seed external address, forwarded range, TLS",
        "ftp-nat-seed",
        lambda n, s: (_forwarded_range(*_strict_external(n, s))[0], replace(s, tls=TlsMode.EXPLICIT)),
    ),
    Case("seed external address, loose helper", "ftp-nat-seed", _loose_external, needs_loose=True),
    Case("active client NAT, EPRT", "ftp-active-client-nat", _client(mode="eprt")),
    Case("active client NAT, TLS", "ftp-active-client-nat", _client(tls="explicit")),
    Case("active client NAT, passive", "ftp-active-client-nat", _client(mode="passive")),
)

DOCUMENTED: dict[str, str] = {}
"""case name -> why model and kernel differ (each explained in docs/kernel-lab.md)."""
AFTER_MERGE: dict[str, str] = {}
"""case name -> the issue item whose model change (on another branch) makes them agree."""


@dataclass(frozen=True)
class Row:
    case: Case
    comparison: Comparison | None
    skipped: str | None = None

    @property
    def verdict(self) -> str:
        if self.skipped or self.comparison is None:
            return "not built"
        if self.comparison.agree:
            return "agree"
        if self.case.name in DOCUMENTED:
            return "documented difference"
        if self.case.name in AFTER_MERGE:
            return "expected to agree after merge"
        return "DISAGREE"


def run_case(case: Case, captures=None) -> Row:
    net, settings = case.setup()
    why_not = build.cannot_build(net, build.ftp_setup(net).server)
    if why_not:
        return Row(case, None, why_not)
    if case.needs_loose and not helper_loose():
        return Row(case, None, "needs nf_conntrack_ftp loose=1, a host-wide setting the lab never changes")
    return Row(case, run(net, settings, case=case.name, captures=captures))


def run_all(captures_root=None, progress=None) -> list[Row]:
    rows = []
    for case in CASES:
        folder = None
        if captures_root is not None:
            folder = f"{captures_root}/{''.join(c if c.isalnum() else '-' for c in case.name)}"
        rows.append(run_case(case, folder))
        if progress:
            progress(rows[-1])
    return rows


def table(rows: list[Row]) -> str:
    """The agreement table in Markdown, headed by the kernel it ran on."""
    lines = [
        f"Kernel: {kernel_version()}",
        "",
        "| case | model | kernel | 227/229 the client received (model / kernel) | verdict |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        c = row.comparison
        if row.skipped or c is None:
            lines.append(f"| {row.case.name} | - | - | - | not built: {row.skipped} |")
            continue
        same = c.model.passive_reply == c.kernel.passive_reply
        passive = (
            (c.model.passive_reply or "-")
            if same
            else f"{c.model.passive_reply or '-'} / {c.kernel.passive_reply or '-'}"
        )
        passive = passive.replace("|", "\\|")  # a 229's (|||port|) inside a Markdown cell
        lines.append(f"| {row.case.name} | {c.model.show()} | {c.kernel.show()} | {passive} | {row.verdict} |")
    return "\n".join(lines)


__all__ = ["AFTER_MERGE", "CASES", "Case", "DOCUMENTED", "LabError", "Row", "run_all", "run_case", "table"]
