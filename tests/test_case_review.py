"""Issue 9, items 15-17: the case files say what their sources support, no more.

15: dfsrmig state 0 only for domains raised from 2003/FRS; the false positive is harmless, migrate anyway.
16: other failed dcdiag tests are reported on their own; the level-2003 verdict is an inference;
    repadmin /replsummary's source and destination sections are counted apart.
17: restore preflight: an extra disk, an excluded stick, and the BIOS boot disk (ASR 0x80042406/07).
"""

import json
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cases import CLEAN_DOMAIN_ARGS

from labkit.cases.dcdiag import DFSRMIG_STATES, WHY_MIGRATE, DomainState, judge, parse_dcdiag, parse_replsummary
from labkit.cases.dcdiag_tests import FailedTest, explain
from labkit.cases.files import load_layout
from labkit.cases.restore import GENERIC, Disk, Layout, LayoutError, preflight
from labkit.cli import main
from labkit.scenario import DATA_DIR

CASES = DATA_DIR / "cases"
SEED = parse_dcdiag((CASES / "dcdiag-seed.txt").read_text())
CLEAN = parse_replsummary((CASES / "replsummary-clean.txt").read_text())
FAILING = parse_replsummary((CASES / "replsummary-failing.txt").read_text())
FALSE_POSITIVE = DomainState("2008R2", "frs", 0, CLEAN)
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06-case-files.ipynb"


# --- item 15 ---------------------------------------------------------------------------------


def test_dfsrmig_state_0_is_only_for_domains_raised_from_2003_frs():
    start = DFSRMIG_STATES[0][1]
    assert "every 2008 domain" not in start
    assert "raised" in start and "2003 (FRS)" in start
    assert "created at level 2008 or higher uses DFSR from the start" in start


def test_false_positive_is_harmless_but_says_migrate_anyway_and_why():
    verdict = judge(SEED, FALSE_POSITIVE)
    assert verdict.kind == "expected false positive"
    assert "nothing needs fixing" not in str(verdict) and "Nothing is broken" not in verdict.reason
    assert verdict.next_steps[0].startswith("this message is harmless; migrate SYSVOL to DFSR anyway")
    assert verdict.why == WHY_MIGRATE
    assert any("deprecated" in reason for reason in verdict.why)
    assert any(
        "Windows Server 2019" in reason and "cannot be promoted" in reason and "KB 4025991" in reason
        for reason in verdict.why
    )
    assert "why" in verdict.to_dict() and str(verdict).count("\n  why: ") == len(WHY_MIGRATE)


# --- item 16 ---------------------------------------------------------------------------------


def _with_failure(test: str, *lines: str, server: str = "DC1") -> str:
    body = "".join(f"         {line}\n" for line in lines)
    return (CASES / "dcdiag-seed.txt").read_text() + (
        f"\n      Starting test: {test}\n{body}         ......................... {server} failed test {test}\n"
    )


def test_other_failed_tests_are_listed_separately_and_do_not_change_the_backlink_verdict():
    text = _with_failure("SysVolCheck")
    for state in (FALSE_POSITIVE, DomainState("2008R2", "dfsr", 3, CLEAN), DomainState("2008R2", "frs", 0, None)):
        alone, with_other = judge(SEED, state), judge(parse_dcdiag(text), state)
        assert (with_other.kind, with_other.reason) == (alone.kind, alone.reason)
        (failure,) = with_other.other_failures
        assert (failure.test, failure.server, failure.expected) == ("SysVolCheck", "DC1", False)
        assert "SysVolReady" in failure.meaning and "look into it" in failure.meaning
    printed = str(judge(parse_dcdiag(text), FALSE_POSITIVE))
    assert printed.startswith("EXPECTED FALSE POSITIVE") and "OTHER FAILED TESTS" in printed
    assert printed.index("OTHER FAILED TESTS") > printed.index("see: KB 2512643")


def test_kb2512643_expected_failures_are_recognised_by_their_message():
    sample = parse_dcdiag((CASES / "dcdiag-event-logs-unreadable.txt").read_text())
    verdict = judge(sample, FALSE_POSITIVE)
    assert verdict.kind == "expected false positive"
    assert [(f.test, f.expected) for f in verdict.other_failures] == [("FrsEvent", True), ("KccEvent", True)]
    assert all("0x6ba" in f.meaning and "Remote Event Log Management" in f.meaning for f in verdict.other_failures)
    services = explain(
        FailedTest(
            "DC03",
            "Services",
            "Invalid service type: RpcSs on DC03, current value WIN32_OWN_PROCESS, expected value WIN32_SHARE_PROCESS",
        )
    )
    assert services.expected and "2003" in services.meaning
    trusts = explain(FailedTest("DC1", "OutboundSecureChannels", "[DC1] Does not have downlevel trust object for [x]"))
    assert trusts.expected and "nltest" in trusts.meaning
    # The test name alone is not enough: an FrsEvent failure with real events is not KB 2512643's.
    real_events = explain(FailedTest("DC1", "FrsEvent", "There are warning or error events within the last 24 hours"))
    assert not real_events.expected and "File Replication Service event log" in real_events.meaning
    unknown = explain(FailedTest("DC1", "Frobnicate", ""))
    assert not unknown.expected and "not a test the kit knows" in unknown.meaning


def test_other_failed_tests_are_in_the_json_with_their_meaning(capsys):
    assert main(["dcdiag", str(CASES / "dcdiag-event-logs-unreadable.txt"), *CLEAN_DOMAIN_ARGS, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "expected false positive"
    assert [(f["test"], f["server"], f["expected"]) for f in out["other_failed_tests"]] == [
        ("FrsEvent", "DC1", True),
        ("KccEvent", "DC1", True),
    ]


def test_level_2003_verdict_is_worded_as_an_inference():
    verdict = judge(SEED, DomainState("2003", "frs", None, CLEAN))
    assert verdict.kind == "real problem" and verdict.inferred
    assert str(verdict).startswith("REAL PROBLEM (INFERRED): not documented:")
    assert "the kit infers" in verdict.reason and "more likely a real problem" in verdict.reason
    assert verdict.next_steps[0].startswith("confirm the level first")
    assert not judge(SEED, FALSE_POSITIVE).inferred
    assert judge(SEED, DomainState("2008R2", "dfsr", 3, CLEAN)).inferred is False


def test_replsummary_counts_source_and_destination_sections_separately():
    # replsummary-failing.txt: one failing link, DC2 -> DC1, 10 attempts; DC1 -> DC2 fine.
    assert (FAILING.source.fails, FAILING.source.total) == (10, 20)
    assert (FAILING.destination.fails, FAILING.destination.total) == (10, 20)
    assert (CLEAN.source.fails, CLEAN.source.total, CLEAN.destination.total) == (0, 20, 20)
    verdict = judge(SEED, DomainState("2008R2", "frs", 0, FAILING))
    assert verdict.kind == "real problem"
    assert "Source DSA section: 10 of 20" in verdict.reason and "Destination DSA section: 10 of 20" in verdict.reason
    assert "20 of 40" not in verdict.reason


def test_replsummary_rows_outside_a_section_are_not_counted():
    header_only = parse_replsummary("Replication Summary Start Time: 2011-03-01\n DC1   12m:01s   0 /  10    0\n")
    assert (
        not header_only.attempts and judge(SEED, DomainState("2008R2", "frs", 0, header_only)).kind == "needs more data"
    )
    one_side = parse_replsummary("Source DSA  largest delta  fails/total %%  error\n DC1  12m:01s  2 /  10  20\n")
    assert (str(one_side.source), str(one_side.destination), one_side.clean) == ("2 of 10", "0 of 0", False)


# --- item 17 ---------------------------------------------------------------------------------


def test_extra_internal_disk_is_flagged_with_the_notes_advice():
    result = preflight(load_layout(CASES / "restore-extra-disk.yaml"))
    assert result.outcome == "fails" and result.error == GENERIC
    assert "Disk 1 (new data array)" in result.cause and "field notes" in result.cause
    assert "disable that one" in result.fixes[0]
    assert result.fixes[1].startswith("Disk 1 (new data array): disable it for the restore")
    usb = preflight(Layout((Disk("d0", 100, critical=True),), (Disk("t0", 200), Disk("ext", 500, kind="usb-hdd"))))
    assert not usb.ok and "ext: unplug it" in usb.fixes


def test_an_extra_disk_is_counted_against_all_backup_disks_not_only_critical_ones():
    backup = (Disk("d0", 100, critical=True), Disk("d1", 400), Disk("d2", 400))
    three = preflight(Layout(backup, (Disk("t0", 200), Disk("t1", 500), Disk("t2", 500))))
    assert three.ok
    four = preflight(Layout(backup, (Disk("t0", 200), Disk("t1", 500), Disk("t2", 500), Disk("t3", 500))))
    assert not four.ok and four.fixes[0].startswith("take away 1 of: ")


def test_excluded_usb_stick_is_not_known_to_work_and_says_what_is_documented():
    result = preflight(load_layout(CASES / "restore-usb-stick-excluded.yaml"))
    assert result.outcome == "not known" and not result.ok and result.error is None
    assert any("-excludeDisks" in text and "unpartitioned and unformatted" in text for text in result.documented)
    assert any("field notes" in text and "stick" in text for text in result.not_shown)
    assert "unplug it (WinRE USB stick)" in result.fixes[0]
    printed = str(result)
    assert printed.startswith("NOT KNOWN WHETHER THE RESTORE WILL WORK")
    assert "\n  documented: " in printed and "\n  not shown anywhere: " in printed
    stick_removed = load_layout(CASES / "restore-usb-stick-excluded.yaml")
    assert preflight(
        Layout(
            stick_removed.backup,
            tuple(d for d in stick_removed.target if d.kind != "usb-flash"),
            stick_removed.bios_boot_disk,
        )
    ).ok


def test_excluding_an_extra_disk_is_not_known_but_excluding_a_backed_up_data_disk_is_documented_use():
    extra = preflight(Layout((Disk("d0", 100, critical=True),), (Disk("t0", 200), Disk("t1", 900, exclude=True))))
    assert extra.outcome == "not known" and "disable it for the restore" in extra.fixes[0]
    kept = preflight(
        Layout((Disk("d0", 100, critical=True), Disk("d1", 900)), (Disk("t0", 200), Disk("t1", 900, exclude=True)))
    )
    assert kept.ok and any(note.startswith("t1 is excluded: the restore leaves it untouched") for note in kept.notes)


def test_bios_boot_disk_on_a_data_disk_is_asr_0x80042406():
    result = preflight(load_layout(CASES / "restore-boot-data-disk.yaml"))
    assert (
        not result.ok and result.code == "0x80042406" and "data disk is currently set as active in BIOS" in result.error
    )
    assert "first in the BIOS boot order" in result.fixes[0] and "DiskPart" in result.fixes[1]
    layout = load_layout(CASES / "restore-boot-data-disk.yaml")
    assert preflight(Layout(layout.backup, layout.target, "Disk 0 (replacement)")).ok
    assert preflight(Layout(layout.backup, layout.target, "USB HDD with the backup")).code == "0x80042406"


def test_bios_boot_disk_too_small_for_the_system_disk_is_asr_0x80042407():
    layout = load_layout(CASES / "restore-boot-disk-too-small.yaml")
    result = preflight(layout)
    assert not result.ok and result.code == "0x80042407"
    assert "SSD (new) (120 GB)" in result.cause and "146 GB" in result.cause
    # The same disks are fine when the BIOS boots the large disk, or when the boot order is not given.
    assert preflight(Layout(layout.backup, layout.target, "HDD (new)")).ok
    unknown_order = preflight(Layout(layout.backup, layout.target))
    assert unknown_order.ok and any("bios_boot_disk" in note and "0x80042407" in note for note in unknown_order.notes)


def test_the_system_disk_goes_to_the_boot_disk_and_the_other_critical_disks_to_the_rest():
    backup = (Disk("sys", 100, system=True), Disk("boot2", 300, critical=True))
    assert preflight(Layout(backup, (Disk("a", 150), Disk("b", 400)), "a")).ok
    small = preflight(Layout(backup, (Disk("a", 400), Disk("b", 150)), "a"))
    assert not small.ok and "b (150 GB) is smaller than the original boot2" in small.cause


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "bios_boot_disk: Disk 9\n",
            "bios_boot_disk: expected the name of one of the target disks (t0, t1), got 'Disk 9'",
        ),
        ("bios_boot_disk: [t0]\n", "bios_boot_disk: expected a valid string"),
        (
            "bios_boot_disk: t0\nbackup: [{name: a, size_gb: 5, critical: true}, {name: b, size_gb: 5, critical: true}]\n",
            "backup: with bios_boot_disk, mark the original system disk with system: true",
        ),
        (
            "backup: [{name: a, size_gb: 5, system: true}, {name: b, size_gb: 5, system: true}]\n",
            "backup: expected at most one disk with system: true, got 2 (a, b)",
        ),
        ("target: [{name: t0, size_gb: 5, system: true}]\n", "target[0].system: unknown key"),
        (
            "target: [{name: t0, size_gb: 5}, {name: t0, size_gb: 6}]\n",
            "target: expected each disk name once, got 't0' twice",
        ),
    ],
)
def test_bad_layout_values_are_a_one_line_error(tmp_path, capsys, text, message):
    base = {
        "backup": "backup: [{name: a, size_gb: 5, critical: true}]\n",
        "target": "target: [{name: t0, size_gb: 50}, {name: t1, size_gb: 50}]\n",
    }
    lines = text + "".join(v for k, v in base.items() if not text.startswith(k) and f"\n{k}:" not in text)
    bad = tmp_path / "layout.yaml"
    bad.write_text(lines)
    assert main(["restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and message in err, err


def test_layout_errors_in_code_name_the_key():
    with pytest.raises(LayoutError, match="bios_boot_disk: expected the name of one of the target disks"):
        Layout((Disk("a", 5, critical=True),), (Disk("t", 5),), "nope")


def test_sample_layouts_give_their_documented_outcome():
    expected = {
        "restore-ok.yaml": ("works", None),
        "restore-too-small.yaml": ("fails", "0x80042401"),
        "restore-usb-stick.yaml": ("fails", "0x80070057"),
        "restore-extra-disk.yaml": ("fails", "0x80070057"),
        "restore-usb-stick-excluded.yaml": ("not known", None),
        "restore-boot-data-disk.yaml": ("fails", "0x80042406"),
        "restore-boot-disk-too-small.yaml": ("fails", "0x80042407"),
    }
    assert {p.name for p in CASES.glob("restore-*.yaml")} == set(expected)
    for name, (outcome, code) in expected.items():
        result = preflight(load_layout(CASES / name))
        assert (result.outcome, result.code) == (outcome, code), name


def test_restore_json_has_outcome_code_and_evidence(capsys):
    assert main(["restore", str(CASES / "restore-usb-stick-excluded.yaml"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["ok"], out["outcome"], out["code"]) == (False, "not known", None)
    assert out["documented"] and out["not_shown"]


def test_restore_panel_has_a_bios_boot_disk_choice():
    from labkit.widgets import RestorePanel

    panel = RestorePanel(load_layout(CASES / "restore-boot-disk-too-small.yaml"))
    assert panel.boot.value == "SSD (new)" and "0x80042407" in panel.verdict.value
    panel.boot.value = "HDD (new)"
    assert "RESTORE WILL WORK" in panel.verdict.value
    panel.attached["HDD (new)"].value = False
    assert "BIOS boot disk HDD (new) is not ticked" in panel.verdict.value and panel.update() is None
    panel.boot.value = "not given"
    assert "RESTORE WILL FAIL" in panel.verdict.value  # one usable disk of 120 GB for a 146 GB system disk


# --- notebook 06 says the corrected things -------------------------------------------------------


def test_notebook_06_says_the_corrected_things():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(c.source + "".join(o.get("text", "") for o in c.get("outputs", [])) for c in nb.cells)
    assert "every 2008 domain begins" not in text and "nothing needs fixing" not in text
    for phrase in (
        "raised from 2003",
        "uses DFSR from the start",
        "deprecated",
        "Windows Server 2019",
        "harmless; migrate",
        "OTHER FAILED TESTS",
        "(INFERRED)",
        "Source DSA section: 10 of 20",
        "disable that one",
        "NOT KNOWN WHETHER THE RESTORE WILL WORK",
        "0x80042406",
        "0x80042407",
        "bios_boot_disk",
    ):
        assert phrase in text, phrase


_disks = st.lists(
    st.builds(
        Disk,
        name=st.sampled_from(["a", "b", "c", "d", "e"]),
        size_gb=st.sampled_from([8, 100, 146, 300, 2000]),
        kind=st.sampled_from(["disk", "usb-flash", "usb-hdd"]),
        holds_backup=st.booleans(),
        exclude=st.booleans(),
    ),
    max_size=5,
    unique_by=lambda d: d.name,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            Disk,
            name=st.sampled_from(["o0", "o1", "o2"]),
            size_gb=st.sampled_from([100, 146, 500]),
            critical=st.booleans(),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda d: d.name,
    ),
    _disks,
    st.sampled_from([None, "a", "b", "c"]),
)
def test_preflight_on_random_layouts_gives_an_outcome_and_works_only_when_everything_fits(backup, target, boot):
    try:
        layout = Layout(tuple(backup), tuple(target), boot)
    except LayoutError as err:
        assert str(err).split(":")[0] in ("bios_boot_disk", "backup")
        return
    result = preflight(layout)
    assert result.outcome in ("works", "fails", "not known")
    usable = [d for d in target if not d.holds_backup and not d.exclude]
    if result.outcome != "fails":
        assert not [d for d in usable if d.kind == "usb-flash"]
        assert len(usable) <= len(backup)
        big = sorted((d.size_gb for d in usable), reverse=True)
        need = sorted((d.size_gb for d in layout.critical_disks), reverse=True)
        assert len(big) >= len(need) and all(b >= n for b, n in zip(big, need))
        if boot is not None:
            boot_disk = next(d for d in target if d.name == boot)
            assert boot_disk in usable and boot_disk.size_gb >= layout.system_disk.size_gb
    if result.outcome == "works":
        assert not [d for d in target if d.exclude and not d.holds_backup and d.kind == "usb-flash"]
