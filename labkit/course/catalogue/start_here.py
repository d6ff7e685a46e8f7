"""Exercises of notebook 00 (start here): the intranet design with its route to the PCs removed."""

from __future__ import annotations

from functools import cache

from ..answers import choice, disposition
from ..exercise import Exercise
from .common import commands_grader, shipped

FLOW = ("pc1", "10.10.0.100")


@cache
def broken():
    """nlb-intranet after `route delete 10.20.0.0` on both web servers (the notebook's section 3)."""
    from ...model import apply_command

    net = shipped("nlb-intranet")
    for server in ("web1", "web2"):
        net, _ = apply_command(net, server, "route delete 10.20.0.0")
    return net


def server() -> str:
    """The web server NLB gives pc1 to."""
    from ...model import trace

    return trace(broken(), *FLOW, reply=True).last_hop.node


def _reply_disposition():
    from ...model import trace

    return trace(broken(), *FLOW, reply=True).reply.disposition.value


def _reply_nic():
    from ...model import apply_command, trace

    fixed, _ = apply_command(broken(), server(), 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled')
    return trace(fixed, *FLOW, reply=True).reply.hops[0].out_iface


EXERCISES = (
    Exercise(
        "00.1",
        "exercise 1",
        'answer_1 = "STRONG_SEND_BLOCKED"',
        hint="look at the output of the cell in section 3",
        reader=disposition(),
        expected=_reply_disposition,
        why="the reply's source belongs to the NLB NIC, which lost its route to the PCs",
    ),
    Exercise(
        "00.2",
        "exercise 2",
        'answer_2 = ["route -p add 10.20.0.0 mask 255.255.0.0 10.10.0.1"]',
        hint="the remedy list in section 3 shows the route command",
        grader=commands_grader(
            broken,
            server,
            flows=[FLOW],
            hint="the remedy list in section 3 shows the route command",
            right="the NLB NIC has its persistent route back, and pc1 gets its answer",
        ),
    ),
    Exercise(
        "00.3",
        "exercise 3",
        'answer_3 = "private"',
        hint="look at the first hop of the reply: 'out: …'",
        reader=choice("nlb", "private"),
        expected=_reply_nic,
        why="weakhostsend lets the reply keep its source 10.10.0.100 and leave by the PRIVATE NIC's default gateway",
    ),
)
