"""`labkit dcdiag` and `labkit restore`: the two troubleshooting case files."""

from __future__ import annotations

import argparse
import json

from .common import InputError


def cmd_dcdiag(args: argparse.Namespace) -> str:
    from ..cases.dcdiag import DomainState, FunctionalLevelError, judge
    from ..cases.dcdiag_parse import DcdiagInputError, parse_dcdiag, parse_replsummary
    from ..cases.files import read_text

    try:
        report = parse_dcdiag(read_text(args.file))
        replication = parse_replsummary(read_text(args.replsummary)) if args.replsummary else None
    except DcdiagInputError as err:
        raise InputError(f"{args.replsummary if err.tool == 'repadmin' else args.file}: {err}") from None
    try:
        verdict = judge(report, DomainState(args.dfl, args.sysvol, args.dfsrmig_state, replication))
    except FunctionalLevelError as err:
        raise InputError(str(err)) from None
    except DcdiagInputError as err:
        raise InputError(f"--dfl, --sysvol and --dfsrmig-state do not fit together: {err}") from None
    return json.dumps(verdict.to_dict(), indent=2) if args.json else str(verdict)


def cmd_restore(args: argparse.Namespace) -> str:
    from ..cases.files import load_layout
    from ..cases.restore import preflight

    result = preflight(load_layout(args.layout))
    return json.dumps(result.to_dict(), indent=2) if args.json else str(result)
