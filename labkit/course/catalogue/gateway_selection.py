"""Exercises of notebook 02 (gateway selection, dead gateways, source address selection)."""

from __future__ import annotations

from ..answers import address, choice
from ..exercise import Exercise
from .common import commands_grader, shipped


def _internet_gateway():
    from ipaddress import IPv4Address

    from ...model import select_route

    return str(select_route(shipped("gateway-choice").node("H"), IPv4Address("198.51.100.80")).winner.route.gateway)


def _surviving_protocol():
    from ...model import Protocol, trace

    return next(p.value for p in Protocol if trace(shipped("dead-gateway"), "H", "10.9.0.50", proto=p).accepted)


def _reply_router():
    from ...model import trace

    return trace(shipped("gateway-choice"), "S2", "192.168.2.10", reply=True).reply.hops[1].node


def _source_grader():
    from ...checks import grade_source_address

    net = shipped("nlb-source-address")

    def grade(answer):
        result = grade_source_address(net, "web1", "10.30.0.10", answer, name="")
        return result.passed, result.assessment

    return grade


HINT_2 = "keep the default gateway that faces the internet and route the branch network explicitly"
HINT_6 = (
    "delete the cluster IP and add it back with skipassource=true; adding it again without deleting "
    "it first gives 'The object already exists'"
)

EXERCISES = (
    Exercise(
        "02.1",
        "exercise 1",
        'answer_1 = "192.168.1.1"',
        hint="same prefix length, so compare the metrics in route print",
        reader=address(),
        expected=_internet_gateway,
        why="both defaults match 0.0.0.0/0; the fast NIC's has the lower metric (266 against 276)",
    ),
    Exercise(
        "02.2",
        "exercise 2",
        'answer_2 = [\n    "route delete 0.0.0.0 mask 0.0.0.0 192.168.1.1",\n'
        '    "route -p add 10.50.0.0 mask 255.255.0.0 192.168.1.1",\n]',
        hint=HINT_2,
        grader=commands_grader(
            lambda: shipped("gateway-choice"),
            "H",
            one_default_gateway=True,
            flows=[("H", "10.50.3.3"), ("H", "198.51.100.80")],
            hint=HINT_2,
            right="one default gateway towards the internet, and a persistent route to the branch",
        ),
    ),
    Exercise(
        "02.3",
        "exercise 3",
        'answer_3 = "tcp"',
        hint="what needs retransmissions to notice a dead gateway?",
        reader=choice("tcp", "udp", "icmp"),
        expected=_surviving_protocol,
        why="only TCP retransmissions trigger dead gateway detection; UDP and ping keep using the dead gateway",
    ),
    Exercise(
        "02.4",
        "exercise 4",
        'answer_4 = "RB"',
        hint="RA is the one gateway for connections H opens itself; a reply's source address is already "
        "fixed, so which NIC owns 192.168.2.10?",
        reader=choice("RA", "RB", "H", "S1", "S2"),
        expected=_reply_router,
        why="the reply's source 192.168.2.10 belongs to LAN B; strong host send keeps it on LAN B's routes, "
        "so it leaves by LAN B's own gateway 192.168.2.1 and reaches S2",
    ),
    Exercise(
        "02.5",
        "exercise 5",
        'answer_5 = "10.10.0.200"',
        hint="look at the outgoing NIC's addresses and count the leading bits each shares with the next hop",
        grader=_source_grader,
    ),
    Exercise(
        "02.6",
        "exercise 6",
        "answer_6 = ('netsh interface ipv4 delete address \"NLB NIC\" 10.10.0.200 && '\n"
        "            'netsh interface ipv4 add address \"NLB NIC\" 10.10.0.200 255.255.255.0 skipassource=true')",
        hint=HINT_6,
        grader=commands_grader(
            lambda: shipped("nlb-source-address"),
            "web1",
            flows=[("web1", "10.30.0.10"), ("pc1", "10.10.0.200")],
            hint=HINT_6,
            right="the cluster IP stays for the clients, and web1's own connections leave from its dedicated IP",
        ),
    ),
)
