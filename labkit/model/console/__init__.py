"""The simulated Windows console: a command line in, Windows's output and the changed network out.

Pure functions, no I/O. One module per command family (ipconfig, route print, netsh show,
the PowerShell NetTCPIP cmdlets, ping / tracert / Test-NetConnection), the dispatcher with
cmd.exe's and PowerShell's answers to unknown commands, and the script export.

The output writers are imported by the command interpreter (commands.py, route_exe.py, netsh.py), so
this package loads its dispatcher only when it is first asked for.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "run_console": "dispatch",
    "ConsoleResult": "dispatch",
    "ConsoleError": "dispatch",
    "MAX_LINE": "dispatch",
    "Shell": "dispatch",
    "save_script": "script",
    "console_verdict": "probes",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:  # any of the names in _LAZY, loaded on first use
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
