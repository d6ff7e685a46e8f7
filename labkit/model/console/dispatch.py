"""The console's one entry point: `run_console(net, node, line, shell)`.

cmd.exe: commands chained with `&&` or `&`, an unknown program gets cmd.exe's "is not
recognized" lines. PowerShell: a pipeline of one cmdlet or program and optional
Format-List / Format-Table, an unknown command gets CommandNotFoundException. A command
Windows has but the kit does not model says so and lists what the kit models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import LabkitError
from ..cmdline import CommandError, InconsistentChange, command_text, split_command_line
from ..engine import TraceError
from ..vocabulary import Vocabulary
from .ipconfig import run_ipconfig
from .layout import cmd_not_recognized, ps_error, ps_not_recognized
from .programs import run_find_net_route, run_ping, run_test_net_connection, run_tracert
from .ps_cmdlets import (
    get_net_ip_address,
    get_net_ip_configuration,
    get_net_ip_interface,
    get_net_route,
    new_net_route,
    remove_net_route,
    set_net_ip_interface,
)
from .ps_objects import PsObject, as_list, as_table, default_view
from .ps_parse import PsError, Token, tokenize

if TYPE_CHECKING:
    from ..host import Node
    from ..network import Network

MAX_LINE = 8191
"""cmd.exe's longest command line (KB 830473); the console applies it to PowerShell too."""


class Shell(Vocabulary):
    """The two consoles a learner types into."""

    CMD = "cmd"
    POWERSHELL = "powershell"

    @property
    def label(self) -> str:
        return {Shell.CMD: "cmd.exe", Shell.POWERSHELL: "PowerShell"}[self]

    @property
    def prompt(self) -> str:
        return {Shell.CMD: "C:\\>", Shell.POWERSHELL: "PS C:\\>"}[self]


CHANGE_PROGRAMS = ("route", "netsh", "reg")
PROGRAMS = ("ipconfig", "route", "netsh", "ping", "tracert", "reg")
CMDLETS = {
    "get-netipinterface": get_net_ip_interface,
    "get-netipaddress": get_net_ip_address,
    "get-netroute": get_net_route,
    "get-netipconfiguration": get_net_ip_configuration,
}
CHANGE_CMDLETS = {
    "set-netipinterface": set_net_ip_interface,
    "new-netroute": new_net_route,
    "remove-netroute": remove_net_route,
}
PROBE_CMDLETS = {"test-netconnection": run_test_net_connection, "find-netroute": run_find_net_route}
ALIASES = {"tnc": "test-netconnection", "gip": "get-netipconfiguration"}
CMDLET_NAMES = (
    "Get-NetIPInterface",
    "Get-NetIPAddress",
    "Get-NetRoute",
    "Get-NetIPConfiguration",
    "Find-NetRoute",
    "Test-NetConnection",
    "Set-NetIPInterface",
    "New-NetRoute",
    "Remove-NetRoute",
)
# Windows programs and cmdlets a learner may well type that the kit does not model.
KNOWN_ELSEWHERE = frozenset(
    "arp nslookup netstat pathping hostname nbtstat getmac ipconfig.exe wmic net telnet curl powershell cmd "
    "get-netadapter get-netneighbor set-netroute new-netipaddress remove-netipaddress set-netipaddress "
    "get-netconnectionprofile test-connection get-dnsclientserveraddress resolve-dnsname get-nettcpconnection "
    "restart-netadapter disable-netadapter enable-netadapter get-netadapterbinding".split()
)
FIRST_PS = {"windows-2012": 3, "windows-2012r2": 4}


class ConsoleError(LabkitError, ValueError):
    """A line the console cannot take at all (too long, binary): one line, the kit's words."""


@dataclass(frozen=True)
class Change:
    """A change a learner made, to replay on a real server."""

    node: str
    typed: str
    shell: str
    commands: tuple[str, ...]
    """The cmd.exe commands that make the same change (netsh, route, reg)."""


@dataclass(frozen=True)
class ConsoleResult:
    output: str
    network: Network
    changed: bool
    change: Change | None = None
    refused: bool = False
    """The kit refused the change: Windows would run it, but the network after it would be
    inconsistent (InconsistentChange); the output says why."""


def _checked_line(line: str) -> str:
    if not isinstance(line, str):
        raise ConsoleError(f"labkit: a command line is text, got {type(line).__name__}")
    if len(line) > MAX_LINE:
        raise ConsoleError(f"labkit: the line is {len(line)} characters long; cmd.exe takes at most {MAX_LINE}")
    bad = next((c for c in line if (ord(c) < 32 and c != "\t") or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF), None)
    if bad is not None:
        raise ConsoleError(f"labkit: the line holds a control character (U+{ord(bad):04X}); type the command as text")
    return line.strip().lstrip("\u00a0")


def _modelled_list(shell: str) -> str:
    ps = ", ".join(CMDLET_NAMES) + " (with | Format-List, | fl *, | Format-Table)" if shell == "powershell" else ""
    return (
        "labkit models: ipconfig [/all], route print|add|delete, netsh interface ipv4 show|set|add|delete, "
        "ping, tracert, reg add …IPEnableRouter" + (f"; {ps}" if ps else "")
    )


def _not_modelled(word: str, shell: str) -> str:
    return f"labkit: '{word}' is a Windows command, but labkit does not model it.\n{_modelled_list(shell)}"


def _error_text(err: CommandError) -> str:
    text = str(err).split(" Hint: ")[0]
    return text + (f"\n[labkit hint: {err.hint}]" if err.hint else "")


def run_console(net: Network, node: str, line: str, shell: str = "cmd") -> ConsoleResult:
    """Run one command line on `node`: what the console prints, and the network after it."""
    if shell not in Shell.values():
        raise ConsoleError(f"labkit: shell must be one of {', '.join(Shell.values())}, got {shell!r}")
    if not net.has_node(node):
        raise ConsoleError(f"labkit: no node {node!r} (nodes: {', '.join(n.name for n in net.nodes)})")
    text = _checked_line(line)
    host = net.node(node)
    if not host.os.is_windows:
        raise ConsoleError(f"labkit: {node} runs {host.os.display}; the console models Windows servers only")
    if not text:
        return ConsoleResult("", net, False)
    try:
        if shell == "cmd":
            output, changed, commands = _run_cmd(net, node, text)
        else:
            output, changed, commands = _run_powershell(net, node, text)
    except CommandError as err:
        return ConsoleResult(_error_text(err), net, False, refused=isinstance(err, InconsistentChange))
    except PsError as err:
        return ConsoleResult(err.text, net, False)
    except TraceError as err:
        return ConsoleResult(f"labkit: {err}", net, False)
    moved = changed is not net and changed != net
    change = Change(node, text, shell, tuple(commands)) if moved and commands else None
    return ConsoleResult(output, changed, moved, change)


def _run_cmd(net: Network, node: str, text: str) -> tuple[str, Network, list[str]]:
    quoted = False
    for char in text:
        quoted = quoted != (char == '"')
        if char in "|<>" and not quoted:
            raise CommandError(
                f"labkit: pipes and redirection ({char}) are not modelled; type one command", _modelled_list("cmd")
            )
    lines = split_command_line(text)
    if len(lines) > 1 and all(_program(words) in CHANGE_PROGRAMS for words in lines):
        # One chain of changes is one change, checked once at its end, as `--run` checks it: KB 975808's
        # `delete address … && add address … skipassource=true` passes through a moment without the cluster IP.
        from ..commands import apply_command

        changed, answer = apply_command(net, node, text)
        return answer, changed, [command_text(words) for words in lines]
    outputs: list[str] = []
    commands: list[str] = []
    for words in lines:
        program = _program(words)
        before = net
        output, net = _run_program(net, node, program, words, "cmd")
        outputs.append(output)
        if program in CHANGE_PROGRAMS and net != before:
            commands.append(command_text(words))
    return "\n".join(outputs), net, commands


def _program(words: list[str]) -> str:
    return words[0].lower().removesuffix(".exe")


def _run_program(net: Network, node: str, program: str, words: list[str], shell: str) -> tuple[str, Network]:
    """ipconfig, ping, tracert and the change programs, the same from cmd.exe and PowerShell."""
    from ..commands import apply_command  # commands imports this package's writers

    if program == "ipconfig":
        return run_ipconfig(net.node(node), words[1:]), net
    if program == "ping":
        return run_ping(net, node, words[1:]), net
    if program == "tracert":
        return run_tracert(net, node, words[1:]), net
    if program in CHANGE_PROGRAMS:
        changed, answer = apply_command(net, node, command_text(words))
        return answer, changed
    if program in KNOWN_ELSEWHERE or program in CMDLETS or program in CHANGE_CMDLETS:
        if shell == "cmd" and "-" in program:
            return cmd_not_recognized(words[0]), net
        return _not_modelled(words[0], shell), net
    if shell == "cmd":
        return cmd_not_recognized(words[0]), net
    raise LookupError(words[0])


def _powershell_version(host: Node) -> int | None:
    if not host.os.forwarding_per_interface:
        return None
    return FIRST_PS.get(host.os.name, 2 if host.os.name.startswith("windows-2008") else 5)


def _ps2_not_recognized(line: str, word: str) -> str:
    at = line.index(word) + len(word) + 1
    return "\n".join(
        [
            f"The term '{word}' is not recognized as the name of a cmdlet, function, script file, or "
            "operable program. Check the spelling of the name, or if a path was included, verify that "
            "the path is correct and try again.",
            f"At line:1 char:{at}",
            f"+ {line[: at - 1]} <<<< {line[at - 1 :].lstrip()}".rstrip(),
            f"    + CategoryInfo          : ObjectNotFound: ({word}:String) [], CommandNotFoundException",
            "    + FullyQualifiedErrorId : CommandNotFoundException",
            "",
        ]
    )


def _run_powershell(net: Network, node: str, text: str) -> tuple[str, Network, list[str]]:
    host = net.node(node)
    version = _powershell_version(host)
    if version is None:
        raise CommandError(
            f"labkit: {host.os.display} has no PowerShell unless it was installed; "
            "use the cmd.exe console (shell='cmd')"
        )
    stages = tokenize(text)
    first, rest = stages[0], stages[1:]
    name = first[0].text
    key = ALIASES.get(name.lower(), name.lower())
    if key in CMDLETS or key in CHANGE_CMDLETS or key == "find-netroute":
        exists = version >= 3
    elif key == "test-netconnection":
        exists = version >= 4
    else:
        exists = key.removesuffix(".exe") in PROGRAMS or key in KNOWN_ELSEWHERE
    if not exists:
        return (_ps2_not_recognized(text, name) if version == 2 else ps_not_recognized(text, name)), net, []
    formatter = _formatter(text, rest)
    if key in PROBE_CMDLETS:
        output = PROBE_CMDLETS[key](net, node, text, first[1:])
        return output, net, []
    if key in CMDLETS:
        result = CMDLETS[key](host, text, first[1:])
        return (result.text if result.text is not None else formatter(list(result.objects))), net, []
    if key in CHANGE_CMDLETS:
        result = CHANGE_CMDLETS[key](net, node, text, first[1:])
        output = result.text if result.text is not None else formatter(list(result.objects))
        return output, result.network if result.network is not None else net, list(result.commands)
    if rest:
        raise CommandError("labkit: piping a program's output is not modelled", _modelled_list("powershell"))
    words = [t.text for t in first]
    program = key.removesuffix(".exe")
    before = net
    output, net = _run_program(net, node, program, words, "powershell")
    return output, net, [command_text(words)] if program in CHANGE_PROGRAMS and net != before else []


def _formatter(line: str, stages: list[list[Token]]) -> Callable[[list[PsObject]], str]:
    """The view a pipeline asks for: nothing (the default), Format-List [*], Format-Table."""
    if not stages:
        return default_view
    if len(stages) > 1:
        raise CommandError(
            "labkit: one Format-List or Format-Table after the cmdlet is modelled, not more",
            _modelled_list("powershell"),
        )
    words = [t.text.lower() for t in stages[0]]
    if words[0] in ("format-list", "fl"):
        every = words[1:] in (["*"], ["-property", "*"], ["-p", "*"])
        if words[1:] and not every:
            raise CommandError("labkit: Format-List takes * here, or nothing", "… | Format-List *  or  … | fl")
        return lambda objects: as_list(objects, every)
    if words[0] in ("format-table", "ft") and len(words) == 1:
        return as_table
    raise CommandError(f"labkit: '{stages[0][0].text}' after the pipe is not modelled", _modelled_list("powershell"))


__all__ = ["Change", "ConsoleError", "ConsoleResult", "MAX_LINE", "ps_error", "run_console"]
