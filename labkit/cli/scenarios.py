"""`labkit trace`, `routes`, `commands`, `run`, `scenarios` and `validate`: one packet's path, a
node's route table and console, and the scenario files themselves."""

from __future__ import annotations

import argparse

from .. import scenario
from ..model import cluster_shares, netsh_show_route, node_commands, route_print, trace
from .common import InputError, echo_for, node_of, scenario_after_runs, with_pcap


def cmd_trace(args: argparse.Namespace) -> str:
    net = scenario_after_runs(args.scenario, args.run, echo_for(args))
    node_of(net, args.source_node)
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
    return with_pcap(result.to_json(with_reply=args.reply) if args.json else str(result), result, args.pcap)


def cmd_routes(args: argparse.Namespace) -> str:
    net = scenario_after_runs(args.scenario, args.run, echo_for(args))
    node = node_of(net, args.node)
    return netsh_show_route(node) if args.netsh else route_print(node)


def cmd_commands(args: argparse.Namespace) -> str:
    node = node_of(scenario_after_runs(args.scenario), args.node)
    lines = node_commands(node)
    if not node.os.is_windows:
        return f"# {node.name} runs {node.os.display}: labkit writes Windows commands only"
    return "\n".join(lines) if lines else f"# {node.name}: nothing differs from a fresh {node.os.display}"


def cmd_run(args: argparse.Namespace) -> str:
    """What the simulated console prints for COMMAND on NODE (after the --run changes)."""
    from ..model.console import run_console
    from ..model.console.dispatch import ConsoleError

    net = scenario_after_runs(args.scenario, args.run)
    node_of(net, args.node)
    shell = args.shell
    if shell == "auto":  # a Verb-Noun first word (or tnc / gip) is a PowerShell line
        first = args.line.strip().split(" ")[0].lower()
        shell = "powershell" if first in ("tnc", "gip") or ("-" in first.strip("-") and first[:1].isalpha()) else "cmd"
    try:
        return run_console(net, args.node, args.line, shell).output
    except ConsoleError as err:
        raise InputError(str(err).removeprefix("labkit: ")) from None


def cmd_scenarios(args: argparse.Namespace) -> str:
    lines = []
    for name in scenario.shipped_scenarios():
        net = scenario.load_scenario(name)
        lines.append(f"{name:<28} {net.title}")
    return "\n".join(lines)


def cmd_validate(args: argparse.Namespace) -> str:
    net = scenario.load_scenario(args.scenario)
    notes = [f"warning: {w}" + (f"\n  {w.dialog}" if w.dialog else "") for w in scenario.warnings(net)]
    head = f"{args.scenario}: OK ({_count(len(net.nodes), 'node')}, {_count(len(net.clusters), 'NLB cluster')})"
    shares = [f"nlb: {share}" for share in cluster_shares(net)]
    return "\n".join([head, *notes, *shares])


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")
