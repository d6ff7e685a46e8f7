"""A network -> its scenario file (only what differs from the defaults)."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import Any

import yaml

from ..model import ClusterMode, Network, Node, Role, interface_defaults
from ..model.osprofile import DEFAULT_HOST_OS, DEFAULT_ROUTER_OS
from ..model.ports import PortRange


def to_dict(net: Network) -> dict:
    """The scenario-file form of a network (only what differs from the defaults)."""
    nodes = {}
    for node in net.nodes:
        defaults = interface_defaults(node.os, node.role)
        default_os = DEFAULT_ROUTER_OS if node.role is Role.ROUTER else DEFAULT_HOST_OS
        entry: dict[str, Any] = {}
        if node.role is not Role.HOST:
            entry["role"] = node.role.value
        if node.os.name != default_os:
            entry["os"] = node.os.name
        if node.down:
            entry["down"] = True
        ifaces = {}
        for iface in node.interfaces:
            d: dict[str, Any] = {}
            if iface.label != iface.key:
                d["label"] = iface.label
            if iface.segment is not None:
                d["segment"] = iface.segment
            d["addresses"] = [str(a) for a in iface.addresses]
            if iface.gateways:
                d["gateways"] = [
                    str(g.address) if g.metric is None else {"address": str(g.address), "metric": g.metric}
                    for g in iface.gateways
                ]
            if iface.metric is not None:
                d["metric"] = iface.metric
            if iface.speed != 1000:
                d["speed"] = iface.speed
            for switch, value in defaults.items():
                if getattr(iface, switch) != value:
                    d[switch] = getattr(iface, switch)
            if iface.index is not None:
                d["index"] = iface.index
            if iface.skip_as_source:
                d["skip_as_source"] = [str(a) for a in iface.skip_as_source]
            ifaces[iface.key] = d
        entry["interfaces"] = ifaces
        if node.routes:
            # A Linux router's static routes have metric 0, which a file cannot state (metrics are
            # 1-9999): it is left out, and the loader gives the OS's own metric back.
            entry["routes"] = [
                {
                    "destination": str(r.destination),
                    "gateway": "on-link" if r.gateway is None else str(r.gateway),
                    "interface": r.interface,
                    **({} if r.metric == node.os.static_route_metric < 1 else {"metric": r.metric}),
                    "persistent": r.persistent,
                }
                for r in node.routes
            ]
        if node.binding_order:
            entry["binding_order"] = list(node.binding_order)
        if not node.dead_gateway_detection:
            entry["dead_gateway_detection"] = False
        for axis in ("x", "y"):
            if getattr(node, axis) is not None:
                entry[axis] = getattr(node, axis)
        entry.update(_middleboxes_to_dict(node))
        nodes[node.name] = entry
    out: dict[str, Any] = {"name": net.name}
    if net.title and net.title != net.name:
        out["title"] = net.title
    if net.description:
        out["description"] = net.description
    out["nodes"] = nodes
    if net.clusters:
        out["clusters"] = {
            c.name: {
                "ip": str(c.ip),
                "members": [str(m) for m in c.members],
                "affinity": c.affinity,
                **({"mode": c.mode.value} if c.mode is not ClusterMode.UNICAST else {}),
            }
            for c in net.clusters
        }
    if net.ftp is not None:
        f = net.ftp
        out["ftp"] = {"client": f.client, "server": f.server, "address": str(f.address), **asdict(f.settings)}
    return _plain(out)


def _plain(value: Any) -> Any:
    """The same data with each vocabulary member as its text (what YAML and JSON write)."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _range(ports: PortRange) -> str | int:
    """One port as a number (ports: 21), a range as its text (51976-51999)."""
    return ports.first if ports.size == 1 else str(ports)


def _middleboxes_to_dict(node: Node) -> dict:
    out: dict[str, Any] = {}
    if node.firewall is not None:
        fw = node.firewall
        rules = []
        for r in fw.rules:
            rule: dict[str, Any] = {"action": r.action, "direction": r.direction}
            for key in ("in_interface", "out_interface", "proto"):
                if getattr(r, key) is not None:
                    rule[key] = getattr(r, key)
            for key in ("src", "dst"):
                if getattr(r, key) is not None:
                    rule[key] = str(getattr(r, key))
            for key in ("sport", "dport"):
                if getattr(r, key) is not None:
                    rule[key] = _range(getattr(r, key))
            if r.name:
                rule["name"] = r.name
            rules.append(rule)
        out["firewall"] = {
            "default_in": fw.default_in,
            "default_out": fw.default_out,
            "default_forward": fw.default_forward,
            "stateful": fw.stateful,
            "rules": rules,
        }
    if node.nat is not None:
        out["nat"] = {
            "masquerade": list(node.nat.masquerade),
            "port_forwards": [
                {
                    "interface": f.interface,
                    "proto": f.proto,
                    "ports": _range(f.ports),
                    "to": str(f.to),
                    **({"to_port": f.to_port} if f.to_port is not None else {}),
                }
                for f in node.nat.port_forwards
            ],
        }
    if node.ftp_helper is not None:
        out["ftp_helper"] = {"ports": list(node.ftp_helper.ports), "loose": node.ftp_helper.loose}
    if node.load_balancer is not None:
        lb = node.load_balancer
        out["load_balancer"] = {
            "vip": str(lb.vip),
            "backends": [str(b) for b in lb.backends],
            "ports": [_range(p) for p in lb.ports],
            "affinity": lb.affinity,
            "snat": [str(a) for a in lb.snat],
        }
    if node.ftp_server is not None:
        d = {k: v for k, v in asdict(node.ftp_server).items() if v is not None}
        if "passive_ports" in d:
            d["passive_ports"] = _range(d["passive_ports"])
        if "external_address" in d:
            d["external_address"] = str(d["external_address"])
        out["ftp_server"] = d
    return out


def to_yaml(net: Network) -> str:
    return yaml.safe_dump(to_dict(net), sort_keys=False, allow_unicode=True, width=100)
