"""Gateway faults: a default gateway on the wrong NIC or on two NICs, a dead first gateway
that only TCP gets past, and an interface metric that sends the default route the wrong way."""

from __future__ import annotations

import random
from ipaddress import IPv4Address

from ..model import Flow, Gateway, Protocol
from ..scenario import parse_scenario
from .farm import distinct, farm_challenge, farm_net, farm_routes, farm_variant, needless_route
from .templates import TWO_GATEWAYS, TWO_NICS
from .variant import Challenge, Requirement

HOST_NAMES = ("srv", "host", "fs", "app", "mgmt")
LAN_LABELS = ("Ethernet", "Local Area Connection", "LAN", "Team 1")


def gateway_on_nlb_nic(rng: random.Random) -> Challenge:
    v, extra = farm_variant(rng)
    net = farm_net(v, extra, v["routes"], v["routes"], "gateway-on-nlb-nic")
    b = v["broken"]
    net = net.with_interface(b, "nlb", gateways=(Gateway(IPv4Address(f"{v['N']}.1")),))
    return farm_challenge(
        v,
        net,
        kind="gateway-on-nlb-nic",
        level=2,
        title="The monitoring server lost one web server",
        ticket=f"The monitoring console shows {b} as 'agent not reporting' since someone 'tidied up' its NIC "
        "settings; the web site itself still works.",
        fix=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['N']}.1"],
        harmful=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['N']}.1", f"route delete {v['C']}.0.0"],
        needless=needless_route(v),
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


def two_gateways(rng: random.Random) -> Challenge:
    v, extra = farm_variant(rng, internet=True, nlb_gw=", gateways: [{N}.1]", nlb_speed=1000, priv_speed=10000)
    b = v["broken"]
    net = farm_net(v, extra, *farm_routes(v, []), "two-gateways")
    net = net.with_interface(b, "private", gateways=(Gateway(IPv4Address(f"{v['P']}.1")),))
    return farm_challenge(
        v,
        net,
        kind="two-gateways",
        level=3,
        title="Updates fail on one web server",
        ticket=f"{b} has failed to download updates since the backup team 'added a gateway so the backup "
        "works'. Windows showed a warning when they saved, they clicked Yes.",
        fix=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['P']}.1", f"route -p add {v['M']}.0 mask 255.255.255.0 {v['P']}.1"],
        harmful=[f"route delete 0.0.0.0 mask 0.0.0.0 {v['P']}.1"],
        needless=needless_route(v),
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


def dead_gateway_udp(rng: random.Random) -> Challenge:
    lan, wan = distinct(rng, 2, 1, 250)
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
        Requirement(f"{h} -> s1 syslog (udp 514)", Flow(h, f"{v['W']}.50", proto=Protocol.UDP, dport=514)),
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
        hints=(
            "ipconfig /all: how many gateways, in which order?",
            "ping each gateway.",
            f"Remove the dead gateway {v['L']}.1 from the NIC.",
        ),
        level=2,
    )


def wrong_metric(rng: random.Random) -> Challenge:
    a, b, s = distinct(rng, 3, 1, 250)
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
        hints=(
            "route print: compare the Metric column of the 0.0.0.0 routes.",
            "netsh interface ipv4 show interfaces lists each NIC's metric.",
            f'netsh interface ipv4 set interface "{v["lan_a"]}" metric=<lower than the backup line>',
        ),
        level=1,
    )
