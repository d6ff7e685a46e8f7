"""Changes made outside the Windows console: the FTP server's, the firewall's, the load
balancer's and the FTP client's settings, typed as short lines (what you would set in IIS
Manager, the firewall's port-forward page, the client's options).

    iis external-address 198.51.100.27     FTP Firewall Support > External IP Address of Firewall
    firewall forward 51976-51999           forward (and allow) these TCP ports to the FTP server
    client passive-address control         dial the control connection's address, not the one in 227
    client tls none                        turn TLS off in the client
    client timeout SECONDS                 wait longer before giving up (it changes no packet)
    balancer affinity client-ip            the load balancer keeps a client on one server
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from ..errors import LabkitError
from ..model.middlebox import Direction, LbAffinity, PortForward, Rule, RuleAction
from ..model.ports import PortRange, PortRangeError

VOCABULARY = (
    "iis external-address ADDRESS",
    "firewall forward FIRST-LAST",
    "client passive-address control",
    "client tls none",
    "client timeout SECONDS",
    "balancer affinity client-ip",
)


class SettingsError(LabkitError, ValueError):
    """A settings line the lab does not understand, or may not change in this challenge."""


def _usage(allowed: tuple[str, ...]) -> str:
    return "expected one of: " + "; ".join(v for v in VOCABULARY if v.split()[0] in allowed)


def apply_setting(challenge, state, line: str):
    words = line.split()
    allowed = tuple(challenge.extra.get("owners", ()))
    if not words:
        raise SettingsError(f"an empty line — {_usage(allowed)}")
    owner = words[0].lower()
    if owner not in allowed:
        raise SettingsError(f"{line!r}: in this ticket you may change only {', '.join(allowed)} — {_usage(allowed)}")
    net = state.net
    server = net.ftp.server
    if owner == "iis" and len(words) == 3 and words[1].lower() == "external-address":
        try:
            address = IPv4Address(words[2])
        except ValueError:
            raise SettingsError(f"{line!r}: {words[2]!r} is not an IPv4 address") from None
        node = net.node(server)
        if node.ftp_server.external_address == address:
            raise SettingsError(f"{line!r} changed nothing: the server already announces {address}")
        return replace(
            state, net=net.with_node(replace(node, ftp_server=replace(node.ftp_server, external_address=address)))
        )
    if owner == "firewall" and len(words) == 3 and words[1].lower() == "forward":
        return replace(state, net=_forward(net, challenge.extra["firewall"], server, words[2], line))
    if owner == "client" and words[1:] == ["passive-address", "control"]:
        return _client(state, line, trust_pasv_address=False)
    if owner == "client" and words[1:] == ["tls", "none"]:
        return _client(state, line, tls="none")
    if owner == "client" and len(words) == 3 and words[1].lower() == "timeout":
        if not (words[2].isascii() and words[2].isdigit()) or not 1 <= int(words[2]) <= 3600:
            raise SettingsError(f"{line!r}: the timeout is a number of seconds from 1 to 3600")
        return _client(state, line, timeout=int(words[2]))
    if owner == "balancer" and words[1:] == ["affinity", "client-ip"]:
        box = next(n for n in net.nodes if n.load_balancer is not None)
        if box.load_balancer.affinity is LbAffinity.CLIENT_IP:
            raise SettingsError(f"{line!r} changed nothing: the balancer already has client-IP affinity")
        return replace(
            state,
            net=net.with_node(replace(box, load_balancer=replace(box.load_balancer, affinity=LbAffinity.CLIENT_IP))),
        )
    raise SettingsError(f"{line!r} — {_usage(allowed)}")


def _client(state, line: str, **changes):
    before = dict(state.clients)
    if all(before.get(k) == v for k, v in changes.items()):
        raise SettingsError(f"{line!r} changed nothing")
    return replace(state, clients=tuple(sorted({**before, **changes}.items())))


def _forward(net, firewall: str, server: str, ports: str, line: str):
    try:
        low, high = PortRange.parse(ports)
    except PortRangeError:
        raise SettingsError(
            f"{line!r}: write the ports as FIRST-LAST, e.g. 51976-51999 (from 1 to 65535, first before last)"
        ) from None
    box = net.node(firewall)
    target = net.node(server).addresses[0].ip
    if any(f.ports == (low, high) and f.to == target for f in box.nat.port_forwards):
        raise SettingsError(f"{line!r} changed nothing: those ports are already forwarded")
    wan = box.nat.masquerade[0]
    forward = PortForward(wan, "tcp", PortRange(low, high), target)
    rule = Rule(
        RuleAction.ALLOW,
        Direction.FORWARD,
        wan,
        None,
        "tcp",
        None,
        _host(target),
        None,
        forward.ports,
        "FTP passive range",
    )
    return net.with_node(
        replace(
            box,
            nat=replace(box.nat, port_forwards=(forward,) + box.nat.port_forwards),
            firewall=replace(box.firewall, rules=(rule,) + box.firewall.rules),
        )
    )


def _host(address):
    from ipaddress import IPv4Network

    return IPv4Network(f"{address}/32")
