"""A scenario as Linux sees it: which parts the lab can build, and the nftables rules for
each node's NAT, port forwards, filter rules and FTP helper.

Mapping (docs/kernel-lab.md explains each choice):
- node -> network namespace; interface -> veth end named like the scenario's interface key;
  a segment of two nodes is one veth pair, a larger one a bridge in its own namespace;
- default gateway -> default route; router -> net.ipv4.ip_forward=1 in its namespace;
- port forward -> `dnat` in prerouting; masquerade -> `masquerade` in postrouting;
- firewall -> filter chains with the scenario's default policies and rules in order,
  `ct state established,related accept` first when the firewall is stateful;
- FTP helper -> a `ct helper` object of type "ftp" attached with `ct helper set` on the
  helper's ports (explicit attachment: automatic assignment is gone since Linux 4.7).
"""

from __future__ import annotations

import re

from ..model.ftp_protocol import FtpServerSettings, FtpSetup, TlsMode
from ..model.host import Node, Role
from ..model.middlebox import Direction, Firewall, Rule, RuleAction
from ..model.network import Network
from .netns import LabError

_IFNAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,14}")


def server_settings(net: Network, server: str) -> FtpServerSettings:
    """The FTP server node `server` runs (the one the lab replaces with pyftpdlib)."""
    settings = net.node(server).ftp_server
    if not isinstance(settings, FtpServerSettings):
        raise LabError(f"{server} runs no FTP server (give it an ftp_server: section)")
    return settings


def ftp_setup(net: Network) -> FtpSetup:
    """The scenario's FTP session: its client, server, dialled address and client settings."""
    if not isinstance(net.ftp, FtpSetup):
        raise LabError(f"{net.name} has no ftp: section; say which nodes are the FTP client and server")
    return net.ftp


def cannot_build(net: Network, server: str) -> str | None:
    """Why this network cannot be built faithfully in namespaces, or None."""
    for node in net.nodes:
        if node.load_balancer is not None:
            return (
                f"{node.name} is a load balancer: the model picks backends with its own hash, "
                "which nftables cannot reproduce"
            )
        if node.role is Role.HOST and len([i for i in node.interfaces if i.segment]) > 1:
            return f"{node.name} has several NICs: Linux hosts use the weak host model, Windows the strong one"
        if node.routes:
            return f"{node.name} has static routes: the lab builds default gateways only"
        for iface in node.interfaces:
            if iface.segment is None:
                return f"{node.name} has a loopback adapter, which the lab does not build"
            if not _IFNAME.fullmatch(iface.key):
                return f"{node.name}'s interface name {iface.key!r} is not a valid Linux interface name"
        for forward in node.nat.port_forwards if node.nat else ():
            if forward.to_port is not None and forward.ports.size > 1:
                return f"{node.name} forwards a port range to other ports, which the lab does not build"
    ss = server_settings(net, server)
    if ss.tls is TlsMode.IMPLICIT:
        return "the server offers implicit TLS, which pyftpdlib does not"
    if ss.ccc:
        return "the server accepts CCC, which pyftpdlib does not"
    if ss.match_client_address == ss.permit_foreign_addresses:
        return "pyftpdlib has one switch (permit_foreign_addresses) for both same-address checks"
    return None


def segments(net: Network) -> dict[str, list[tuple[Node, str]]]:
    """segment -> [(node, interface key)] in scenario order (loopback adapters have none)."""
    found: dict[str, list[tuple[Node, str]]] = {}
    for node in net.nodes:
        for iface in node.interfaces:
            if iface.segment is not None:
                found.setdefault(iface.segment, []).append((node, iface.key))
    return found


def _match(rule: Rule) -> str:
    parts = []
    if rule.in_interface:
        parts.append(f'iifname "{rule.in_interface}"')
    if rule.out_interface:
        parts.append(f'oifname "{rule.out_interface}"')
    if rule.src is not None:
        parts.append(f"ip saddr {rule.src}")
    if rule.dst is not None:
        parts.append(f"ip daddr {rule.dst}")
    if rule.proto is not None:
        parts.append(f"meta l4proto {rule.proto}")
    elif rule.sport or rule.dport:
        parts.append("meta l4proto { tcp, udp }")
    if rule.sport:
        parts.append(f"th sport {rule.sport}")
    if rule.dport:
        parts.append(f"th dport {rule.dport}")
    return " ".join(parts)


def _filter_chain(firewall: Firewall, direction: Direction, hook: str) -> list[str]:
    policy = {
        Direction.IN: firewall.default_in,
        Direction.OUT: firewall.default_out,
        Direction.FORWARD: firewall.default_forward,
    }[direction]
    lines = [
        f"  chain {hook} {{",
        f"    type filter hook {hook} priority filter; policy {'accept' if policy is RuleAction.ALLOW else 'drop'};",
    ]
    if firewall.stateful:
        lines.append("    ct state established,related accept")
    if direction is not Direction.FORWARD:
        lines.append(f'    {"iifname" if direction is Direction.IN else "oifname"} "lo" accept')
    for rule in firewall.rules:
        if rule.direction in (direction, Direction.ANY):
            if direction is Direction.IN and rule.out_interface or direction is Direction.OUT and rule.in_interface:
                continue  # cannot match here (the model's rule needs the other interface)
            lines.append(
                f"    {_match(rule)} {'accept' if rule.action is RuleAction.ALLOW else 'drop'}".replace("     ", "    ")
            )
    lines.append("  }")
    return lines


def ruleset(node: Node) -> str | None:
    """The nftables ruleset for one node, or None when it needs none."""
    if not node.tracks_connections:
        return None
    lines = ["table ip labkit {"]
    if node.ftp_helper is not None:
        ports = ", ".join(str(p) for p in node.ftp_helper.ports)
        lines += [
            "  ct helper ftp-watch {",
            '    type "ftp" protocol tcp;',
            "  }",
            "  chain helpers {",
            "    type filter hook prerouting priority filter; policy accept;",
            f'    tcp dport {{ {ports} }} ct helper set "ftp-watch"',
            "  }",
        ]
    if node.nat is not None:
        lines += ["  chain dstnat {", "    type nat hook prerouting priority dstnat; policy accept;"]
        for forward in node.nat.port_forwards:
            own = ", ".join(str(a.ip) for a in node.interface(forward.interface).addresses)
            target = str(forward.to) + (f":{forward.to_port}" if forward.to_port is not None else "")
            lines.append(
                f'    iifname "{forward.interface}" ip daddr {{ {own} }} meta l4proto {forward.proto} '
                f"th dport {forward.ports} dnat to {target}"
            )
        lines += ["  }", "  chain srcnat {", "    type nat hook postrouting priority srcnat; policy accept;"]
        lines += [f'    oifname "{key}" masquerade' for key in node.nat.masquerade]
        lines.append("  }")
    if node.firewall is not None:
        lines += _filter_chain(node.firewall, Direction.IN, "input")
        lines += _filter_chain(node.firewall, Direction.OUT, "output")
        if node.role is Role.ROUTER:
            lines += _filter_chain(node.firewall, Direction.FORWARD, "forward")
    lines.append("}")
    return "\n".join(lines) + "\n"


def routes(node: Node) -> list[tuple[str, str]]:
    """(gateway, interface) of the node's default route, first gateway first."""
    return [(str(g.address), iface.key) for iface in node.interfaces for g in iface.gateways][:1]
