"""The field notes' warnings about an imported server, each with why it matters.

Where the model already checks something (labkit.model.validate_network for gateways,
labkit.model.cluster_share for members that differ) its finding is reused, not recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Network, Role, Severity, cluster_share, validate_network
from ..model.problems import ProblemTopic

WHY_ONE_GATEWAY = (
    "only one default gateway is used for all off-subnet traffic; set it on one NIC and reach the "
    "other networks with persistent static routes (field notes; KB 159168, KB 157025)"
)
WHY_OFF_SUBNET = (
    "a gateway must satisfy (gateway AND mask) = (address AND mask), else Windows warns and the "
    "gateway is reached only if something on the segment answers ARP for it (Microsoft TechNet "
    "cc940125, troubleshooting default gateways; the field notes quote Windows's dialog)"
)
WHY_PERSISTENT = (
    "a route added without -p is gone after the next restart; the field notes: the routes must be "
    "persistent or they will not survive a reboot (Microsoft's route command page: -p makes it persistent)"
)
WHY_WEAK_EVERYWHERE = (
    "weakhostsend and weakhostreceive on every NIC turn a 2008 server back into 2003's weak host "
    "behaviour; the field notes: enable only what you need (weak host receive also makes a "
    "multihomed host easier to attack, Cable Guy, TechNet Magazine, Sept 2007)"
)
WHY_FORWARDING_NLB = (
    "forwarding on the NLB NIC makes replies work (KB 4494444) but lets that NIC route to wherever "
    "the default gateway reaches; the field notes prefer persistent static routes, or weak host "
    "send only where needed, to keep client traffic separated"
)
WHY_MIXED = (
    "the field notes: do not mix static routes with forwarding to achieve the same thing; it makes the "
    "path hard to predict and to keep alike on every node"
)
WHY_ALIKE = (
    "the field notes: give every NIC the exact same configuration on every node; NLB hands each "
    "client to one node, so a node configured differently fails its share of the clients (1 of x)"
)


@dataclass(frozen=True)
class LintWarning:
    """One warning about an imported server: where, what, and why it matters."""

    path: str
    message: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}\n  why: {self.why}"


def lint(net: Network) -> list[LintWarning]:
    out: list[LintWarning] = []
    for problem in validate_network(net):
        if problem.severity is not Severity.WARNING:
            continue
        if problem.topic is ProblemTopic.SEVERAL_GATEWAYS:
            out.append(LintWarning(problem.path, problem.message, WHY_ONE_GATEWAY))
        elif problem.topic is ProblemTopic.GATEWAY_OFF_SUBNET:
            out.append(LintWarning(problem.path, problem.message, WHY_OFF_SUBNET))
    cluster_nics = {member for c in net.clusters for member in c.members}
    for node in net.nodes:
        if node.role is not Role.HOST:
            continue
        base = f"nodes.{node.name}"
        for n, route in enumerate(node.routes):
            if not route.persistent:
                via = "on-link" if route.gateway is None else f"via {route.gateway}"
                out.append(
                    LintWarning(
                        f"{base}.routes[{n}]",
                        f"the static route to {route.destination} {via} is not persistent",
                        WHY_PERSISTENT,
                    )
                )
        if (
            node.os.host_model_configurable
            and len(node.interfaces) > 1
            and all(i.weakhostsend and i.weakhostreceive for i in node.interfaces)
        ):
            out.append(
                LintWarning(
                    f"{base}.interfaces",
                    "weakhostsend and weakhostreceive are enabled on every NIC",
                    WHY_WEAK_EVERYWHERE,
                )
            )
        forwarding = [i for i in node.interfaces if i.forwarding]
        for iface in forwarding:
            if (node.name, iface.key) in cluster_nics:
                out.append(
                    LintWarning(
                        f"{base}.interfaces.{iface.key}.forwarding",
                        f'forwarding is enabled on the NLB NIC "{iface.label}"',
                        WHY_FORWARDING_NLB,
                    )
                )
        if forwarding and node.routes:
            names = ", ".join(f'"{i.label}"' for i in forwarding)
            out.append(LintWarning(f"{base}", f"static routes and forwarding (on {names}) are both in use", WHY_MIXED))
    for cluster in net.clusters:
        members = {n for n, _ in cluster.members}
        if len(members) > 1:
            for difference in cluster_share(net, cluster.name, clients=()).differences:
                out.append(
                    LintWarning(
                        f"clusters.{cluster.name}", f"the nodes are configured differently: {difference}", WHY_ALIKE
                    )
                )
    return out
