"""The FTP settings a learner changes (the panel's fields, an exercise's answer) applied to a
network: the server's external address and passive range, the firewall forwarding that range,
the FTP helper, the balancer's affinity. Invalid values come back by field, never raised."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import shorten
from .addressing import parse_ipv4
from .engine import unicast_problem
from .ftp_protocol import FtpClientSettings, FtpServerSettings, FtpSetup, TlsMode
from .middlebox import Direction, FtpHelper, LbAffinity, PortForward, Rule, RuleAction
from .network import Network
from .ports import port_range
from .vocabulary import ChoiceError


def with_ftp_settings(
    net: Network,
    settings: FtpClientSettings,
    *,
    external_address: str | None = None,
    passive_range: str | None = None,
    forward_range: bool | None = None,
    helper: bool | None = None,
    affinity: LbAffinity | str | None = None,
) -> tuple[Network, FtpClientSettings, dict[str, str]]:
    """(network, client settings, errors by field): None leaves a setting as the scenario has it."""
    errors: dict[str, str] = {}
    setup = net.ftp
    if not isinstance(setup, FtpSetup):
        return net, settings, {"scenario": "this scenario has no ftp: section"}
    server = net.node(setup.server)
    ss = server.ftp_server
    if not isinstance(ss, FtpServerSettings):
        return net, settings, {"scenario": f"{setup.server} has no ftp_server: section"}
    changes: dict[str, Any] = {}
    if external_address is not None:
        try:
            changes["external_address"] = parse_ipv4(external_address, "address") if external_address.strip() else None
        except ValueError as err:
            errors["external_address"] = str(err)
        else:
            problem = changes["external_address"] and unicast_problem(net, changes["external_address"])
            if problem:  # a client cannot dial it: the server may not announce it
                errors["external_address"] = (
                    f"{changes.pop('external_address')} {problem}: expected the address "
                    "the client dials, e.g. the firewall's public address"
                )
    if passive_range is not None:
        try:
            changes["passive_ports"] = port_range(passive_range)
        except ValueError:
            errors["passive_range"] = f"expected a port range like 51976-51999, got {shorten(passive_range)}"
    if affinity is not None:
        try:
            affinity = LbAffinity.parse(affinity, "affinity")
        except ChoiceError as err:
            errors["affinity"], affinity = str(err), None
    ss = replace(ss, **changes)
    changed = net
    for node in net.nodes:  # every FTP server (behind a load balancer, each backend) gets the setting
        if isinstance(node.ftp_server, FtpServerSettings):
            changed = changed.with_node(replace(node, ftp_server=replace(node.ftp_server, **changes)))
    for node in changed.nodes:
        if node.nat is not None:
            control = [pf for pf in node.nat.port_forwards if server.owns(pf.to) and ss.port in pf.ports]
            if forward_range is not None and control and ss.passive_ports:
                forwards = tuple(pf for pf in node.nat.port_forwards if pf.ports != ss.passive_ports)
                rules = node.firewall.rules if node.firewall else ()
                rules = tuple(r for r in rules if r.name != "passive range (panel)")
                if forward_range:
                    to = control[0].to
                    forwards += (PortForward(control[0].interface, "tcp", ss.passive_ports, to),)
                    rules += (
                        Rule(
                            RuleAction.ALLOW,
                            Direction.FORWARD,
                            control[0].interface,
                            None,
                            "tcp",
                            None,
                            None,
                            None,
                            ss.passive_ports,
                            "passive range (panel)",
                        ),
                    )
                node = replace(
                    node,
                    nat=replace(node.nat, port_forwards=forwards),
                    firewall=replace(node.firewall, rules=rules) if node.firewall else None,
                )
            if helper is not None:
                node = replace(node, ftp_helper=FtpHelper() if helper else None)
        if node.load_balancer is not None and affinity is not None:
            node = replace(node, load_balancer=replace(node.load_balancer, affinity=affinity))
        changed = changed.with_node(node)
    if settings.ccc and settings.tls is TlsMode.NONE:
        settings = replace(settings, ccc=False)  # CCC ends TLS: without TLS there is nothing to end
    return changed, settings, errors


__all__ = ["with_ftp_settings"]
