"""Exercises of notebook 07 (bring your own server: import, read what the kit finds)."""

from __future__ import annotations

from functools import cache
from ipaddress import IPv4Address

from ..answers import address, names, whole_number
from ..exercise import Exercise


@cache
def _imported(folder: str):
    from ...importer import import_server
    from ...scenario import DATA_DIR

    return import_server(*sorted((DATA_DIR / "imports" / folder).glob("*.txt")))


def _lost_at_reboot():
    net = _imported("nlb-web").network
    return {node.name.lower() for node in net.nodes if any(not r.persistent for r in node.routes)}


def _own_connections_gateway():
    from ...model import select_route

    node = _imported("two-gateways").network.node("APP1")
    return str(select_route(node, IPv4Address("203.0.113.10")).winner.route.gateway)


def _lan_a_metric():
    node = _imported("two-gateways").network.node("APP1")
    return node.interface_metric(next(i.key for i in node.interfaces if i.label == "LAN A"))


EXERCISES = (
    Exercise(
        "07.1",
        "exercise 1",
        'answer_1 = {"web2"}',
        hint="print(web.warnings) or look for routes with persistent False in each node",
        reader=names("web1", "web2"),
        expected=_lost_at_reboot,
        why="WEB2's route to 10.30.0.0/16 was added without -p: route print lists it as active but not under "
        "Persistent Routes, so it is gone after a restart and WEB2 then fails the clients NLB gives it",
    ),
    Exercise(
        "07.2",
        "exercise 2",
        'answer_2 = "192.168.1.1"',
        hint="compare the two 0.0.0.0 rows of route print: the lower Metric wins for connections APP1 opens",
        reader=address(),
        expected=_own_connections_gateway,
        why="both default routes have route metric 256 (Default), so the interface metric decides: LAN A's 15 "
        "(a 10 Gb/s NIC on Windows 10's table) beats LAN B's 25, and 271 beats 281 in route print",
    ),
    Exercise(
        "07.3",
        "exercise 3",
        "answer_3 = 15",
        hint="an on-link route carries route metric 256; route print shows 256 plus the interface metric",
        reader=whole_number(1, 9999),
        expected=_lan_a_metric,
        why="route print shows 271 for LAN A's on-link routes; 271 - 256 = 15, the metric Get-NetIPInterface "
        "shows as InterfaceMetric",
    ),
)
