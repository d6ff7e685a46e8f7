"""Running the route.exe, netsh and reg commands a learner types on a Windows node, and what
a restart keeps.

How cmd.exe cuts a line into words is in cmdline.py; each program is read by its own
module (route_exe.py, netsh.py, reg_exe.py). The commands the kit writes for a node's
settings are in setting_commands.py, the outputs (route print, netsh's show commands) in
labkit.model.console; both stay importable from here.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .cmdline import CommandError, InconsistentChange, split_command_line
from .host import Node
from .network import Network
from .setting_commands import (
    forwarding_command,
    netsh_add_route,
    netsh_set_switch,
    node_commands,
    registry_value,
    route_exe_add,
    skip_as_source_commands,
)

if TYPE_CHECKING:
    from .console.netsh_show import netsh_show_interface, netsh_show_interfaces, netsh_show_route
    from .console.route_print import route_print

# The output writers load on first use: a trace imports this module for its remedies' commands
# and needs neither the writers nor the programs' readers until a command runs.
_WRITERS = {
    "netsh_show_interface": ".console.netsh_show",
    "netsh_show_interfaces": ".console.netsh_show",
    "netsh_show_route": ".console.netsh_show",
    "route_print": ".console.route_print",
}

__all__ = [
    "CommandError",
    "apply_command",
    "forwarding_command",
    "netsh_add_route",
    "netsh_set_switch",
    "netsh_show_interface",
    "netsh_show_interfaces",
    "netsh_show_route",
    "node_commands",
    "registry_value",
    "restart",
    "route_exe_add",
    "route_print",
    "run_command",
    "skip_as_source_commands",
    "split_command_line",
]


def __getattr__(name: str) -> Any:  # the writers in _WRITERS, loaded on first use
    if name in _WRITERS:
        return getattr(import_module(_WRITERS[name], __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def restart(node: Node) -> Node:
    """What a reboot keeps: persistent static routes only."""
    return replace(node, routes=tuple(r for r in node.routes if r.persistent))


def run_command(node: Node, line: str) -> tuple[Node, str]:
    """Run route.exe, netsh or reg commands on a Windows node: the changed node and Windows's answer.

    Several commands may be chained with '&&'. Raises CommandError with the message
    Windows would print.
    """
    if not node.os.is_windows:
        raise CommandError(
            f"{node.name} runs {node.os.display}: labkit models Windows commands only (route, netsh, reg)"
        )
    from .netsh import netsh
    from .reg_exe import reg_exe
    from .route_exe import route_exe

    answers = []
    for words in split_command_line(line):
        program = words[0].lower().removesuffix(".exe")
        runners = {"route": route_exe, "reg": reg_exe}
        if program == "netsh":
            node, answer = netsh(node, words)  # netsh types back the whole command in its hints
            answers.append(answer)
            continue
        if program not in runners:
            raise CommandError(f"'{words[0]}' is not a command labkit models (route, netsh, reg)")
        node, answer = runners[program](node, words[1:])
        answers.append(answer)
    return node, "\n".join(answers)


def apply_command(net: Network, node: str, line: str) -> tuple[Network, str]:
    """Run a command on one node of a network: (the changed network, Windows's answer).

    A command that would leave the network inconsistent (an address conflict, a router
    that stops forwarding, ...) is refused like a command Windows refuses.
    """
    from .problems import Severity
    from .validation import validate_network  # validation imports this module's neighbours

    changed, answer = run_command(net.node(node), line)
    result = net.with_node(changed)
    errors = [p for p in validate_network(result) if p.severity is Severity.ERROR]
    if errors:
        raise InconsistentChange(f"refused: it would leave the network inconsistent: {errors[0]}")
    return result, answer
