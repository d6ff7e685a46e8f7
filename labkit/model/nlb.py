"""NLB members that disagree: which share of client connections fails.

NLB hands each connection to exactly one member. When the members are configured
differently, the clients that land on the odd member fail and the others do not. The
field notes add a worse case: with several clusters on several NICs and gateways on more
than one of them, a host can stay "converging" and every member takes traffic, so 1 of x
connections fail. The kit does not model heartbeats, convergence or event 18; what it
can say is, for each client and each member, whether that member could serve that client,
and so which share of connections fails when they spread over all members.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .engine import trace
from .host import Node, Role, Switch
from .network import Network
from .nlb_cluster import Cluster
from .trace import Trace

EVENT_18 = (
    "NLB cluster [{ip}]: NLB detected duplicate cluster subnets. This may be due to network "
    "partitioning, which prevents NLB heartbeats of one or more hosts from reaching the other "
    "cluster hosts. Although NLB operations have resumed properly, please investigate the cause "
    "of the network partitioning."
)
"""Event ID 18 (source NLB, warning) as Microsoft documents it; {ip} is the cluster IP."""


@dataclass(frozen=True)
class Connection:
    """One client's connection to the cluster IP, handled by one member, with its answer."""

    client: str
    member: str
    trace: Trace
    chosen: bool
    """NLB's hash gives this client to this member as the network stands."""

    @property
    def succeeded(self) -> bool:
        return self.trace.accepted and self.trace.reply is not None and self.trace.reply.succeeded

    @property
    def why(self) -> str:
        """How it ends: the request's reason if it failed, else the reply's."""
        if not self.trace.accepted or self.trace.reply is None:
            return self.trace.reason
        return self.trace.reply.reason


@dataclass(frozen=True)
class Difference:
    """A setting the members of one cluster do not share."""

    setting: str
    values: tuple[tuple[str, str], ...]
    """(member node, its value), in member order."""

    def __str__(self) -> str:
        return f"{self.setting}: " + "; ".join(f"{node} {value}" for node, value in self.values)


@dataclass(frozen=True)
class ClusterShare:
    """Every client traced through every live member of one cluster."""

    cluster: Cluster
    connections: tuple[Connection, ...]
    differences: tuple[Difference, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.member for c in self.connections))

    @property
    def clients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.client for c in self.connections))

    @property
    def failed(self) -> tuple[Connection, ...]:
        return tuple(c for c in self.connections if not c.succeeded)

    @property
    def total(self) -> int:
        return len(self.connections)

    @property
    def failing_now(self) -> tuple[str, ...]:
        """Clients that fail with the member NLB's hash gives them today (or reach no member)."""
        return tuple(
            client
            for client in self.clients
            if not any(c.chosen and c.succeeded for c in self.connections if c.client == client)
        )

    def fails(self, member: str) -> tuple[str, ...]:
        return tuple(c.client for c in self.failed if c.member == member)

    @property
    def disagree(self) -> bool:
        """Some client's fate depends on which member takes it."""
        return len({self.fails(m) for m in self.members}) > 1

    @property
    def summary(self) -> str:
        c = self.cluster
        head = f"cluster {c.name} ({c.ip}, {c.mode.value} mode)"
        if not self.connections:
            return f"{head}: no live member or no client to trace"
        k, n, m = len(self.failed), self.total, len(self.members)
        text = (
            f"{head}: {k} of {n} client connections fail ({round(100 * k / n)}%) when NLB spreads "
            f"them over {'both' if m == 2 else f'all {m}'} member{'s' if m > 1 else ''}"
        )
        if self.disagree:
            text += "; the members disagree"
        elif k:
            text += f"; every member fails {', '.join(self.fails(self.members[0]))} alike"
        now = self.failing_now
        verb = "fails" if len(now) == 1 else "fail"
        return text + (f"; with today's hash {', '.join(now)} {verb}" if now else "; with today's hash none fails")

    def lines(self) -> list[str]:
        out = [self.summary]
        for member in self.members:
            fails = self.fails(member)
            served = [c for c in self.clients if c not in fails]
            parts = ([f"serves {', '.join(served)}"] if served else []) + (
                [f"fails {', '.join(fails)}"] if fails else []
            )
            out.append(f"  {member} {' and '.join(parts)}")
        first = next(iter(self.failed), None)
        if first is not None:
            out.append(f"  e.g. {first.client} via {first.member}: {first.why}")
        out.extend(f"  configured differently, {d}" for d in self.differences)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<ClusterShare {self.summary}>"


def cluster_share(
    net: Network, cluster: str, *, clients: tuple[str, ...] | None = None, proto: str = "tcp", dport: int | None = None
) -> ClusterShare:
    """Trace each client to the cluster IP through each live member, with the answer.

    Clients default to every host that is up and not a member of the cluster.
    """
    target = net.cluster(cluster)
    live = tuple(m for m in target.members if net.has_node(m[0]) and not net.node(m[0]).down)
    member_nodes = {n for n, _ in target.members}
    if clients is None:
        clients = tuple(n.name for n in net.nodes if n.role is Role.HOST and not n.down and n.name not in member_nodes)
    connections = []
    for client in clients:
        today = trace(net, client, target.ip, proto=proto, dport=dport)
        chosen = today.last_hop.node if today.accepted else None
        for member in live:
            pinned = replace(
                net, clusters=tuple(replace(c, members=(member,)) if c is target else c for c in net.clusters)
            )
            result = trace(pinned, client, target.ip, proto=proto, dport=dport, reply=True)
            connections.append(Connection(client, member[0], result, member[0] == chosen))
    nodes = [net.node(n) for n in dict.fromkeys(n for n, _ in target.members) if net.has_node(n)]
    return ClusterShare(target, tuple(connections), _differences(nodes))


def cluster_shares(net: Network, **options: Any) -> tuple[ClusterShare, ...]:
    """`cluster_share` for every cluster of the network."""
    return tuple(cluster_share(net, c.name, **options) for c in net.clusters)


def _settings(node: Node) -> dict[str, str]:
    """What each member must have alike: gateways, switches and routes per NIC."""
    out = {"os": node.os.display}
    for iface in node.interfaces:
        out[f'"{iface.label}" gateways'] = ", ".join(map(str, iface.gateways)) or "none"
        for switch in Switch:
            out[f'"{iface.label}" {switch}'] = "enabled" if getattr(iface, switch) else "disabled"
    routes = sorted(
        f'{r.destination} via {r.gateway or "on-link"} on "{node.interface(r.interface).label}"'
        + ("" if r.persistent else " (not persistent)")
        for r in node.routes
    )
    out["static routes"] = ", ".join(routes) or "none"
    return out


def _differences(nodes: list[Node]) -> tuple[Difference, ...]:
    settings = [_settings(n) for n in nodes]
    keys = list(dict.fromkeys(k for s in settings for k in s))
    return tuple(
        Difference(k, tuple((n.name, s.get(k, "no such NIC")) for n, s in zip(nodes, settings)))
        for k in keys
        if len({s.get(k) for s in settings}) > 1
    )
