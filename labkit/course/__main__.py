"""`python -m labkit.course student-copy NOTEBOOKS DEST`: the learner's own copy (used by `make lab`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .editions import copy_student_edition


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.course")
    sub = parser.add_subparsers(dest="command", required=True)
    copy = sub.add_parser("student-copy", help="write the student edition into a folder, keeping existing work")
    copy.add_argument("notebooks", type=Path)
    copy.add_argument("destination", type=Path)
    args = parser.parse_args(argv)
    if not args.notebooks.is_dir():
        print(f"{args.notebooks}: no such folder of notebooks", file=sys.stderr)
        return 2
    print(copy_student_edition(args.notebooks, args.destination))
    return 0


if __name__ == "__main__":
    sys.exit(main())
