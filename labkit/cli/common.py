"""What every `labkit` command shares: the one-line input error, the parser that raises it, the
scenario after the --run commands, and the --pcap captures."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from .. import scenario
from ..errors import LabkitError
from ..model import CommandError, Network, Node, apply_command


class InputError(LabkitError):
    """Bad input: shown as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        raise InputError(f"{message} (try: {self.prog} --help)")


def scenario_after_runs(
    source: str, runs: list[str] | None = None, echo: Callable[[str], None] | None = None
) -> Network:
    """The scenario after the --run commands; each command and its own output (netsh's "Ok.",
    route's messages) goes to `echo` as the server would print it."""
    net = scenario.load_scenario(source)
    for item in runs or ():
        node_name, sep, command = item.partition(":")
        if not sep or not command.strip():
            raise InputError(f"--run expects 'NODE: COMMAND', got {item!r}")
        node_of(net, node_name.strip())
        try:
            net, output = apply_command(net, node_name.strip(), command.strip())
        except CommandError as err:
            raise InputError(f"--run {item!r}: {err}") from None
        if echo is not None:
            echo(f"{node_name.strip()}> {command.strip()}\n{output.strip()}\n")
    return net


def echo_for(args: argparse.Namespace) -> Callable[[str], None]:
    """Command output goes before the answer; with --json, to stderr so stdout stays pure JSON."""
    stream = sys.stderr if getattr(args, "json", False) else sys.stdout
    return lambda text: print(text, file=stream)


class UnknownNode(InputError):
    """A node the scenario does not have; main() names the scenario file it was looked for in."""


def node_of(net: Network, name: str) -> Node:
    if not net.has_node(name):
        raise UnknownNode(f"no node {name!r} in scenario {net.name} (nodes: {', '.join(n.name for n in net.nodes)})")
    return net.node(name)


def with_pcap(text: str, result: Any, folder: str | None) -> str:
    """Write the captures when --pcap was given, and say where (on stderr with --json)."""
    if folder is None:
        return text
    try:
        from ..capture import write_pcap
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("--pcap needs scapy: pip install 'labkit[capture]'") from None
    try:
        written = write_pcap(result, folder)
    except ImportError:
        raise InputError("--pcap needs scapy: pip install 'labkit[capture]'") from None
    except OSError as err:
        raise InputError(f"--pcap {folder}: {err}") from None
    note = f"pcap: wrote {len(written)} files to {folder} (one per capture point, open them in Wireshark)"
    if text.lstrip().startswith("{"):
        print(note, file=sys.stderr)
        return text
    return f"{text}\n{note}"
