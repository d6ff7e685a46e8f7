"""What would fix a failed FTP session.

Each fix is a candidate setting (a `Fix`: the advice, and the change it makes) tried on a
copy of the network: only those that make the listing arrive (for every passive port) are
offered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING, Any, TypeVar

from .ftp_ports import PortCoverage
from .ftp_protocol import FtpClientSettings, FtpMode, TlsMode
from .host import Node, Role
from .middlebox import Direction, FtpHelper, LbAffinity, PortForward, Rule, RuleAction
from .network import Network
from .ports import PortRange
from .trace import Remedy

if TYPE_CHECKING:
    from .ftp_play import SessionInPlay

Part = TypeVar("Part")

MAX_PAIRED = 8
"""Candidates tried in pairs when none works alone (keeps the search to at most 28 replays)."""
SMALL_RANGE = PortRange(51976, 51999)
"""The seed's example port 51976 (= 203*256 + 8) opens the range the kit suggests."""

Change = Callable[[Network, FtpClientSettings], tuple[Network, FtpClientSettings]]
"""A fix's change: the network and client settings to try, from the ones that failed."""


@dataclass(frozen=True)
class Fix:
    """A candidate fix: the advice shown to the learner, and the change it makes."""

    text: str
    change: Change

    def apply(self, net: Network, settings: FtpClientSettings) -> tuple[Network, FtpClientSettings]:
        return self.change(net, settings)


# --- the changes a fix can make ------------------------------------------------------------------


def _present(part: Part | None, node: Node, what: str) -> Part:
    """The part of `node` a fix changes (fixes are made only for parts the session met)."""
    if part is None:
        raise ValueError(f"{node.name} has no {what} for this fix to change")
    return part


def set_server(
    net: Network, settings: FtpClientSettings, server: str, **changes: Any
) -> tuple[Network, FtpClientSettings]:
    """Change the FTP server's own settings (passive range, external address, CCC)."""
    node = net.node(server)
    return net.with_node(
        replace(node, ftp_server=replace(_present(node.ftp_server, node, "ftp_server"), **changes))
    ), settings


def set_client(net: Network, settings: FtpClientSettings, **changes: Any) -> tuple[Network, FtpClientSettings]:
    """Change the client's settings (mode, TLS, CCC, trusting the 227 address)."""
    return net, replace(settings, **changes)


def _with_rule(net: Network, name: str, rule: Rule) -> Network:
    box = net.node(name)
    firewall = _present(box.firewall, box, "firewall")
    return net.with_node(replace(box, firewall=replace(firewall, rules=(rule,) + firewall.rules)))


def forward_passive_range(
    net: Network,
    settings: FtpClientSettings,
    router: str,
    forward: PortForward,
    span: PortRange,
    server_ip: IPv4Address,
    server: str,
) -> tuple[Network, FtpClientSettings]:
    """Forward (and allow) the passive range where the control port is forwarded, and give the
    server that range."""
    box = net.node(router)
    present = _present(box.nat, box, "nat")
    nat = replace(
        present, port_forwards=present.port_forwards + (PortForward(forward.interface, "tcp", span, server_ip),)
    )
    net = net.with_node(replace(box, nat=nat))
    if box.firewall is not None:
        net = _with_rule(
            net,
            router,
            Rule(
                RuleAction.ALLOW,
                Direction.FORWARD,
                forward.interface,
                None,
                "tcp",
                None,
                IPv4Network(server_ip),
                None,
                span,
                "FTP passive range",
            ),
        )
    return set_server(net, settings, server, passive_ports=span)


def allow_passive_range(
    net: Network,
    settings: FtpClientSettings,
    box: str,
    direction: Direction,
    span: PortRange,
    server_ip: IPv4Address,
    server: str,
) -> tuple[Network, FtpClientSettings]:
    """Allow the passive range in a firewall on the way, and give the server that range."""
    rule = Rule(
        RuleAction.ALLOW, direction, proto="tcp", dst=IPv4Network(server_ip), dport=span, name="FTP passive range"
    )
    return set_server(_with_rule(net, box, rule), settings, server, passive_ports=span)


def attach_helper(
    net: Network, settings: FtpClientSettings, router: str, port: int
) -> tuple[Network, FtpClientSettings]:
    return net.with_node(replace(net.node(router), ftp_helper=FtpHelper((port,)))), settings


def watch_port(net: Network, settings: FtpClientSettings, router: str, port: int) -> tuple[Network, FtpClientSettings]:
    node = net.node(router)
    helper = _present(node.ftp_helper, node, "ftp_helper")
    return net.with_node(replace(node, ftp_helper=replace(helper, ports=helper.ports + (port,)))), settings


def client_ip_affinity(net: Network, settings: FtpClientSettings, balancer: str) -> tuple[Network, FtpClientSettings]:
    node = net.node(balancer)
    lb = _present(node.load_balancer, node, "load_balancer")
    return net.with_node(replace(node, load_balancer=replace(lb, affinity=LbAffinity.CLIENT_IP))), settings


def one_snat_address(net: Network, settings: FtpClientSettings, balancer: str) -> tuple[Network, FtpClientSettings]:
    node = net.node(balancer)
    lb = _present(node.load_balancer, node, "load_balancer")
    return net.with_node(replace(node, load_balancer=replace(lb, snat=lb.snat[:1]))), settings


# --- the candidates for one session --------------------------------------------------------------


def candidate_fixes(
    net: Network,
    client: str,
    server: str,
    address: IPv4Address,
    cs: FtpClientSettings,
    s: SessionInPlay,
    coverage: PortCoverage | None = None,
) -> list[Fix]:
    """The fixes worth trying for the nodes this session touched."""
    fixes = []
    ss = _present(net.node(server).ftp_server, net.node(server), "ftp_server")
    srv_ip = s.server_ip or net.node(server).addresses[0].ip
    span = ss.passive_ports or SMALL_RANGE
    range_note = (
        ""
        if ss.passive_ports
        else ", and give the server that range (IIS: Data Channel Port Range; pyftpdlib: passive_ports)"
    )
    path = [net.node(name) for name in s.path_nodes if net.has_node(name)]

    if coverage is not None and coverage.partial:
        widest = max(coverage.working, key=lambda r: r.size)
        fixes.append(
            Fix(
                f"shrink the server's passive range to the ports that work ({widest}; IIS: Data "
                "Channel Port Range; pyftpdlib: passive_ports; vsftpd: pasv_min_port/pasv_max_port)",
                partial(set_server, server=server, passive_ports=widest),
            )
        )
    if cs.ccc and not ss.ccc:
        fixes.append(
            Fix(
                "let the server accept CCC (IIS: FTP SSL Settings > Advanced > Control Channel: "
                "'Require only for credentials')",
                partial(set_server, server=server, ccc=True),
            )
        )
    if s.server_ip is not None and s.address != s.server_ip:
        fixes.append(
            Fix(
                f"set the server's external address to {s.address} (IIS: External IP Address of "
                f"Firewall; pyftpdlib: masquerade_address; vsftpd: pasv_address)",
                partial(set_server, server=server, external_address=s.address),
            )
        )
    for node in path:
        for pf in node.nat.port_forwards if node.nat else ():
            if pf.to == srv_ip and s.control_port in pf.ports:
                fixes.append(
                    Fix(
                        f"forward (and allow) the passive port range {span.first}-{span.last} on {node.name} "
                        f"to {srv_ip}{range_note}",
                        partial(
                            forward_passive_range,
                            router=node.name,
                            forward=pf,
                            span=span,
                            server_ip=srv_ip,
                            server=server,
                        ),
                    )
                )
        if node.firewall is not None and node.name != client:
            direction = Direction.IN if node.name == server else Direction.FORWARD
            command = (
                f' (netsh advfirewall firewall add rule name="FTP passive" dir=in action=allow '
                f"protocol=TCP localport={span.first}-{span.last})"
                if direction is Direction.IN and node.os.is_windows
                else ""
            )
            fixes.append(
                Fix(
                    f"allow the passive port range {span.first}-{span.last} "
                    f"{'inbound ' if direction is Direction.IN else ''}"
                    f"in {node.name}'s firewall{command}{range_note}",
                    partial(
                        allow_passive_range,
                        box=node.name,
                        direction=direction,
                        span=span,
                        server_ip=srv_ip,
                        server=server,
                    ),
                )
            )
        if node.role is Role.ROUTER and (node.nat or node.firewall):
            helper = node.ftp_helper
            if helper is None:
                fixes.append(
                    Fix(
                        f"attach an FTP helper on {node.name} watching port {s.control_port} (nft: "
                        f'ct helper set "ftp" on tcp dport {s.control_port})',
                        partial(attach_helper, router=node.name, port=s.control_port),
                    )
                )
            elif s.control_port not in helper.ports:
                fixes.append(
                    Fix(
                        f"let the FTP helper on {node.name} watch port {s.control_port} too",
                        partial(watch_port, router=node.name, port=s.control_port),
                    )
                )
        if node.load_balancer is not None:
            lb = node.load_balancer
            if lb.affinity is not LbAffinity.CLIENT_IP:
                fixes.append(
                    Fix(
                        f"give the load balancer {node.name} client-IP affinity, so the data connection "
                        "reaches the backend that sent the 227",
                        partial(client_ip_affinity, balancer=node.name),
                    )
                )
            if len(lb.snat) > 1:
                fixes.append(
                    Fix(
                        f"let {node.name} source-NAT clients to one address only, so control and data "
                        "connections come from the same address",
                        partial(one_snat_address, balancer=node.name),
                    )
                )
    if cs.trust_pasv_address:
        fixes.append(
            Fix(
                "let the client use the control connection's address instead of the one in 227 "
                "(Python ftplib's default since 3.9.3, curl >= 7.74, FileZilla's default)",
                partial(set_client, trust_pasv_address=False),
            )
        )
    if cs.mode is not FtpMode.EPSV:
        fixes.append(Fix("use EPSV (the 229 reply carries only a port)", partial(set_client, mode=FtpMode.EPSV)))
    if not cs.mode.passive:
        fixes.append(
            Fix("use passive mode (the client opens the data connection)", partial(set_client, mode=FtpMode.PASSIVE))
        )
    if cs.tls is not TlsMode.NONE and not cs.ccc and any(n.ftp_helper for n in path):
        fixes.append(
            Fix(
                "send CCC after login, so FTP helpers can read the control channel again (the server must support CCC)",
                partial(set_client, ccc=True),
            )
        )
    if cs.ccc and not cs.type_before_data:
        fixes.append(
            Fix(
                "send TYPE A (or any command) after CCC before PASV/PORT, so FTP helpers are back in step "
                "when the address comes (Python ftplib's retrlines() does)",
                partial(set_client, type_before_data=True),
            )
        )
    if cs.tls is TlsMode.IMPLICIT:
        fixes.append(
            Fix(
                "use explicit TLS (AUTH TLS on the control port) instead of implicit TLS on 990",
                partial(set_client, tls=TlsMode.EXPLICIT, port=None),
            )
        )
    return fixes


def fixes_that_work(
    net: Network,
    settings: FtpClientSettings,
    fixes: Sequence[Fix],
    succeeds: Callable[[Network, FtpClientSettings], bool],
) -> tuple[Remedy, ...]:
    """The fixes after which `succeeds` (a replay of the session) holds: each alone, else in pairs."""

    def works(chosen: Sequence[Fix]) -> bool:
        n, c = net, settings
        for fix in chosen:
            n, c = fix.apply(n, c)
        return succeeds(n, c)

    single = [f for f in fixes if works([f])]
    found = [Remedy(fix.text) for fix in single]
    rest = [f for f in fixes if f not in single][:MAX_PAIRED]
    for i, first in enumerate(rest):
        for second in rest[i + 1 :]:
            if works([first, second]):
                found.append(Remedy(f"{first.text}, together with: {second.text}"))
    return tuple(found)
