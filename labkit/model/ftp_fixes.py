"""What would fix a failed FTP session, and the field notes' risk table for a session.

Fixes are candidate settings tried on a copy of the network: only those that make the
listing arrive (for every passive port) are offered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Network

from .ftp_ports import PortCoverage
from .ftp_protocol import Certificate, FtpClientSettings, FtpMode, Prot, TlsMode
from .host import Role
from .middlebox import Direction, FtpHelper, LbAffinity, PortForward, Rule, RuleAction
from .ports import PortRange
from .network import Network
from .trace import Remedy

MAX_PAIRED = 8
"""Candidates tried in pairs when none works alone (keeps the search to at most 28 replays)."""
SMALL_RANGE = PortRange(51976, 51999)
"""The seed's example port 51976 (= 203*256 + 8) opens the range the kit suggests."""


@dataclass(frozen=True)
class Risk:
    risk: str
    present: bool
    mitigation: str
    result: str

    def to_dict(self) -> dict:
        return {"risk": self.risk, "present": self.present, "mitigation": self.mitigation,
                "result": self.result}


# --- fixes -------------------------------------------------------------------------------------

def _candidate_fixes(net: Network, client: str, server: str, address, cs: FtpClientSettings, s,
                     coverage: PortCoverage | None = None):
    """(text, change) pairs for the nodes this session touched; change(net, settings) gives
    the network and client settings to try."""
    fixes = []
    ss = net.node(server).ftp_server
    srv_ip = s.server_ip or net.node(server).addresses[0].ip
    span = ss.passive_ports or SMALL_RANGE
    range_note = ("" if ss.passive_ports else
                  f", and give the server that range (IIS: Data Channel Port Range; pyftpdlib: passive_ports)")
    path = [net.node(name) for name in s.path_nodes if net.has_node(name)]

    def set_server(n: Network, **changes) -> Network:
        node = n.node(server)
        return n.with_node(replace(node, ftp_server=replace(node.ftp_server, **changes)))

    def with_rule(n: Network, name: str, rule: Rule) -> Network:
        box = n.node(name)
        return n.with_node(replace(box, firewall=replace(box.firewall, rules=(rule,) + box.firewall.rules)))

    if coverage is not None and coverage.partial:
        widest = max(coverage.working, key=lambda r: r.size)
        fixes.append((f"shrink the server's passive range to the ports that work ({widest}; IIS: Data "
                      "Channel Port Range; pyftpdlib: passive_ports; vsftpd: pasv_min_port/pasv_max_port)",
                      lambda n, c: (set_server(n, passive_ports=widest), c)))
    if cs.ccc and not ss.ccc:
        fixes.append(("let the server accept CCC (IIS: FTP SSL Settings > Advanced > Control Channel: "
                      "'Require only for credentials')", lambda n, c: (set_server(n, ccc=True), c)))
    if s.server_ip is not None and s.address != s.server_ip:
        fixes.append((f"set the server's external address to {s.address} (IIS: External IP Address of "
                      f"Firewall; pyftpdlib: masquerade_address; vsftpd: pasv_address)",
                      lambda n, c: (set_server(n, external_address=s.address), c)))
    for node in path:
        for pf in (node.nat.port_forwards if node.nat else ()):
            if pf.to == srv_ip and s.control_port in pf.ports:
                def forward(n, c, node=node, pf=pf):
                    box = n.node(node.name)
                    nat = replace(box.nat, port_forwards=box.nat.port_forwards + (
                        PortForward(pf.interface, "tcp", span, srv_ip),))
                    n = n.with_node(replace(box, nat=nat))
                    if box.firewall is not None:
                        n = with_rule(n, node.name, Rule(RuleAction.ALLOW, Direction.FORWARD, pf.interface, None, "tcp", None,
                                                         IPv4Network(srv_ip), None, span, "FTP passive range"))
                    return set_server(n, passive_ports=span), c
                fixes.append((f"forward (and allow) the passive port range {span.first}-{span.last} on {node.name} "
                              f"to {srv_ip}{range_note}", forward))
        if node.firewall is not None and node.name != client:
            direction = Direction.IN if node.name == server else Direction.FORWARD

            def allow(n, c, node=node, direction=direction):
                rule = Rule(RuleAction.ALLOW, direction, proto="tcp", dst=IPv4Network(srv_ip), dport=span,
                            name="FTP passive range")
                return set_server(with_rule(n, node.name, rule), passive_ports=span), c
            command = (f" (netsh advfirewall firewall add rule name=\"FTP passive\" dir=in action=allow "
                       f"protocol=TCP localport={span.first}-{span.last})" if direction is Direction.IN and node.os.is_windows else "")
            fixes.append((f"allow the passive port range {span.first}-{span.last} {'inbound ' if direction is Direction.IN else ''}"
                          f"in {node.name}'s firewall{command}{range_note}", allow))
        if node.role is Role.ROUTER and (node.nat or node.firewall):
            helper = node.ftp_helper
            if helper is None:
                fixes.append((f"attach an FTP helper on {node.name} watching port {s.control_port} (nft: "
                              f"ct helper set \"ftp\" on tcp dport {s.control_port})",
                              lambda n, c, node=node: (n.with_node(replace(
                                  n.node(node.name), ftp_helper=FtpHelper((s.control_port,)))), c)))
            elif s.control_port not in helper.ports:
                fixes.append((f"let the FTP helper on {node.name} watch port {s.control_port} too",
                              lambda n, c, node=node: (n.with_node(replace(n.node(node.name), ftp_helper=replace(
                                  n.node(node.name).ftp_helper,
                                  ports=n.node(node.name).ftp_helper.ports + (s.control_port,)))), c)))
        if node.load_balancer is not None:
            lb = node.load_balancer
            if lb.affinity is not LbAffinity.CLIENT_IP:
                fixes.append((f"give the load balancer {node.name} client-IP affinity, so the data connection "
                              "reaches the backend that sent the 227",
                              lambda n, c, node=node: (n.with_node(replace(n.node(node.name), load_balancer=replace(
                                  n.node(node.name).load_balancer, affinity=LbAffinity.CLIENT_IP))), c)))
            if len(lb.snat) > 1:
                fixes.append((f"let {node.name} source-NAT clients to one address only, so control and data "
                              "connections come from the same address",
                              lambda n, c, node=node: (n.with_node(replace(n.node(node.name), load_balancer=replace(
                                  n.node(node.name).load_balancer, snat=n.node(node.name).load_balancer.snat[:1]))), c)))
    if cs.trust_pasv_address:
        fixes.append(("let the client use the control connection's address instead of the one in 227 "
                      "(Python ftplib's default since 3.9.3, curl >= 7.74, FileZilla's default)",
                      lambda n, c: (n, replace(c, trust_pasv_address=False))))
    if cs.mode is not FtpMode.EPSV:
        fixes.append(("use EPSV (the 229 reply carries only a port)", lambda n, c: (n, replace(c, mode=FtpMode.EPSV))))
    if not cs.mode.passive:
        fixes.append(("use passive mode (the client opens the data connection)",
                      lambda n, c: (n, replace(c, mode=FtpMode.PASSIVE))))
    if cs.tls is not TlsMode.NONE and not cs.ccc and any(n.ftp_helper for n in path):
        fixes.append(("send CCC after login, so FTP helpers can read the control channel again "
                      "(the server must support CCC)", lambda n, c: (n, replace(c, ccc=True))))
    if cs.ccc and not cs.type_before_data:
        fixes.append(("send TYPE A (or any command) after CCC before PASV/PORT, so FTP helpers are back in step "
                      "when the address comes (Python ftplib's retrlines() does)",
                      lambda n, c: (n, replace(c, type_before_data=True))))
    if cs.tls is TlsMode.IMPLICIT:
        fixes.append(("use explicit TLS (AUTH TLS on the control port) instead of implicit TLS on 990",
                      lambda n, c: (n, replace(c, tls=TlsMode.EXPLICIT, port=None))))
    return fixes


def fixes_that_work(net, client, server, address, cs, s, coverage=None) -> tuple[Remedy, ...]:
    from .ftp import FtpError, ftp_session  # the replay is a whole session
    fixes = _candidate_fixes(net, client, server, address, cs, s, coverage)

    def works(changes) -> bool:
        n, c = net, cs
        for _, change in changes:
            n, c = change(n, c)
        try:
            return ftp_session(n, client, server, address, c, check_fixes=False).succeeded
        except FtpError:
            return False

    single = [f for f in fixes if works([f])]
    found = [Remedy(text) for text, _ in single]
    rest = [f for f in fixes if f not in single][:MAX_PAIRED]
    for i, first in enumerate(rest):
        for second in rest[i + 1:]:
            if works([first, second]):
                found.append(Remedy(f"{first[0]}, together with: {second[0]}"))
    return tuple(found)


# --- the field notes' risk table ----------------------------------------------------------------

def risks(s) -> tuple[Risk, ...]:
    cs, ss = s.cs, s.ss
    active = not cs.mode.passive
    wide = ss.passive_ports is None or ss.passive_ports.size > 100
    trusted = ss.certificate is Certificate.TRUSTED
    limited = _peers_limited(s)
    return (
        Risk("Server connects to client", active, "use passive FTP (PASV/EPSV)", "client initiates connection"),
        Risk("Dynamic ports in use", active or wide, "select a small fixed passive port range",
             "fewer ports to open on the firewall"),
        Risk("Server not verified", cs.tls is TlsMode.NONE or not trusted,
             "use a certificate from a trusted CA (not self-signed)", "server can be verified"),
        Risk("Authentication not encrypted", cs.tls is TlsMode.NONE, "use TLS for authentication (AUTH TLS or implicit)",
             "authentication encrypted"),
        Risk("Data not encrypted", cs.tls is TlsMode.NONE or cs.prot is Prot.C, "use TLS for data transport (PROT P)",
             "data transport encrypted"),
        Risk("Connections from & to unknown hosts", not limited,
             "allow only trusted clients and servers in the firewall rules", "no more FTP from/to any host"),
    )


def _peers_limited(s) -> bool:
    """Some firewall on the control path admits the control connection only from listed sources."""
    control = s.steps[0].trace if s.steps and s.steps[0].trace else None
    if control is None:
        return False
    for session in control.state.sessions:
        node = s.net.node(session.node)
        if node.firewall is None:
            continue
        src, sport, _, _ = session.original
        _, _, dst, dport = session.translated
        direction = Direction.IN if node.name == s.server else Direction.FORWARD
        allowed, _, rule = node.firewall.decide(direction, session.in_iface, None, session.proto,
                                                (src, sport, dst, dport))
        if allowed and rule is not None and rule.limits_peers:
            return True
    return False

