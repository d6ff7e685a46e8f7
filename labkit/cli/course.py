"""`labkit check` and `labkit workshop`: a scenario's exercise checks, and the break-fix labs."""

from __future__ import annotations

import argparse

from .. import scenario
from .common import InputError


def cmd_check(args: argparse.Namespace) -> str:
    from ..checks import run_checks

    net, checks = scenario.load_checks(args.scenario)
    if not checks:
        raise InputError(f"{args.scenario} declares no checks (add a checks: section)")
    results = run_checks(net, checks)
    passed = sum(r.passed for r in results)
    args.exit_code = 0 if passed == len(results) else 1
    return "\n".join([*(str(r) for r in results), f"{passed} passed, {len(results) - passed} failed"])


def cmd_workshop(args: argparse.Namespace) -> str:
    from ..labs.workshop import ChallengeWorkshopError, make, report

    try:
        if args.action == "make":
            return make(args.learners, args.kinds, args.out)
        return report(args.folder)
    except ChallengeWorkshopError as err:
        raise InputError(str(err)) from None
