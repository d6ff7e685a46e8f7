"""reg.exe as a learner types it: only the IPEnableRouter value Windows 2003 forwards with."""

from __future__ import annotations

from dataclasses import replace

from .cmdline import CommandError
from .host import Node
from .setting_commands import IP_ENABLE_ROUTER


def reg_exe(node: Node, words: list[str]) -> tuple[Node, str]:
    """`reg add …\\Tcpip\\Parameters /v IPEnableRouter /t REG_DWORD /d 1 /f` (machine-wide forwarding)."""
    lowered = [w.lower() for w in words]
    if (
        len(words) < 2
        or lowered[0] != "add"
        or lowered[1] != IP_ENABLE_ROUTER.lower()
        or "/v" not in lowered
        or lowered[lowered.index("/v") + 1 :][:1] != ["ipenablerouter"]
    ):
        raise CommandError(
            "reg: labkit models only: reg add " + IP_ENABLE_ROUTER + " /v IPEnableRouter /t REG_DWORD /d 0|1 /f"
        )
    data = lowered[lowered.index("/d") + 1] if "/d" in lowered[:-1] else None
    if data not in ("0", "1"):
        raise CommandError("reg add … /v IPEnableRouter: expected /d 0 or /d 1")
    ifaces = tuple(replace(i, forwarding=data == "1") for i in node.interfaces)
    return replace(node, interfaces=ifaces), (
        "The operation completed successfully. "
        "(Windows applies IPEnableRouter at the next restart; "
        "the kit applies it at once.)"
    )
