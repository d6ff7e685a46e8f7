"""Scenario network <-> its specification: building the model from a checked file."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model import (
    Cluster,
    ClusterMode,
    Gateway,
    Interface,
    Location,
    Network,
    Node,
    Problem,
    Role,
    Route,
    RouteOrigin,
    interface_defaults,
    parse_destination,
    profile,
)
from ..model.engine import unicast_problem
from ..model.ftp_protocol import FtpServerSettings, FtpSetup
from ..model.middlebox import Firewall, FtpHelper, LoadBalancer, Nat, PortForward, Rule
from ..model.osprofile import DEFAULT_HOST_OS, DEFAULT_ROUTER_OS
from ..model.routes import RouteRefused, route_interface
from .schema import FtpHelperSpec, NodeSpec, ScenarioSpec, _ipv4, _ipv4_prefix


def build_network(spec: ScenarioSpec) -> tuple[Network, list[Problem]]:
    problems: list[Problem] = []
    nodes = []
    for name, ns in spec.nodes.items():
        role = Role(ns.role)
        os_profile = profile(ns.os or (DEFAULT_ROUTER_OS if role is Role.ROUTER else DEFAULT_HOST_OS))
        defaults = interface_defaults(os_profile, role)
        interfaces = []
        for key, ispec in ns.interfaces.items():
            switches = {k: (defaults[k] if getattr(ispec, k) is None else getattr(ispec, k)) for k in defaults}
            addresses = tuple(_ipv4_prefix(a) for a in ispec.addresses)
            skipped = tuple(_ipv4(a) for a in ispec.skip_as_source)
            for n, address in enumerate(skipped):
                if address not in {a.ip for a in addresses}:
                    problems.append(
                        Problem.at(
                            Location(name, key, "skip_as_source", n),
                            f"{address} is not one of this interface's addresses",
                        )
                    )
            interfaces.append(
                Interface(
                    key=key,
                    label=ispec.label or key,
                    segment=ispec.segment,
                    addresses=addresses,
                    gateways=tuple(Gateway(_ipv4(g.address), g.metric) for g in ispec.gateways),
                    metric=None if ispec.metric == "auto" else ispec.metric,
                    speed=ispec.speed,
                    index=ispec.index,
                    skip_as_source=skipped,
                    **switches,
                )
            )
        node = Node(
            name=name,
            os=os_profile,
            interfaces=tuple(interfaces),
            role=role,
            down=ns.down,
            binding_order=tuple(ns.binding_order or ()),
            dead_gateway_detection=ns.dead_gateway_detection,
            x=ns.x,
            y=ns.y,
            **_middleboxes(ns),
        )
        routes = []
        for n, rs in enumerate(ns.routes):
            gateway = None if rs.gateway == "on-link" else _ipv4(rs.gateway)
            try:
                key = route_interface(node, gateway, rs.interface)
            except RouteRefused as err:
                bad = (
                    "interface"
                    if rs.interface is not None and not node.has_interface(rs.interface) or gateway is None
                    else "gateway"
                )
                problems.append(Problem.at(Location(name, field="routes", index=n, detail=bad), str(err)))
                continue
            routes.append(
                Route(
                    parse_destination(rs.destination),
                    gateway,
                    key,
                    os_profile.static_route_metric if rs.metric is None else rs.metric,
                    RouteOrigin.STATIC,
                    rs.persistent,
                )
            )
        nodes.append(replace(node, routes=tuple(routes)))
    clusters = tuple(
        Cluster(name, _ipv4(cs.ip), tuple(cs.members), cs.affinity, ClusterMode(cs.mode))
        for name, cs in spec.clusters.items()
    )
    ftp = None
    if spec.ftp is not None:
        f = spec.ftp
        ftp = FtpSetup(f.client, f.server, _ipv4(f.address), f.settings())
    net = Network(tuple(nodes), clusters, spec.name, spec.title or spec.name, spec.description or "", ftp)
    return net, problems


def _middleboxes(ns: NodeSpec) -> dict:
    out: dict[str, Any] = {}
    if ns.firewall is not None:
        fw = ns.firewall
        out["firewall"] = Firewall(
            tuple(
                Rule(
                    r.action,
                    r.direction,
                    r.in_interface,
                    r.out_interface,
                    r.proto,
                    r.src,
                    r.dst,
                    r.sport,
                    r.dport,
                    r.name,
                )
                for r in fw.rules
            ),
            fw.default_in,
            fw.default_out,
            fw.default_forward,
            fw.stateful,
        )
    if ns.nat is not None:
        out["nat"] = Nat(
            tuple(ns.nat.masquerade),
            tuple(PortForward(f.interface, f.proto, f.ports, _ipv4(f.to), f.to_port) for f in ns.nat.port_forwards),
        )
    if ns.ftp_helper:
        helper = ns.ftp_helper if isinstance(ns.ftp_helper, FtpHelperSpec) else FtpHelperSpec()
        out["ftp_helper"] = FtpHelper(tuple(helper.ports), helper.loose)
    if ns.load_balancer is not None:
        lb = ns.load_balancer
        out["load_balancer"] = LoadBalancer(
            _ipv4(lb.vip),
            tuple(_ipv4(b) for b in lb.backends),
            tuple(lb.ports),
            lb.affinity,
            tuple(_ipv4(a) for a in lb.snat),
        )
    if ns.ftp_server is not None:
        out["ftp_server"] = FtpServerSettings(**dict(ns.ftp_server))
    return out


def dialled_address_problems(net: Network) -> list[Problem]:
    """Addresses a client dials (the ftp: section's, a server's announced external address) that no
    packet can be sent to: 0.0.0.0, loopback, multicast, broadcast, a subnet's network address."""
    dialled = [
        (f"nodes.{n.name}.ftp_server.external_address", n.ftp_server.external_address)
        for n in net.nodes
        if n.ftp_server is not None and n.ftp_server.external_address is not None
    ]
    if net.ftp is not None:
        dialled.append(("ftp.address", net.ftp.address))
    return [
        Problem(path, f"{address} {problem}: a client cannot connect to it")
        for path, address in dialled
        if (problem := unicast_problem(net, address))
    ]
