"""The FTP faults: a shipped FTP scenario, its addresses rewritten for the variant, one setting
broken. The fixes are settings (IIS, the firewall, the client, the balancer), see settings.py."""

from __future__ import annotations

import random
from dataclasses import replace

from ..model import FtpClientSettings, FtpMode, TlsMode, ftp_session
from .templates import shipped_variant
from .variant import Challenge, Requirement

FTPS = FtpClientSettings(mode=FtpMode.PASSIVE, tls=TlsMode.EXPLICIT)
OLD_FTPS = replace(FTPS, trust_pasv_address=True)


def _nat_variant(rng: random.Random, *, external: bool, forwarded: bool):
    lan, host, public = rng.randint(2, 250), rng.randint(20, 99), rng.randint(10, 99)
    start = rng.randrange(50000, 60000, 10)
    v = {
        "lan": f"192.168.{lan}",
        "server": f"192.168.{lan}.{host}",
        "public": f"198.51.100.{public}",
        "range": f"{start}-{start + 19}",
    }
    net = shipped_variant(
        "ftp-nat-seed",
        {
            "192.168.1.32": v["server"],
            "192.168.1.": f"{v['lan']}.",
            "193.211.10.27": v["public"],
            "193.211.10.": "198.51.100.",
            "51976-51999": v["range"],
        },
    )
    from .settings import _forward

    if forwarded:
        net = _forward(net, "fw", "ftpsrv", v["range"], "setup")
    if external:
        node = net.node("ftpsrv")
        from ipaddress import IPv4Address

        net = net.with_node(
            replace(node, ftp_server=replace(node.ftp_server, external_address=IPv4Address(v["public"])))
        )
    return v, net


def _ftp_flows(old: bool = True, modern: bool = True) -> tuple[Requirement, ...]:
    flows = []
    if old:
        flows.append(Requirement("the partner's FTPS job (trusts the 227 address)", ftp=OLD_FTPS))
    if modern:
        flows.append(Requirement("a modern FTPS client (FileZilla)", ftp=FTPS))
    flows.append(Requirement("transfers stay encrypted (FTPS)", ftp=FTPS, encrypted=True))
    return tuple(flows)


HARM = "client tls none"


def _ftp(kind, level, title, ticket, net, flows, symptom, fix, cause, lesson, hints, owners, firewall="fw"):
    return Challenge(
        kind=kind,
        seed="",
        title=title,
        ticket=ticket,
        node="",
        broken=net,
        flows=flows,
        symptom=symptom,
        fix=tuple(fix),
        harmful=tuple(fix) + (HARM,),
        needless="client timeout 120",
        cause=cause,
        lesson=lesson,
        hints=tuple(hints),
        level=level,
        settings=True,
        extra={"owners": owners + ("client",) if "client" not in owners else owners, "firewall": firewall},
    )


def external_address(rng) -> Challenge:
    v, net = _nat_variant(rng, external=False, forwarded=True)
    flows = _ftp_flows()
    return _ftp(
        "ftp-external-address",
        2,
        "A partner's FTPS upload hangs after login",
        f"Our partner's nightly FTPS job to {v['public']} logs in, then hangs at the directory listing. "
        "Plain FTP worked last year.",
        net,
        flows,
        (flows[0].name,),
        [f"iis external-address {v['public']}"],
        f"Under TLS the firewall's FTP helper cannot read the 227 reply, so the server's private address "
        f"{v['server']} reaches a client that dials whatever 227 says. The server must announce its "
        "public address itself.",
        "Behind NAT with FTPS, set the server's external address (IIS: External IP Address of Firewall).",
        [
            "Play the session: what address does the 227 reply carry?",
            "Who can rewrite that reply when it is encrypted?",
            "iis external-address <the address the client dials>",
        ],
        ("iis", "firewall"),
    )


def passive_range(rng) -> Challenge:
    v, net = _nat_variant(rng, external=True, forwarded=False)
    flows = _ftp_flows()
    return _ftp(
        "ftp-passive-range",
        2,
        "FTPS lists nothing since TLS was switched on",
        f"Since we switched on FTP over TLS, every client connects to {v['public']}, logs in and times out "
        "at the listing.",
        net,
        flows,
        (flows[0].name, flows[1].name),
        [f"firewall forward {v['range']}"],
        f"The server announces {v['public']} and a passive port in {v['range']}, but the firewall forwards "
        "only port 21, and its FTP helper is blind under TLS, so nothing opens the data port.",
        "With FTPS, forward a small passive range and give the server that same range.",
        [
            "Which port does the data connection go to?",
            "Is that port forwarded on the firewall?",
            "firewall forward <the server's passive range>",
        ],
        ("iis", "firewall"),
    )


def trusting_client(rng) -> Challenge:
    v, net = _nat_variant(rng, external=False, forwarded=True)
    flows = (
        Requirement("our nightly FTPS download (ftplib script)", ftp=OLD_FTPS),
        Requirement("transfers stay encrypted (FTPS)", ftp=FTPS, encrypted=True),
    )
    return _ftp(
        "ftp-trusting-client",
        3,
        "Our download script hangs; FileZilla works",
        f"The scheduled script that downloads from the supplier's server {v['public']} over FTPS hangs at "
        "the listing; FileZilla on the same PC works. The supplier will not change anything.",
        net,
        flows,
        (flows[0].name,),
        ["client passive-address control"],
        f"The supplier's server announces its private address {v['server']} in 227, its firewall's helper "
        "cannot fix an encrypted reply, and our script dials the address in 227 (old ftplib, curl <= 7.73).",
        "A client behind a TLS-blind helper should dial the control connection's address, not the 227 one.",
        [
            "Compare what FileZilla and the script do with the 227 reply.",
            "Which of them dials the address inside 227?",
            "client passive-address control",
        ],
        ("client",),
    )


def lb_affinity(rng) -> Challenge:
    front = rng.randint(2, 250)
    start = rng.randrange(50000, 60000, 20)
    mapping = {
        "10.0.1.": f"10.{front}.1.",
        "203.0.113.80": f"203.0.113.{rng.randint(60, 99)}",
        "50000-50019": f"{start}-{start + 19}",
    }
    net = shipped_variant("ftp-load-balancer", mapping)
    base = FTPS
    for port in rng.sample(range(49152, 65000), 400):  # a client port that lands the data elsewhere
        settings = replace(base, data_port=port)
        if not ftp_session(net, settings=settings, check_fixes=False).succeeded:
            base = settings
            break
    flows = (
        Requirement("customers' FTPS sessions", ftp=base),
        Requirement("transfers stay encrypted (FTPS)", ftp=base, encrypted=True),
    )
    return _ftp(
        "ftp-lb-affinity",
        3,
        "One FTP login in two lists nothing",
        "Since the FTP farm moved behind the new load balancer, about half of the listings fail; a retry often works.",
        net,
        flows,
        (flows[0].name,),
        ["balancer affinity client-ip"],
        "The balancer places each connection on its own, so the data connection can land on the server "
        "that did not send the 227 reply.",
        "FTP through a load balancer needs client-IP affinity (control and data on one server).",
        [
            "Which server answered PASV, and which one got the data connection?",
            "What keeps a client on one backend?",
            "balancer affinity client-ip",
        ],
        ("balancer",),
        firewall="",
    )
