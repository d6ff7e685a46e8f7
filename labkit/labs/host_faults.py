"""Host-model faults: a strong/weak host or forwarding switch turned on where a persistent
route to the clients was the fix."""

from __future__ import annotations

import random
from collections.abc import Callable

from ..model import Network
from .farm import cluster_lands_on, farm_challenge, farm_net, farm_routes, farm_variant, mask16, needless_route
from .variant import Challenge


def _switch_instead_of_route(
    rng: random.Random,
    *,
    nic: str,
    switch: str,
    kind: str,
    level: int,
    title: str,
    ticket: str,
    cause: str,
    lesson: str,
    hints: list[str],
    symptoms: Callable[[Network, str], list[str]],
) -> Challenge:
    """A switch left on where a persistent route to the clients was the fix: the fix is the switch off
    and the route added. `ticket`, `cause` and `symptoms` are filled in from the variant."""
    v, extra = farm_variant(rng)
    net = farm_net(v, extra, *farm_routes(v, [v["routes"][1]]), kind)
    b = v["broken"]
    net = net.with_interface(b, nic, **{switch: True})
    label = {"nlb": v["nlb"], "private": v["priv"]}[nic]
    off = f'netsh interface ipv4 set interface "{label}" {switch}=disabled'
    route = f"route -p add {mask16(v['C'])} {v['N']}.1"
    return farm_challenge(
        v,
        net,
        kind=kind,
        level=level,
        title=title,
        ticket=ticket.format(b=b, **v),
        fix=[off, route],
        harmful=[off, route, f"route delete {v['D']}.0.0"],
        needless=needless_route(v),
        cause=cause.format(**v),
        lesson=lesson,
        hints=hints,
        symptom_words=symptoms(net, b),
    )


def weakhostsend_wrong_nic(rng: random.Random) -> Challenge:
    return _switch_instead_of_route(
        rng,
        nic="private",
        switch="weakhostsend",
        kind="weakhostsend-wrong-nic",
        level=2,
        title="The weak host 'fix' that did nothing",
        ticket="Users on {C}.x still cannot reach {b} although a colleague 'enabled weak host send' on it "
        "yesterday, as a blog post suggested.",
        cause='weakhostsend was enabled on the private NIC ("{priv}"), but the replies come from the addresses of '
        'the NLB NIC ("{nlb}"); the real gap is the missing route to {C}.0.0/16 on the NLB NIC.',
        lesson="weakhostsend acts on packets whose source is that NIC's address; prefer a static route to it.",
        hints=[
            "netsh interface ipv4 show interface <name>: where is weakhostsend on?",
            "Which NIC owns the address the reply comes from?",
            "Undo the switch and add the persistent route on the NLB side.",
        ],
        symptoms=lambda net, b: (
            [f"pc1 -> {b} ", f"{b}: strong host"] + (["the cluster"] if cluster_lands_on(net, b) else [])
        ),
    )


def forwarding_instead_of_route(rng: random.Random) -> Challenge:
    return _switch_instead_of_route(
        rng,
        nic="nlb",
        switch="forwarding",
        kind="forwarding",
        level=3,
        title="The audit finding: a web server that routes",
        ticket="The security audit flags {b}: 'IP forwarding enabled on a server'. It was switched on during an "
        "outage in spring 'and fixed it'. Make it compliant without breaking the site.",
        cause='forwarding on the NLB NIC ("{nlb}") made replies leave by the private gateway (and turns the server '
        "into a router); the missing piece was a persistent route to {C}.0.0/16.",
        lesson="Forwarding is the widest switch; a static route was enough.",
        hints=[
            "netsh interface ipv4 show interface <name>: which switches are on?",
            "Switch forwarding off first: what breaks? That tells you which route is missing.",
            "Forwarding off, and route -p add for the clients' network on the NLB NIC.",
        ],
        symptoms=lambda net, b: [f"{b}: strong host"],
    )
