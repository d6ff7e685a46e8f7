"""The course's exercises graded by running the answer on the model: the fewest switches that
make a reply arrive, Windows commands that make flows work, the FTP fix, the source address
Windows picks. Every message is built by `labkit.feedback` (right / still wrong / hint)."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address
from itertools import combinations
from typing import Any

from ..errors import shorten
from ..feedback import not_answered, not_minimal, still_wrong
from ..feedback import right as right_text
from ..model import (
    CommandError,
    Flow,
    Network,
    Switch,
    TraceError,
    apply_command,
    ftp_session,
    trace,
)
from ..model.ftp_protocol import FtpSetup
from ..model.ftp_settings import with_ftp_settings
from ..model.setting_commands import netsh_set_switch
from .kinds import Check, CheckResult

# --- the exercise the field notes leave to the reader ---------------------------------------------

NicSwitch = tuple[str, str]
"""(interface key, a `Switch`)."""


def with_switches(net: Network, node: str, switches) -> Network:
    """The network with exactly these switches enabled on `node` (all others as the OS defaults)."""
    chosen = set(switches)
    n = net.node(node)
    interfaces = []
    for i in n.interfaces:
        switched: dict[str, Any] = {s: (i.key, s) in chosen for s in Switch.values()}  # each Switch is a bool field
        interfaces.append(replace(i, **switched))
    return net.with_node(replace(n, interfaces=tuple(interfaces)))


def minimal_switch_sets(net: Network, node: str, works) -> list[frozenset[NicSwitch]]:
    """Every smallest-by-inclusion set of switches on `node` for which `works(network)` holds.

    `works` is the goal, e.g. "pc1's connection to the cluster gets its reply".
    """
    candidates = [(i.key, s) for i in net.node(node).interfaces for s in Switch.values()]
    found: list[frozenset[NicSwitch]] = []
    for size in range(len(candidates) + 1):
        for combo in combinations(candidates, size):
            chosen = frozenset(combo)
            if any(smaller <= chosen for smaller in found):
                continue  # a subset already works: this one is not minimal
            if works(with_switches(net, node, chosen)):
                found.append(chosen)
    return found


WHY_FEWER = {
    "weakhostsend": "lets packets with that NIC's addresses as source leave by any NIC",
    "weakhostreceive": "lets that NIC accept packets for the addresses of every other NIC",
    "forwarding": "turns that NIC into a router for whatever arrives on it",
}


def _switch_answer(net: Network, node: str, answer) -> tuple[frozenset[NicSwitch] | None, str | None]:
    """A learner's switches as (interface key, switch) pairs; NIC keys or labels both count."""
    if answer is None or answer is Ellipsis:
        return None, None
    if isinstance(answer, tuple) and len(answer) == 2 and all(isinstance(x, str) for x in answer):
        answer = {answer}
    names = {}
    for iface in net.node(node).interfaces:
        names[iface.key.lower()] = iface.key
        names[iface.label.lower()] = iface.key
    chosen = set()
    try:
        for nic, switch in answer:
            key = names.get(str(nic).lower())
            if key is None:
                return None, (
                    f"there is no NIC {shorten(nic)} on {node} (use one of: "
                    f"{', '.join(repr(i.key) for i in net.node(node).interfaces)})"
                )
            if str(switch).lower() not in Switch.values():
                return None, f"{shorten(switch)} is not a switch (use weakhostsend, weakhostreceive or forwarding)"
            chosen.add((key, str(switch).lower()))
    except (TypeError, ValueError):
        return None, 'write the answer as a set of (NIC, switch) pairs, e.g. {("nlb", "weakhostreceive")}'
    return frozenset(chosen), None


def grade_switches(net: Network, node: str, answer, works) -> CheckResult:
    """Grade a learner's set of switches for the minimal-switches exercise."""
    check = Check("minimal switches", f"the fewest switches on {node} that make it work")
    chosen, problem = _switch_answer(net, node, answer)
    if problem:
        return CheckResult(check, False, still_wrong(problem))
    if chosen is None:
        return CheckResult(check, False, not_answered("start from the NIC that owns the reply's source address"))
    label = {i.key: i.label for i in net.node(node).interfaces}
    minimal = minimal_switch_sets(net, node, works)
    shown = ", ".join(f'{s} on "{label[k]}"' for k, s in sorted(chosen)) or "no switches"
    if not works(with_switches(net, node, chosen)):
        return CheckResult(
            check,
            False,
            still_wrong(
                f"with {shown} the reply still does not arrive",
                "which NIC owns the reply's source address, and "
                "which switch lets a packet with that source leave by another NIC?",
            ),
        )
    if chosen in minimal:
        note = ""
        if any(s == "forwarding" for _, s in chosen):
            note = (
                " (it works, but forwarding also makes the NIC route whatever arrives on it: "
                "weakhostsend is the narrower choice)"
            )
        return CheckResult(check, True, right_text(f"{shown} is enough, and no switch in it can be left out{note}"))
    extra = set(chosen) - set(next(m for m in minimal if m <= chosen))
    why = "; ".join(f'{s} on "{label[k]}" {WHY_FEWER[s]}' for k, s in sorted(extra))
    commands = [netsh_set_switch(net.node(node).interface(k), s, False) for k, s in sorted(extra)]
    leave_out = ", ".join(f'{s} on "{label[k]}"' for k, s in sorted(extra))
    return CheckResult(
        check,
        False,
        not_minimal(
            leave_out,
            f"Each extra switch widens what the server accepts or sends ({why}); the field notes ask for "
            f"only what you need ({'; '.join(commands)})",
            joined=". ",
        ),
    )


def _commands(answer) -> tuple[list[str] | None, str | None]:
    if answer is None or answer is Ellipsis:
        return None, None
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple)) or not all(isinstance(line, str) for line in answer):
        return None, 'write the commands as a list of strings, e.g. ["route -p add …", "…"]'
    return list(answer), None


def grade_commands(
    net: Network,
    node: str,
    answer,
    *,
    name: str,
    flows,
    hint: str,
    right: str,
    one_default_gateway: bool = False,
    like: str | None = None,
) -> CheckResult:
    """Run a learner's Windows commands on `node`, then check that every (source, destination)
    flow (a Flow, or a (source, destination) pair) gets its reply. Optionally: only one default
    gateway left on the node; the same static routes and gateways as node `like` (the same
    method on every cluster node)."""
    check = Check(name)
    commands, problem = _commands(answer)
    if problem:
        return CheckResult(check, False, still_wrong(problem))
    if not commands:
        return CheckResult(check, False, not_answered(hint))
    changed = net
    for line in commands:
        try:
            changed, _ = apply_command(changed, node, line)
        except CommandError as err:
            return CheckResult(check, False, still_wrong(f"Windows refuses {shorten(line)}: {err}"))
    failing, untraceable, done = [], [], []
    for flow in (f if isinstance(f, Flow) else Flow(*f) for f in flows):
        shown = f"{flow.source} -> {flow.destination}"
        try:
            result = trace(changed, replace(flow, reply=True))
        except TraceError as err:  # the commands made the question itself wrong (d is now a subnet's edge)
            untraceable.append(f"{shown} cannot be sent any more ({err})")
            continue
        if not (result.accepted and result.reply is not None and result.reply.succeeded):
            failing.append(shown)
        else:
            done.append(shown)
    host = changed.node(node)
    defaults = [r for r in host.route_table if r.is_default]
    wrong = []
    if failing:
        wrong.append(f"no answer for {', '.join(failing)}")
    wrong += untraceable
    if one_default_gateway and len(defaults) > 1:
        wrong.append(f"{node} now has {len(defaults)} default routes: keep one default gateway")
    if like is not None:
        model = changed.node(like)
        mine = sorted((str(r.destination), str(r.gateway), r.persistent) for r in host.routes)
        theirs = sorted((str(r.destination), str(r.gateway), r.persistent) for r in model.routes)
        if mine != theirs or [i.gateways for i in host.interfaces] != [i.gateways for i in model.interfaces]:
            wrong.append(
                f"{node} is not configured like {like} (compare their routes and gateways; "
                "use route -p so the routes survive a restart)"
            )
    if any(not r.persistent for r in host.routes):
        wrong.append("a route without -p disappears at the next restart")
    if wrong:
        return CheckResult(
            check,
            False,
            still_wrong("; ".join(wrong), hint, right_so_far=f"{', '.join(done)} get their answer" if done else ""),
        )
    return CheckResult(check, True, right_text(right))


def grade_ftp_fix(net: Network, settings, *, external_address, forward_range, name: str) -> CheckResult:
    """Exercise: make an FTP session work by setting the server's external address and
    forwarding the passive range."""
    check = Check(name)
    if external_address is None and forward_range is None:
        return CheckResult(
            check, False, not_answered("the client needs the public address AND a way in for the data connection")
        )
    if external_address is not None and not isinstance(external_address, str):
        return CheckResult(
            check,
            False,
            still_wrong(f'write the address as text in quotes, e.g. "203.0.113.7", not {shorten(external_address)}'),
        )
    changed, settings, errors = with_ftp_settings(
        net, settings, external_address=external_address or "", forward_range=bool(forward_range)
    )
    if errors:
        return CheckResult(check, False, still_wrong("; ".join(errors.values())))
    session = ftp_session(changed, settings=settings)
    if session.succeeded:
        return CheckResult(
            check,
            True,
            right_text("the server announces its public address and the firewall forwards the small passive range"),
        )
    right = []  # only the halves that are right on their own: a wrong address is never "right so far"
    if external_address and isinstance(net.ftp, FtpSetup) and external_address.strip() == str(net.ftp.address):
        right.append(f"the server announces {external_address.strip()}, the address the client dials")
    if forward_range is True:
        right.append("the passive range is forwarded")
    return CheckResult(
        check,
        False,
        still_wrong(session.reason, "the client needs the public address AND a way in", right_so_far=", ".join(right)),
    )


def reply_accepted(source: str, destination: str, **flow):
    """A goal for `minimal_switch_sets`: the flow's reply reaches the node that asked."""

    def works(net: Network) -> bool:
        result = trace(net, Flow(source, destination, reply=True, **flow))
        return result.reply is not None and result.reply.succeeded

    return works


def grade_source_address(net: Network, node: str, destination: str, answer, *, name: str) -> CheckResult:
    """Exercise: which source address does `node` pick for a new connection to `destination`?
    A wrong answer is compared with the model's pick by the rule that decided (KB 969029)."""
    from ..model import choose_source, select_route
    from ..model.addressing import common_prefix_length

    check = Check(name)
    hint = "look at the outgoing NIC's addresses and count the leading bits each shares with the next hop"
    if answer is None or answer is Ellipsis:
        return CheckResult(check, False, not_answered(hint))
    try:
        given = IPv4Address(str(answer).strip())
    except ValueError:
        return CheckResult(check, False, still_wrong(f"{shorten(answer)} is not an IPv4 address", hint))
    host, dst = net.node(node), IPv4Address(destination)
    winner = select_route(host, dst).winner
    if winner is None:
        return CheckResult(check, False, still_wrong(f"{node} has no route to {dst}: it sends nothing", hint))
    route = winner.route
    hop = route.next_hop(dst)
    picked, rule = choose_source(host, route.interface, hop, dst)
    if given == picked:
        return CheckResult(check, True, right_text(f"{picked}, by {rule}"))
    out, owner = host.interface(route.interface), host.owner_of(given)
    if owner is None:
        why = f"{given} is not an address of {node}"
    elif not out.owns(given):
        why = f'{given} is on "{owner.label}", but the packet leaves by "{out.label}"'
    elif given in out.skip_as_source:
        why = f"{given} is marked skipassource: Windows never picks it for a new connection"
    elif not host.os.ranked_source_selection:
        why = f"{host.os.display} takes the first address of the NIC"
    else:
        why = (
            f"{given} shares {common_prefix_length(given, hop)} leading bits with the next hop {hop}, "
            f"{picked} shares {common_prefix_length(picked, hop)}; the order of the addresses is not "
            f"one of the KB 969029 rules on {host.os.display}"
        )
    return CheckResult(check, False, still_wrong(f"you answered {given}: {why}", hint))
