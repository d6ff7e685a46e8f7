"""`labkit ftp` and `labkit kernel-lab`: an FTP session played through the model, and the same
session rebuilt in Linux namespaces to compare the real kernel's FTP helper with it."""

from __future__ import annotations

import argparse
import json
import sys

from ..model import FtpClientSettings, FtpMode, Network, OnCccRefused, Prot, TlsMode
from ..model.addressing import parse_ipv4
from .common import InputError, echo_for, node_of, scenario_after_runs, with_pcap


def ftp_question(args: argparse.Namespace) -> tuple[Network, FtpClientSettings]:
    """The network and client settings `labkit ftp` and `labkit kernel-lab` are asked about."""
    from dataclasses import replace

    net = scenario_after_runs(args.scenario, args.run, echo_for(args))
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
            node_of(net, name)
    return net, settings


def cmd_ftp(args: argparse.Namespace) -> str:
    from ..model.ftp import FtpError, ftp_session

    net, settings = ftp_question(args)
    try:
        result = ftp_session(net, args.client, args.server, args.address, settings)
    except FtpError as err:
        raise InputError(str(err)) from None
    return with_pcap(json.dumps(result.to_dict(), indent=2) if args.json else str(result), result, args.pcap)


def cmd_kernel_lab(args: argparse.Namespace) -> str:
    from ..kernel_lab import LabError, requirements_problem

    problem = requirements_problem()
    if problem:
        raise InputError(problem)

    def progress(text: str) -> None:
        print(f"kernel-lab: {text}", file=sys.stderr, flush=True)

    try:
        if args.scenario == "all":
            from ..kernel_lab.cases import run_all, table

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
        from ..kernel_lab.lab import run
        from ..model.ftp import FtpError

        net, settings = ftp_question(args)
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


def add_ftp_client_options(p: argparse.ArgumentParser, tls: tuple[TlsMode, ...]) -> None:
    """The FTP session's who and how, for every subcommand that plays one (one list, one place)."""
    p.add_argument("--client", metavar="NODE", help="the FTP client (default: the scenario's ftp: section)")
    p.add_argument("--server", metavar="NODE", help="the FTP server (default: the scenario's ftp: section)")
    p.add_argument("--address", metavar="IP", help="the address the client dials (default: the scenario's)")
    p.add_argument(
        "--port", type=int, metavar="N", help="the control port the client dials (default 21, 990 for implicit TLS)"
    )
    p.add_argument("--mode", choices=FtpMode.values(), help="data connection mode (default: the scenario's)")
    p.add_argument(
        "--tls",
        choices=tuple(t.value for t in tls),
        help="FTPS: none, explicit (AUTH TLS on the control connection) or implicit (TLS from the first byte, usually port 990)",
    )
    p.add_argument(
        "--prot", choices=Prot.values(), help="PROT P protects the data connection too, PROT C leaves it clear"
    )
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
