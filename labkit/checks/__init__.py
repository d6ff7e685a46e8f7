"""Checks: one model for grading. A scenario file's `checks:` are check kinds (`FlowCheck`,
`ReplyCheck`, `FtpCheck`), each with `run(net) -> CheckResult`, run by `labkit check SCENARIO`,
in a cell, or in pytest; the course's exercises that are graded by running the answer live in
`exercises`. A check grades an observable outcome, never a whole configuration, and every
message follows `labkit.feedback`: what is right, what is still wrong, and a hint.

Grading imports no view layer (labkit.views, labkit.widgets, labkit.plot).
"""

from .exercises import (
    WHY_FEWER,
    Switch,
    grade_commands,
    grade_ftp_fix,
    grade_source_address,
    grade_switches,
    minimal_switch_sets,
    reply_accepted,
    with_switches,
)
from .kinds import (
    Check,
    CheckKind,
    CheckResult,
    FlowCheck,
    FtpCheck,
    ReplyCheck,
    run_check,
    run_checks,
)

__all__ = [
    "WHY_FEWER",
    "Check",
    "CheckKind",
    "CheckResult",
    "FlowCheck",
    "FtpCheck",
    "ReplyCheck",
    "Switch",
    "grade_commands",
    "grade_ftp_fix",
    "grade_source_address",
    "grade_switches",
    "minimal_switch_sets",
    "reply_accepted",
    "run_check",
    "run_checks",
    "with_switches",
]
