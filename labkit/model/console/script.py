"""Writing the changes a learner made in the console as a script for a real server:
a `.cmd` batch file (netsh, route and reg as cmd.exe runs them) or a `.ps1` PowerShell
script (cmdlets as typed; netsh, route and reg run from PowerShell unchanged)."""

from __future__ import annotations

from collections.abc import Iterable

from .dispatch import Change, ConsoleResult, Shell

DIALECTS = ("cmd", "ps1")


def save_script(changes: Iterable[Change | ConsoleResult], dialect: str = "cmd") -> str:
    """The script text for these changes (Change or ConsoleResult values, in the order made).

    Each command is preceded by a comment naming the server it was made on; run the lines
    for a server on that server, from an elevated prompt.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"script dialect must be one of {', '.join(DIALECTS)}, got {dialect!r}")
    made = [c.change if isinstance(c, ConsoleResult) else c for c in changes]
    picked = [c for c in made if isinstance(c, Change)]
    comment = "rem" if dialect == "cmd" else "#"
    lines = ["@echo off"] if dialect == "cmd" else []
    lines.append(
        f"{comment} Changes made in the labkit console. Run each server's lines on that server, "
        "from an elevated prompt."
    )
    if not picked:
        lines.append(f"{comment} (no changes were made)")
    for change in picked:
        lines.append(f"{comment} on {change.node}: {change.typed}")
        if (
            dialect == "ps1"
            and change.shell == Shell.POWERSHELL
            and not change.typed.lower().startswith(("netsh", "route", "reg"))
        ):
            lines.append(change.typed)
        else:
            lines.extend(change.commands)
    newline = "\r\n"
    return newline.join(lines) + newline
