"""One check model (issue 11 item 5): check kinds with run(net), declared in a scenario file as a
discriminated union, one feedback formatter for every grader, results that show themselves in a
notebook, grading that imports no view layer, and expected answers kept in labkit."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

import labkit
from conftest import without_static_routes
from labkit.checks import (
    Check,
    CheckResult,
    FlowCheck,
    FtpCheck,
    ReplyCheck,
    grade_commands,
    grade_ftp_fix,
    grade_source_address,
    grade_switches,
    reply_accepted,
    run_checks,
)
from labkit.course.exercise import Feedback
from labkit.feedback import not_answered, not_minimal, right, still_wrong
from labkit.labs.grading import Grade
from labkit.model import Flow, FtpClientSettings, trace
from labkit.scenario import SCENARIO_DIR, ScenarioError, load_checks

ROOT = Path(__file__).resolve().parent.parent


# --- each kind's run(net) ------------------------------------------------------------------------


def test_a_flow_check_grades_where_the_request_ends():
    net = labkit.load_scenario("nlb-intranet")
    ok = FlowCheck("to-cluster", flow=Flow("pc1", "10.10.0.100"), disposition="ACCEPTED")
    assert ok.run(net) == CheckResult(ok, True, right("the request ends ACCEPTED"))
    assert ok.run(net).message == "right: the request ends ACCEPTED"
    wrong = FlowCheck("to-nowhere", flow=Flow("pc1", "10.99.0.1"), disposition="ACCEPTED", hint="look at the routes")
    result = wrong.run(net)
    assert not result.passed
    assert result.message.startswith("still wrong: the request ends NO_ROUTE (expected ACCEPTED): ")
    assert result.message.endswith(" — hint: look at the routes")


def test_a_reply_check_grades_the_answer_and_the_nic_it_leaves_by():
    broken = without_static_routes()
    member = trace(broken, "pc1", "10.10.0.100").last_hop.node
    reply = ReplyCheck(
        "answer",
        flow=Flow("pc1", "10.10.0.100"),
        reply="ACCEPTED",
        disposition="ACCEPTED",
        fail_text="pc1 gets no answer.",
    )
    result = reply.run(broken)
    assert result.message.startswith(
        "pc1 gets no answer. — right so far: the request ends ACCEPTED — still wrong: "
        "the reply ends STRONG_SEND_BLOCKED (expected ACCEPTED)"
    )
    weak = broken.with_interface(member, "nlb", weakhostsend=True)
    egress = ReplyCheck("by the NLB NIC", flow=Flow("pc1", "10.10.0.100"), egress=f"{member}.nlb")
    assert egress.run(weak).message == f"still wrong: it leaves by {member}.private (expected {member}.nlb)"
    assert egress.run(labkit.load_scenario("nlb-intranet")).passed


def test_a_reply_check_traces_the_reply_even_when_its_flow_says_not_to():
    check = ReplyCheck("answer", flow=Flow("pc1", "10.10.0.100", reply=False), reply="ACCEPTED")
    assert check.run(labkit.load_scenario("nlb-intranet")).message == "right: the reply ends ACCEPTED"


def test_a_flow_that_cannot_be_traced_is_a_failed_check_not_an_exception():
    check = FlowCheck("x", flow=Flow("pc9", "10.10.0.100"), disposition="ACCEPTED")
    result = check.run(labkit.load_scenario("nlb-intranet"))
    assert not result.passed and result.message.startswith("the flow cannot be traced: no node 'pc9'")


def test_an_ftp_check_grades_how_the_session_ends():
    net = labkit.load_scenario("ftp-nat-seed")
    plain = FtpCheck("plain", outcome="success")
    assert plain.run(net).message == "right: the FTP session ends in success"
    tls = FtpCheck("tls", outcome="success", settings=FtpClientSettings(tls="explicit", trust_pasv_address=True))
    assert tls.run(net).message.startswith("still wrong: the FTP session ends in failure (expected success): ")
    no_ftp = FtpCheck("none", outcome="success").run(labkit.load_scenario("nlb-intranet"))
    assert not no_ftp.passed and no_ftp.message.startswith("the FTP session cannot start")


def test_the_base_check_grades_nothing():
    with pytest.raises(TypeError, match="grades nothing"):
        Check("x").run(labkit.load_scenario("nlb-intranet"))


def test_the_shipped_checks_load_as_their_kinds_and_print_as_before():
    kinds = {}
    for name in ("nlb-intranet", "nlb-unicast-single-nic", "nlb-three-nics-one-gateway", "ftp-nat-seed"):
        net, checks = load_checks(name)
        kinds.update({c.name: type(c).__name__ for c in checks})
        assert all(r.check is c for r, c in zip(run_checks(net, checks), checks))
    assert kinds["pc-gets-answers"] == "ReplyCheck" and kinds["passive-ftp-works"] == "FtpCheck"
    assert "FlowCheck" in kinds.values()
    net, checks = load_checks("nlb-intranet")
    assert [str(r) for r in run_checks(net, checks)][
        2
    ] == "[PASS] database-gets-answers: right: the reply ends ACCEPTED"


# --- the scenario file: a discriminated union -----------------------------------------------------


def _write(tmp_path, checks) -> Path:
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["checks"] = checks
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_kind_may_be_written_or_left_out(tmp_path):
    flow = {"name": "a", "from": "pc1", "to": "10.10.0.100", "expect": {"disposition": "ACCEPTED"}}
    reply = {"name": "b", "from": "pc1", "to": "10.10.0.100", "expect": {"egress": "web1.nlb"}}
    written = [dict(flow, kind="flow"), dict(reply, kind="reply")]
    _, inferred = load_checks(_write(tmp_path, [flow, reply]))
    _, explicit = load_checks(_write(tmp_path, written))
    assert inferred == explicit and [type(c) for c in inferred] == [FlowCheck, ReplyCheck]


@pytest.mark.parametrize(
    "check,expected",
    [
        (
            {"name": "x", "kind": "tcp", "from": "pc1", "to": "10.10.0.100", "expect": {"reply": "ACCEPTED"}},
            "checks[0].kind: expected one of flow, reply, ftp, got 'tcp'",
        ),
        (
            {"name": "x", "kind": ["flow"], "expect": {}},
            "checks[0].kind: expected one of flow, reply, ftp, got ['flow']",
        ),
        (
            {"name": "x", "from": "pc1", "to": "10.10.0.100", "expect": {"ftp": "success"}},
            "checks[0].from: unknown key (allowed here: name, description, pass, fail, hint, kind, ftp, expect)",
        ),
        (
            {"name": "x", "kind": "flow", "from": "pc1", "to": "10.10.0.100", "expect": {"reply": "ACCEPTED"}},
            "checks[0].expect.reply: unknown key (allowed here: disposition)",
        ),
        (
            {"name": "x", "from": "pc1", "to": "10.10.0.100", "expect": {"dispositon": "ACCEPTED"}},
            "checks[0].expect.dispositon: unknown key (did you mean 'disposition'?",
        ),
        ({"name": "x", "from": "pc1", "to": "10.10.0.100", "expect": {}}, "checks[0].expect.disposition: required key"),
        ({"name": "x", "expect": {"ftp": "sucess"}}, "checks[0].expect.ftp: expected 'success' or 'failure'"),
        (
            {"name": "x", "from": "pc1", "to": "10.10.0.100", "expect": {"reply": "FINE"}},
            "checks[0].expect.reply: expected",
        ),
        ("pc1 -> cluster", "checks[0]: expected a mapping"),
    ],
)
def test_union_errors_are_one_line_naming_file_and_key(tmp_path, check, expected):
    path = _write(tmp_path, [check])
    with pytest.raises(ScenarioError) as caught:
        load_checks(path)
    message = str(caught.value).splitlines()[0]
    assert str(path) in message and expected in message, message
    assert (
        "flow." not in message.split(str(path))[1] and "reply." not in message.split(str(path))[1]
    )  # no tag in the key


def test_a_learners_file_without_kind_keeps_loading(tmp_path):
    old_style = [
        {
            "name": "answers",
            "from": "pc1",
            "to": "10.10.0.100",
            "expect": {"disposition": "ACCEPTED", "reply": "ACCEPTED"},
            "pass": "fine",
            "fail": "no",
            "hint": "routes",
        }
    ]
    _, (check,) = load_checks(_write(tmp_path, old_style))
    assert check == ReplyCheck(
        "answers", "", "fine", "no", "routes", flow=Flow("pc1", "10.10.0.100"), reply="ACCEPTED", disposition="ACCEPTED"
    )


# --- one feedback formatter ---------------------------------------------------------------------------


def test_the_formatter_says_right_still_wrong_hint_and_not_answered():
    assert str(right("it works")) == "right: it works"
    assert str(still_wrong("no route")) == "still wrong: no route"
    assert (
        str(still_wrong("no route", "look at the table", right_so_far="the request arrives", lead="Broken."))
        == "Broken. — right so far: the request arrives — still wrong: no route — hint: look at the table"
    )
    assert str(not_answered("start here")) == "no answer yet — hint: start here"
    assert (
        str(not_answered("investigate first", what="changes", labelled=False)) == "no changes yet — investigate first"
    )
    assert str(not_minimal("x", "it costs")) == "it works, but it is not minimal: leave out x — it costs"


def test_every_grader_speaks_through_the_formatter():
    net = labkit.load_scenario("nlb-intranet")
    broken = without_static_routes()
    member = trace(broken, "pc1", "10.10.0.100").last_hop.node
    works = reply_accepted("pc1", "10.10.0.100")
    assert grade_switches(broken, member, None, works).assessment == not_answered(
        "start from the NIC that owns the reply's source address"
    )
    assert grade_commands(
        net, "web1", [], name="", flows=[("pc1", "10.10.0.100")], hint="h", right="r"
    ).assessment == not_answered("h")
    assert grade_commands(
        net, "web1", [], name="", flows=[Flow("pc1", "10.10.0.100")], hint="h", right="r"
    ) == grade_commands(net, "web1", [], name="", flows=[("pc1", "10.10.0.100")], hint="h", right="r")
    assert grade_source_address(net, "web1", "10.30.0.10", "x", name="").assessment == still_wrong(
        "'x' is not an IPv4 address",
        "look at the outgoing NIC's addresses and count the leading bits each shares with the next hop",
    )
    ftp = labkit.load_scenario("ftp-nat-seed")
    assert grade_ftp_fix(
        ftp, FtpClientSettings(), external_address=None, forward_range=None, name=""
    ).assessment == not_answered("the client needs the public address AND a way in for the data connection")
    from labkit.labs.grading import grade

    assert grade(labkit.challenge("missing-route", seed="ada"), None).assessment == not_answered(
        "investigate with the console, then list the commands you used", what="changes", labelled=False
    )
    exercise = labkit.course.exercises()["01.1"]
    assert exercise.grade(None).assessment == not_answered(exercise.hint)
    assert exercise.grade("NO_ROUTE").assessment == still_wrong("you answered 'NO_ROUTE'", exercise.hint)


def test_the_grading_modules_build_no_feedback_text_of_their_own():
    """'right: ', 'still wrong: ', 'hint: ' and 'no answer yet' are written in labkit/feedback.py only."""
    graders = [
        ROOT / p
        for p in (
            "labkit/checks/kinds.py",
            "labkit/checks/exercises.py",
            "labkit/course/exercise.py",
            "labkit/labs/grading.py",
        )
    ] + sorted((ROOT / "labkit/course/catalogue").glob("*.py"))
    for path in graders:
        text = path.read_text()
        for phrase in ('"right: ', '"still wrong: ', 'f"still wrong: ', "— hint: ", '"no answer yet', "right so far: "):
            assert phrase not in text, f"{path} writes {phrase!r} itself"


# --- results show themselves --------------------------------------------------------------------------


def test_results_have_a_short_repr_and_escaped_html():
    check = Check("<b>x</b>")
    failed = CheckResult(check, False, still_wrong("a < b & c", "try <this>", right_so_far="one"))
    assert repr(failed) == "<CheckResult <b>x</b>: still wrong>"
    shown = failed._repr_html_()
    assert "<b>x</b>" not in shown and "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "a &lt; b &amp; c" in shown and "try &lt;this&gt;" in shown and shown.count("<li>") == 3
    assert "[FAIL]" in shown
    passed = CheckResult(Check("ok"), True, right("fine"))
    assert "[PASS]" in passed._repr_html_() and "<li>" not in passed._repr_html_()
    feedback = Feedback("01.1", "exercise 1", False, not_answered("h"), answered=False)
    assert repr(feedback) == "<Feedback 01.1: not answered>" and "[not answered]" in feedback._repr_html_()
    assert str(feedback) == "[not answered] exercise 1 (01.1): no answer yet — hint: h"
    grade = Grade(True, right("done"))
    assert repr(grade) == "<Grade: right>" and str(grade) == "[PASS] right: done"
    assert "[PASS]" in grade._repr_html_()


def test_check_result_text_is_unchanged():
    result = CheckResult(Check("pc-gets-answers"), False, "still wrong: x")
    assert str(result) == "[FAIL] pc-gets-answers: still wrong: x"


# --- layering: grading imports no view layer ------------------------------------------------------------

GRADING_RUN = """
import json, sys
import labkit
from labkit.checks import run_checks, grade_ftp_fix
from labkit.model import FtpClientSettings
from labkit.labs.grading import grade
import labkit.course
net, checks = labkit.load_checks("ftp-nat-seed")
run_checks(net, checks)
grade_ftp_fix(net, FtpClientSettings(tls="explicit", trust_pasv_address=True), external_address="193.211.10.27",
              forward_range=True, name="")
for key, answer in (("04.3", "passive"), ("05.2", ("193.211.10.27", True)), ("05.3", "client-ip"),
                    ("01.2", {("nlb", "weakhostsend")}), ("02.5", "10.10.0.200")):
    assert labkit.course.check(key, answer).passed, key
grade(labkit.challenge("missing-route", seed="ada"), ["route print"])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("labkit"))))
"""


def test_grading_imports_no_view_layer(tmp_path):
    env = {
        "PYTHONPATH": str(ROOT),
        "LABKIT_PROGRESS": str(tmp_path / "progress.json"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", GRADING_RUN],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "labkit.checks" in loaded and "labkit.labs.grading" in loaded and "labkit.course.exercise" in loaded
    views = [
        m for m in loaded if m == "labkit.views" or m.split(".")[:2] in (["labkit", "widgets"], ["labkit", "plot"])
    ]
    assert views == [], views


# --- expected answers live in labkit, not in visible notebook cells ------------------------------------


def _notebooks():
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _course_checks(source: str) -> list:
    """The labkit.course.check(...) calls in a cell (IPython magics left out)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "labkit.course.check"
    ]


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem[:2])
def test_expected_answers_live_in_labkit_not_in_visible_cells(path):
    from labkit.course.catalogue import EXERCISES

    cells = nbformat.read(path, as_version=4).cells
    visible = [c.source for c in cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
    mine = [e for key, e in EXERCISES.items() if key.startswith(path.stem[:2] + ".")]
    for exercise in mine:  # the solution's own lines appear only in the cell tagged `solution`
        for line in (x for x in exercise.solution.splitlines() if sum(ch.isalnum() for ch in x) > 2):
            assert not any(line.strip() in source for source in visible), (exercise.key, line)
    for source in visible:  # checks are graded by the catalogue: only the learner's answer is passed in
        for call in _course_checks(source):
            key, answer = call.args
            assert isinstance(key, ast.Constant) and re.fullmatch(r"\d\d\.\d", key.value), ast.unparse(call)
            names = answer.elts if isinstance(answer, ast.Tuple) else [answer]
            assert all(isinstance(n, ast.Name) for n in names), ast.unparse(call)
        assert "expected=" not in source and "grade_" not in source
