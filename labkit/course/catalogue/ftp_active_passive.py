"""Exercises of notebook 04 (FTP active and passive)."""

from __future__ import annotations

from ...model.ftp_protocol import FtpMode
from ..answers import choice, whole_number
from ..exercise import Exercise
from .common import shipped


def _data_opener():
    from ...model import FtpClientSettings, ftp_session

    active = ftp_session(shipped("ftp-lan"), settings=FtpClientSettings(mode="active"))
    return next(step for step in active.steps if step.channel == "data").sender


def _port_of_the_port_command():
    from ...model.ftp_protocol import parse_port_argument

    return parse_port_argument("10,0,0,5,192,1")[1]


def _mode_through_home_nat():
    from ...model import FtpClientSettings, ftp_session
    from ...model.ftp_settings import with_ftp_settings

    def works(mode: FtpMode) -> bool:
        net, settings, _ = with_ftp_settings(home, FtpClientSettings(mode=mode), helper=False)
        return ftp_session(net, settings=settings).succeeded

    home = shipped("ftp-active-client-nat")
    return next(mode.value for mode in (FtpMode.ACTIVE, FtpMode.PASSIVE) if works(mode))


EXERCISES = (
    Exercise(
        "04.1",
        "exercise 1",
        'answer_1 = "server"',
        hint="PORT tells the other side where to connect",
        reader=choice("server", "client"),
        expected=_data_opener,
        why="in active mode the client says where it listens (PORT) and the server connects to it",
    ),
    Exercise(
        "04.2",
        "exercise 2",
        "answer_2 = 192 * 256 + 1",
        hint="the last two numbers are the port's high and low byte",
        reader=whole_number(0, 65535),
        expected=_port_of_the_port_command,
        why="port = p1 × 256 + p2 = 192 × 256 + 1 = 49153",
    ),
    Exercise(
        "04.3",
        "exercise 3",
        'answer_3 = "passive"',
        hint="which mode needs a connection *into* the home network?",
        reader=choice(FtpMode.ACTIVE.value, FtpMode.PASSIVE.value),
        expected=_mode_through_home_nat,
        why="in passive mode the client opens both connections, so its own NAT needs no help",
    ),
)
