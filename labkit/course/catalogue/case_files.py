"""Exercises of notebook 06 (the DCDIAG phantom error and the bare-metal restore)."""

from __future__ import annotations

from functools import cache

from ...cases.dcdiag import VerdictKind
from ..answers import AnswerReader, choice, whole_number
from ..exercise import Exercise

VERDICTS = VerdictKind.values()


@cache
def _case(name: str):
    from ...scenario import DATA_DIR

    return DATA_DIR / "cases" / name


def _verdict(dcdiag_file: str):
    def expected():
        from ...cases.dcdiag import DomainState, judge, parse_dcdiag, parse_replsummary
        from ...cases.files import read_text

        report = parse_dcdiag(read_text(_case(dcdiag_file)))
        clean = parse_replsummary(read_text(_case("replsummary-clean.txt")))
        return judge(report, DomainState("2008R2", "frs", 0, clean)).kind

    return expected


def _irreversible_state():
    from ...cases.dcdiag import DFSRMIG_STATES

    return next(n for n, (_, meaning) in DFSRMIG_STATES.items() if "Irreversible" in meaning)


@cache
def _stick_layout():
    from ...cases.files import load_layout

    return load_layout(_case("restore-usb-stick.yaml"))


def _culprit():
    from ...cases.restore import Layout, preflight

    layout = _stick_layout()
    return next(
        d.name
        for d in layout.target
        if preflight(Layout(layout.backup, tuple(x for x in layout.target if x is not d))).ok
    )


def _boot_disk_code():
    from ...cases.files import load_layout
    from ...cases.restore import preflight

    return preflight(load_layout(_case("restore-boot-disk-too-small.yaml"))).code


TARGET_DISK = AnswerReader(
    "the name of one of the new server's disks, as the layout writes it",
    lambda answer: choice(*(d.name for d in _stick_layout().target)).read(answer),
)


EXERCISES = (
    Exercise(
        "06.1",
        "exercise 1",
        'answer_1 = "expected false positive"',
        hint="which replication service does this DCDIAG assume at this functional level?",
        reader=choice(*VERDICTS),
        expected=_verdict("dcdiag-seed.txt"),
        why="DCDIAG expects the DFSR back-link at DFL 2008+, but FRS still replicates SYSVOL (KB 2512643)",
    ),
    Exercise(
        "06.2",
        "exercise 2",
        "answer_2 = 3",
        hint="the state names say it: which one removes something?",
        reader=whole_number(0, 3),
        expected=_irreversible_state,
        why="Eliminated removes FRS for SYSVOL; Prepared and Redirected can still go back to Start",
    ),
    Exercise(
        "06.3",
        "exercise 3",
        'answer_3 = "WinRE USB stick"',
        hint="which disk was not there when the backup was made, and is not the backup itself?",
        reader=TARGET_DISK,
        expected=_culprit,
        why="the bootable stick counts as a disk and breaks the layout; once WinRE runs it is no longer needed",
    ),
    Exercise(
        "06.4",
        "exercise 4",
        'answer_4 = "expected false positive"',
        hint="does an event-log test that could not run say anything about the DFSR back-link?",
        reader=choice(*VERDICTS),
        expected=_verdict("dcdiag-event-logs-unreadable.txt"),
        why="other failed tests are judged on their own; these two are KB 2512643's unreadable event logs (0x6ba)",
    ),
    Exercise(
        "06.5",
        "exercise 5",
        'answer_5 = "0x80042407"',
        hint="which disk must take the original system disk, and how large was that disk?",
        reader=choice("0x80042406", "0x80042407", "0x80070057"),
        expected=_boot_disk_code,
        why="the BIOS boots the 120 GB SSD, which must take the 146 GB system disk: too small",
    ),
)
