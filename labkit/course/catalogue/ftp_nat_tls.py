"""Exercises of notebook 05 (FTP through NAT, TLS and load balancers)."""

from __future__ import annotations

from ...feedback import still_wrong
from ...model.middlebox import LbAffinity
from ..answers import choice, whole_number
from ..exercise import Exercise
from .common import shipped


def _announced_port():
    from ...model import ftp_session
    from ...model.ftp_protocol import parse_227

    session = ftp_session(shipped("ftp-nat-seed"))
    return parse_227(next(step for step in session.steps if step.sent.startswith("227")).sent)[1]


def _fix_grader():
    from ...checks import grade_ftp_fix
    from ...model import FtpClientSettings

    net = shipped("ftp-nat-seed")

    def grade(answer):
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            return False, still_wrong(
                "answer with two values, the external address and whether to forward the "
                'range, e.g. ("203.0.113.7", True)'
            )
        external_address, forward_range = answer
        result = grade_ftp_fix(
            net,
            FtpClientSettings(tls="explicit", trust_pasv_address=True),
            name="",
            external_address=external_address,
            forward_range=forward_range,
        )
        return result.passed, result.assessment

    return grade


def _affinity_that_works():
    from ...model import ftp_session
    from ...model.ftp_settings import with_ftp_settings

    def works(affinity: LbAffinity) -> bool:
        net, settings, _ = with_ftp_settings(farm, farm.ftp.settings, affinity=affinity)
        return ftp_session(net, settings=settings).succeeded

    farm = shipped("ftp-load-balancer")
    return next(a.value for a in LbAffinity if works(a))


def _working_ports():
    from ...model import ftp_session

    return ftp_session(shipped("ftp-nat-ftps-partial")).passive_ports.working_ports


HINT_2 = "the client needs the public address AND a way in for the data connection"

EXERCISES = (
    Exercise(
        "05.1",
        "exercise 1",
        "answer_1 = 203 * 256 + 8",
        hint="the last two numbers are the port's high and low byte",
        reader=whole_number(0, 65535),
        expected=_announced_port,
        why="port = p1 × 256 + p2 = 203 × 256 + 8 = 51976",
    ),
    Exercise(
        "05.2",
        "exercise 2",
        'external_address = "193.211.10.27"\nforward_range = True',
        hint=HINT_2,
        grader=_fix_grader,
    ),
    Exercise(
        "05.3",
        "exercise 3",
        'answer_3 = "client-ip"',
        hint="the data connection comes from the same client address, but from another port",
        reader=choice(*LbAffinity.values()),
        expected=_affinity_that_works,
        why="with client-IP affinity the balancer picks the backend from the client's address only",
    ),
    Exercise(
        "05.4",
        "exercise 4",
        "answer_4 = 51987 - 51976 + 1",
        hint="count the ports the firewall forwards that are also in the server's range",
        reader=whole_number(0, 65535),
        expected=_working_ports,
        why="only the forwarded ports 51976-51987 work: 12 of the 24",
    ),
)
