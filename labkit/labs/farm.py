"""The NLB web farm most break-fix faults start from: the variant's addresses and names, its
scenario, the flows every farm lab checks, and the Challenge around one fault.

Every call takes numbers from the variant's random source in a fixed order, so a seed always
gives the same farm (tests/test_labs_variants.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from ipaddress import IPv4Address
from typing import Any

from ..model import Flow, Network
from ..scenario import parse_scenario
from .templates import INTERNET_EDGE, NLB_FARM
from .variant import Challenge, Requirement

NLB_LABELS = ("NLB NIC", "Cluster", "LAN-NLB", "Front end", "NLB")
PRIVATE_LABELS = ("PRIVATE NIC", "Backend", "LAN-Private", "Heartbeat", "Private")
FARM_NAMES = ("web", "intra", "portal", "app", "www", "shop")

Farm = dict[str, Any]
"""The variant's addresses and names (C, D, N, P, M, T, w1, w2, nlb, priv, own, broken: strings)
and its healthy persistent routes ("routes": a list of scenario-file route entries)."""


def distinct(rng: random.Random, count: int, low: int, high: int) -> list[int]:
    return rng.sample(range(low, high + 1), count)


def mask16(prefix: str) -> str:
    return f"{prefix}.0.0 mask 255.255.0.0"


def farm_variant(
    rng: random.Random,
    *,
    internet: bool = False,
    nlb_gw: str = "",
    priv_gw: str | None = None,
    nlb_speed: int = 10000,
    priv_speed: int = 1000,
) -> tuple[Farm, dict[str, object]]:
    """The farm's addresses and names for this variant, its scenario text, and the broken node."""
    c, d = distinct(rng, 2, 20, 99)
    n, p, m, t = distinct(rng, 4, 100, 250)
    prefix = rng.choice(FARM_NAMES)
    first = rng.randint(1, 7)
    v: Farm = {
        "C": f"10.{c}",
        "D": f"10.{d}",
        "N": f"10.{n}.{rng.randint(0, 255)}",
        "P": f"172.{rng.randint(16, 31)}.{p}",
        "M": f"192.168.{m}",
        "T": f"10.{t}.{rng.randint(0, 255)}",
        "w1": f"{prefix}{first}",
        "w2": f"{prefix}{first + 1}",
        "nlb": rng.choice(NLB_LABELS),
        "priv": rng.choice(PRIVATE_LABELS),
    }
    broken = rng.choice((v["w1"], v["w2"]))
    v["own"] = {v["w1"]: "21", v["w2"]: "22"}[broken]
    v["broken"] = broken
    routes = [
        f"{{destination: {v['C']}.0.0/16, gateway: {v['N']}.1, interface: nlb}}",
        f"{{destination: {v['D']}.0.0/16, gateway: {v['N']}.1, interface: nlb}}",
    ]
    if internet:
        routes = [f"{{destination: {v['M']}.0/24, gateway: {v['P']}.1, interface: private}}"]
    v["routes"] = routes
    return v, {
        "nlb_gw": nlb_gw.format(**v),
        "priv_gw": (priv_gw if priv_gw is not None else ("" if internet else ", gateways: [{P}.1]")).format(**v),
        "nlb_speed": nlb_speed,
        "priv_speed": priv_speed,
        "core_gw": ", gateways: [{T}.3]".format(**v) if internet else "",
        "internet": INTERNET_EDGE.format(**v) if internet else "",
    }


def farm_net(v: Farm, extra: dict[str, object], routes1: list[str], routes2: list[str], kind: str) -> Network:
    text = NLB_FARM.format(
        name=f"lab-{kind}",
        title=f"Break-fix lab: {kind}",
        routes1="[" + ", ".join(routes1) + "]",
        routes2="[" + ", ".join(routes2) + "]",
        **{**v, **extra},
    )
    return parse_scenario(text, f"<lab {kind}>")


def farm_routes(v: Farm, broken_routes: list[str]) -> tuple[list[str], list[str]]:
    healthy = v["routes"]
    return (broken_routes, healthy) if v["broken"] == v["w1"] else (healthy, broken_routes)


def farm_flows(v: Farm, internet: bool = False) -> tuple[Requirement, ...]:
    flows = [Requirement(f"pc1 -> the cluster {v['N']}.100", Flow("pc1", f"{v['N']}.100", dport=80))]
    for name, own in ((v["w1"], "21"), (v["w2"], "22")):
        flows += [
            Requirement(f"pc1 -> {name} ({v['N']}.{own})", Flow("pc1", f"{v['N']}.{own}", dport=80)),
            Requirement(f"db1 -> {name} ({v['N']}.{own})", Flow("db1", f"{v['N']}.{own}", dport=80)),
            Requirement(f"mon1 -> {name} ({v['P']}.{own})", Flow("mon1", f"{v['P']}.{own}", dport=443)),
            Requirement(f"{name} -> mon1 ({v['M']}.10)", Flow(name, f"{v['M']}.10", dport=443)),
        ]
        flows.append(Requirement(f"{name}: strong host, no forwarding (policy)", strong_host=name))
        if internet:
            flows.append(Requirement(f"{name} -> updates (198.51.100.80)", Flow(name, "198.51.100.80", dport=443)))
    return tuple(flows)


def farm_challenge(
    v: Farm,
    net: Network,
    *,
    kind: str,
    level: int,
    title: str,
    ticket: str,
    fix: Sequence[str],
    harmful: Sequence[str],
    needless: str,
    cause: str,
    lesson: str,
    hints: Sequence[str],
    symptom_words: Sequence[str],
    internet: bool = False,
) -> Challenge:
    flows = farm_flows(v, internet)
    symptom = tuple(f.name for f in flows if any(w in f.name for w in symptom_words))
    return Challenge(
        kind=kind,
        seed="",
        title=title,
        ticket=ticket,
        node=v["broken"],
        broken=net,
        flows=flows,
        symptom=symptom,
        fix=tuple(fix),
        harmful=tuple(harmful),
        needless=needless,
        cause=cause,
        lesson=lesson,
        hints=tuple(hints),
        level=level,
    )


def needless_route(v: Farm) -> str:
    return f"route -p add 192.168.254.0 mask 255.255.255.0 {v['N']}.1"


def cluster_lands_on(net: Network, node: str) -> bool:
    cluster = net.clusters[0]
    pc = net.node("pc1").addresses[0].ip
    return cluster.choose(cluster.members, IPv4Address(pc), 80)[0] == node
