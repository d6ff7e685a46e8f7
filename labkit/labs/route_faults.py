"""Persistent-route faults on the NLB web farm: a route missing on the NLB NIC, one added
without -p and lost at a reboot, one node configured differently from its twin."""

from __future__ import annotations

import random
from dataclasses import replace

from ..model import apply_command
from .farm import cluster_lands_on, farm_challenge, farm_net, farm_routes, farm_variant, mask16, needless_route
from .variant import Challenge


def missing_route(rng: random.Random, kind: str = "missing-route") -> Challenge:
    v, extra = farm_variant(rng)
    routes1, routes2 = farm_routes(v, [v["routes"][1]])
    net = farm_net(v, extra, routes1, routes2, kind)
    b = v["broken"]
    return farm_challenge(
        v,
        net,
        kind=kind,
        level=1,
        title="Half the users cannot reach the web farm",
        ticket=f"Users on {v['C']}.x say the intranet site times out for about half of them; "
        f"{b} was rebuilt last week. The network team says the switch ports are fine.",
        fix=[f"route -p add {mask16(v['C'])} {v['N']}.1"],
        harmful=[f"route -p add {mask16(v['C'])} {v['N']}.1", f"route delete {v['D']}.0.0"],
        needless=needless_route(v),
        cause=f'{b} has no persistent route to {v["C"]}.0.0/16 on its NLB NIC ("{v["nlb"]}"): replies from the '
        "NLB NIC's addresses may only leave by that NIC (strong host send), which has no way back.",
        lesson="Intranet NLB design: gateway on the private NIC, persistent static routes on the NLB NIC.",
        hints=[
            "Compare route print on both web servers.",
            f"Which NIC must a reply from {v['N']}.100 leave by, and does it have a route to {v['C']}.0.0?",
            f"route -p add {v['C']}.0.0 mask 255.255.0.0 <the router on the NLB subnet>",
        ],
        symptom_words=[f"pc1 -> {b} "] + (["the cluster"] if cluster_lands_on(net, b) else []),
    )


def lost_after_reboot(rng: random.Random) -> Challenge:
    base = missing_route(rng, "lost-after-reboot")
    v_route = base.fix[0].replace("route -p add", "route add")
    b = base.node
    assert base.broken is not None  # missing_route always builds the broken network
    net, _ = apply_command(base.broken, b, v_route)
    c = base.fix[0].split()[3].rsplit(".", 2)[0]
    return _with(
        base,
        broken=net,
        title="It worked until Tuesday's reboot",
        ticket=f"Users on {c}.x cannot reach the web farm since Tuesday's patch reboot of {b}. "
        "Before the reboot everything worked.",
        fix=(f"route delete {c}.0.0", base.fix[0]),
        harmful=(f"route delete {c}.0.0", base.fix[0]) + base.harmful[1:],
        cause=f"The route to {c}.0.0/16 on {b} was added without -p: it lived in memory only and "
        "vanished at the reboot (route print lists it under Active Routes, not Persistent Routes).",
        lesson="route add without -p does not survive a restart; check the Persistent Routes section.",
        hints=(
            "route print: is every route you need also under Persistent Routes?",
            "A route added without -p is gone after the next restart.",
            "Delete the route and add it again with route -p add.",
        ),
    )


def _with(challenge: Challenge, **changes) -> Challenge:
    return replace(challenge, **changes)


def missing_db_route(rng: random.Random) -> Challenge:
    v, extra = farm_variant(rng)
    routes1, routes2 = farm_routes(v, [v["routes"][0]])
    net = farm_net(v, extra, routes1, routes2, "inconsistent-node")
    b = v["broken"]
    return farm_challenge(
        v,
        net,
        kind="inconsistent-node",
        level=2,
        title="One web server in two cannot reach the database",
        ticket=f"The database team sees connections from one web server only; the other ({b} or its twin, "
        "they are not sure) times out when db1 calls back.",
        fix=[f"route -p add {mask16(v['D'])} {v['N']}.1"],
        harmful=[f"route -p add {mask16(v['D'])} {v['N']}.1", f"route delete {v['C']}.0.0"],
        needless=needless_route(v),
        cause=f"{b} is configured differently from its twin: it lacks the persistent route to "
        f'{v["D"]}.0.0/16 on its NLB NIC ("{v["nlb"]}").',
        lesson="Every NLB node must be configured the same way; compare them side by side.",
        hints=[
            "Run route print on both nodes and compare the Persistent Routes.",
            f"Which node lacks a route to {v['D']}.0.0?",
            f"route -p add {v['D']}.0.0 mask 255.255.0.0 <the router on the NLB subnet>",
        ],
        symptom_words=[f"db1 -> {b} "],
    )
