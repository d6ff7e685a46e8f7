"""Issue 13, item 3: the learner's loop — changes made with real commands, graded after a restart,
commands that would not run on that server's OS refused, hints in steps, attempts, time and
commands kept in the learner's local progress."""

from __future__ import annotations

import pytest

import labkit
from labkit.course.store import load_progress
from labkit.labs.grading import grade


@pytest.fixture
def progress(tmp_path, monkeypatch):
    path = tmp_path / ".labkit-progress.json"
    monkeypatch.setenv("LABKIT_PROGRESS", str(path))
    return path


def test_a_route_without_p_is_gone_after_the_restart_and_fails_the_check():
    lab = labkit.challenge("missing-route", seed="Eve")
    grade_now = grade(lab, [lab.fix[0].replace("route -p add", "route add")])
    assert not grade_now.passed and "the symptom is still there" in grade_now.message


def test_a_cmdlet_the_servers_os_lacks_would_not_run_on_the_real_server():
    lab = labkit.challenge("missing-route", seed="Eve")
    words = lab.fix[0].split()  # route -p add NET mask MASK GW
    cmdlet = f"New-NetRoute -DestinationPrefix {words[3]}/16 -InterfaceAlias 'x' -NextHop {words[6]}"
    result = grade(lab, [cmdlet])
    assert not result.passed and "would not run on the real server" in result.message
    assert "not recognized" in result.message  # Windows Server 2008 R2's PowerShell 2 has no NetTCPIP cmdlets


def test_a_diagnostic_command_in_the_answer_is_called_out_as_no_change():
    lab = labkit.challenge("wrong-metric", seed="Eve")
    result = grade(lab, ["route print", *lab.fix])
    assert not result.passed and "'route print' changed nothing" in result.message


def test_the_console_widget_itself_is_an_answer():
    lab = labkit.challenge("dead-gateway-udp", seed="Eve")
    console = lab.console()
    console.run("ipconfig /all")
    for line in lab.fix:
        console.run(line)
    assert grade(lab, console).passed


def test_settings_lines_say_what_is_expected_and_what_the_ticket_lets_you_change():
    lab = labkit.challenge("ftp-trusting-client", seed="Eve")
    assert "you may change only client" in grade(lab, ["iis external-address 198.51.100.9"]).message
    other = labkit.challenge("ftp-passive-range", seed="Eve")
    assert "FIRST-LAST" in grade(other, ["firewall forward lots"]).message


def test_hints_come_in_steps_and_attempts_time_and_commands_are_kept(progress, capsys):
    lab = labkit.challenge("gateway-on-nlb-nic", seed="Frank")
    assert "Hints come after an attempt" in lab.hint()
    assert not lab.check(["route -p add 192.168.254.0 mask 255.255.255.0 " + lab.fix[0].split()[-1]]).passed
    assert "hint 1:" in capsys.readouterr().out and "hint 2:" not in lab.hint()
    lab.check(["route print"])
    assert "hint 2:" in lab.hint()
    assert lab.check(list(lab.fix)).passed
    entry = load_progress(progress).get(lab.key)
    assert entry.tries == 3 and entry.passed and entry.seed == "Frank"
    assert entry.commands == lab.fix and entry.seconds is not None and entry.seconds >= 0
    lab.check(["route print"])  # a later failed try keeps the passing commands
    assert load_progress(progress).get(lab.key).commands == lab.fix


def test_a_diagnosis_only_case_is_recorded_too(progress):
    lab = labkit.challenge("case-restore", seed="Gina")
    assert lab.check(lab.fix[0]).passed
    assert load_progress(progress).get(lab.key).commands == (lab.fix[0],)
