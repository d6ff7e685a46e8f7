"""What every console writer shares: the adapter identity the scenario does not hold
(made up deterministically from the node and NIC), PowerShell's list and table layout,
and the error blocks cmd.exe and PowerShell print.

docs/console-rules.md lists which values are Windows defaults and which are made up.
"""

from __future__ import annotations

from ..host import Interface, Node
from ..routes import LOOPBACK_LABEL

RULE = "=" * 75
LOOPBACK_INDEX = 1
LOOPBACK_MTU = 4294967295
LINK_MTU = 1500
"""The kit's links are Ethernet with the default MTU."""


def mac_bytes(node: Node, iface: Interface) -> tuple[int, ...]:
    """A made-up MAC in Hyper-V's range 00-15-5D, numbered by the interface index."""
    index = node.if_index(iface.key)
    return 0x00, 0x15, 0x5D, 0x00, index >> 8 & 0xFF, index & 0xFF


def mac_route_print(node: Node, iface: Interface) -> str:
    """`00 15 5d 00 00 0b` as route print's Interface List writes it."""
    return " ".join(f"{b:02x}" for b in mac_bytes(node, iface))


def mac_ipconfig(node: Node, iface: Interface) -> str:
    """`00-15-5D-00-00-0B` as ipconfig /all writes it."""
    return "-".join(f"{b:02X}" for b in mac_bytes(node, iface))


def mac_powershell(node: Node, iface: Interface) -> str:
    return mac_ipconfig(node, iface)


def description(iface: Interface) -> str:
    """The adapter description: the kit shows the connection name (it holds no driver name)."""
    return iface.label


def loopback_alias(node: Node) -> str:
    return LOOPBACK_LABEL


def if_luid(node: Node, iface: Interface) -> str:
    """netsh's IfLuid: `ethernet_` and a made-up number from the interface index."""
    return f"ethernet_{32768 + node.if_index(iface.key)}"


def reachable_time_ms(node: Node, iface: Interface) -> int:
    """Windows draws Reachable Time at random between 0.5 and 1.5 times Base Reachable Time
    (30000 ms); the kit derives a fixed value from the interface index instead."""
    return 15000 + (node.if_index(iface.key) * 7919) % 30000


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def enabled(flag: bool) -> str:
    return "Enabled" if flag else "Disabled"


# --- PowerShell's default formatting -----------------------------------------------------------


def ps_list(objects: list[list[tuple[str, str]]]) -> str:
    """Format-List: an empty line, `Name : value` lines with the names padded to the longest
    name of each object, an empty line between objects, two empty lines at the end.
    A value with line breaks continues under its first line."""
    lines = [""]
    for obj in objects:
        width = max(len(name) for name, _ in obj)
        for name, value in obj:
            first, *more = str(value).split("\n")
            lines.append(f"{name:<{width}} : {first}".rstrip())
            lines += [" " * (width + 3) + extra for extra in more]
        lines.append("")
    lines.append("")
    return "\n".join(lines)


def ps_table(columns: list[tuple[str, int, str]], rows: list[list[str]]) -> str:
    """Format-Table: (header, width, 'l' or 'r') per column, one space between columns, the
    last column unpadded; values too long for a column end in `...`."""

    def cell(text: str, width: int, align: str, last: bool) -> str:
        if len(text) > width:
            text = text[: width - 3] + "..."
        if last:
            return text
        return text.rjust(width) if align == "r" else text.ljust(width)

    def line(values: list[str]) -> str:
        n = len(columns)
        return " ".join(cell(v, w, a, i == n - 1) for i, (v, (_, w, a)) in enumerate(zip(values, columns))).rstrip()

    out = ["", line([h for h, _, _ in columns]), line(["-" * len(h) for h, _, _ in columns])]
    out += [line(r) for r in rows]
    return "\n".join(out + ["", ""])


def ps_error(
    line: str, cmdlet: str, message: str, category: str, error_id: str, at: int = 1, length: int | None = None
) -> str:
    """A PowerShell 3.0-5.1 error record as the console prints it."""
    length = len(cmdlet) if length is None else length
    return "\n".join(
        [
            f"{cmdlet} : {message}",
            f"At line:1 char:{at}",
            f"+ {line}",
            f"+ {' ' * (at - 1)}{'~' * max(1, length)}",
            f"    + CategoryInfo          : {category}",
            f"    + FullyQualifiedErrorId : {error_id}",
            "",
        ]
    )


def ps_not_recognized(line: str, word: str) -> str:
    """PowerShell 3.0-5.1's CommandNotFoundException text (2012 and later)."""
    return ps_error(
        line,
        word,
        f"The term '{word}' is not recognized as the name of a cmdlet, function, "
        "script file, or operable program. Check the spelling of the name, or if a "
        "path was included, verify that the path is correct and try again.",
        f"ObjectNotFound: ({word}:String) [], CommandNotFoundException",
        "CommandNotFoundException",
        1 + len(line) - len(line.lstrip()),
    )


def cmd_not_recognized(word: str) -> str:
    """cmd.exe's two lines for a program it cannot find."""
    return f"'{word}' is not recognized as an internal or external command,\noperable program or batch file."
