"""Exercise checks: scenario-declared checks, `labkit check`, and the minimal-switches exercise."""

import pytest
import yaml

from conftest import without_static_routes
from labkit.checks import Check, grade_switches, minimal_switch_sets, reply_accepted, run_check, with_switches
from labkit.cli import main
from labkit.model import trace
from labkit.scenario import SCENARIO_DIR, load_checks


def test_shipped_checks_pass_on_the_working_design():
    net, checks = load_checks("nlb-intranet")
    assert len(checks) == 3
    assert all(run_check(net, c).passed for c in checks)


def test_a_failing_check_says_what_is_right_what_is_wrong_and_a_hint():
    net, checks = load_checks("nlb-intranet")
    broken = without_static_routes()
    result = run_check(broken, checks[0])
    assert not result.passed
    assert "right so far: the request ends ACCEPTED" in result.message
    assert "still wrong: the reply ends STRONG_SEND_BLOCKED (expected ACCEPTED)" in result.message
    assert "hint: A reply from 10.10.0.100 may only leave by the NLB NIC" in result.message


def test_egress_check_tells_a_weakhostsend_fix_from_a_route_fix():
    net, checks = load_checks("nlb-intranet")
    egress = checks[1]
    broken = without_static_routes()
    member = trace(broken, "pc1", "10.10.0.100").last_hop.node
    weak = broken.with_interface(member, "nlb", weakhostsend=True)
    result = run_check(weak, egress)
    assert not result.passed and f"it leaves by {member}.private (expected {member}.nlb)" in result.message


def test_ftp_checks():
    net, checks = load_checks("ftp-nat-seed")
    results = [run_check(net, c) for c in checks]
    assert [r.passed for r in results] == [True, False]
    assert "still wrong: the FTP session ends in failure (expected success)" in results[1].message
    assert "right so far" not in results[1].message
    fixed, _ = load_checks("ftp-nat-ftps-fixed")
    assert run_check(fixed, checks[1]).passed


def test_labkit_check_exit_codes(capsys):
    assert main(["check", "nlb-intranet"]) == 0
    assert "3 passed, 0 failed" in capsys.readouterr().out
    assert main(["check", "ftp-nat-seed"]) == 1
    assert "1 passed, 1 failed" in capsys.readouterr().out
    assert main(["check", "nlb-internet"]) == 2
    assert "declares no checks" in capsys.readouterr().err


@pytest.mark.parametrize(
    "check,expected",
    [
        ({"name": "x", "expect": {"reply": "ACCEPTED"}}, "a flow check needs 'from' and 'to'"),
        (
            {"name": "x", "from": "pc9", "to": "10.10.0.100", "expect": {"reply": "ACCEPTED"}},
            "checks[0].from: no node 'pc9'",
        ),
        (
            {"name": "x", "from": "pc1", "to": "10.10.0.100", "expect": {"reply": "FINE"}},
            "checks[0].expect.reply: expected 'ACCEPTED'",
        ),
        (
            {"name": "x", "from": "pc1", "to": "10.10.0.100", "expect": {"egress": "web1"}},
            "checks[0].expect.egress: expected NODE.INTERFACE like web1.nlb, got 'web1'",
        ),
    ],
)
def test_bad_checks_are_one_line_errors(tmp_path, capsys, check, expected):
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["checks"] = [check]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err


# --- the minimal-switches exercise (the one the field notes leave to the reader) ----------------


def broken_member():
    net = without_static_routes()
    return net, trace(net, "pc1", "10.10.0.100").last_hop.node


def test_minimal_switch_sets_are_exactly_weakhostsend_or_forwarding_on_the_nlb_nic():
    net, member = broken_member()
    minimal = minimal_switch_sets(net, member, reply_accepted("pc1", "10.10.0.100"))
    assert set(minimal) == {frozenset({("nlb", "weakhostsend")}), frozenset({("nlb", "forwarding")})}


@pytest.mark.parametrize("answer", [{("nlb", "weakhostsend")}, {("nlb", "forwarding")}])
def test_each_minimal_answer_is_accepted(answer):
    net, member = broken_member()
    result = grade_switches(net, member, answer, reply_accepted("pc1", "10.10.0.100"))
    assert result.passed and "no switch in it can be left out" in result.message


def test_a_larger_answer_is_rejected_with_the_reason():
    net, member = broken_member()
    answer = {("nlb", "weakhostsend"), ("nlb", "weakhostreceive"), ("private", "forwarding")}
    result = grade_switches(net, member, answer, reply_accepted("pc1", "10.10.0.100"))
    assert not result.passed and "it works, but it is not minimal" in result.message
    assert (
        'weakhostreceive on "NLB NIC" lets that NIC accept packets for the addresses of every other NIC'
        in result.message
    )
    assert 'netsh interface ipv4 set interface "NLB NIC" weakhostreceive=disabled' in result.message


def test_an_answer_that_does_not_work_gets_a_hint():
    net, member = broken_member()
    result = grade_switches(net, member, {("private", "weakhostsend")}, reply_accepted("pc1", "10.10.0.100"))
    assert (
        not result.passed and "still does not arrive" in result.message and "owns the reply's source" in result.message
    )
    assert 'weakhostsend on "NLB NIC"' not in result.message  # the hint does not give the answer away


def test_with_switches_sets_exactly_the_given_switches():
    net, member = broken_member()
    node = with_switches(net, member, {("nlb", "forwarding")}).node(member)
    assert [(i.key, i.weakhostsend, i.weakhostreceive, i.forwarding) for i in node.interfaces] == [
        ("nlb", False, False, True),
        ("private", False, False, False),
    ]
    assert Check("x").name == "x"


@pytest.mark.parametrize(
    "answer,expected",
    [
        (None, "no answer yet"),
        (("NLB NIC", "weakhostsend"), 'right: weakhostsend on "NLB NIC" is enough'),
        ({("nlb", "weakHostSend")}, "right"),
        ({("wan", "weakhostsend")}, "there is no NIC 'wan'"),
        ({("nlb", "strong")}, "'strong' is not a switch"),
        ("nlb", "write the answer as a set of (NIC, switch) pairs"),
    ],
)
def test_switch_answers_in_any_reasonable_form(answer, expected):
    net, member = broken_member()
    assert expected in grade_switches(net, member, answer, reply_accepted("pc1", "10.10.0.100")).message


def test_forwarding_passes_but_the_narrower_switch_is_named():
    net, member = broken_member()
    result = grade_switches(net, member, {("nlb", "forwarding")}, reply_accepted("pc1", "10.10.0.100"))
    assert result.passed and "weakhostsend is the narrower choice" in result.message


def test_command_exercises_need_one_gateway_persistent_routes_and_the_same_method():
    from labkit.checks import grade_commands
    from labkit.scenario import load_scenario

    gw = load_scenario("gateway-choice")
    flows = [("H", "10.50.3.3"), ("H", "198.51.100.80")]
    good = ["route delete 0.0.0.0 mask 0.0.0.0 192.168.1.1", "route -p add 10.50.0.0 mask 255.255.0.0 192.168.1.1"]
    kwargs = dict(name="e", flows=flows, hint="h", right="r", one_default_gateway=True)
    assert grade_commands(gw, "H", good, **kwargs).passed
    two = grade_commands(
        gw,
        "H",
        [
            "route -p add 0.0.0.0 mask 0.0.0.0 192.168.2.1 metric 1",
            "route -p add 10.50.0.0 mask 255.255.0.0 192.168.1.1",
        ],
        **kwargs,
    )
    assert not two.passed and "keep one default gateway" in two.message
    temporary = grade_commands(gw, "H", [good[0], good[1].replace(" -p", "")], **kwargs)
    assert not temporary.passed and "disappears at the next restart" in temporary.message
    assert "no answer yet" in grade_commands(gw, "H", None, **kwargs).message
    assert "Windows refuses 'route add'" in grade_commands(gw, "H", "route add", **kwargs).message
    mixed = load_scenario("nlb-inconsistent-nodes")
    same = dict(name="e", flows=[("pc1", "10.10.0.100")], hint="h", right="r", like="web1")
    fixed = ["route -p add 10.20.0.0 mask 255.255.0.0 10.10.0.1", "route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1"]
    assert grade_commands(mixed, "web2", fixed, **same).passed
    gateway = grade_commands(mixed, "web2", ["route -p add 0.0.0.0 mask 0.0.0.0 10.10.0.1"], **same)
    assert not gateway.passed and "not configured like web1" in gateway.message
