"""The two case files as diagnosis-only faults: the learner reads the evidence and answers the
verdict (DCDIAG) or the error the restore will stop with (bare-metal restore); the expected
answer is the case file's own judge, run on the variant."""

from __future__ import annotations

import random

from ..cases.restore import ERROR_CODES, GENERIC, RestoreOutcome
from .variant import Challenge

RESTORE_ANSWERS = (RestoreOutcome.WORKS.value, *ERROR_CODES.values())


def dcdiag_case(rng: random.Random) -> Challenge:
    from ..cases.dcdiag import DomainState, Sysvol, VerdictKind, judge, parse_dcdiag, parse_replsummary
    from ..cases.files import read_text
    from ..scenario import DATA_DIR

    level = rng.choice(("2008", "2008R2", "2012R2"))
    sysvol, state = rng.choice(((Sysvol.FRS, 0), (Sysvol.FRS, 1), (Sysvol.DFSR, 3)))
    summary = rng.choice(("replsummary-clean.txt", "replsummary-failing.txt"))
    dc = f"DC{rng.randint(1, 9):02d}"
    report = read_text(DATA_DIR / "cases" / "dcdiag-seed.txt")
    domain = DomainState(level, sysvol, state, parse_replsummary(read_text(DATA_DIR / "cases" / summary)))
    verdict = judge(parse_dcdiag(report), domain)
    ticket = (
        f"{dc} shows a DCDIAG error in VerifyEnterpriseReferences (frsComputerReferenceBL missing). "
        f"Domain functional level {level}, SYSVOL replicated by {sysvol.upper()} (dfsrmig state {state}); "
        f"repadmin /replsummary: see the attached file ({summary}). Is this a real problem?"
    )
    return Challenge(
        kind="case-dcdiag",
        seed="",
        title="A DCDIAG error after the upgrade",
        ticket=ticket,
        node="",
        broken=None,
        flows=(),
        symptom=(),
        fix=(verdict.kind,),
        harmful=(),
        needless="",
        cause=verdict.reason,
        lesson="Judge a DCDIAG message against the domain's SYSVOL replication (KB 2512643) before touching AD.",
        level=2,
        hints=(
            "Which service replicates SYSVOL here, and which back-link does DCDIAG expect?",
            "Is replication itself healthy (repadmin /replsummary)?",
            "Answer one of: expected false positive, real problem, needs more data.",
        ),
        extra={"answers": VerdictKind.values(), "dcdiag": report, "state": domain},
    )


def restore_case(rng: random.Random) -> Challenge:
    from ..cases.restore import Disk, DiskKind, Layout, preflight

    system = rng.choice((146, 160, 300))
    case = rng.choice(("stick", "small-boot", "fits"))
    backup = (Disk("Disk 0", system, system=True, critical=True),)
    target = [Disk("Backup disk", 1000, DiskKind.USB_HDD, holds_backup=True)]
    boot = "SSD"
    if case == "stick":
        target += [Disk("SSD", system + 100), Disk("WinRE USB stick", 16, DiskKind.USB_FLASH)]
    elif case == "small-boot":
        target += [Disk("SSD", system - rng.choice((20, 26, 40))), Disk("Data disk", system + 500)]
    else:
        target += [Disk("SSD", system + rng.choice((0, 100)))]
    layout = Layout(backup, tuple(target), boot)
    result = preflight(layout)
    expected = RestoreOutcome.WORKS.value if result.ok else (result.code or ERROR_CODES[GENERIC])
    disks = "; ".join(f"{d.name} {d.size_gb:g} GB ({d.kind})" for d in layout.target)
    return Challenge(
        kind="case-restore",
        seed="",
        title="Will the bare-metal restore work?",
        ticket=f"Restoring a {system} GB system disk onto a new server. Attached: {disks}; the BIOS boots "
        f"{boot}. Will the restore work, and if not, which error will it stop with?",
        node="",
        broken=None,
        flows=(),
        symptom=(),
        fix=(expected,),
        harmful=(),
        needless="",
        cause=result.cause,
        lesson="Check the disk layout before a bare-metal restore.",
        level=2,
        hints=(
            "Which disks count for the restore, and which one must take the system disk?",
            "Does every attached disk belong there (a bootable stick counts as a disk)?",
            "Answer works or an error code: " + ", ".join(RESTORE_ANSWERS[1:]),
        ),
        extra={"answers": RESTORE_ANSWERS, "layout": layout},
    )
