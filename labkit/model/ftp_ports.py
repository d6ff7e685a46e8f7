"""Which passive ports a session works for.

A server picks its passive port from a range (pyftpdlib and vsftpd at random), so when a
firewall forwards or allows only part of that range the same session works for some
ports and not for others. The outcome can only change where some port range in the
network starts or ends (a rule's ports, a port forward, a balanced range, a watched port),
so the range is cut at those points and one port per piece is played: a handful of
sessions, however wide the range.
"""

from __future__ import annotations

from dataclasses import dataclass

from .middlebox import PortRange, show_range
from .network import Network


@dataclass(frozen=True)
class PortCoverage:
    """The passive ports a session works for, out of the server's range."""

    pool: PortRange
    picks: str
    """How the server picks a port from the range (e.g. 'pyftpdlib: at random')."""
    working: tuple[PortRange, ...]

    @property
    def ports(self) -> int:
        return self.pool[1] - self.pool[0] + 1

    @property
    def working_ports(self) -> int:
        return sum(b - a + 1 for a, b in self.working)

    @property
    def partial(self) -> bool:
        return 0 < self.working_ports < self.ports

    def which(self) -> str:
        return ", ".join(show_range(r) for r in self.working)

    def __str__(self) -> str:
        k, n = self.working_ports, self.ports
        if k == n:
            return f"works for all {n} ports" if n > 1 else "works for its one port"
        if k == 0:
            return f"works for none of the {n} ports" if n > 1 else "does not work for its one port"
        return f"works for {k} of {n} ports (which: {self.which()})"

    def to_dict(self) -> dict:
        return {"range": show_range(self.pool), "picks": self.picks, "ports": self.ports,
                "working_ports": self.working_ports, "working": [show_range(r) for r in self.working],
                "summary": str(self)}


def port_ranges_in(net: Network) -> list[PortRange]:
    """Every port range a packet's fate can depend on, anywhere in the network."""
    ranges: list[PortRange] = []
    for node in net.nodes:
        if node.firewall is not None:
            ranges += [r for rule in node.firewall.rules for r in (rule.dport, rule.sport) if r]
        if node.nat is not None:
            ranges += [pf.ports for pf in node.nat.port_forwards]
        if node.load_balancer is not None:
            ranges += list(node.load_balancer.ports)
        if node.ftp_helper is not None:
            ranges += [(p, p) for p in node.ftp_helper.ports]
        if node.ftp_server is not None:
            ranges.append((node.ftp_server.port, node.ftp_server.port))
    return ranges


def pieces(pool: PortRange, ranges: list[PortRange]) -> list[PortRange]:
    """The pool cut wherever one of the ranges starts or ends."""
    low, high = pool
    cuts = {low, high + 1}
    for a, b in ranges:
        cuts.update(c for c in (a, b + 1) if low < c <= high)
    edges = sorted(cuts)
    return [(a, b - 1) for a, b in zip(edges, edges[1:])]


def merged(ranges: list[PortRange]) -> tuple[PortRange, ...]:
    """Adjacent or overlapping ranges joined, in order."""
    out: list[PortRange] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)
