"""The fault library: every kind a learner can be given, with its level and what it is. For
each kind a builder (in the module of its family) makes the broken variant, the ticket a user
would write, the root cause, the intended (minimal) fix and the field notes' lesson it trains.

A builder takes the variant's random source and returns a Challenge; `labkit.labs.build`
then proves it broken as intended and fixable by the intended fix before handing it out.

    farm.py            the NLB web farm most faults start from
    route_faults.py    persistent routes          gateway_faults.py  gateways and metrics
    host_faults.py     strong/weak host switches  nlb_faults.py      the NLB cluster's source address
    ftp_faults.py      FTP settings               cases.py           diagnosis-only case files
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import cases, ftp_faults
from .gateway_faults import dead_gateway_udp, gateway_on_nlb_nic, two_gateways, wrong_metric
from .host_faults import forwarding_instead_of_route, weakhostsend_wrong_nic
from .nlb_faults import missing_skipassource
from .route_faults import lost_after_reboot, missing_db_route, missing_route
from .variant import Challenge


@dataclass(frozen=True)
class Kind:
    name: str
    level: int
    build: Callable[[random.Random, str], Challenge]
    summary: str


LIBRARY: dict[str, Kind] = {
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
        Kind(
            "skipassource",
            3,
            lambda rng, s: missing_skipassource(rng),
            "an NLB cluster address chosen as source (missing skipassource)",
        ),
        Kind(
            "ftp-external-address",
            2,
            lambda rng, s: ftp_faults.external_address(rng),
            "FTP external address not set behind NAT",
        ),
        Kind("ftp-passive-range", 2, lambda rng, s: ftp_faults.passive_range(rng), "passive range not forwarded"),
        Kind(
            "ftp-trusting-client",
            3,
            lambda rng, s: ftp_faults.trusting_client(rng),
            "a client that trusts 227 behind a TLS-blind helper",
        ),
        Kind(
            "ftp-lb-affinity",
            3,
            lambda rng, s: ftp_faults.lb_affinity(rng),
            "a load balancer without client-IP affinity",
        ),
        Kind("case-dcdiag", 2, lambda rng, s: cases.dcdiag_case(rng), "diagnosis only: the DCDIAG phantom error"),
        Kind("case-restore", 2, lambda rng, s: cases.restore_case(rng), "diagnosis only: a bare-metal restore"),
    )
}
