"""`labkit` on the command line: a thin shell over the model and the scenario files.

Exit status: 0 whenever the question was answered (whatever the packet's fate),
2 with a one-line message when the input is wrong (any LabkitError), 1 (one line too, asking
for a report) if labkit fails; `--debug` adds the traceback an error report needs;
`labkit check` exits 1 when a check fails, `labkit kernel-lab` when model and kernel disagree,
130 when interrupted (Ctrl-C, SIGTERM) after cleaning up.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from ..cases.dcdiag import DFSRMIG_STATES, Sysvol
from ..errors import LabkitError
from ..model import Protocol, TlsMode
from ..model.console.dispatch import Shell
from .cases import cmd_dcdiag, cmd_restore
from .common import InputError, OneLineParser, UnknownNode
from .course import cmd_check, cmd_workshop
from .ftp import add_ftp_client_options, cmd_ftp, cmd_kernel_lab
from .import_server import cmd_import
from .scenarios import cmd_commands, cmd_routes, cmd_run, cmd_scenarios, cmd_trace, cmd_validate

USAGE_ERROR = 2
PCAP_HELP = "also write one Wireshark-ready .pcap per capture point into DIR (needs scapy)"

__all__ = ["InputError", "UnknownNode", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="labkit", description="Where do a multi-NIC Windows server's packets go?")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an error, also print the traceback (for an error report); works anywhere on the line",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
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
    p.add_argument("--proto", choices=Protocol.values(), default=Protocol.TCP.value)
    p.add_argument("--dport", type=int, metavar="N", help="destination port (default: tcp 80, udp 53)")
    p.add_argument("--sport", type=int, metavar="N", help="source port (default 49152; matters for NLB affinity none)")
    p.add_argument("--reply", action="store_true", help="also trace the answer back to the source")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--pcap", metavar="DIR", help=PCAP_HELP)
    p.add_argument("--run", action="append", metavar="'NODE: COMMAND'", help=run_help)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("ftp", help="play an FTP session (login, LIST, QUIT) through the network")
    p.add_argument("scenario")
    add_ftp_client_options(p, tls=tuple(TlsMode))
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
    add_ftp_client_options(p, tls=(TlsMode.NONE, TlsMode.EXPLICIT))  # pyftpdlib has no implicit TLS
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
        choices=tuple(DFSRMIG_STATES),
        metavar="N",
        help="dfsrmig /GetGlobalState: " + ", ".join(f"{n} {name}" for n, (name, _) in DFSRMIG_STATES.items()),
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
        choices=("auto", *Shell.values()),
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
    actions = p.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
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
        scenario = getattr(args, "scenario", None)
        where = f"{scenario}: " if isinstance(err, UnknownNode) and scenario else ""
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
