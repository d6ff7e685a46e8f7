"""Graders speak in typed values (issue 11 item 5, after a code review): feedback is an Assessment
whose str() is the line a learner reads and whose HTML is made from its fields, never by cutting
that line up again; a refused change is a typed signal, not a copied text; a check's expected
outcome is the model's enum and its kind one vocabulary; the labs and the course import no view
layer."""

from __future__ import annotations

import ast
import tomllib
from dataclasses import replace
from html import escape
from pathlib import Path

import pytest

import labkit
from labkit.checks import Check, CheckResult, FlowCheck, FtpCheck, ReplyCheck, run_checks
from labkit.checks.kinds import CheckKind
from labkit.course.exercise import Feedback
from labkit.errors import LabkitError
from labkit.feedback import Assessment, AssessmentKind, not_answered, not_graded, not_minimal, right, still_wrong
from labkit.labs import grading
from labkit.labs.grading import Grade, grade
from labkit.model import Disposition, Flow, FtpOutcome, Outcome, Trace
from labkit.model.console import run_console
from labkit.scenario import load_checks, schema
from labkit.scenario.read import _tagged

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_grades():
    """The lab grader remembers verdicts per (variant, lines): start and end with none."""
    grading._grade_lines.cache_clear()
    yield
    grading._grade_lines.cache_clear()


# --- 1. feedback is a typed value; the HTML comes from its fields -------------------------------------


def test_each_formatter_gives_an_assessment_of_its_kind_with_todays_text():
    cases = [
        (right("it works"), AssessmentKind.RIGHT, "right: it works"),
        (right("done.", lesson="keep one gateway"), AssessmentKind.RIGHT, "right: done. Lesson: keep one gateway"),
        (right("ignored", lead="Well done."), AssessmentKind.RIGHT, "Well done."),
        (
            still_wrong("no route", "look", right_so_far="it arrives", lead="Broken."),
            AssessmentKind.STILL_WRONG,
            "Broken. — right so far: it arrives — still wrong: no route — hint: look",
        ),
        (still_wrong("not x", advice="look again"), AssessmentKind.STILL_WRONG, "still wrong: not x — look again"),
        (not_answered("start here"), AssessmentKind.NOT_ANSWERED, "no answer yet — hint: start here"),
        (not_answered("go", what="changes", labelled=False), AssessmentKind.NOT_ANSWERED, "no changes yet — go"),
        (
            not_minimal("x", "it costs"),
            AssessmentKind.NOT_MINIMAL,
            "it works, but it is not minimal: leave out x — it costs",
        ),
        (
            not_minimal("x", "It costs.", joined=". "),
            AssessmentKind.NOT_MINIMAL,
            "it works, but it is not minimal: leave out x. It costs.",
        ),
        (
            not_graded("the flow cannot be traced: no node"),
            AssessmentKind.NOT_GRADED,
            "the flow cannot be traced: no node",
        ),
    ]
    for assessment, kind, text in cases:
        assert isinstance(assessment, Assessment) and assessment.kind is kind and str(assessment) == text
        assert assessment.passed is (kind is AssessmentKind.RIGHT)


def test_a_dash_inside_a_part_never_makes_a_new_item():
    shown = CheckResult(Check("x"), True, right("the answer — and its cause"))._repr_html_()
    assert "<li>" not in shown and "right: the answer — and its cause" in shown
    failed = CheckResult(Check("y"), False, still_wrong("'a' — expected one of: b", "h"))._repr_html_()
    assert failed.count("<li>") == 2 and "<li>still wrong: &#x27;a&#x27; — expected one of: b</li>" in failed


def test_several_problems_are_one_line_of_text_and_one_item_each():
    both = still_wrong(("the symptom is still there: a — b", "your change broke what worked: c"))
    assert str(both) == "still wrong: the symptom is still there: a — b — your change broke what worked: c"
    assert both.parts() == (
        "still wrong: the symptom is still there: a — b",
        "still wrong: your change broke what worked: c",
    )


def test_a_right_diagnosis_keeps_its_cause_beside_the_answer():
    lab = labkit.challenge("case-dcdiag", seed="Eve")
    result = grade(lab, lab.fix[0])
    assert result.passed and result.assessment.lesson == lab.lesson
    assert str(result) == f"[PASS] right: {lab.fix[0]} — {lab.cause}. Lesson: {lab.lesson}"
    shown = result._repr_html_()
    assert "<li>" not in shown and escape(f"{lab.fix[0]} — {lab.cause}.") in shown


def test_a_wrong_diagnosis_says_look_again_as_advice_not_as_a_second_problem():
    lab = labkit.challenge("case-dcdiag", seed="Eve")
    wrong = next(a for a in lab.extra["answers"] if a != lab.fix[0])
    result = grade(lab, wrong)
    assert str(result) == f"[FAIL] still wrong: not {wrong} — look again at the evidence"
    assert result.assessment.wrong == (f"not {wrong}",) and result.assessment.advice == "look again at the evidence"


def test_a_settings_line_the_ticket_refuses_stays_one_item(fresh_grades):
    lab = labkit.challenge("ftp-trusting-client", seed="Eve")
    result = grade(lab, ["iis external-address 198.51.100.9"])
    assert " — expected one of: " in result.message  # the refusal itself holds the separator
    assert result.assessment.parts() == (result.message,)
    assert "<li>" not in result._repr_html_()


def test_every_grader_returns_an_assessment(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_PROGRESS", str(tmp_path / "progress.json"))  # 08.1 records the lab attempt
    net, checks = load_checks("nlb-intranet")
    results = [*run_checks(net, checks), labkit.course.exercises()["01.1"].grade("NO_ROUTE")]
    results.append(labkit.course.exercises()["05.2"].grade(("193.211.10.27", True)))
    results.append(labkit.course.exercises()["08.1"].grade(["route print"]))
    lab = labkit.challenge("missing-route", seed="Eve")
    results += [grade(lab, list(lab.fix)), grade(lab, None)]
    for result in results:
        assert isinstance(result.assessment, Assessment), result
        assert result.assessment.passed is result.passed, result
        assert result.message == str(result.assessment)
    assert isinstance(results[-1], Grade) and results[-1].assessment.kind is AssessmentKind.NOT_ANSWERED
    assert isinstance(results[-4], Feedback) and results[-4].passed


# --- 2. a refused change is a typed signal --------------------------------------------------------------

CONFLICT = 'netsh interface ipv4 add address "Heartbeat" 172.18.223.22 255.255.255.0'
"""On the missing-route variant for 'Eve': www3's heartbeat address, an IP address conflict."""


def test_the_console_says_when_the_kit_refused_a_change():
    lab = labkit.challenge("missing-route", seed="Eve")
    refused = run_console(lab.broken, lab.node, CONFLICT)
    assert refused.refused and not refused.changed
    assert not run_console(lab.broken, lab.node, "route add").refused  # Windows's own refusal
    assert not run_console(lab.broken, lab.node, lab.fix[0]).refused


def test_the_grader_reads_the_refusal_flag_not_its_wording(monkeypatch, fresh_grades):
    lab = labkit.challenge("missing-route", seed="Eve")
    line = f"{CONFLICT} && {lab.fix[0]}"

    def reworded(*args, **kwargs):
        result = run_console(*args, **kwargs)
        return replace(
            result, output=result.output.replace("refused: it would leave", "the kit says no: it would leave")
        )

    monkeypatch.setattr(grading, "run_console", reworded)
    result = grade(lab, [line])
    assert not result.passed and f"{line!r}: the kit says no: it would leave the network inconsistent" in result.message
    assert "changed nothing" not in result.message


# --- 3. a check's expectations are the model's enums; its kind is one vocabulary ------------------------


def test_check_expectations_are_the_models_enums():
    flow = FlowCheck("a", flow=Flow("pc1", "10.10.0.100"), disposition="ACCEPTED")
    reply = ReplyCheck("b", flow=Flow("pc1", "10.10.0.100"), reply="ACCEPTED_BY_WRONG_NODE", disposition="DENIED")
    ftp = FtpCheck("c", outcome="success")
    assert flow.disposition is Disposition.ACCEPTED and ftp.outcome is FtpOutcome.SUCCESS
    assert reply.reply is Outcome.ACCEPTED_BY_WRONG_NODE and reply.disposition is Disposition.DENIED
    assert ReplyCheck("d", flow=Flow("pc1", "10.10.0.100")).reply is None
    with pytest.raises(LabkitError, match="disposition: expected one of ACCEPTED"):
        FlowCheck("e", flow=Flow("pc1", "10.10.0.100"), disposition="FINE")
    with pytest.raises(LabkitError, match="outcome: expected one of success, failure"):
        FtpCheck("f", outcome="sucess")


def test_a_request_that_is_not_accepted_has_no_reply_outcome_and_says_so_as_before():
    from labkit.checks.kinds import _reply_outcome

    net = labkit.load_scenario("nlb-intranet")
    check = ReplyCheck("x", flow=Flow("pc1", "10.99.0.1"), reply="ACCEPTED")
    assert _reply_outcome(labkit.trace(net, replace(check.flow, reply=True))) is None
    assert check.run(net).message.startswith(
        "still wrong: the reply ends NONE (the request was not accepted) (expected ACCEPTED): "
    )


def test_a_reply_check_reads_where_the_reply_left_from_the_traces_own_egress(monkeypatch):
    net = labkit.load_scenario("nlb-intranet")
    check = ReplyCheck("by", flow=Flow("pc1", "10.10.0.100"), egress="web9.nlb")
    assert not check.run(net).passed
    monkeypatch.setattr(Trace, "egress", property(lambda self: ("web9", "nlb")))
    assert check.run(net).passed


def test_the_check_kinds_are_one_vocabulary_for_the_schema_its_tags_and_the_checks():
    assert list(schema.CHECK_KINDS) == list(CheckKind)
    assert all(isinstance(kind, CheckKind) for kind in schema.CHECK_KINDS)
    tags = _tagged(schema.CheckSpec)
    assert list(tags) == list(CheckKind) and all(isinstance(tag, CheckKind) for tag in tags)
    for kind, spec in schema.CHECK_KINDS.items():
        assert tags[kind] is spec and spec.model_fields["kind"].default is kind
    assert [FlowCheck.kind, ReplyCheck.kind, FtpCheck.kind] == list(CheckKind)
    for name in ("nlb-intranet", "ftp-nat-seed"):
        _, checks = load_checks(name)
        assert all(isinstance(c.kind, CheckKind) for c in checks)


# --- 4. the labs and the course import no view layer ------------------------------------------------------


def _imports_of_the_labkit_package(path: Path) -> list[str]:
    """`from .. import x` in labkit/labs/*.py, `from ... import x` in labkit/course/catalogue/*.py:
    an import of the labkit package itself (which reaches the widgets)."""
    depth = len(path.relative_to(ROOT / "labkit").parts)
    tree = ast.parse(path.read_text())
    return [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module is None and node.level == depth
    ]


def test_the_labs_and_the_course_never_import_the_labkit_package():
    paths = sorted((ROOT / "labkit" / "labs").rglob("*.py")) + sorted((ROOT / "labkit" / "course").rglob("*.py"))
    assert {p.name for p in paths} >= {"variant.py", "templates.py", "common.py"}
    found = {str(p.relative_to(ROOT)): _imports_of_the_labkit_package(p) for p in paths}
    assert {p: i for p, i in found.items() if i} == {}


def test_the_view_layer_contract_covers_the_labs_and_the_course():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    views = next(
        c for c in contracts if "labkit.views" in c["forbidden_modules"] and "labkit.checks" in c["source_modules"]
    )
    assert {"labkit.labs", "labkit.course", "labkit.checks", "labkit.feedback"} <= set(views["source_modules"])
    assert {"labkit.widgets", "labkit.plot", "ipywidgets"} <= set(views["forbidden_modules"])


def test_a_challenge_from_labkit_opens_the_console_widget_and_a_bare_one_says_where_to_get_it():
    from labkit.labs import challenge as bare_challenge
    from labkit.widgets.console import Console

    lab, bare = labkit.challenge("missing-route", seed="Eve"), bare_challenge("missing-route", seed="Eve")
    assert lab == bare and hash(lab) == hash(bare)  # the same variant: the grader's memory is shared
    assert isinstance(lab.console(), Console)
    with pytest.raises(LabkitError, match=r"labkit\.challenge\(\)"):
        bare.console()
    with pytest.raises(LabkitError, match="diagnosis only"):
        labkit.challenge("case-dcdiag", seed="Eve").console()
