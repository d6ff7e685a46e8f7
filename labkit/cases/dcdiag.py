"""DCDIAG's VerifyEnterpriseReferences "Missing Expected Value" on msDFSR-ComputerReferenceBL:
a false positive at domain functional level 2008+ while SYSVOL still replicates with FRS
(KB 2512643), or a real problem. Combines the parsed dcdiag and repadmin /replsummary output
(labkit.cases.dcdiag_parse, whose names are importable from here too) with the domain's state
into a verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..model.vocabulary import Vocabulary, settle
from .dcdiag_parse import (
    MAX_TEXT,
    DcdiagInputError,
    DcdiagReport,
    ReferenceProblem,
    ReplicationSummary,
    SectionCount,
    parse_dcdiag,
    parse_replsummary,
)
from .dcdiag_tests import OtherFailure, explain

__all__ = [
    "BACKLINK",
    "DFSRMIG_STATES",
    "KB_FALSE_POSITIVE",
    "FunctionalLevel",
    "MAX_TEXT",
    "WHY_MIGRATE",
    "DcdiagInputError",
    "DcdiagReport",
    "DomainState",
    "ReferenceProblem",
    "ReplicationSummary",
    "SectionCount",
    "Sysvol",
    "Verdict",
    "VerdictKind",
    "contradiction",
    "functional_level",
    "judge",
    "parse_dcdiag",
    "parse_replsummary",
]

KB_FALSE_POSITIVE = "KB 2512643 (DCDIAG.EXE /E or /A or /C expected errors)"
BACKLINK = "msDFSR-ComputerReferenceBL"


class FunctionalLevel(Vocabulary):
    """Domain functional levels, as DomainMode names them without "Windows" and "Domain"."""

    W2000 = "2000"
    W2003 = "2003"
    W2008 = "2008"
    W2008R2 = "2008R2"
    W2012 = "2012"
    W2012R2 = "2012R2"
    W2016 = "2016"

    @property
    def before_2008(self) -> bool:
        """DFSR cannot replicate SYSVOL and dfsrmig cannot run below level 2008."""
        return self in (FunctionalLevel.W2000, FunctionalLevel.W2003)


DFSRMIG_STATES = {
    0: (
        "Start",
        "FRS replicates SYSVOL; no DFSR objects yet. Only a domain raised to level 2008 or higher from "
        "2003 (FRS) starts here: a domain created at level 2008 or higher uses DFSR from the start.",
    ),
    1: (
        "Prepared",
        "DFSR builds and syncs a copy (SYSVOL_DFSR) beside FRS; the SYSVOL share is still FRS's. "
        "Rollback to Start is possible.",
    ),
    2: ("Redirected", "The SYSVOL and NETLOGON shares now point to DFSR's copy; FRS still runs. Rollback is possible."),
    3: ("Eliminated", "FRS is removed for SYSVOL. Irreversible: there is no way back."),
}

WHY_MIGRATE = (
    "FRS is deprecated: KB 2512643 itself calls it so, and from Windows Server 2012 R2 on Server Manager and "
    "PowerShell create new domains only at level 2008 or higher",
    "Windows Server version 1709 and later, so Windows Server 2019 and newer, have no FRS: such a server cannot "
    "be promoted to a DC while SYSVOL is still on FRS; the promotion stops and asks for DFSRMIG (KB 4025991)",
    "the migration is staged and can be rolled back until the last step: dfsrmig /SetGlobalState 1 (Prepared), "
    "2 (Redirected), 3 (Eliminated), checking dfsrmig /GetMigrationState after each",
)
"""Why to migrate SYSVOL to DFSR even though the back-link message itself is harmless."""


class Sysvol(Vocabulary):
    """What replicates SYSVOL."""

    FRS = "frs"
    DFSR = "dfsr"


@dataclass(frozen=True)
class DomainState:
    functional_level: str | None = None
    sysvol: Sysvol | None = None
    """None: not known."""
    dfsrmig_state: int | None = None
    replication: ReplicationSummary | None = None

    def __post_init__(self) -> None:
        if self.sysvol is not None:
            object.__setattr__(self, "sysvol", Sysvol.parse(self.sysvol, "sysvol"))


class VerdictKind(Vocabulary):
    FALSE_POSITIVE = "expected false positive"
    REAL_PROBLEM = "real problem"
    NEEDS_MORE_DATA = "needs more data"
    NOTHING_TO_EXPLAIN = "nothing to explain"


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    reason: str
    next_steps: tuple[str, ...] = ()
    references: tuple[str, ...] = field(default_factory=tuple)
    why: tuple[str, ...] = ()
    """Reasons behind the first next step (why to migrate even though the message is harmless)."""
    other_failures: tuple[OtherFailure, ...] = ()
    """Other failed dcdiag tests, each judged on its own: they do not change this verdict."""
    inferred: bool = False
    """The verdict rests on the kit's inference, not on a documented rule."""

    def __post_init__(self) -> None:
        settle(self, kind=VerdictKind)

    def __str__(self) -> str:
        from ..render import verdict_text

        return verdict_text(self)

    def __repr__(self) -> str:
        from ..render import verdict_repr

        return verdict_repr(self)

    def _repr_html_(self) -> str:
        from ..render import verdict_html

        return verdict_html(self)

    def to_dict(self) -> dict:
        return {
            "verdict": self.kind,
            "inferred": self.inferred,
            "reason": self.reason,
            "next_steps": list(self.next_steps),
            "why": list(self.why),
            "references": list(self.references),
            "other_failed_tests": [f.to_dict() for f in self.other_failures],
        }


class FunctionalLevelError(DcdiagInputError):
    """A domain functional level the kit cannot read (not a contradiction between facts)."""


def functional_level(text: str) -> FunctionalLevel:
    """'2008R2' from '2008 R2', 'Windows2008R2Domain' or 'Windows Server 2008 R2'."""
    level = re.sub(r"(?i)windows|server|domain|mode|\s", "", text).upper()
    if level not in FunctionalLevel.values():
        raise FunctionalLevelError(
            f"--dfl: expected a domain functional level ({', '.join(FunctionalLevel.values())}, or the "
            f"DomainMode text such as Windows2008R2Domain), got {text!r}"
        )
    return FunctionalLevel(level)


def judge(report: DcdiagReport, state: DomainState, all_dcs: tuple[str, ...] = ()) -> Verdict:
    """The verdict on the back-link message for this dcdiag output in this domain; any other failed test
    is listed beside it, each with what it means (KB 2512643 lists several expected ones)."""
    problem = contradiction(state)
    if problem:
        raise DcdiagInputError(problem)
    others = tuple(explain(f) for f in report.failures if f.test.lower() != "verifyenterprisereferences")
    return replace(_judge_backlink(report, state, all_dcs), other_failures=others)


def contradiction(state: DomainState) -> str | None:
    """Why these facts cannot all describe one domain, in plain words (the CLI and the panel add
    their own names for the settings); None when they fit together."""
    level = functional_level(state.functional_level) if state.functional_level else None
    migrating = state.dfsrmig_state in (1, 2, 3)
    if level is not None and level.before_2008 and (state.sysvol is Sysvol.DFSR or migrating):
        what = "SYSVOL on DFSR" if state.sysvol is Sysvol.DFSR else f"dfsrmig state {state.dfsrmig_state}"
        return (
            f"{what} needs domain functional level 2008 or higher, but the level is {level}: DFSR can "
            "replicate SYSVOL, and dfsrmig can run, only from level 2008 on"
        )
    if (state.sysvol is Sysvol.FRS and state.dfsrmig_state in (2, 3)) or (
        state.sysvol is Sysvol.DFSR and state.dfsrmig_state == 0
    ):
        name = DFSRMIG_STATES[state.dfsrmig_state][0]
        return (
            f"SYSVOL replicated by {state.sysvol.upper()} contradicts dfsrmig state {state.dfsrmig_state} "
            f"({name}): from Redirected on, DFSR serves SYSVOL; at Start, FRS does"
        )
    return None


def _judge_backlink(report: DcdiagReport, state: DomainState, all_dcs: tuple[str, ...]) -> Verdict:
    backlink = [
        p
        for p in report.problems
        if p.attribute.lower() == BACKLINK.lower() and "missing expected value" in p.problem.lower()
    ]
    others = [p for p in report.problems if p not in backlink]
    if report.ran_verify_enterprise_references and not report.finished_verify_enterprise_references:
        return Verdict(
            VerdictKind.NEEDS_MORE_DATA,
            "the output stops before VerifyEnterpriseReferences reports its result "
            "(no 'passed test' or 'failed test' line): it is cut off",
            ("run dcdiag /c again and save all of it: dcdiag /c > dcdiag.txt",),
        )
    if not report.ran_verify_enterprise_references:
        return Verdict(
            VerdictKind.NEEDS_MORE_DATA,
            "this output does not include the VerifyEnterpriseReferences test",
            ("the test runs only with dcdiag /c or dcdiag /test:VerifyEnterpriseReferences",),
        )
    if not report.problems:
        return Verdict(VerdictKind.NOTHING_TO_EXPLAIN, "VerifyEnterpriseReferences reported no problem")
    if others:
        names = ", ".join(sorted({f"{p.attribute or p.problem} on {p.dc}" for p in others}))
        return Verdict(
            VerdictKind.REAL_PROBLEM,
            f"other references are missing too ({names}): not the known false positive",
            ("check AD replication first: repadmin /replsummary and repadmin /showrepl",),
        )
    level = functional_level(state.functional_level) if state.functional_level else None
    if level is None:
        return Verdict(
            VerdictKind.NEEDS_MORE_DATA,
            "the domain functional level decides whether DCDIAG expects DFSR back-links",
            (
                "find the domain functional level (Active Directory Domains and Trusts, or "
                "Get-ADDomain | Select DomainMode); pass --dfl",
            ),
        )
    if level.before_2008:
        return Verdict(
            VerdictKind.REAL_PROBLEM,
            f"not documented: KB 2512643 describes this message only at domain "
            f"functional level 2008 or higher, so the kit infers that at level {level} the 2008 R2 DCDIAG "
            "does not expect DFSR back-links. If so, this is not the known false positive and more "
            "likely a real problem",
            (
                "confirm the level first: Get-ADDomain | Select DomainMode (or Active Directory Domains and Trusts)",
                "check replication and the DC account objects",
            ),
            inferred=True,
        )
    migrated = state.sysvol is Sysvol.DFSR or (state.dfsrmig_state in (1, 2, 3))
    if state.sysvol is None and state.dfsrmig_state is None:
        return Verdict(
            VerdictKind.NEEDS_MORE_DATA,
            "whether SYSVOL still replicates with FRS decides it",
            ("run dfsrmig /GetGlobalState (no global state: migration not started, FRS)",),
        )
    if migrated:
        where = (
            "SYSVOL migration has reached Prepared: FRS still serves SYSVOL, but DFSR's member objects are "
            "created from Prepared on (the kit's inference from the schema)"
            if state.dfsrmig_state == 1
            else "SYSVOL is already on DFSR"
            + (
                f" (dfsrmig state {DFSRMIG_STATES[state.dfsrmig_state][0]})"
                if state.dfsrmig_state in DFSRMIG_STATES
                else ""
            )
        )
        return Verdict(
            VerdictKind.REAL_PROBLEM,
            f"{where}, so the {BACKLINK} back-link should "
            "exist; its absence means the DFSR member objects are missing or not replicated",
            (
                "dfsrmig /GetMigrationState",
                "repadmin /replsummary",
                "check CN=Topology under CN=Domain System Volume,CN=DFSR-GlobalSettings,CN=System",
            ),
            inferred=state.dfsrmig_state == 1,
        )
    if state.replication is None:
        return Verdict(
            VerdictKind.NEEDS_MORE_DATA,
            "the pattern fits the false positive, but only healthy replication rules out a real fault",
            ("run repadmin /replsummary and pass its output",),
        )
    if not state.replication.attempts and not state.replication.errors:
        return Verdict(
            VerdictKind.NEEDS_MORE_DATA,
            "the replication summary lists no replication attempts",
            ("run repadmin /replsummary on a DC and pass its whole output",),
        )
    if not state.replication.clean:
        return Verdict(
            VerdictKind.REAL_PROBLEM,
            f"replication is failing ({state.replication.describe()}; "
            f"{'; '.join(state.replication.errors) or 'see repadmin'}): "
            "fix that first, then run dcdiag again",
            ("repadmin /showrepl on the failing DCs",),
        )
    affected = {p.dc.lower() for p in backlink}
    tested = {dc.lower() for dc in (*report.servers, *all_dcs)} | affected
    missing = [dc for dc in (all_dcs or report.servers) if dc.lower() not in affected]
    # DCs repadmin knows but this dcdiag run did not test: the verdict stands, with a step to confirm it.
    short = {dc.split(".")[0] for dc in tested}
    untested = list(dict.fromkeys(dc for dc in state.replication.dcs if dc.lower().split(".")[0] not in short))
    if missing:
        return Verdict(
            VerdictKind.REAL_PROBLEM,
            f"the back-link is reported missing only on some DCs, not on {', '.join(missing)}: "
            "the false positive hits every DC alike",
            ("compare the DC account objects",),
        )
    return Verdict(
        VerdictKind.FALSE_POSITIVE,
        f"domain functional level {level}, SYSVOL still on FRS and clean replication: the "
        f"2008/2008 R2 DCDIAG assumes DFSR and expects {BACKLINK} on every DC (the label 'SYSVOL FRS Member "
        "Object' is misleading). The message is harmless",
        (
            "this message is harmless; migrate SYSVOL to DFSR anyway (dfsrmig), which also makes it go "
            "away; see why below",
            *(
                [
                    f"this output covers only {', '.join(all_dcs or report.servers or sorted(tested))}: run "
                    f"dcdiag /c /e to confirm the same message on {', '.join(untested)}"
                ]
                if untested
                else []
            ),
        ),
        (KB_FALSE_POSITIVE, "KB 4025991 (Windows Server version 1709 no longer supports FRS)"),
        WHY_MIGRATE,
    )
