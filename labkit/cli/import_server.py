"""`labkit import`: a scenario from a server's own ipconfig /all, route print and netsh outputs."""

from __future__ import annotations

import argparse
import sys

from .common import InputError


def cmd_import(args: argparse.Namespace) -> str:
    from ..importer import ImportInputError, import_server

    try:
        result = import_server(*args.files, nlb=tuple(args.nlb or ()), anonymise=args.anonymise, seed=args.seed)
    except ImportInputError as err:
        raise InputError(str(err)) from None
    if args.output is None:
        print(str(result), file=sys.stderr)
        return result.to_yaml().rstrip("\n")
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(result.to_yaml())
    except OSError as err:
        raise InputError(f"{args.output}: cannot write it ({err.strerror or err})") from None
    return f"{result}\nwrote {args.output}"
