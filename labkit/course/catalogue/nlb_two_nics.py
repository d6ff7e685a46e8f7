"""Exercises of notebook 03 (NLB with two NICs, three NICs, NLB modes)."""

from __future__ import annotations

from ..answers import address, names, whole_number
from ..exercise import Exercise
from .common import commands_grader, shipped

PCS = ("pc1", "pc2", "pc3", "pc4")
HINT_2 = (
    "web1 has two persistent routes on its NLB NIC, to the PCs and to the database: give web2 the same "
    "ones with route -p add"
)


def _failing_pcs():
    from ...model import trace

    mixed = shipped("nlb-inconsistent-nodes")
    return {pc for pc in PCS if not trace(mixed, pc, "10.10.0.100", reply=True).reply.succeeded}


def _silent_cluster():
    from ...model import trace

    three = shipped("nlb-three-nics")
    return next(ip for ip in ("10.10.0.100", "10.11.0.100") if not trace(three, "pc1", ip, reply=True).reply.succeeded)


def _failed_connections():
    from ...model import cluster_share

    return len(cluster_share(shipped("nlb-inconsistent-nodes"), "web").failed)


def _modes_that_reach():
    from ...model import ClusterMode, trace

    single = shipped("nlb-unicast-single-nic")
    return {
        mode.value
        for mode in ClusterMode
        if trace(single.with_cluster("web", mode=mode), "web1", "10.10.0.22", dport=445).accepted
    }


EXERCISES = (
    Exercise(
        "03.1",
        "exercise 1",
        'answer_1 = {"pc1", "pc4"}',
        hint="trace each PC and look at which node serves it",
        reader=names(*PCS),
        expected=_failing_pcs,
        why="NLB gives each client to one node; the clients that land on web2, which lacks the routes, fail",
    ),
    Exercise(
        "03.2",
        "exercise 2",
        'answer_2 = [\n    "route -p add 10.20.0.0 mask 255.255.0.0 10.10.0.1",\n'
        '    "route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1",\n]',
        hint=HINT_2,
        grader=commands_grader(
            lambda: shipped("nlb-inconsistent-nodes"),
            "web2",
            like="web1",
            flows=[(pc, "10.10.0.100") for pc in (*PCS, "db1")],
            hint=HINT_2,
            right="web2 now has the same persistent routes as web1, and every client gets its answer",
        ),
    ),
    Exercise(
        "03.3",
        "exercise 3",
        'answer_3 = "10.11.0.100"',
        hint="trace pc1 to both cluster addresses and read the reply's reason",
        reader=address(),
        expected=_silent_cluster,
        why="the FTP cluster's NIC has neither a gateway nor a route, and strong host send keeps its replies on it",
    ),
    Exercise(
        "03.4",
        "exercise 4",
        "answer_4 = 5",
        hint="print(cluster_share(mixed, 'web')) and read which node fails which client",
        reader=whole_number(0, 1000),
        expected=_failed_connections,
        why="web2 lacks the routes, so every connection it takes fails: 5 of 10, 1 of x with x = 2 nodes",
    ),
    Exercise(
        "03.5",
        "exercise 5",
        'answer_5 = {"multicast", "igmp-multicast"}',
        hint="trace web1 to 10.10.0.22 and read the reason; then try single.with_cluster('web', mode=...)",
        reader=names("unicast", "multicast", "igmp-multicast"),
        expected=_modes_that_reach,
        why="in both multicast modes each NIC keeps its own MAC; in unicast mode web2's address resolves to "
        "the cluster MAC, which is web1's own",
    ),
)
