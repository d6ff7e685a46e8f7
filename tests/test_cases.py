"""Case files: the DCDIAG phantom error and the bare-metal restore (reference rows C1-C5)."""

import json
import re

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from labkit.cases.dcdiag import (
    DFSRMIG_STATES,
    DcdiagInputError,
    DomainState,
    contradiction,
    functional_level,
    judge,
    parse_dcdiag,
    parse_replsummary,
)
from labkit.cases.files import load_layout
from labkit.cases.restore import GENERIC, Disk, Layout, preflight
from labkit.cli import main
from labkit.scenario import DATA_DIR

CASES = DATA_DIR / "cases"
SEED = (CASES / "dcdiag-seed.txt").read_text()
CLEAN = parse_replsummary((CASES / "replsummary-clean.txt").read_text())
FAILING = parse_replsummary((CASES / "replsummary-failing.txt").read_text())
CLEAN_DOMAIN_ARGS = ["--dfl", "2008R2", "--sysvol", "frs", "--replsummary", str(CASES / "replsummary-clean.txt")]
"""`labkit dcdiag`'s options for the seed's domain: level 2008 R2, SYSVOL on FRS, replication clean."""


def test_the_seed_excerpt_is_parsed():
    report = parse_dcdiag(SEED)
    assert report.servers == ("DC1",) and report.ran_verify_enterprise_references
    (problem,) = report.problems
    assert (problem.dc, problem.problem, problem.attribute) == (
        "DC1",
        "Missing Expected Value",
        "msDFSR-ComputerReferenceBL",
    )
    assert problem.base_description == "DC Account Object" and problem.value_description == "SYSVOL FRS Member Object"
    assert ("corp.com", "VerifyEnterpriseReferences") in report.failed_tests


def test_several_problems_and_several_dcs():
    two = SEED.replace("   Running enterprise", "   Testing server: CITY\\DC2\n   Running enterprise").replace(
        "Recommended Action: See Knowledge Base Article: Q312862",
        "Recommended Action: See Knowledge Base Article: Q312862\n            [2] Problem: Missing Expected Value\n"
        "             Base Object: CN=DC2,OU=Domain Controllers,DC=corp,DC=com\n"
        "             Value Object Attribute Name: msDFSR-ComputerReferenceBL",
    )
    report = parse_dcdiag(two)
    assert [p.dc for p in report.problems] == ["DC1", "DC2"] and report.servers == ("DC1", "DC2")
    assert judge(report, DomainState("2008R2", "frs", 0, CLEAN)).kind == "expected false positive"
    only_one = judge(report, DomainState("2008R2", "frs", 0, CLEAN), all_dcs=("DC1", "DC2", "DC3"))
    assert only_one.kind == "real problem" and "DC3" in only_one.reason


def test_replsummary_is_parsed():
    assert (CLEAN.source.total, CLEAN.destination.total, CLEAN.clean) == (20, 20, True)
    assert (str(FAILING.source), str(FAILING.destination)) == ("10 of 20", "10 of 20")
    assert FAILING.errors == ("(1722) The RPC server is unavailable.",)


def test_C1_dfl_2008r2_frs_clean_replication_is_the_expected_false_positive():
    verdict = judge(parse_dcdiag(SEED), DomainState("2008 R2", "frs", 0, CLEAN))
    assert verdict.kind == "expected false positive"
    assert "assumes DFSR" in verdict.reason and "KB 2512643" in verdict.references[0]


def test_with_dfsr_already_in_use_it_is_not_the_false_positive():
    for state in (
        DomainState("2008R2", "dfsr", None, CLEAN),
        DomainState("2008R2", "frs", 1, CLEAN),
        DomainState("2008R2", None, 3, CLEAN),
    ):
        assert judge(parse_dcdiag(SEED), state).kind == "real problem"


def test_C2_at_dfl_2003_the_error_is_not_expected():
    verdict = judge(parse_dcdiag(SEED), DomainState("2003", "frs", None, CLEAN))
    assert verdict.kind == "real problem" and "does not expect DFSR back-links" in verdict.reason


def test_C3_dfsrmig_states_and_eliminated_is_irreversible():
    assert [DFSRMIG_STATES[n][0] for n in range(4)] == ["Start", "Prepared", "Redirected", "Eliminated"]
    assert "Irreversible" in DFSRMIG_STATES[3][1] and "Rollback" in DFSRMIG_STATES[1][1]


def test_failing_replication_comes_first_and_missing_facts_are_asked_for():
    assert judge(parse_dcdiag(SEED), DomainState("2008R2", "frs", 0, FAILING)).kind == "real problem"
    assert judge(parse_dcdiag(SEED), DomainState("2008R2", "frs", 0, None)).next_steps[0].startswith("run repadmin")
    assert judge(parse_dcdiag(SEED), DomainState(None, "frs", 0, CLEAN)).kind == "needs more data"
    assert judge(parse_dcdiag(SEED), DomainState("2008R2", None, None, CLEAN)).kind == "needs more data"


def test_output_without_the_test_needs_the_test_to_run():
    partial = "Starting test: Connectivity\n ......................... DC1 passed test Connectivity\n"
    verdict = judge(parse_dcdiag(partial), DomainState("2008R2", "frs", 0, CLEAN))
    assert verdict.kind == "needs more data" and "dcdiag /c" in verdict.next_steps[0]
    passed = (
        partial + "Starting test: VerifyEnterpriseReferences\n ....... DC1 passed test VerifyEnterpriseReferences\n"
    )
    assert judge(parse_dcdiag(passed), DomainState("2008R2", "frs", 0, CLEAN)).kind == "nothing to explain"


@pytest.mark.parametrize("cut", [17, 22, 26])
def test_output_cut_off_inside_the_test_needs_more_data(cut):
    head = "\n".join(SEED.splitlines()[:cut])
    verdict = judge(parse_dcdiag(head), DomainState("2008R2", "frs", 0, CLEAN))
    assert verdict.kind == "needs more data" and "cut off" in verdict.reason


def test_other_failed_tests_are_reported_beside_the_verdict():
    text = SEED + "\n      Starting test: SysVolCheck\n         ......................... DC1 failed test SysVolCheck\n"
    verdict = judge(parse_dcdiag(text), DomainState("2008R2", "frs", 0, CLEAN))
    assert verdict.kind == "expected false positive"
    (failure,) = verdict.other_failures
    assert (failure.test, failure.server, failure.expected) == ("SysVolCheck", "DC1", False)


@pytest.mark.parametrize(
    "spelling, level",
    [
        ("2008 R2", "2008R2"),
        ("Windows2008R2Domain", "2008R2"),
        ("Windows2003Domain", "2003"),
        ("windows server 2008", "2008"),
    ],
)
def test_functional_level_spellings(spelling, level):
    assert functional_level(spelling) == level
    verdict = judge(parse_dcdiag(SEED), DomainState(spelling, "frs", 0, CLEAN))
    assert verdict.kind == ("real problem" if level == "2003" else "expected false positive")


def test_unknown_level_and_contradictory_sysvol_are_clear_errors(capsys):
    with pytest.raises(DcdiagInputError, match="--dfl: expected a domain functional level.*got 'foo'"):
        judge(parse_dcdiag(SEED), DomainState("foo", "frs", 0, CLEAN))
    seed = str(CASES / "dcdiag-seed.txt")
    assert main(["dcdiag", seed, "--dfl", "2008R2", "--sysvol", "frs", "--dfsrmig-state", "3"]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1
        and (
            "--dfl, --sysvol and --dfsrmig-state do not fit together: SYSVOL replicated by "
            "FRS contradicts dfsrmig state 3"
        )
        in err
    )


def test_prepared_is_not_called_dfsr_serving_sysvol():
    verdict = judge(parse_dcdiag(SEED), DomainState("2008R2", "frs", 1, CLEAN))
    assert verdict.kind == "real problem" and "FRS still serves SYSVOL" in verdict.reason


def test_replsummary_without_rows_or_with_unreachable_dcs_is_not_clean():
    header = "Replication Summary Start Time: 2011-05-01 10:00:00\n\nSource DSA  largest delta  fails/total %%  error\n"
    empty = parse_replsummary(header)
    assert judge(parse_dcdiag(SEED), DomainState("2008R2", "frs", 0, empty)).kind == "needs more data"
    unreachable = (CASES / "replsummary-clean.txt").read_text() + (
        "\nExperienced the following operational errors trying to retrieve replication information:\n"
        "          58 - DC3.corp.com\n"
    )
    summary = parse_replsummary(unreachable)
    assert not summary.clean and "cannot reach DC3.corp.com (error 58)" in summary.errors
    assert judge(parse_dcdiag(SEED), DomainState("2008R2", "frs", 0, summary)).kind == "real problem"


def test_dcs_the_output_did_not_test_get_a_step_to_confirm():
    verdict = judge(parse_dcdiag(SEED), DomainState("2008R2", "frs", 0, CLEAN))
    assert verdict.kind == "expected false positive"
    assert any("dcdiag /c /e" in step and "DC2" in step for step in verdict.next_steps)


def test_utf16_output_from_powershell_is_read(tmp_path, capsys):
    out = tmp_path / "dcdiag.txt"
    out.write_bytes(SEED.encode("utf-16"))
    assert main(["dcdiag", str(out), *CLEAN_DOMAIN_ARGS]) == 0
    assert capsys.readouterr().out.startswith("EXPECTED FALSE POSITIVE")


def test_not_dcdiag_at_all_is_a_clear_error():
    with pytest.raises(DcdiagInputError, match="does not look like dcdiag output"):
        parse_dcdiag("hello world")
    with pytest.raises(DcdiagInputError, match="repadmin /replsummary"):
        parse_replsummary("hello")


SEED_LINES = SEED.splitlines()
BACKLINK_LINES = [
    line
    for line in SEED_LINES
    if re.search(r"\[1\] Problem|msDFSR-ComputerReferenceBL|test:? VerifyEnterpriseReferences", line)
]
"""The four seed lines the expected false positive needs: the test's start and end, the problem, its attribute."""
ODD_LINES = ["[7] Problem:", "Base Object:", ":", "[x] Problem: y"]
REPL_LINES = (CASES / "replsummary-failing.txt").read_text().splitlines()
LINE_POOL = SEED_LINES + ODD_LINES + REPL_LINES


def edited(sample: list[str], keep: list[str] = ()):
    """A sample's lines in their order with some left out and up to three others put in anywhere; the
    lines in `keep` stay, so the branch they lead to is reached often."""

    @st.composite
    def lines(draw):
        kept = [line for line in sample if line in keep or draw(st.booleans())]
        for _ in range(draw(st.integers(0, 3))):
            kept.insert(draw(st.integers(0, len(kept))), draw(st.sampled_from(sample + ODD_LINES)))
        return kept

    return lines()


shuffled_dcdiag_lines = st.one_of(
    st.lists(st.sampled_from(SEED_LINES + ODD_LINES), max_size=40), edited(SEED_LINES, keep=BACKLINK_LINES)
)
"""Lines in any order, or the seed lightly edited with the back-link lines kept."""
dcdiag_like_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(LINE_POOL), st.text(max_size=20)), max_size=12).map("\n".join),
    edited(SEED_LINES).map("\n".join),
    edited(REPL_LINES).map("\n".join),
)
"""Any text, lines of dcdiag and repadmin output mixed with any text, or either sample lightly edited."""


def parsed_or_refused(text: str, head: str) -> list[str]:
    """Any text gives a report, or (only when it has none of the tool's markers) one clear line.
    Returns which branch each parser took."""
    from labkit.cases.dcdiag import DcdiagReport, ReplicationSummary

    branches = []
    for parse, kind, marker in (
        (parse_dcdiag, DcdiagReport, "Starting test"),
        (parse_replsummary, ReplicationSummary, "Source DSA"),
    ):
        try:
            result = parse(head + text)
        except DcdiagInputError as err:
            assert not head.startswith(marker), "text with the tool's marker must parse"
            assert "does not look like" in str(err) and "\n" not in str(err)
            branches.append(f"{kind.__name__}: refused")
            continue
        assert isinstance(result, kind)
        if isinstance(result, DcdiagReport):
            assert all(isinstance(p.number, int) and 0 <= p.number < 10**9 for p in result.problems)
            branches.append(f"DcdiagReport: {'problems' if result.problems else 'no problem'}")
        else:
            counts = (result.source.fails, result.source.total, result.destination.fails, result.destination.total)
            assert all(isinstance(n, int) and n >= 0 for n in counts)
            branches.append(f"ReplicationSummary: {'attempts' if result.attempts else 'no attempt'}")
    return branches


@settings(max_examples=300, deadline=None)
@given(
    dcdiag_like_text,
    st.sampled_from(["", "Starting test: VerifyEnterpriseReferences\n", "Source DSA  largest delta\n"]),
)
@example("\n".join(SEED_LINES), "")  # a report with its problem
@example("\n".join(LINE_POOL), "")  # a summary with attempts
def test_the_parsers_never_crash_on_arbitrary_text(text, head):
    for branch in parsed_or_refused(text, head):
        event(branch)


SEED_PROBLEM = SEED[
    SEED.index("            [1] Problem:") : SEED.index("         ......................... corp.com failed")
]


def verdict_on_text_in_the_test_block(text: str, with_seed_problem: bool, level: str, state: int | None) -> str:
    """The verdict on the seed's test block with the text inside it, checked; returns the branch taken."""
    block = (SEED_PROBLEM if with_seed_problem else "") + text
    report = parse_dcdiag(
        "Starting test: VerifyEnterpriseReferences\n"
        + block
        + "\n         ......................... corp.com failed test VerifyEnterpriseReferences\n"
    )
    domain = DomainState(level, "dfsr" if state == 3 else "frs", state, CLEAN)
    if contradiction(domain):  # e.g. dfsrmig state 1 at level 2003: a one-line input error, never a verdict
        with pytest.raises(DcdiagInputError):
            judge(report, domain)
        return "settings contradict: input error"
    verdict = judge(report, domain)
    if verdict.kind == "expected false positive":
        assert report.problems and all(p.attribute == "msDFSR-ComputerReferenceBL" for p in report.problems)
        assert level == "2008R2" and state in (None, 0)
    return f"verdict: {verdict.kind}"


@settings(max_examples=300, deadline=None)
@given(dcdiag_like_text, st.booleans(), st.sampled_from(["2003", "2008R2"]), st.sampled_from([None, 0, 1, 3]))
@example("", True, "2008R2", 0)  # the false-positive branch, always run
@example("[2] Problem: Missing Expected Value\nValue Object Attribute Name: x\n", True, "2008R2", 0)  # real problem
@example("", True, "2003", 1)  # settings that contradict each other
def test_arbitrary_text_inside_the_test_block_never_crashes_the_verdict(text, with_seed_problem, level, state):
    event(verdict_on_text_in_the_test_block(text, with_seed_problem, level, state))


def verdict_on_shuffled_lines(lines: list[str]) -> str:
    """The verdict on dcdiag lines in any order, checked; returns the branch taken."""
    try:
        report = parse_dcdiag("Starting test: X\n" + "\n".join(lines))
    except DcdiagInputError:
        return "not dcdiag output"
    verdict = judge(report, DomainState("2008R2", "frs", 0, CLEAN))
    assert verdict.kind in ("expected false positive", "real problem", "needs more data", "nothing to explain")
    if verdict.kind == "expected false positive":
        assert report.ran_verify_enterprise_references and report.finished_verify_enterprise_references
        assert report.problems and all(p.attribute == "msDFSR-ComputerReferenceBL" for p in report.problems)
    others = [t for _, t in report.failed_tests if t.lower() != "verifyenterprisereferences"]
    assert [f.test for f in verdict.other_failures] == others
    return f"verdict: {verdict.kind}"


@settings(max_examples=200, deadline=None)
@given(shuffled_dcdiag_lines)
@example(SEED_LINES)  # the false positive as dcdiag prints it
@example(BACKLINK_LINES)  # the false positive from its four lines alone
@example(BACKLINK_LINES + ["[7] Problem:"])  # another problem: a real one
@example([])  # no VerifyEnterpriseReferences test: needs more data
def test_shuffled_dcdiag_lines_give_a_verdict_not_a_crash(lines):
    event(verdict_on_shuffled_lines(lines))


def test_C4_backup_disk_attached_is_no_problem():
    result = preflight(load_layout(CASES / "restore-ok.yaml"))
    assert result.ok and any("never a restore target" in n for n in result.notes)


def test_C5_bootable_usb_stick_is_the_cause_and_removing_it_fixes_it():
    stick = preflight(load_layout(CASES / "restore-usb-stick.yaml"))
    assert not stick.ok and stick.error == GENERIC and "USB stick" in stick.cause
    assert stick.fixes[0].startswith("remove the USB stick")
    layout = load_layout(CASES / "restore-usb-stick.yaml")
    without = Layout(layout.backup, tuple(d for d in layout.target if d.kind != "usb-flash"))
    assert preflight(without).ok
    excluded = Layout(
        layout.backup,
        tuple(
            Disk(d.name, d.size_gb, d.kind, d.holds_backup, d.critical, exclude=d.kind == "usb-flash")
            for d in layout.target
        ),
    )
    assert preflight(excluded).outcome == "not known"  # issue 9 item 17: an excluded stick is not known to work


def test_too_small_and_too_few_disks():
    small = preflight(load_layout(CASES / "restore-too-small.yaml"))
    assert not small.ok and "at least as large as the original disk" in small.cause
    two = Layout((Disk("d0", 100, critical=True), Disk("d1", 100, critical=True)), (Disk("t0", 200),))
    assert "add 1 disk(s)" in preflight(two).fixes[0]
    extra = preflight(Layout((Disk("d0", 100, critical=True),), (Disk("t0", 200), Disk("t1", 2000))))
    assert not extra.ok and "disable" in extra.fixes[1]  # issue 9 item 17: an extra internal disk is a problem
    kept = preflight(Layout((Disk("d0", 100, critical=True), Disk("d1", 500)), (Disk("t0", 200), Disk("t1", 2000))))
    assert kept.ok and any("-excludeDisks" in note for note in kept.notes)


def test_cli_dcdiag_and_restore(capsys, tmp_path):
    args = ["dcdiag", str(CASES / "dcdiag-seed.txt"), *CLEAN_DOMAIN_ARGS, "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "expected false positive"
    assert main(["restore", str(CASES / "restore-usb-stick.yaml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is False
    bad = tmp_path / "layout.yaml"
    bad.write_text("backup: []\ntarget: [{name: x, size_gb: -1}]\n")
    assert main(["restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "backup: expected at least one entry" in err
    assert main(["dcdiag", str(CASES / "restore-ok.yaml")]) == 2
    assert "does not look like dcdiag output" in capsys.readouterr().err

    for text, message in (
        (
            "backup: [{name: a, size_gb: 5, critical: true, colour: red}]\ntarget: [{name: b, size_gb: 5}]\n",
            "backup[0].colour: unknown key (allowed here: name, size_gb",
        ),
        (
            "backup: [{name: a, size_gb: .inf, critical: true}]\ntarget: [{name: b, size_gb: 5}]\nfoo: 1\n",
            "foo: unknown key (allowed here: backup, target, bios_boot_disk)",
        ),
        (
            "backup: [{name: a, size_gb: .inf, critical: true}]\ntarget: [{name: b, size_gb: 5}]\n",
            "backup[0].size_gb: expected a finite number",
        ),
        ("backup: []\nbackup: []\n", "duplicate key 'backup'"),
        ("a: \x18", "not valid YAML"),
    ):
        bad.write_text(text)
        assert main(["restore", str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
    bad.write_bytes(b"\xff\xfe\x00\xd8 not text" * 3)
    assert main(["restore", str(bad)]) == 2
    assert "expected text (UTF-8, or UTF-16" in capsys.readouterr().err


def test_case_panels_update_the_verdict():
    from labkit.widgets import DcdiagPanel, RestorePanel

    panel = DcdiagPanel(parse_dcdiag(SEED), CLEAN, FAILING)
    assert "EXPECTED FALSE POSITIVE" in panel.verdict.value
    panel.sysvol.value = "dfsr"
    assert "REAL PROBLEM" in panel.verdict.value
    panel.sysvol.value, panel.replication.value = "frs", "not checked"
    assert "NEEDS MORE DATA" in panel.verdict.value
    restore = RestorePanel(load_layout(CASES / "restore-usb-stick.yaml"))
    assert "RESTORE WILL FAIL" in restore.verdict.value
    restore.attached["WinRE USB stick"].value = False
    assert "RESTORE WILL WORK" in restore.verdict.value
