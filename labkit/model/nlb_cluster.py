"""NLB clusters: their operation modes, port-rule affinity, cluster MACs and member choice."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from .host import InterfaceRef
from .middlebox import stable_pick
from .vocabulary import Vocabulary, settle


class ClusterMode(Vocabulary):
    """NLB's cluster operation mode (NLB Manager > Cluster Properties > Cluster Parameters)."""

    UNICAST = "unicast"
    """Every member's cluster NIC takes the cluster MAC 02-BF-w-x-y-z instead of its own."""
    MULTICAST = "multicast"
    """NICs keep their own MAC; the cluster IP resolves to the multicast MAC 03-BF-w-x-y-z."""
    IGMP_MULTICAST = "igmp-multicast"
    """Multicast with IGMP: MAC 01-00-5E-7F-y-z, group 239.255.y.z, for switches that snoop IGMP."""


class NlbAffinity(Vocabulary):
    """NLB port rule affinity (NLB Manager > Port Rules > Filtering mode: Multiple host)."""

    SINGLE = "single"
    """The client address picks the member."""
    NONE = "none"
    """Client address and port pick the member."""


def cluster_mac(ip: IPv4Address, mode: ClusterMode) -> str:
    """The MAC address NLB uses for cluster IP `ip` in `mode`, as `nlb ip2mac` prints it (KB 4494444)."""
    octets = ip.packed
    prefix = {ClusterMode.UNICAST: b"\x02\xbf", ClusterMode.MULTICAST: b"\x03\xbf"}
    raw = prefix[mode] + octets if mode in prefix else b"\x01\x00\x5e\x7f" + octets[2:]
    return "-".join(f"{b:02X}" for b in raw)


@dataclass(frozen=True)
class Cluster:
    """A Windows NLB cluster: hosts sharing one cluster IP on one segment."""

    name: str
    ip: IPv4Address
    members: tuple[InterfaceRef, ...]
    """In the order listed; "web1.nlb" or ("web1", "nlb") are read as InterfaceRef("web1.nlb")."""
    affinity: NlbAffinity = NlbAffinity.SINGLE
    mode: ClusterMode = ClusterMode.UNICAST
    """NLB's own default, and the design (a second NIC beside the cluster NIC) the field notes use."""

    def __post_init__(self) -> None:
        settle(self, affinity=NlbAffinity)
        object.__setattr__(self, "members", tuple(InterfaceRef.parse(m) for m in self.members))

    @property
    def mac(self) -> str:
        return cluster_mac(self.ip, self.mode)

    @property
    def igmp_group(self) -> IPv4Address:
        """The group IGMP multicast mode joins: 239.255.y.z from the last two octets (KB 4494444)."""
        return IPv4Address(b"\xef\xff" + self.ip.packed[2:])

    def choose(
        self, live: tuple[tuple[str, str], ...], client: IPv4Address, client_port: int | None
    ) -> tuple[str, str]:
        """The member that handles a flow from this client.

        A stable stand-in for NLB's own hash: every member computes the same
        answer, so exactly one of them takes the flow.
        """
        key = str(client) if self.affinity is NlbAffinity.SINGLE else f"{client}:{client_port or 0}"
        return live[stable_pick(key, len(live))]
