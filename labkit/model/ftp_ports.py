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

from .network import Network
from .ports import PortRange


@dataclass(frozen=True)
class PortCoverage:
    """The passive ports a session works for, out of the server's range."""

    pool: PortRange
    picks: str
    """How the server picks a port from the range (e.g. 'pyftpdlib: at random')."""
    working: tuple[PortRange, ...]

    @property
    def ports(self) -> int:
        return self.pool.size

    @property
    def working_ports(self) -> int:
        return sum(r.size for r in self.working)

    @property
    def partial(self) -> bool:
        return 0 < self.working_ports < self.ports

    def which(self) -> str:
        return ", ".join(map(str, self.working))

    def __str__(self) -> str:
        k, n = self.working_ports, self.ports
        if k == n:
            return f"works for all {n} ports" if n > 1 else "works for its one port"
        if k == 0:
            return f"works for none of the {n} ports" if n > 1 else "does not work for its one port"
        return f"works for {k} of {n} ports (which: {self.which()})"

    def to_dict(self) -> dict:
        return {
            "range": str(self.pool),
            "picks": self.picks,
            "ports": self.ports,
            "working_ports": self.working_ports,
            "working": [str(r) for r in self.working],
            "summary": str(self),
        }


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
            ranges += [PortRange.single(p) for p in node.ftp_helper.ports]
        if node.ftp_server is not None:
            ranges.append(PortRange.single(node.ftp_server.port))
    return ranges


def pieces(pool: PortRange, ranges: list[PortRange]) -> list[PortRange]:
    """The pool cut wherever one of the ranges starts or ends."""
    pool = PortRange.parse(pool)
    cuts = {pool.first, pool.last + 1}
    for r in map(PortRange.parse, ranges):
        cuts.update(c for c in (r.first, r.last + 1) if pool.first < c <= pool.last)
    edges = sorted(cuts)
    return [PortRange(a, b - 1) for a, b in zip(edges, edges[1:])]


def merged(ranges: list[PortRange]) -> tuple[PortRange, ...]:
    """Adjacent or overlapping ranges joined, in order."""
    out: list[PortRange] = []
    for r in sorted(map(PortRange.parse, ranges)):
        if out and r.first <= out[-1].last + 1:
            out[-1] = PortRange(out[-1].first, max(r.last, out[-1].last))
        else:
            out.append(r)
    return tuple(out)
