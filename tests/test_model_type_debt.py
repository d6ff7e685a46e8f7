"""The labkit.model type debt paid off (issue 11, item 8): the modules typed in this change stay
off pyproject.toml's debt lists (mypy then holds them to the model's strict rule), and a node's
FTP server and a network's FTP session have their real types instead of `object`."""

import tomllib
import typing
from pathlib import Path

import pytest

from labkit.model import Network, Node
from labkit.model.ftp_fixes import watch_port
from labkit.model.ftp_protocol import FtpServerSettings, FtpSetup
from labkit.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
TYPED = (
    "labkit.model.addressing",
    "labkit.model.commands",
    "labkit.model.ftp",
    "labkit.model.ftp_alg",
    "labkit.model.ftp_data",
    "labkit.model.ftp_fixes",
    "labkit.model.ftp_play",
    "labkit.model.ftp_ports",
    "labkit.model.ftp_protocol",
    "labkit.model.ftp_result",
    "labkit.model.ftp_risks",
    "labkit.model.host",
    "labkit.model.netsh",
    "labkit.model.netsh_syntax",
    "labkit.model.network",
    "labkit.model.nlb",
    "labkit.model.nlb_cluster",
    "labkit.model.problems",
    "labkit.model.route_edits",
    "labkit.model.setting_commands",
    "labkit.model.trace",
    "labkit.model.validation",
)


def test_ftp_server_and_ftp_session_have_their_real_types():
    assert typing.get_type_hints(Node)["ftp_server"] == FtpServerSettings | None
    assert typing.get_type_hints(Network)["ftp"] == FtpSetup | None


def test_a_fix_for_a_part_the_node_lacks_names_the_node_and_the_part():
    net = load_scenario("ftp-nat-seed")
    bare = next(n.name for n in net.nodes if n.ftp_helper is None)
    with pytest.raises(ValueError, match=f"{bare} has no ftp_helper"):
        watch_port(net, net.ftp.settings, bare, 2121)
