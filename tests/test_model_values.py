"""The model's value types read what a learner types at construction, the kit's errors share one
base, and the model's kinds are typed values rather than text other code searches."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from ipaddress import IPv4Address

import pytest

import labkit
from labkit import load_scenario
from labkit.errors import LabkitError
from labkit.model import ftp_session, trace, validate_network
from labkit.model.console.route_print import route_print
from labkit.model.fields import FieldValueError
from labkit.model.ftp_protocol import FtpClientSettings, FtpServerSettings
from labkit.model.host import Gateway, Route

# --- 1. learner-typed values are converted or refused at construction ------------------------


@pytest.fixture(scope="module")
def net():
    return load_scenario("gateway-choice")


def test_a_gateway_typed_as_text_becomes_a_gateway_and_the_trace_runs(net):
    changed = net.with_interface("H", "fast", gateways=("10.99.0.1",))
    assert changed.node("H").interface("fast").gateways == (Gateway(IPv4Address("10.99.0.1")),)
    assert changed.with_interface("H", "fast", gateways="10.99.0.1") == changed
    assert changed.with_interface("H", "fast", gateways=(IPv4Address("10.99.0.1"),)) == changed
    trace(changed, "H", "8.8.8.8")
    validate_network(changed)


def test_a_metric_typed_as_digits_is_read_as_the_number_and_route_print_works(net):
    changed = net.with_interface("H", "fast", metric="5")
    assert changed.node("H").interface("fast").metric == 5
    assert changed.node("H").interface_metric("fast") == 5
    trace(changed, "H", "8.8.8.8")
    assert route_print(changed.node("H"))


@pytest.mark.parametrize("metric", ["fast", "5.5", 5.0, True, -1, 10_000, "٣", [5]])
def test_a_metric_that_is_not_a_whole_number_in_range_is_refused_in_one_line_naming_it(net, metric):
    with pytest.raises(FieldValueError) as caught:
        net.with_interface("H", "fast", metric=metric)
    message = str(caught.value)
    assert message.startswith("metric: expected a whole number from 0 to 9999") and "\n" not in message
    assert isinstance(caught.value, LabkitError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None, "on"])
def test_a_switch_takes_true_or_false_only_not_any_truthy_value(net, value):
    with pytest.raises(FieldValueError, match=r"^weakhostsend: expected True or False"):
        net.with_interface("H", "fast", weakhostsend=value)


def test_a_switch_takes_netsh_words_enabled_and_disabled(net):
    on = net.with_interface("H", "fast", weakhostsend="enabled")
    assert on.node("H").interface("fast").weakhostsend is True
    assert on.with_interface("H", "fast", weakhostsend="disabled").node("H").interface("fast").weakhostsend is False


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"gateways": ("10.99.0.300",)}, "gateways[0]"),
        ({"gateways": (None,)}, "gateways[0]"),
        ({"gateways": 5}, "gateways"),
        ({"addresses": ("10.0.0.1",)}, "addresses[0]"),
        ({"skip_as_source": ("nope",)}, "skip_as_source[0]"),
        ({"speed": "fast"}, "speed"),
        ({"index": 0}, "index"),
    ],
)
def test_other_interface_fields_are_refused_in_one_line_naming_the_field(net, changes, field):
    with pytest.raises(FieldValueError) as caught:
        net.with_interface("H", "fast", **changes)
    assert str(caught.value).startswith(f"{field}: expected") and "\n" not in str(caught.value)


def test_gateway_and_route_values_read_their_fields():
    assert Gateway("10.0.0.1", "7") == Gateway(IPv4Address("10.0.0.1"), 7)
    with pytest.raises(FieldValueError, match="^gateway metric: expected a whole number"):
        Gateway(IPv4Address("10.0.0.1"), "seven")
    route = Route(labkit.model.parse_destination("10.1.0.0/16"), "10.0.0.1", "lan", "3")
    assert route.gateway == IPv4Address("10.0.0.1") and route.metric == 3
    with pytest.raises(FieldValueError, match="^metric: expected"):
        Route(labkit.model.parse_destination("10.1.0.0/16"), None, "lan", None)


def test_ftp_client_ports_are_read_and_the_session_runs():
    net = load_scenario("ftp-lan")
    settings = FtpClientSettings(data_port="49153")
    assert settings.data_port == 49153 and settings == FtpClientSettings()
    assert ftp_session(net, settings=settings).outcome == ftp_session(net).outcome
    for bad in (0, 65536, "x", 1.5, True):
        with pytest.raises(FieldValueError, match="^data_port: expected a whole number from 1 to 65535"):
            FtpClientSettings(data_port=bad)
    with pytest.raises(FieldValueError, match="^port: expected"):
        FtpClientSettings(port="twenty-one")
    with pytest.raises(FieldValueError, match="^trust_pasv_address: expected True or False"):
        FtpClientSettings(trust_pasv_address="yes")


def test_ftp_server_settings_read_their_fields():
    assert FtpServerSettings(port="2121").port == 2121
    assert FtpServerSettings(external_address="203.0.113.5").external_address == IPv4Address("203.0.113.5")
    with pytest.raises(FieldValueError, match="^ccc: expected True or False"):
        FtpServerSettings(ccc="no")
    with pytest.raises(FieldValueError, match="^external_address: expected an IPv4 address"):
        FtpServerSettings(external_address="here")


# --- 2. every error the kit defines is a LabkitError, under a name of its own -----------------


def _kit_exceptions() -> list[type[Exception]]:
    """Every Exception subclass defined in labkit (a BaseException such as the kernel lab's
    Interrupted, a KeyboardInterrupt, is a signal, not an error)."""
    for module in pkgutil.walk_packages(labkit.__path__, "labkit."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found = {}
    for name, module in list(__import__("sys").modules.items()):
        if name == "labkit" or name.startswith("labkit."):
            for _, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, Exception) and value.__module__.startswith("labkit"):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def test_every_exception_class_defined_in_labkit_derives_from_labkit_error():
    errors = _kit_exceptions()
    assert len(errors) > 20  # the walk found the kit's errors, not an empty list
    assert [e.__qualname__ for e in errors if not issubclass(e, LabkitError)] == []


def test_no_two_kit_errors_share_a_name():
    names = [e.__name__ for e in _kit_exceptions()]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_the_renamed_errors_keep_the_bases_their_callers_catch():
    from labkit.labs import ChallengeError, challenge
    from labkit.labs.settings import SettingsError
    from labkit.labs.workshop import ChallengeWorkshopError
    from labkit.workshop.client import HubError

    for error in (ChallengeError, SettingsError, ChallengeWorkshopError):
        assert issubclass(error, ValueError)
    assert issubclass(HubError, RuntimeError)
    with pytest.raises(LabkitError, match="expected 1, 2 or 3"):
        challenge(4)


# --- 3. kinds are typed values, not text other code searches ----------------------------------

TWO_ROUTERS = """
name: x
nodes:
  H:
    interfaces:
      lan: {label: LAN, segment: lan, addresses: [10.10.0.21/24]}
  R1:
    role: router
    interfaces:
      lan: {segment: lan, addresses: [10.10.0.1/24]}
      remote: {segment: remote, addresses: [10.30.0.1/16]}
  R2:
    role: router
    interfaces:
      lan: {segment: lan, addresses: [10.10.0.2/24]}
      remote: {segment: remote, addresses: [10.30.0.2/16]}
  C:
    interfaces:
      lan: {segment: remote, addresses: [10.30.5.5/16], gateways: [10.30.0.1]}
"""


def test_each_remedy_with_commands_says_what_it_changes():
    from labkit.model import Remedy, RemedyKind
    from labkit.scenario import parse_scenario

    result = trace(parse_scenario(TWO_ROUTERS), "H", "10.30.5.5")
    assert [r.kind for r in result.remedies] == [RemedyKind.ROUTE]  # the two routers: the first that works
    assert Remedy("bring R1 up").kind is RemedyKind.ADVICE
    with pytest.raises(ValueError, match="RemedyKind"):
        Remedy("x", ("route add 10.0.0.0 mask 255.0.0.0 10.10.0.1",), "H")


def test_routes_are_told_apart_by_their_kind_not_by_their_command_text():
    from dataclasses import replace

    from labkit.model import Remedy, RemedyKind
    from labkit.model.remedies import tried_remedies
    from labkit.scenario import parse_scenario

    net = parse_scenario(TWO_ROUTERS)
    broken = trace(net, "H", "10.30.5.5")
    # Two equivalent routes, each given in its netsh form only (no "route " at the start).
    netsh = [
        Remedy(f"route via {via}", (f"netsh interface ipv4 add route 10.30.0.0/16 LAN {via}",), "H", RemedyKind.ROUTE)
        for via in ("10.10.0.1", "10.10.0.2")
    ]
    kept = tried_remedies(
        net, replace(broken, remedies=tuple(netsh)), lambda n: trace(n, "H", "10.30.5.5"), lambda t: t.accepted
    )
    assert [r.text for r in kept] == ["route via 10.10.0.1"]


def test_helper_events_have_a_typed_kind_and_ftp_steps_say_when_they_open_a_connection():
    from labkit.model.ftp_alg import HelperEvent, HelperEventKind

    result = ftp_session(load_scenario("ftp-nat-seed"))
    events = [e for step in result.steps for e in step.helpers]
    assert events and all(isinstance(e.kind, HelperEventKind) for e in events)
    assert HelperEvent("R", "blind", "x").kind is HelperEventKind.BLIND
    with pytest.raises(LabkitError, match="kind: expected one of other-port, blind"):
        HelperEvent("R", "blinded", "x")
    opening = [s for s in result.steps if s.opens_connection]
    assert opening and all(s.sent.startswith("connect to ") for s in opening)
    assert result.commands_and_codes()[0] == ("(connect)", "220")


def test_an_ftp_command_that_starts_with_connect_is_still_a_command():
    from dataclasses import replace

    result = ftp_session(load_scenario("ftp-lan"))
    user = next(n for n, s in enumerate(result.steps) if s.sent.startswith("USER"))
    steps = list(result.steps)
    steps[user] = replace(steps[user], sent="connectx anonymous")
    assert ("CONNECTX", "331") in replace(result, steps=tuple(steps)).commands_and_codes()


# --- 4. Outcome is Disposition plus one member -----------------------------------------------


def test_every_disposition_is_an_outcome_of_the_same_name_and_text_in_the_same_order():
    from labkit.model import Disposition, Outcome

    assert [m.name for m in Outcome] == ["ACCEPTED", "ACCEPTED_BY_WRONG_NODE"] + [
        d.name for d in Disposition if d is not Disposition.ACCEPTED
    ]
    assert all(Outcome[d.name] == d.value == Outcome(d.value) for d in Disposition)
    assert Outcome.__doc__.startswith("How a trace ended") and Outcome.__module__ == "labkit.model.trace"


def test_outcome_names_only_the_member_disposition_lacks_and_the_one_before_it():
    import ast

    tree = ast.parse(inspect.getsource(importlib.import_module("labkit.model.trace")))
    outcome = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Outcome")
    written = [t.id for n in outcome.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert written == ["ACCEPTED", "ACCEPTED_BY_WRONG_NODE"]
