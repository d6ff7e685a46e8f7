"""`labkit` on the command line: a thin shell over the model and the scenario files.

Exit status: 0 whenever the question was answered (whatever the packet's fate),
2 with a one-line message when the input is wrong (any LabkitError), 1 (one line too, asking
for a report) if labkit fails; `--debug` adds the traceback an error report needs;
`labkit check` exits 1 when a check fails, `labkit kernel-lab` when model and kernel disagree,
130 when interrupted (Ctrl-C, SIGTERM) after cleaning up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

from . import scenario
from .cases.dcdiag import Sysvol
from .errors import LabkitError
from .model import (
    PROTOCOLS,
    CommandError,
    FtpMode,
    OnCccRefused,
    Prot,
    TlsMode,
    apply_command,
    cluster_shares,
    netsh_show_route,
    node_commands,
    route_print,
    trace,
)
from .model.addressing import parse_ipv4

USAGE_ERROR = 2
PCAP_HELP = "also write one Wireshark-ready .pcap per capture point into DIR (needs scapy)"


class InputError(LabkitError):
    """Bad input: shown as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise InputError(f"{message} (try: {self.prog} --help)")


def _scenario(source: str, runs: list[str] | None = None, echo=None):
    """The scenario after the --run commands; each command and its own output (netsh's "Ok.",
    route's messages) goes to `echo` as the server would print it."""
    net = scenario.load_scenario(source)
    for item in runs or ():
        node_name, sep, command = item.partition(":")
        if not sep or not command.strip():
            raise InputError(f"--run expects 'NODE: COMMAND', got {item!r}")
        _node(net, node_name.strip())
        try:
            net, output = apply_command(net, node_name.strip(), command.strip())
        except CommandError as err:
            raise InputError(f"--run {item!r}: {err}") from None
        if echo is not None:
            echo(f"{node_name.strip()}> {command.strip()}\n{output.strip()}\n")
    return net


def _echo_for(args):
    """Command output goes before the answer; with --json, to stderr so stdout stays pure JSON."""
    stream = sys.stderr if getattr(args, "json", False) else sys.stdout
    return lambda text: print(text, file=stream)


class UnknownNode(InputError):
    """A node the scenario does not have; main() names the scenario file it was looked for in."""


def _node(net, name: str):
    if not net.has_node(name):
        raise UnknownNode(f"no node {name!r} in scenario {net.name} (nodes: {', '.join(n.name for n in net.nodes)})")
    return net.node(name)


def cmd_trace(args) -> str:
    net = _scenario(args.scenario, args.run, _echo_for(args))
    _node(net, args.source_node)
    result = trace(
        net,
        args.source_node,
        args.to,
        src=args.src,
        proto=args.proto,
        dport=args.dport,
        sport=args.sport,
        reply=args.reply,
    )
    return _with_pcap(result.to_json(with_reply=args.reply) if args.json else str(result), result, args.pcap)


def _with_pcap(text: str, result, folder: str | None) -> str:
    """Write the captures when --pcap was given, and say where (on stderr with --json)."""
    if folder is None:
        return text
    try:
        from .capture import write_pcap
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


def _ftp_question(args):
    """The network and client settings `labkit ftp` and `labkit kernel-lab` are asked about."""
    from dataclasses import replace

    from .model.ftp_protocol import FtpClientSettings

    net = _scenario(args.scenario, args.run, _echo_for(args))
    setup = net.ftp
    settings = setup.settings if setup else FtpClientSettings()
    overrides = {
        key: getattr(args, key)
        for key in ("mode", "tls", "prot", "ccc", "trust_pasv_address", "port", "on_ccc_refused")
        if getattr(args, key) is not None
    }
    settings = replace(settings, **overrides)
    if args.prot is not None and settings.tls is TlsMode.NONE:
        raise InputError("--prot needs --tls explicit or implicit (PROT sets the data channel's protection)")
    if args.address is not None:
        try:
            parse_ipv4(args.address, "address")
        except ValueError as err:
            raise InputError(f"--address: {err}") from None
    for name in (args.client, args.server):
        if name is not None:
            _node(net, name)
    return net, settings


def cmd_ftp(args) -> str:
    from .model.ftp import FtpError, ftp_session

    net, settings = _ftp_question(args)
    try:
        result = ftp_session(net, args.client, args.server, args.address, settings)
    except FtpError as err:
        raise InputError(str(err)) from None
    return _with_pcap(json.dumps(result.to_dict(), indent=2) if args.json else str(result), result, args.pcap)


def cmd_kernel_lab(args) -> str:
    from .kernel_lab import LabError, requirements_problem

    problem = requirements_problem()
    if problem:
        raise InputError(problem)

    def progress(text):
        print(f"kernel-lab: {text}", file=sys.stderr, flush=True)

    try:
        if args.scenario == "all":
            from .kernel_lab.cases import run_all, table

            given = [
                key
                for key in (
                    "client",
                    "server",
                    "address",
                    "port",
                    "mode",
                    "tls",
                    "prot",
                    "ccc",
                    "trust_pasv_address",
                    "run",
                )
                if getattr(args, key) is not None
            ]
            if given:
                raise InputError(f"kernel-lab all runs its own list of cases: drop --{given[0].replace('_', '-')}")
            rows = run_all(args.pcap, progress=lambda row: progress(f"{row.case.name}: {row.verdict}"))
            args.exit_code = 1 if any(r.verdict == "DISAGREE" for r in rows) else 0
            return table(rows)
        from .kernel_lab.lab import run
        from .model.ftp import FtpError

        net, settings = _ftp_question(args)
        if net.ftp is None and not (args.client and args.server):
            raise InputError(f"{args.scenario} has no ftp: section: give --client and --server")
        try:
            comparison = run(
                net,
                settings,
                client=args.client,
                server=args.server,
                address=args.address,
                captures=args.pcap,
                progress=progress,
            )
        except FtpError as err:
            raise InputError(str(err)) from None
        args.exit_code = 0 if comparison.agree else 1
        return str(comparison)
    except LabError as err:
        raise InputError(str(err)) from None


def cmd_check(args) -> str:
    from .checks import run_checks

    net, checks = scenario.load_checks(args.scenario)
    if not checks:
        raise InputError(f"{args.scenario} declares no checks (add a checks: section)")
    results = run_checks(net, checks)
    passed = sum(r.passed for r in results)
    args.exit_code = 0 if passed == len(results) else 1
    return "\n".join([*(str(r) for r in results), f"{passed} passed, {len(results) - passed} failed"])


def cmd_dcdiag(args) -> str:
    from .cases.dcdiag import DcdiagInputError, DomainState, judge, parse_dcdiag, parse_replsummary
    from .cases.files import read_text

    try:
        report = parse_dcdiag(read_text(args.file))
        replication = parse_replsummary(read_text(args.replsummary)) if args.replsummary else None
    except DcdiagInputError as err:
        raise InputError(f"{args.replsummary if err.tool == 'repadmin' else args.file}: {err}") from None
    try:
        verdict = judge(report, DomainState(args.dfl, args.sysvol, args.dfsrmig_state, replication))
    except DcdiagInputError as err:
        raise InputError(f"--dfl, --sysvol and --dfsrmig-state do not fit together: {err}") from None
    return json.dumps(verdict.to_dict(), indent=2) if args.json else str(verdict)


def cmd_restore(args) -> str:
    from .cases.files import load_layout
    from .cases.restore import preflight

    result = preflight(load_layout(args.layout))
    return json.dumps(result.to_dict(), indent=2) if args.json else str(result)


def cmd_routes(args) -> str:
    net = _scenario(args.scenario, args.run, _echo_for(args))
    node = _node(net, args.node)
    return netsh_show_route(node) if args.netsh else route_print(node)


def cmd_commands(args) -> str:
    node = _node(_scenario(args.scenario), args.node)
    lines = node_commands(node)
    if not node.os.is_windows:
        return f"# {node.name} runs {node.os.display}: labkit writes Windows commands only"
    return "\n".join(lines) if lines else f"# {node.name}: nothing differs from a fresh {node.os.display}"


def cmd_run(args) -> str:
    """What the simulated console prints for COMMAND on NODE (after the --run changes)."""
    from .model.console import run_console
    from .model.console.dispatch import ConsoleError

    net = _scenario(args.scenario, args.run)
    _node(net, args.node)
    shell = args.shell
    if shell == "auto":  # a Verb-Noun first word (or tnc / gip) is a PowerShell line
        first = args.line.strip().split(" ")[0].lower()
        shell = "powershell" if first in ("tnc", "gip") or ("-" in first.strip("-") and first[:1].isalpha()) else "cmd"
    try:
        return run_console(net, args.node, args.line, shell).output
    except ConsoleError as err:
        raise InputError(str(err).removeprefix("labkit: ")) from None


def cmd_scenarios(args) -> str:
    lines = []
    for name in scenario.shipped_scenarios():
        net = scenario.load_scenario(name)
        lines.append(f"{name:<28} {net.title}")
    return "\n".join(lines)


def cmd_validate(args) -> str:
    net = scenario.load_scenario(args.scenario)
    notes = [f"warning: {w}" + (f"\n  {w.dialog}" if w.dialog else "") for w in scenario.warnings(net)]
    head = f"{args.scenario}: OK ({_count(len(net.nodes), 'node')}, {_count(len(net.clusters), 'NLB cluster')})"
    shares = [f"nlb: {share}" for share in cluster_shares(net)]
    return "\n".join([head, *notes, *shares])


def cmd_import(args) -> str:
    from .importer import ImportInputError, import_server

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


def cmd_workshop(args) -> str:
    from .labs.workshop import WorkshopError, make, report

    try:
        if args.action == "make":
            return make(args.learners, args.kinds, args.out)
        return report(args.folder)
    except WorkshopError as err:
        raise InputError(str(err)) from None


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def _ftp_client_options(p, tls: tuple[TlsMode, ...]) -> None:
    """The FTP session's who and how, for every subcommand that plays one (one list, one place)."""
    p.add_argument("--client", metavar="NODE", help="the FTP client (default: the scenario's ftp: section)")
    p.add_argument("--server", metavar="NODE", help="the FTP server (default: the scenario's ftp: section)")
    p.add_argument("--address", metavar="IP", help="the address the client dials (default: the scenario's)")
    p.add_argument(
        "--port", type=int, metavar="N", help="the control port the client dials (default 21, 990 for implicit TLS)"
    )
    p.add_argument("--mode", choices=FtpMode.values())
    p.add_argument("--tls", choices=tuple(t.value for t in tls))
    p.add_argument("--prot", choices=Prot.values())
    p.add_argument(
        "--ccc",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="send CCC after login (clear command channel)",
    )
    p.add_argument(
        "--on-ccc-refused",
        choices=OnCccRefused.values(),
        help="when the server refuses CCC: stop (Python ftplib, the default) or carry on encrypted",
    )
    p.add_argument(
        "--trust-pasv-address",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="dial the address in 227 (old clients) instead of the control connection's",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="labkit", description="Where do a multi-NIC Windows server's packets go?")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an error, also print the traceback (for an error report); works anywhere on the line",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run_help = (
        "apply a route/netsh command to a node first, e.g. "
        "'web1: netsh interface ipv4 set interface \"NLB NIC\" weakhostsend=enabled' "
        "(repeatable)"
    )

    p = sub.add_parser("trace", help="follow one packet (and with --reply, its answer)")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario")
    p.add_argument("--from", dest="source_node", required=True, metavar="NODE", help="the sending node")
    p.add_argument("--to", required=True, metavar="IP", help="destination address")
    p.add_argument("--src", metavar="IP", help="fix the source address (like ping -S or a bound socket)")
    p.add_argument("--proto", choices=PROTOCOLS, default="tcp")
    p.add_argument("--dport", type=int, metavar="N", help="destination port (default: tcp 80, udp 53)")
    p.add_argument("--sport", type=int, metavar="N", help="source port (default 49152; matters for NLB affinity none)")
    p.add_argument("--reply", action="store_true", help="also trace the answer back to the source")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--pcap", metavar="DIR", help=PCAP_HELP)
    p.add_argument("--run", action="append", metavar="'NODE: COMMAND'", help=run_help)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("ftp", help="play an FTP session (login, LIST, QUIT) through the network")
    p.add_argument("scenario")
    _ftp_client_options(p, tls=tuple(TlsMode))
    p.add_argument("--json", action="store_true")
    p.add_argument("--pcap", metavar="DIR", help=PCAP_HELP)
    p.add_argument("--run", action="append", metavar="'NODE: COMMAND'", help=run_help)
    p.set_defaults(func=cmd_ftp)

    p = sub.add_parser(
        "kernel-lab",
        help="rebuild an FTP scenario in Linux namespaces (root) and compare "
        "the real kernel's FTP helper with the model",
    )
    p.add_argument("scenario", help="a scenario with an ftp: section, or 'all' for the agreement table")
    _ftp_client_options(p, tls=(TlsMode.NONE, TlsMode.EXPLICIT))  # pyftpdlib has no implicit TLS
    p.add_argument("--pcap", metavar="DIR", help="keep tcpdump's captures (one per interface) in DIR")
    p.add_argument("--run", action="append", metavar="'NODE: COMMAND'", help=run_help)
    p.set_defaults(func=cmd_kernel_lab)

    p = sub.add_parser("check", help="run the exercise checks a scenario declares (exit 1 if any fails)")
    p.add_argument("scenario")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("dcdiag", help="judge dcdiag's VerifyEnterpriseReferences output for this domain")
    p.add_argument("file", help="dcdiag output (text)")
    p.add_argument("--dfl", metavar="LEVEL", help="domain functional level, e.g. 2003, 2008, 2008R2")
    p.add_argument("--sysvol", choices=Sysvol.values(), help="what replicates SYSVOL")
    p.add_argument(
        "--dfsrmig-state",
        type=int,
        choices=(0, 1, 2, 3),
        metavar="N",
        help="dfsrmig /GetGlobalState: 0 Start, 1 Prepared, 2 Redirected, 3 Eliminated",
    )
    p.add_argument("--replsummary", metavar="FILE", help="repadmin /replsummary output")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_dcdiag)

    p = sub.add_parser("restore", help="will this bare-metal restore work with these disks?")
    p.add_argument("layout", help="a YAML file with 'backup' and 'target' disk lists")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("routes", help="a node's route table, as route print shows it")
    p.add_argument("scenario")
    p.add_argument("node")
    p.add_argument("--netsh", action="store_true", help="as netsh interface ipv4 show route shows it")
    p.add_argument("--run", action="append", metavar="'NODE: COMMAND'", help=run_help)
    p.set_defaults(func=cmd_routes)

    p = sub.add_parser("commands", help="the netsh / route commands for a node's settings")
    p.add_argument("scenario")
    p.add_argument("node")
    p.set_defaults(func=cmd_commands)

    p = sub.add_parser(
        "run",
        help="what a Windows console on NODE prints for COMMAND (ipconfig, route print, "
        "netsh, Get-NetIPInterface, Find-NetRoute, ping, tracert, ...)",
    )
    p.add_argument("scenario")
    p.add_argument("node")
    p.add_argument("line", metavar="COMMAND", help="one command line, quoted, e.g. 'ipconfig /all'")
    p.add_argument(
        "--shell",
        choices=("auto", "cmd", "powershell"),
        default="auto",
        help="cmd.exe or PowerShell (auto: PowerShell when COMMAND starts with a Verb-Noun cmdlet)",
    )
    p.add_argument("--run", action="append", metavar="'NODE: COMMAND'", help=run_help)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("import", help="a scenario from your server's ipconfig /all and route print (and netsh)")
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="saved outputs of ipconfig /all, route print, netsh interface ipv4 show interface "
        "l=verbose or Get-NetIPInterface | Format-List *, in any order; - reads standard input",
    )
    p.add_argument("-o", "--output", metavar="OUT.yaml", help="write the scenario here (default: standard output)")
    p.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="rewrite addresses and names consistently, so you can share the result",
    )
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the --anonymise mapping (default 0)")
    p.add_argument(
        "--nlb",
        action="append",
        metavar="IP",
        help="an NLB cluster IP held by the imported NICs (the outputs cannot show it; repeatable)",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("validate", help="check a scenario file and show Windows's warnings")
    p.add_argument("scenario")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("workshop", help="break-fix labs: learners' challenge notebooks, and who fixed what")
    actions = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = actions.add_parser("make", help="one challenge notebook per learner and one answer key")
    q.add_argument("--learners", required=True, metavar="names.txt", help="learner names, one a line")
    q.add_argument("--kinds", required=True, metavar="KIND,...", help="fault kinds or levels (1,2,3), comma-separated")
    q.add_argument("--out", required=True, metavar="DIR", help="where to write the learners' folders and the key")
    q = actions.add_parser("report", help="who fixed what, in how many attempts, with which commands")
    q.add_argument("folder", metavar="DIR", help="a folder with one sub-folder per learner (their progress files)")
    p.set_defaults(func=cmd_workshop)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # anywhere on the line, before or after the subcommand
    argv = [arg for arg in argv if arg != "--debug"]
    args = None
    try:
        args = build_parser().parse_args(argv)
        print(args.func(args))
        sys.stdout.flush()
        return getattr(args, "exit_code", 0)
    except BrokenPipeError:
        # `labkit … | head` closed the pipe: normal for a Unix tool. Point stdout at /dev/null so
        # the interpreter's final flush cannot complain, and end quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except LabkitError as err:  # the input is wrong: one line saying what and where
        _traceback(debug)
        where = f"{args.scenario}: " if isinstance(err, UnknownNode) and getattr(args, "scenario", None) else ""
        print(f"labkit: error: {where}{' '.join(str(err).splitlines())}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("labkit: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug in labkit: still one line, the traceback only with --debug
        _traceback(debug)
        print(
            f"labkit: internal error ({type(err).__name__}: {err}); please report it "
            "with the command you ran" + ("" if debug else " and the output of the same command with --debug"),
            file=sys.stderr,
        )
        return 1


def _traceback(debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
