"""NLB faults: the cluster IP chosen as the source of a node's own connections (skipassource
missing, KB 969029 and KB 975808)."""

from __future__ import annotations

import random

from ..model import Flow, Network, trace
from .farm import FARM_NAMES, NLB_LABELS, distinct
from .templates import shipped_variant
from .variant import Challenge, Requirement


def _reply_goes_astray(net: Network, node: str, database: str) -> bool:
    """The node's SQL connection gets through, and the database's answer does not come back."""
    reply = trace(net, node, database, dport=1433, reply=True).reply
    return reply is not None and not reply.succeeded


def missing_skipassource(rng: random.Random) -> Challenge:
    """nlb-source-address: the cluster IP picked as the source of a node's own connections."""
    for _ in range(20):
        a, c, e = distinct(rng, 3, 20, 250)
        prefix, first = rng.choice(FARM_NAMES), rng.randint(1, 7)
        w1, w2, label = f"{prefix}{first}", f"{prefix}{first + 1}", rng.choice(NLB_LABELS)
        web, db = f"10.{a}.{rng.randint(0, 255)}", f"10.{c}.{rng.randint(0, 255)}"
        net = shipped_variant(
            "nlb-source-address",
            {
                "10.10.0.": f"{web}.",
                "10.30.0.": f"{db}.",
                "10.20.": f"10.{e}.",
                "web1": w1,
                "web2": w2,
                "NLB NIC": label,
            },
        )
        astray = [n for n in (w1, w2) if _reply_goes_astray(net, n, f"{db}.10")]
        if astray:
            break
    else:
        raise ValueError("no variant sends a reply astray")
    broken = rng.choice(astray)
    cluster = net.clusters[0].ip
    for other in (w1, w2):
        if other != broken:
            net = net.with_interface(other, "nlb", skip_as_source=(cluster,))
    flows: list[Requirement] = []
    for name, own in ((w1, "11"), (w2, "12")):
        flows += [
            Requirement(f"{name} -> db1 ({db}.10, sql)", Flow(name, f"{db}.10", dport=1433)),
            Requirement(f"pc1 -> {name} ({web}.{own})", Flow("pc1", f"{web}.{own}", dport=80)),
            Requirement(f"{name}: strong host, no forwarding (policy)", strong_host=name),
        ]
    flows.append(Requirement(f"pc1 -> the cluster {cluster}", Flow("pc1", str(cluster), dport=80)))
    fix = (
        f'netsh interface ipv4 delete address "{label}" {cluster} && '
        f'netsh interface ipv4 add address "{label}" {cluster} 255.255.255.0 skipassource=true'
    )
    return Challenge(
        kind="skipassource",
        seed="",
        title="The database calls back and nobody answers",
        node=broken,
        broken=net,
        flows=tuple(flows),
        symptom=(flows[0 if broken == w1 else 3].name,),
        fix=(fix,),
        harmful=(fix, f'netsh interface ipv4 set interface "{label}" forwarding=enabled'),
        needless=f"route -p add 192.168.254.0 mask 255.255.255.0 {web}.254",
        ticket=f"The application on {broken} cannot open its database connection to {db}.10 since the NLB "
        f"cluster was built; {w1 if broken == w2 else w2} works.",
        cause=f"{broken} picks the cluster IP {cluster} as the source of its own connections (it shares more "
        "leading bits with the gateway, KB 969029); the database's answer goes to the cluster, and NLB "
        "hands it to the other node.",
        lesson="Add the cluster IP with skipassource=true (KB 975808) on every node.",
        hints=(
            "Which source address does the server use for its own connections? (Find-NetRoute, or think KB 969029)",
            "Compare the two nodes' addresses: netsh interface ipv4 show ipaddresses.",
            "Remove the cluster IP and add it back with skipassource=true, in one line joined by &&.",
        ),
        level=3,
    )
