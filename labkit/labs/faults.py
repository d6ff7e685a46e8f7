"""The fault library: for each kind, the broken variant, the ticket a user would write, the root
cause, the intended (minimal) fix and the field notes' lesson it trains.

A builder takes the variant's random source and returns a Challenge; `labkit.labs.build`
then proves it broken as intended and fixable by the intended fix before handing it out.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from ipaddress import IPv4Address

from ..model import Flow, Gateway, apply_command, trace
from ..scenario import parse_scenario
from .templates import INTERNET_EDGE, NLB_FARM, TWO_GATEWAYS, TWO_NICS, shipped_variant
from .variant import Challenge, Requirement

NLB_LABELS = ("NLB NIC", "Cluster", "LAN-NLB", "Front end", "NLB")
PRIVATE_LABELS = ("PRIVATE NIC", "Backend", "LAN-Private", "Heartbeat", "Private")
FARM_NAMES = ("web", "intra", "portal", "app", "www", "shop")
HOST_NAMES = ("srv", "host", "fs", "app", "mgmt")
LAN_LABELS = ("Ethernet", "Local Area Connection", "LAN", "Team 1")


@dataclass(frozen=True)
class Kind:
    name: str
    level: int
    build: Callable[[random.Random, str], Challenge]
    summary: str


def _distinct(rng: random.Random, count: int, low: int, high: int) -> list[int]:
    return rng.sample(range(low, high + 1), count)


def _mask16(prefix: str) -> str:
    return f"{prefix}.0.0 mask 255.255.0.0"


# --- the NLB web farm --------------------------------------------------------------------------


def _farm(
    rng: random.Random,
    *,
    internet: bool = False,
    nlb_gw: str = "",
    priv_gw: str | None = None,
    nlb_speed: int = 10000,
    priv_speed: int = 1000,
):
    """The farm's addresses and names for this variant, its scenario text, and the broken node."""
    c, d = _distinct(rng, 2, 20, 99)
    n, p, m, t = _distinct(rng, 4, 100, 250)
    prefix = rng.choice(FARM_NAMES)
    first = rng.randint(1, 7)
    v = {
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


def _farm_net(v: dict, extra: dict, routes1: list[str], routes2: list[str], kind: str):
    text = NLB_FARM.format(
        name=f"lab-{kind}",
        title=f"Break-fix lab: {kind}",
        routes1="[" + ", ".join(routes1) + "]",
        routes2="[" + ", ".join(routes2) + "]",
        **{**v, **extra},
    )
    return parse_scenario(text, f"<lab {kind}>")


def _farm_routes(v: dict, broken_routes: list[str]) -> tuple[list[str], list[str]]:
    healthy = v["routes"]
    return (broken_routes, healthy) if v["broken"] == v["w1"] else (healthy, broken_routes)


def _farm_flows(v: dict, internet: bool = False) -> tuple[Requirement, ...]:
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


def _farm_challenge(
    v, net, *, kind, level, title, ticket, fix, harmful, needless, cause, lesson, hints, symptom_words, internet=False
) -> Challenge:
    flows = _farm_flows(v, internet)
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


def _needless_route(v) -> str:
    return f"route -p add 192.168.254.0 mask 255.255.255.0 {v['N']}.1"


def missing_route(rng, kind="missing-route") -> Challenge:
    v, extra = _farm(rng)
    routes1, routes2 = _farm_routes(v, [v["routes"][1]])
    net = _farm_net(v, extra, routes1, routes2, kind)
    b = v["broken"]
    return _farm_challenge(
        v,
        net,
        kind=kind,
        level=1,
        title="Half the users cannot reach the web farm",
        ticket=f"Users on {v['C']}.x say the intranet site times out for about half of them; "
        f"{b} was rebuilt last week. The network team says the switch ports are fine.",
        fix=[f"route -p add {_mask16(v['C'])} {v['N']}.1"],
        harmful=[f"route -p add {_mask16(v['C'])} {v['N']}.1", f"route delete {v['D']}.0.0"],
        needless=_needless_route(v),
        cause=f'{b} has no persistent route to {v["C"]}.0.0/16 on its NLB NIC ("{v["nlb"]}"): replies from the '
        "NLB NIC's addresses may only leave by that NIC (strong host send), which has no way back.",
        lesson="Intranet NLB design: gateway on the private NIC, persistent static routes on the NLB NIC.",
        hints=[
            "Compare route print on both web servers.",
            f"Which NIC must a reply from {v['N']}.100 leave by, and does it have a route to {v['C']}.0.0?",
            f"route -p add {v['C']}.0.0 mask 255.255.0.0 <the router on the NLB subnet>",
        ],
        symptom_words=[f"pc1 -> {b} "] + (["the cluster"] if _cluster_lands_on(net, b) else []),
    )


def _cluster_lands_on(net, node: str) -> bool:
    cluster = net.clusters[0]
    pc = net.node("pc1").addresses[0].ip
    return cluster.choose(cluster.members, IPv4Address(pc), 80)[0] == node


def lost_after_reboot(rng) -> Challenge:
    base = missing_route(rng, "lost-after-reboot")
    v_route = base.fix[0].replace("route -p add", "route add")
    b = base.node
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


def missing_db_route(rng) -> Challenge:
    v, extra = _farm(rng)
    routes1, routes2 = _farm_routes(v, [v["routes"][0]])
    net = _farm_net(v, extra, routes1, routes2, "inconsistent-node")
    b = v["broken"]
    return _farm_challenge(
        v,
        net,
        kind="inconsistent-node",
        level=2,
        title="One web server in two cannot reach the database",
        ticket=f"The database team sees connections from one web server only; the other ({b} or its twin, "
        "they are not sure) times out when db1 calls back.",
        fix=[f"route -p add {_mask16(v['D'])} {v['N']}.1"],
        harmful=[f"route -p add {_mask16(v['D'])} {v['N']}.1", f"route delete {v['C']}.0.0"],
        needless=_needless_route(v),
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


def gateway_on_nlb_nic(rng) -> Challenge:
    v, extra = _farm(rng)
    net = _farm_net(v, extra, v["routes"], v["routes"], "gateway-on-nlb-nic")
    b = v["broken"]
    net = net.with_interface(b, "nlb", gateways=(Gateway(IPv4Address(f"{v['N']}.1")),))
    return _farm_challenge(
        v,
        net,
        kind="gateway-on-nlb-nic",
        level=2,
        title="The monitoring server lost one web server",
        ticket=f"The monitoring console shows {b} as 'agent not reporting' since someone 'tidied up' its NIC "
        "settings; the web site itself still works.",
        fix=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['N']}.1"],
        harmful=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['N']}.1", f"route delete {v['C']}.0.0"],
        needless=_needless_route(v),
        cause=f'{b} has a default gateway on its NLB NIC ("{v["nlb"]}") too; that NIC has the lower metric, so the '
        "server's own connections to the management network leave by the NLB side, where the router "
        "has no way to it.",
        lesson="One default gateway per server; in an intranet NLB design it belongs on the private NIC.",
        hints=[
            "ipconfig /all: how many default gateways does the server have?",
            "route print: which 0.0.0.0 route has the lowest metric?",
            f'Remove the gateway on the NLB NIC ("{v["nlb"]}") (route delete 0.0.0.0 mask 0.0.0.0 <gateway>).',
        ],
        symptom_words=[f"{b} -> mon1"],
    )


def two_gateways(rng) -> Challenge:
    v, extra = _farm(rng, internet=True, nlb_gw=", gateways: [{N}.1]", nlb_speed=1000, priv_speed=10000)
    b = v["broken"]
    net = _farm_net(v, extra, *_farm_routes(v, []), "two-gateways")
    net = net.with_interface(b, "private", gateways=(Gateway(IPv4Address(f"{v['P']}.1")),))
    return _farm_challenge(
        v,
        net,
        kind="two-gateways",
        level=3,
        title="Updates fail on one web server",
        ticket=f"{b} has failed to download updates since the backup team 'added a gateway so the backup "
        "works'. Windows showed a warning when they saved, they clicked Yes.",
        fix=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['P']}.1", f"route -p add {v['M']}.0 mask 255.255.255.0 {v['P']}.1"],
        harmful=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['P']}.1"],
        needless=_needless_route(v),
        cause=f'Default gateways on two NICs in different subnets: the gateway of the private NIC ("{v["priv"]}") has the lower '
        "metric, so the server's own connections to the internet go to the private router, which has no "
        "way out. The management network needs a static route instead of a gateway.",
        lesson="Gateways on disjoint networks do not work: one default gateway, static routes for the rest.",
        hints=[
            "ipconfig /all: count the default gateways.",
            "Which network has the most destinations? That NIC keeps the gateway.",
            "Remove the private gateway and add a persistent route to the management network.",
        ],
        symptom_words=[f"{b} -> updates"],
        internet=True,
    )


def _switch_instead_of_route(
    rng,
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
    symptoms,
) -> Challenge:
    """A switch left on where a persistent route to the clients was the fix: the fix is the switch off
    and the route added. `ticket`, `cause` and `symptoms` are filled in from the variant."""
    v, extra = _farm(rng)
    net = _farm_net(v, extra, *_farm_routes(v, [v["routes"][1]]), kind)
    b = v["broken"]
    net = net.with_interface(b, nic, **{switch: True})
    label = {"nlb": v["nlb"], "private": v["priv"]}[nic]
    off = f'netsh interface ipv4 set interface "{label}" {switch}=disabled'
    route = f"route -p add {_mask16(v['C'])} {v['N']}.1"
    return _farm_challenge(
        v,
        net,
        kind=kind,
        level=level,
        title=title,
        ticket=ticket.format(b=b, **v),
        fix=[off, route],
        harmful=[off, route, f"route delete {v['D']}.0.0"],
        needless=_needless_route(v),
        cause=cause.format(**v),
        lesson=lesson,
        hints=hints,
        symptom_words=symptoms(net, b),
    )


def weakhostsend_wrong_nic(rng) -> Challenge:
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
            [f"pc1 -> {b} ", f"{b}: strong host"] + (["the cluster"] if _cluster_lands_on(net, b) else [])
        ),
    )


def forwarding_instead_of_route(rng) -> Challenge:
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


def dead_gateway_udp(rng) -> Challenge:
    lan, wan = _distinct(rng, 2, 1, 250)
    v = {
        "L": f"10.{lan}.{rng.randint(0, 255)}",
        "W": f"10.{wan}.{rng.randint(0, 255)}",
        "h": f"{rng.choice(HOST_NAMES)}{rng.randint(1, 40)}",
        "lan": rng.choice(LAN_LABELS),
    }
    net = parse_scenario(TWO_GATEWAYS.format(name="lab-dead-gateway", title="lab", **v), "<lab dead-gateway>")
    h = v["h"]
    flows = (
        Requirement(f"{h} -> s1 web (tcp 443)", Flow(h, f"{v['W']}.50", dport=443)),
        Requirement(f"{h} -> s1 syslog (udp 514)", Flow(h, f"{v['W']}.50", proto="udp", dport=514)),
        Requirement(f"{h} -> s2 backup (tcp 445)", Flow(h, f"{v['W']}.60", dport=445)),
    )
    return Challenge(
        kind="dead-gateway-udp",
        seed="",
        title="Web works, syslog does not",
        node=h,
        broken=net,
        flows=flows,
        ticket=f"{h} browses s1 fine, but s1 receives no syslog from it, and ping to s1 fails.",
        symptom=(flows[1].name,),
        fix=(f"route delete 0.0.0.0 mask 0.0.0.0 {v['L']}.1",),
        harmful=(
            f"route delete 0.0.0.0 mask 0.0.0.0 {v['L']}.1",
            f"route -p add {v['W']}.60 mask 255.255.255.255 {v['L']}.1",
        ),
        needless=f"route -p add 192.168.254.0 mask 255.255.255.0 {v['L']}.2",
        cause=f"The first default gateway {v['L']}.1 is down. Dead gateway detection moves TCP connections "
        "to the next gateway after retransmissions, but UDP and ping never trigger it.",
        lesson="Dead gateway detection is for TCP only; remove a dead gateway rather than rely on it.",
        hints=[
            "ipconfig /all: how many gateways, in which order?",
            "ping each gateway.",
            f"Remove the dead gateway {v['L']}.1 from the NIC.",
        ],
        level=2,
    )


def wrong_metric(rng) -> Challenge:
    a, b, s = _distinct(rng, 3, 1, 250)
    v = {
        "A": f"10.{a}.{rng.randint(0, 255)}",
        "B": f"192.168.{rng.randint(1, 250)}",
        "S": f"10.{s}.{rng.randint(0, 255)}",
        "h": f"{rng.choice(HOST_NAMES)}{rng.randint(1, 40)}",
        "lan_a": rng.choice(("LAN A", "Production", "Ethernet 1")),
        "lan_b": rng.choice(("LAN B", "Backup line", "Ethernet 2")),
    }
    v["metric_a"] = f", metric: {rng.choice((30, 40, 50))}"
    net = parse_scenario(TWO_NICS.format(name="lab-metric", title="lab", **v), "<lab metric>")
    h = v["h"]
    flows = (
        Requirement(f"{h} -> s3 file share (tcp 445)", Flow(h, f"{v['S']}.30", dport=445)),
        Requirement(f"{h} -> updates (tcp 443)", Flow(h, "198.51.100.80", dport=443)),
        Requirement(f"upd1 -> {h} backup line ({v['B']}.10)", Flow("upd1", f"{v['B']}.10", dport=443)),
    )
    return Challenge(
        kind="wrong-metric",
        seed="",
        title="The file share went away after a driver update",
        node=h,
        broken=net,
        flows=flows,
        ticket=f"Since the NIC driver update {h} cannot open the file share on s3; the internet still works.",
        symptom=(flows[0].name,),
        fix=(f'netsh interface ipv4 set interface "{v["lan_a"]}" metric=10',),
        harmful=(
            f'netsh interface ipv4 set interface "{v["lan_a"]}" metric=10',
            f"route delete 0.0.0.0 mask 0.0.0.0 {v['B']}.1",
        ),
        needless=f"route -p add 192.168.254.0 mask 255.255.255.0 {v['A']}.1",
        cause=f"The {v['lan_a']} NIC got a fixed interface metric higher than the backup line's automatic one, "
        "so the default route now leaves by the backup line, whose firewall only lets internet traffic out.",
        lesson="Between default gateways, the lowest route + interface metric wins (KB 299540's table).",
        hints=[
            "route print: compare the Metric column of the 0.0.0.0 routes.",
            "netsh interface ipv4 show interfaces lists each NIC's metric.",
            f'netsh interface ipv4 set interface "{v["lan_a"]}" metric=<lower than the backup line>',
        ],
        level=1,
    )


NETWORK_KINDS = {
    k.name: k
    for k in (
        Kind("missing-route", 1, lambda rng, s: missing_route(rng), "a missing persistent route on the NLB NIC"),
        Kind("wrong-metric", 1, lambda rng, s: wrong_metric(rng), "a wrong interface metric"),
        Kind("lost-after-reboot", 1, lambda rng, s: lost_after_reboot(rng), "a non-persistent route lost at a reboot"),
        Kind("inconsistent-node", 2, lambda rng, s: missing_db_route(rng), "one NLB node configured differently"),
        Kind("gateway-on-nlb-nic", 2, lambda rng, s: gateway_on_nlb_nic(rng), "a gateway on the NLB NIC (intranet)"),
        Kind("weakhostsend-wrong-nic", 2, lambda rng, s: weakhostsend_wrong_nic(rng), "weakhostsend on the wrong NIC"),
        Kind("dead-gateway-udp", 2, lambda rng, s: dead_gateway_udp(rng), "a dead first gateway with UDP traffic"),
        Kind("two-gateways", 3, lambda rng, s: two_gateways(rng), "default gateways on two NICs of different subnets"),
        Kind("forwarding", 3, lambda rng, s: forwarding_instead_of_route(rng), "forwarding where a route was enough"),
    )
}


def missing_skipassource(rng) -> Challenge:
    """nlb-source-address: the cluster IP picked as the source of a node's own connections."""
    for _ in range(20):
        a, c, e = _distinct(rng, 3, 20, 250)
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
        astray = [n for n in (w1, w2) if not trace(net, n, f"{db}.10", dport=1433, reply=True).reply.succeeded]
        if astray:
            break
    else:
        raise ValueError("no variant sends a reply astray")
    broken = rng.choice(astray)
    cluster = net.clusters[0].ip
    for other in (w1, w2):
        if other != broken:
            net = net.with_interface(other, "nlb", skip_as_source=(cluster,))
    flows = []
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
        hints=[
            "Which source address does the server use for its own connections? (Find-NetRoute, or think KB 969029)",
            "Compare the two nodes' addresses: netsh interface ipv4 show ipaddresses.",
            "Remove the cluster IP and add it back with skipassource=true, in one line joined by &&.",
        ],
        level=3,
    )


NETWORK_KINDS["skipassource"] = Kind(
    "skipassource",
    3,
    lambda rng, s: missing_skipassource(rng),
    "an NLB cluster address chosen as source (missing skipassource)",
)
