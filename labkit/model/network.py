"""A whole network: nodes, the segments that join their interfaces, and NLB clusters."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from ipaddress import IPv4Address
from typing import Any

from ..errors import LabkitError
from .ftp_protocol import FtpSetup
from .host import Interface, Node, interface_defaults
from .nlb_cluster import Cluster, ClusterMode
from .osprofile import OsProfile, profile


class UnknownNodeError(LabkitError, KeyError):
    """A node name the network does not have (still a KeyError for callers that look names up)."""

    def __str__(self) -> str:  # KeyError's own str() would quote the whole message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    clusters: tuple[Cluster, ...] = ()
    name: str = "network"
    title: str = ""
    description: str = ""
    ftp: FtpSetup | None = None
    """The scenario's FTP session, if it has one."""

    def __repr__(self) -> str:
        names = ", ".join(n.name for n in self.nodes[:6]) + (", …" if len(self.nodes) > 6 else "")
        clusters = f", {len(self.clusters)} NLB cluster(s)" if self.clusters else ""
        return f"<Network {self.name}: {len(self.nodes)} nodes ({names}){clusters}{', FTP' if self.ftp else ''}>"

    @cached_property
    def _nodes(self) -> dict[str, Node]:
        return {n.name: n for n in self.nodes}

    def node(self, name: str) -> Node:
        try:
            return self._nodes[name]
        except KeyError:
            raise UnknownNodeError(f"no node {name!r} (nodes: {', '.join(self._nodes)})") from None

    def has_node(self, name: str) -> bool:
        return name in self._nodes

    @cached_property
    def segments(self) -> dict[str, tuple[tuple[Node, Interface], ...]]:
        seg: dict[str, list[tuple[Node, Interface]]] = {}
        for node in self.nodes:
            for iface in node.interfaces:
                if iface.segment is not None:
                    seg.setdefault(iface.segment, []).append((node, iface))
        return {k: tuple(v) for k, v in seg.items()}

    @cached_property
    def _holders(self) -> dict[tuple[str, IPv4Address], tuple[tuple[Node, Interface], ...]]:
        out: dict[tuple[str, IPv4Address], list[tuple[Node, Interface]]] = {}
        for segment, members in self.segments.items():
            for node, iface in members:
                for ip in iface.ips:
                    out.setdefault((segment, ip), []).append((node, iface))
        return {k: tuple(v) for k, v in out.items()}

    def holders(self, segment: str, address: IPv4Address) -> tuple[tuple[Node, Interface], ...]:
        """Interfaces on `segment` that hold `address` (several only for an NLB cluster IP)."""
        return self._holders.get((segment, address), ())

    @cached_property
    def subnet_edges(self) -> dict[IPv4Address, str]:
        """Network and broadcast addresses of every subnet in use (not host addresses)."""
        out: dict[IPv4Address, str] = {}
        for node in self.nodes:
            for addr in node.addresses:
                net = addr.network
                if net.prefixlen < 31:
                    out[net.network_address] = f"the network address of {net}"
                    out[net.broadcast_address] = f"the broadcast address of {net}"
        return out

    @cached_property
    def _clusters_by_ip(self) -> dict[IPv4Address, Cluster]:
        return {c.ip: c for c in self.clusters}

    def cluster_for(self, address: IPv4Address) -> Cluster | None:
        return self._clusters_by_ip.get(address)

    def cluster(self, name: str) -> Cluster:
        for cluster in self.clusters:
            if cluster.name == name:
                return cluster
        raise KeyError(f"no NLB cluster {name!r} (clusters: {', '.join(c.name for c in self.clusters) or 'none'})")

    def shared_unicast_mac(self, one: tuple[str, str], other: tuple[str, str]) -> Cluster | None:
        """The unicast-mode cluster both (node, interface) pairs belong to: their NICs then carry
        the same cluster MAC, so neither can reach the other over them."""
        return next(
            (
                c
                for c in self.clusters
                if c.mode is ClusterMode.UNICAST and one in c.members and other in c.members and one[0] != other[0]
            ),
            None,
        )

    def with_cluster(self, name: str, **changes: Any) -> Network:
        """A copy with one cluster's fields changed, e.g. mode=ClusterMode.MULTICAST."""
        if "mode" in changes:
            changes["mode"] = ClusterMode(changes["mode"])
        target = self.cluster(name)
        return replace(self, clusters=tuple(replace(c, **changes) if c is target else c for c in self.clusters))

    def with_node(self, node: Node) -> Network:
        """A copy with one node replaced (matched by name)."""
        return replace(self, nodes=tuple(node if n.name == node.name else n for n in self.nodes))

    def with_interface(self, node: str, key: str, **changes: Any) -> Network:
        """A copy with one interface's fields changed, e.g. weakhostsend=True."""
        return self.with_node(self.node(node).with_interface(key, **changes))

    def with_os(self, node: str, os: OsProfile | str) -> Network:
        """A copy where `node` runs another OS (a profile, or its name: "windows-2003"), its switches
        reset to that OS's defaults."""
        n = self.node(node)
        os = profile(os) if isinstance(os, str) else os
        defaults = interface_defaults(os, n.role)
        ifaces = tuple(
            replace(
                i,
                weakhostsend=defaults["weakhostsend"],
                weakhostreceive=defaults["weakhostreceive"],
                forwarding=defaults["forwarding"],
            )
            for i in n.interfaces
        )
        return self.with_node(replace(n, os=os, interfaces=ifaces))
