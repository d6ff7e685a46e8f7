"""Exercises of notebook 01 (strong and weak host)."""

from __future__ import annotations

from ..answers import choice, disposition
from ..exercise import Exercise
from .common import shipped

FLOW = ("C2", "10.10.0.100")


def _reply_disposition():
    from ...model import trace

    return trace(shipped("reference-nlb-dual-nic"), *FLOW, reply=True).reply.disposition.value


def _switches_grader():
    from ...checks import grade_switches, reply_accepted

    def grade(answer):
        result = grade_switches(shipped("reference-nlb-dual-nic"), "H", answer, reply_accepted(*FLOW))
        return result.passed, result.assessment

    return grade


def _receiving_nic():
    from ...model import trace

    net = shipped("reference-receive-side")
    return next(
        nic
        for nic in ("nic1", "nic2")
        if trace(net.with_interface("H", nic, weakhostreceive=True), "S", "192.168.2.10").accepted
    )


EXERCISES = (
    Exercise(
        "01.1",
        "exercise 1",
        'answer_1 = "STRONG_SEND_BLOCKED"',
        hint="which NIC owns 10.10.0.100, and which routes does that NIC have?",
        reader=disposition(),
        expected=_reply_disposition,
        why="the reply's source belongs to the NLB NIC, which has no route back; strong host send forbids the Mgmt NIC",
    ),
    Exercise(
        "01.2",
        "exercise 2 (minimal switches)",
        'answer_2 = {("nlb", "weakhostsend")}',
        hint="start from the NIC that owns the reply's source address",
        grader=_switches_grader,
    ),
    Exercise(
        "01.3",
        "exercise 3",
        'answer_3 = "nic1"',
        hint="the packet arrives on NIC1 but is addressed to NIC2: whose door does it knock on?",
        reader=choice("nic1", "nic2"),
        expected=_receiving_nic,
        why="the flag of the NIC the packet arrives on decides, not the one that owns the address",
    ),
)
