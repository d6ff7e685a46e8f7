"""Type debt paid (issue 11 item 8): labkit.model.engine, walk, walk_state and middlebox_pass are off
pyproject.toml's debt lists (mypy holds them to the model's strict rule: every def typed), and so are
the scenario's build / read / write, labkit.views and the console widget; the firewall pass takes
the Direction vocabulary instead of strings."""

import inspect
import typing
from pathlib import Path

from labkit.model import Direction, trace
from labkit.model import middlebox_pass as passing
from labkit.model.middlebox_steps import FirewallVerdict
from labkit.scenario import load_scenario, shipped_scenarios

ROOT = Path(__file__).resolve().parent.parent
TYPED = ("labkit.model.engine", "labkit.model.walk", "labkit.model.walk_state", "labkit.model.middlebox_pass")
CHECKED = (
    "labkit.scenario.build",
    "labkit.scenario.read",
    "labkit.scenario.write",
    "labkit.views",
    "labkit.widgets.console",
)


def test_every_function_of_the_walk_modules_is_annotated():
    import importlib

    for name in TYPED:
        module = importlib.import_module(name)
        for fname, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != name:
                continue
            hints = typing.get_type_hints(function)
            assert "return" in hints, f"{name}.{fname}"
            params = [p for p in inspect.signature(function).parameters if p != "self"]
            assert set(params) <= set(hints), f"{name}.{fname}"


def test_the_firewall_pass_takes_a_direction_and_its_verdict_step_holds_one():
    assert typing.get_type_hints(passing.filter_packet)["direction"] is Direction
    verdicts = [
        step.detail
        for name in shipped_scenarios()
        for net in [load_scenario(name)]
        if any(n.firewall is not None for n in net.nodes)
        for start in [n.name for n in net.nodes if n.role.value == "host"][:2]
        for dst in [a.ip for n in net.nodes for a in n.addresses][:6]
        if not net.node(start).owns(dst) and not net.node(start).down
        for hop in _hops(net, start, dst)
        for step in hop.steps
        if isinstance(step.detail, FirewallVerdict) and step.detail.tracked is None
    ]
    assert verdicts, "a shipped scenario's firewall judged a packet"
    assert all(type(v.direction) is Direction for v in verdicts)


def _hops(net, start, dst):
    try:
        return trace(net, start, dst).hops
    except ValueError:  # a destination labkit does not trace (a network address, ...)
        return ()
