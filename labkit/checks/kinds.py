"""The check kinds a scenario file declares (`checks:`): each grades one observable outcome (where
a flow ends, whether its answer comes back and by which NIC, how an FTP session ends), never a
whole configuration. `run(net)` gives a `CheckResult` in the one feedback format."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..feedback import Assessment, ShownAsFeedback, not_graded, still_wrong
from ..feedback import right as right_text
from ..model import (
    Disposition,
    Flow,
    FtpClientSettings,
    FtpOutcome,
    Network,
    Outcome,
    Trace,
    TraceError,
    ftp_session,
    trace,
)
from ..model.ftp import FtpError
from ..model.ftp_protocol import FtpSetup
from ..model.host import InterfaceRef
from ..model.vocabulary import Vocabulary, settle


class CheckKind(Vocabulary):
    """The kinds of check a scenario file declares (its `kind:` key): the schema's tags, its
    `kind` fields and the check classes below all take them from here."""

    FLOW = "flow"
    REPLY = "reply"
    FTP = "ftp"


NO_REPLY = "NONE (the request was not accepted)"
"""How a check names the reply of a request that was never accepted (there is none)."""


@dataclass(frozen=True)
class Check:
    """What every check has: a name, what it checks, and its own feedback texts (the scenario
    file's `pass:`, `fail:` and `hint:`). The kinds below say what is graded."""

    kind: ClassVar[CheckKind | None] = None
    name: str
    description: str = ""
    pass_text: str = ""
    fail_text: str = ""
    hint: str = ""

    def run(self, net: Network) -> CheckResult:
        raise TypeError(f"{type(self).__name__} grades nothing: use FlowCheck, ReplyCheck or FtpCheck")

    def verdict(self, wrong: list[str], right: str) -> CheckResult:
        """Passed when nothing is wrong; otherwise right so far, still wrong, and the hint."""
        if not wrong:
            return CheckResult(self, True, right_text(right, lead=self.pass_text))
        return CheckResult(
            self, False, still_wrong("; ".join(wrong), self.hint, right_so_far=right, lead=self.fail_text)
        )


@dataclass(frozen=True, repr=False)
class CheckResult(ShownAsFeedback):
    check: Check
    passed: bool
    assessment: Assessment

    def __str__(self) -> str:
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.check.name}: {self.message}"

    def _label(self) -> str:
        return self.check.name


@dataclass(frozen=True, kw_only=True)
class FlowCheck(Check):
    """Where the request ends: its disposition (ACCEPTED, NO_ROUTE, STRONG_SEND_BLOCKED, …)."""

    kind: ClassVar[CheckKind] = CheckKind.FLOW
    flow: Flow
    disposition: Disposition

    def __post_init__(self) -> None:
        settle(self, disposition=Disposition)

    def run(self, net: Network) -> CheckResult:
        return _run_flow(self, net, replace(self.flow, reply=False), self.disposition, None, None)


@dataclass(frozen=True, kw_only=True)
class ReplyCheck(Check):
    """Whether the answer comes back: the reply's disposition (or ACCEPTED_BY_WRONG_NODE) and/or
    the 'node.interface' it leaves by; optionally the request's disposition as well."""

    kind: ClassVar[CheckKind] = CheckKind.REPLY
    flow: Flow
    reply: Outcome | None = None
    egress: InterfaceRef | str | None = None
    """NODE.INTERFACE, as an InterfaceRef or its text ("web1.nlb")."""
    disposition: Disposition | None = None

    def __post_init__(self) -> None:
        if self.reply is not None:
            settle(self, reply=Outcome)
        if self.disposition is not None:
            settle(self, disposition=Disposition)

    def run(self, net: Network) -> CheckResult:
        return _run_flow(self, net, replace(self.flow, reply=True), self.disposition, self.reply, self.egress)


@dataclass(frozen=True, kw_only=True)
class FtpCheck(Check):
    """How the scenario's FTP session ends (success or failure), with these client settings
    (None: the scenario's own `ftp:` section)."""

    kind: ClassVar[CheckKind] = CheckKind.FTP
    outcome: FtpOutcome
    settings: FtpClientSettings | None = None

    def __post_init__(self) -> None:
        settle(self, outcome=FtpOutcome)

    def run(self, net: Network) -> CheckResult:
        try:
            setup = net.ftp if isinstance(net.ftp, FtpSetup) else None
            result = ftp_session(net, settings=self.settings or (setup.settings if setup else None))
        except FtpError as err:
            return CheckResult(self, False, not_graded(f"the FTP session cannot start: {err}"))
        got, wrong = result.outcome, []
        if got is not self.outcome:
            wrong.append(f"the FTP session ends in {got} (expected {self.outcome}): {result.reason}")
        return self.verdict(wrong, right="" if wrong else f"the FTP session ends in {got}")


def _run_flow(
    check: Check,
    net: Network,
    flow: Flow,
    disposition: Disposition | None,
    reply: Outcome | None,
    egress: InterfaceRef | str | None,
) -> CheckResult:
    """The request's disposition, the reply's, and the NIC the reply (or the request) leaves by."""
    try:
        result = trace(net, flow)
    except TraceError as err:
        return CheckResult(check, False, not_graded(f"the flow cannot be traced: {err}"))
    wrong: list[str] = []
    right: list[str] = []
    if disposition is not None:
        ended = result.disposition
        (right if ended is disposition else wrong).append(
            f"the request ends {ended}"
            + ("" if ended is disposition else f" (expected {disposition}): {result.reason}")
        )
    shown = result.reply if reply is not None or (egress and result.reply) else result
    if reply is not None:
        got = _reply_outcome(result)
        (right if got is reply else wrong).append(
            f"the reply ends {got or NO_REPLY}"
            + ("" if got is reply else f" (expected {reply}): {shown.reason if shown else 'no reply'}")
        )
    if egress is not None and shown is not None:
        node, out = shown.egress
        expected = InterfaceRef.parse(egress)
        left_by = InterfaceRef(node, out) if out else f"{node} (it never left)"
        (right if left_by == expected else wrong).append(
            f"it leaves by {left_by}" + ("" if left_by == expected else f" (expected {expected})")
        )
    return check.verdict(wrong, right="; ".join(right))


def _reply_outcome(result: Trace) -> Outcome | None:
    """How the reply ended; None when there is no reply (the request was not accepted)."""
    return result.reply.outcome if result.reply is not None else None


def run_check(net: Network, check: Check) -> CheckResult:
    """Grade one check against a network."""
    return check.run(net)


def run_checks(net: Network, checks) -> list[CheckResult]:
    """Run each check (from `load_checks`) on `net`: one result each, passed or not, with why."""
    return [check.run(net) for check in checks]


__all__ = [
    "NO_REPLY",
    "Check",
    "CheckKind",
    "CheckResult",
    "FlowCheck",
    "FtpCheck",
    "ReplyCheck",
    "run_check",
    "run_checks",
]
