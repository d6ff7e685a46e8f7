"""What a learner-eye review of issue 11's result found, one regression test each."""

from __future__ import annotations

import subprocess
import sys

import pytest

import labkit
from labkit.cli import build_parser

SEED = str(labkit.shipped_file("cases", "dcdiag-seed.txt"))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labkit.cli", *args], capture_output=True, text=True, timeout=120)


def test_an_unreadable_functional_level_is_named_alone_not_as_a_contradiction():
    out = _cli("dcdiag", SEED, "--dfl", "2099")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "labkit: error: --dfl: expected a domain functional level (2000, 2003, 2008, 2008R2, 2012, 2012R2, "
        "2016, or the DomainMode text such as Windows2008R2Domain), got '2099'"
    )
    contradiction = _cli("dcdiag", SEED, "--dfl", "2003", "--sysvol", "dfsr")
    assert "do not fit together" in contradiction.stderr


def test_every_argument_of_every_command_says_what_it_is():
    parser = build_parser()
    silent = []
    for command, sub in parser._subparsers._group_actions[0].choices.items():  # type: ignore[union-attr]
        for action in sub._actions:
            if action.help is None and action.dest not in ("help", "action"):
                silent.append(f"{command} {action.dest}")
    assert silent == []


def test_a_working_ftp_session_repr_counts_its_steps():
    result = labkit.ftp_session(labkit.load_scenario("ftp-nat-seed"))
    assert repr(result).endswith(f": SUCCESS, {len(result.steps)} steps>")


def test_route_print_given_the_network_says_it_takes_a_node():
    net = labkit.load_scenario("nlb-intranet")
    with pytest.raises(
        labkit.LabkitError, match=r'^route_print takes a node, e\.g\. route_print\(net\.node\("web1"\)\)'
    ):
        labkit.route_print(net, "web1")  # type: ignore[arg-type]


def test_dir_and_help_show_the_public_names_and_where_to_start():
    assert [n for n in dir(labkit) if n.startswith("_") or n in ("importlib", "TYPE_CHECKING")] == []
    assert set(labkit.__all__) <= set(dir(labkit))
    assert labkit.__doc__ is not None and "Start here" in labkit.__doc__


def test_a_flow_and_a_reply_keyword_are_refused_together_not_silently_ignored():
    net = labkit.load_scenario("nlb-intranet")
    flow = labkit.Flow("pc1", "10.10.0.100")
    with pytest.raises(labkit.LabkitError, match="not both"):
        labkit.trace(net, flow, reply=False)
    assert labkit.trace(net, flow).reply is not None  # the Flow's own reply=True
    assert labkit.trace(net, "pc1", "10.10.0.100").reply is None


def test_a_network_and_a_node_show_a_short_summary_not_a_dataclass_dump():
    net = labkit.load_scenario("nlb-intranet")
    assert repr(net) == "<Network nlb-intranet: 5 nodes (web1, web2, core, pc1, db1), 1 NLB cluster(s)>"
    assert repr(net.node("web1")).startswith("<Node web1 (windows-2008r2, host): nlb 10.10.0.21/24")
    assert len(repr(net.node("web1"))) < 200


def test_an_unknown_node_is_a_kit_error_naming_the_nodes_without_extra_quotes():
    net = labkit.load_scenario("nlb-intranet")
    with pytest.raises(KeyError) as caught:
        net.node("Web1")
    assert isinstance(caught.value, labkit.LabkitError)
    assert str(caught.value) == "no node 'Web1' (nodes: web1, web2, core, pc1, db1)"


def test_the_routes_box_example_is_a_route_the_box_takes_on_every_shipped_node():
    from labkit.views import _parse_routes
    from labkit.widgets.host import _route_example

    for name in labkit.shipped_scenarios():
        for node in labkit.load_scenario(name).nodes:
            example = _route_example(node)
            routes, problems = _parse_routes(node, example)
            assert problems == [] and len(routes) == 1, (name, node.name, example, problems)
            assert routes[0].interface == node.interfaces[0].key
