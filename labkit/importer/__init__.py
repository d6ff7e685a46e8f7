"""Bring your own server: import the output of ipconfig /all and route print (and, for the
per-NIC switches, netsh or Get-NetIPInterface) into a scenario the kit can trace and lint.

    result = labkit.import_server("ipconfig.txt", "route.txt", "netsh.txt")
    print(result)                 # what was read, what the outputs cannot tell, the warnings
    result.network                # a labkit Network: trace it like any scenario
    print(result.to_yaml())       # the scenario file `labkit import … -o OUT.yaml` writes

Parsing and building are pure functions over text (parsers, build, assemble, lint,
anonymise); reading files and standard input is the thin shell `read_source` here.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from ..model import Role
from .lint import LintWarning, lint
from .text import MAX_BYTES, ImportInputError, Kind, decode, identify

if TYPE_CHECKING:
    from ..model import Network

__all__ = ["ImportInputError", "ImportResult", "LintWarning", "import_server", "import_texts", "lint", "read_source"]


@dataclass(frozen=True)
class ImportResult:
    """The imported network, which output was which, and what the kit could not tell or warns about."""

    network: Network
    """The servers, one router per gateway, one segment per subnet."""
    sources: tuple[tuple[str, str], ...]
    """(source, the command recognised in it)."""
    unknowns: tuple[str, ...]
    warnings: tuple[LintWarning, ...] = field(default=())
    anonymised: bool = False

    def to_yaml(self) -> str:
        from ..scenario import to_yaml

        head = ["# Scenario written by `labkit import`" + (" (anonymised)" if self.anonymised else "") + "."]
        if not self.anonymised:
            head += [f"#   {os.path.basename(source)}: {kind}" for source, kind in self.sources]
        head.append("# What the outputs cannot tell (not guessed; check and edit):")
        head += [f"#   - {_one_line(note)}" for note in self.unknowns] or ["#   - nothing"]
        head.append("# Warnings (labkit lint):")
        head += [
            f"#   - {_one_line(w.path)}: {_one_line(w.message)} (why: {_one_line(w.why)})" for w in self.warnings
        ] or ["#   - none"]
        return "\n".join(head) + "\n" + to_yaml(self.network)

    def lines(self) -> list[str]:
        net = self.network
        servers = [n.name for n in net.nodes if n.role is Role.HOST]
        out = [f"imported {', '.join(servers)}" + (" (anonymised)" if self.anonymised else "")]
        out += [f"  read {os.path.basename(source)}: {kind}" for source, kind in self.sources]
        out.append("what the outputs cannot tell:")
        out += [f"  - {note}" for note in self.unknowns] or ["  - nothing"]
        out.append("warnings:")
        out += [f"  - {w.path}: {w.message}\n    why: {w.why}" for w in self.warnings] or ["  - none"]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def read_source(source) -> tuple[str, bytes]:
    """(name, bytes) of one input: a path, '-' for standard input, or a (name, text or bytes) pair.
    At most MAX_BYTES + 1 bytes are read, so a huge file is refused without reading it all."""
    if isinstance(source, tuple):
        name, content = source
        return str(name), content.encode("utf-8") if isinstance(content, str) else bytes(content)
    if str(source) == "-":
        return "<stdin>", sys.stdin.buffer.read(MAX_BYTES + 1)
    name = os.fspath(source)
    try:
        with open(name, "rb") as handle:
            return name, handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise ImportInputError(
            name, f"cannot read it ({err.strerror or err}); expected a saved command output"
        ) from None


_PARSERS = {
    Kind.IPCONFIG_ALL: "parse_ipconfig_all",
    Kind.ROUTE_PRINT: "parse_route_print",
    Kind.NETSH_VERBOSE: "parse_netsh_verbose",
    Kind.NETSH_TABLE: "parse_netsh_table",
    Kind.NET_IP_INTERFACE: "parse_net_ip_interface",
}


def parse_text(text: str, source: str):
    """(the parsed output, its Kind) for one decoded text."""
    from . import parsers

    kind = identify(text, source)
    return getattr(parsers, _PARSERS[kind])(text, source), kind


def import_texts(
    named: list[tuple[str, bytes]], *, nlb=(), anonymise: bool = False, seed: int = 0, title: str = ""
) -> ImportResult:
    """The pure core: (name, bytes) of each output -> ImportResult."""
    from ..model import Severity, validate_network
    from .anonymise import anonymise as rewrite
    from .assemble import assemble, group

    if not named:
        raise ImportInputError("labkit import", "no input given; expected the output of ipconfig /all and route print")
    parsed, kinds = [], []
    for name, data in named:
        value, kind = parse_text(decode(data, name), name)
        parsed.append((value, name))
        kinds.append((name, kind.value))
    cluster_ips = tuple(_address(a) for a in nlb)
    servers, notes = group(parsed)
    if anonymise:
        servers, cluster_ips = rewrite(servers, seed, cluster_ips)
        notes = []  # they name the files, which may carry the server's name
    net, more = assemble(servers, cluster_ips, title)
    problems = [p for p in validate_network(net) if p.severity is Severity.ERROR]
    if problems:
        raise ImportInputError(
            ", ".join(n for n, _ in named),
            f"these outputs describe a server the kit cannot model ({problems[0]}); expected one server's outputs",
        )
    unknowns = tuple(notes + more)
    return ImportResult(net, tuple(kinds), unknowns, tuple(lint(net)), anonymise)


def _address(value) -> IPv4Address:
    try:
        return IPv4Address(str(value).strip())
    except ValueError:
        raise ImportInputError(f"--nlb {value}", "expected the NLB cluster IP, like 10.10.0.100") from None


def import_server(*sources, nlb=(), anonymise: bool = False, seed: int = 0, title: str = "") -> ImportResult:
    """Import one or more servers from their saved outputs (paths, '-' for standard input, or
    (name, text) tuples; or one list of them), in any order. `nlb`: cluster IPs the outputs cannot show."""
    if len(sources) == 1 and isinstance(sources[0], list):  # import_server([file, file, ...])
        sources = tuple(sources[0])
    return import_texts([read_source(s) for s in sources], nlb=nlb, anonymise=anonymise, seed=seed, title=title)
