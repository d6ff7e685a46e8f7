"""Exercise checks: declared in a scenario file (`checks:`) or built in a notebook, run by
`labkit check SCENARIO`, in a cell, or in pytest. A check grades an observable outcome (a
disposition, the NIC a packet leaves by, an FTP outcome), never a whole configuration, and
its feedback says what is right, what is still wrong, and a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address
from itertools import combinations

from .model import SWITCHES, FtpClientSettings, Network, Trace, TraceError, ftp_session, trace
from .model.host import InterfaceRef
from .model.setting_commands import netsh_set_switch
from .errors import shorten
from .model.ftp import FtpError


@dataclass(frozen=True)
class Check:
    name: str
    description: str = ""
    source: str | None = None
    """Node that sends (flow checks)."""
    destination: str | None = None
    src: str | None = None
    proto: str = "tcp"
    dport: int | None = None
    disposition: str | None = None
    """Expected disposition of the request."""
    reply: str | None = None
    """Expected disposition of the reply (the flow is traced with its reply)."""
    egress: InterfaceRef | str | None = None
    """Expected 'node.interface' the reply (or, without `reply`, the request) leaves by."""
    ftp: FtpClientSettings | None = None
    """For FTP checks: the session's client settings (the scenario's ftp: section fills in the rest)."""
    ftp_outcome: str | None = None
    pass_text: str = ""
    fail_text: str = ""
    hint: str = ""


@dataclass(frozen=True)
class CheckResult:
    check: Check
    passed: bool
    message: str

    def __str__(self) -> str:
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.check.name}: {self.message}"


def run_check(net: Network, check: Check) -> CheckResult:
    """Grade one check against a network."""
    if check.ftp_outcome is not None:
        try:
            result = ftp_session(net, settings=check.ftp or (net.ftp.settings if net.ftp else None))
        except FtpError as err:
            return CheckResult(check, False, f"the FTP session cannot start: {err}")
        got, wrong = result.outcome, []
        if got != check.ftp_outcome:
            wrong.append(f"the FTP session ends in {got} (expected {check.ftp_outcome}): {result.reason}")
        return _verdict(check, wrong, right="" if wrong else f"the FTP session ends in {got}")
    try:
        result = trace(net, check.source, check.destination, src=check.src, proto=check.proto, dport=check.dport,
                       reply=check.reply is not None or check.egress is not None)
    except TraceError as err:
        return CheckResult(check, False, f"the flow cannot be traced: {err}")
    wrong, right = [], []
    if check.disposition is not None:
        (right if result.disposition.value == check.disposition else wrong).append(
            f"the request ends {result.disposition.value}" + (
                "" if result.disposition.value == check.disposition else
                f" (expected {check.disposition}): {result.reason}"))
    shown = result.reply if check.reply is not None or (check.egress and result.reply) else result
    if check.reply is not None:
        got = _reply_outcome(result)
        (right if got == check.reply else wrong).append(
            f"the reply ends {got}" + ("" if got == check.reply else
                                       f" (expected {check.reply}): {shown.reason if shown else 'no reply'}"))
    if check.egress is not None and shown is not None:
        node, out = shown.hops[0].node, shown.hops[0].out_iface
        expected = InterfaceRef.parse(check.egress)
        got = InterfaceRef(node, out) if out else f"{node} (it never left)"
        (right if got == expected else wrong).append(
            f"it leaves by {got}" + ("" if got == expected else f" (expected {expected})"))
    return _verdict(check, wrong, right="; ".join(right))


def _reply_outcome(result: Trace) -> str:
    if result.reply is None:
        return "NONE (the request was not accepted)"
    return result.reply.outcome


def _verdict(check: Check, wrong: list[str], right: str) -> CheckResult:
    if not wrong:
        return CheckResult(check, True, check.pass_text or f"right: {right}")
    parts = [check.fail_text] if check.fail_text else []
    if right:
        parts.append(f"right so far: {right}")
    parts.append("still wrong: " + "; ".join(wrong))
    if check.hint:
        parts.append(f"hint: {check.hint}")
    return CheckResult(check, False, " — ".join(parts))


def run_checks(net: Network, checks) -> list[CheckResult]:
    return [run_check(net, c) for c in checks]


# --- the exercise the field notes leave to the reader ---------------------------------------------

Switch = tuple[str, str]
"""(interface key, 'weakhostsend' | 'weakhostreceive' | 'forwarding')."""


def with_switches(net: Network, node: str, switches) -> Network:
    """The network with exactly these switches enabled on `node` (all others as the OS defaults)."""
    chosen = set(switches)
    n = net.node(node)
    interfaces = tuple(replace(i, **{s: (i.key, s) in chosen for s in SWITCHES}) for i in n.interfaces)
    return net.with_node(replace(n, interfaces=interfaces))


def minimal_switch_sets(net: Network, node: str, works) -> list[frozenset[Switch]]:
    """Every smallest-by-inclusion set of switches on `node` for which `works(network)` holds.

    `works` is the goal, e.g. "pc1's connection to the cluster gets its reply".
    """
    candidates = [(i.key, s) for i in net.node(node).interfaces for s in SWITCHES]
    found: list[frozenset[Switch]] = []
    for size in range(len(candidates) + 1):
        for combo in combinations(candidates, size):
            chosen = frozenset(combo)
            if any(smaller <= chosen for smaller in found):
                continue  # a subset already works: this one is not minimal
            if works(with_switches(net, node, chosen)):
                found.append(chosen)
    return found


_WHY_FEWER = {
    "weakhostsend": "lets packets with that NIC's addresses as source leave by any NIC",
    "weakhostreceive": "lets that NIC accept packets for the addresses of every other NIC",
    "forwarding": "turns that NIC into a router for whatever arrives on it",
}


def _switch_answer(net: Network, node: str, answer) -> tuple[frozenset[Switch] | None, str | None]:
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
                return None, (f"there is no NIC {shorten(nic)} on {node} (use one of: "
                              f"{', '.join(repr(i.key) for i in net.node(node).interfaces)})")
            if str(switch).lower() not in SWITCHES:
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
        return CheckResult(check, False, f"still wrong: {problem}")
    if chosen is None:
        return CheckResult(check, False, "no answer yet — hint: start from the NIC that owns the reply's "
                                         "source address")
    label = {i.key: i.label for i in net.node(node).interfaces}
    minimal = minimal_switch_sets(net, node, works)
    shown = ", ".join(f'{s} on "{label[k]}"' for k, s in sorted(chosen)) or "no switches"
    if not works(with_switches(net, node, chosen)):
        return CheckResult(check, False, f"still wrong: with {shown} the reply still does not arrive — hint: "
                                         "which NIC owns the reply's source address, and which switch lets a "
                                         "packet with that source leave by another NIC?")
    if chosen in minimal:
        note = ""
        if any(s == "forwarding" for _, s in chosen):
            note = (" (it works, but forwarding also makes the NIC route whatever arrives on it: "
                    "weakhostsend is the narrower choice)")
        return CheckResult(check, True, f"right: {shown} is enough, and no switch in it can be left out{note}")
    extra = set(chosen) - set(next(m for m in minimal if m <= chosen))
    why = "; ".join(f'{s} on "{label[k]}" {_WHY_FEWER[s]}' for k, s in sorted(extra))
    commands = [netsh_set_switch(net.node(node).interface(k), s, False) for k, s in sorted(extra)]
    leave_out = ", ".join(f'{s} on "{label[k]}"' for k, s in sorted(extra))
    return CheckResult(check, False, f"it works, but it is not minimal: leave out {leave_out}. "
                                     f"Each extra switch widens what the server accepts or sends ({why}); the "
                                     f"field notes ask for only what you need ({'; '.join(commands)})")


def _commands(answer) -> tuple[list[str] | None, str | None]:
    if answer is None or answer is Ellipsis:
        return None, None
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple)) or not all(isinstance(line, str) for line in answer):
        return None, 'write the commands as a list of strings, e.g. ["route -p add …", "…"]'
    return list(answer), None


def grade_commands(net: Network, node: str, answer, *, name: str, flows, hint: str, right: str,
                   one_default_gateway: bool = False, like: str | None = None) -> CheckResult:
    """Run a learner's Windows commands on `node`, then check that every (source, destination)
    flow gets its reply. Optionally: only one default gateway left on the node; the same static
    routes and gateways as node `like` (the same method on every cluster node)."""
    from .model import CommandError, apply_command
    check = Check(name)
    commands, problem = _commands(answer)
    if problem:
        return CheckResult(check, False, f"still wrong: {problem}")
    if not commands:
        return CheckResult(check, False, f"no answer yet — hint: {hint}")
    changed = net
    for line in commands:
        try:
            changed, _ = apply_command(changed, node, line)
        except CommandError as err:
            return CheckResult(check, False, f"still wrong: Windows refuses {shorten(line)}: {err}")
    failing, untraceable = [], []
    for s, d in flows:
        try:
            result = trace(changed, s, d, reply=True)
        except TraceError as err:  # the commands made the question itself wrong (d is now a subnet's edge)
            untraceable.append(f"{s} -> {d} cannot be sent any more ({err})")
            continue
        if not (result.accepted and result.reply is not None and result.reply.succeeded):
            failing.append(f"{s} -> {d}")
    done = [f"{s} -> {d}" for s, d in flows
            if f"{s} -> {d}" not in failing and not any(u.startswith(f"{s} -> {d} ") for u in untraceable)]
    result = changed.node(node)
    defaults = [r for r in result.route_table if r.is_default]
    wrong = []
    if failing:
        wrong.append(f"no answer for {', '.join(failing)}")
    wrong += untraceable
    if one_default_gateway and len(defaults) > 1:
        wrong.append(f"{node} now has {len(defaults)} default routes: keep one default gateway")
    if like is not None:
        model = changed.node(like)
        mine = sorted((str(r.destination), str(r.gateway), r.persistent) for r in result.routes)
        theirs = sorted((str(r.destination), str(r.gateway), r.persistent) for r in model.routes)
        if mine != theirs or [i.gateways for i in result.interfaces] != [i.gateways for i in model.interfaces]:
            wrong.append(f"{node} is not configured like {like} (compare their routes and gateways; "
                         "use route -p so the routes survive a restart)")
    if any(not r.persistent for r in result.routes):
        wrong.append("a route without -p disappears at the next restart")
    if wrong:
        parts = [f"right so far: {', '.join(done)} get their answer"] if done else []
        return CheckResult(check, False, " — ".join(parts + ["still wrong: " + "; ".join(wrong), f"hint: {hint}"]))
    return CheckResult(check, True, f"right: {right}")


def grade_ftp_fix(net: Network, settings, *, external_address, forward_range, name: str) -> CheckResult:
    """Exercise: make an FTP session work by setting the server's external address and
    forwarding the passive range."""
    from .panels import ftp_view
    check = Check(name)
    if external_address is None and forward_range is None:
        return CheckResult(check, False, "no answer yet — hint: the client needs the public address AND a way in "
                                         "for the data connection")
    if external_address is not None and not isinstance(external_address, str):
        return CheckResult(check, False, f"still wrong: write the address as text in quotes, e.g. \"203.0.113.7\", "
                                         f"not {shorten(external_address)}")
    view = ftp_view(net, settings, external_address=external_address or "",
                    forward_range=bool(forward_range))
    if view.errors:
        return CheckResult(check, False, "still wrong: " + "; ".join(view.errors.values()))
    if view.result.succeeded:
        return CheckResult(check, True, "right: the server announces its public address and the firewall "
                                        "forwards the small passive range")
    right = []  # only the halves that are right on their own: a wrong address is never "right so far"
    if external_address and net.ftp is not None and external_address.strip() == str(net.ftp.address):
        right.append(f"the server announces {external_address.strip()}, the address the client dials")
    if forward_range is True:
        right.append("the passive range is forwarded")
    parts = [f"right so far: {', '.join(right)}"] if right else []
    return CheckResult(check, False, " — ".join(parts + [f"still wrong: {view.result.reason}",
                                                         "hint: the client needs the public address AND a way in"]))


def reply_accepted(source: str, destination: str, **flow):
    """A goal for `minimal_switch_sets`: the flow's reply reaches the node that asked."""
    def works(net: Network) -> bool:
        result = trace(net, source, destination, reply=True, **flow)
        return result.reply is not None and result.reply.succeeded
    return works


def grade_source_address(net: Network, node: str, destination: str, answer, *, name: str) -> CheckResult:
    """Exercise: which source address does `node` pick for a new connection to `destination`?
    A wrong answer is compared with the model's pick by the rule that decided (KB 969029)."""
    from .model import choose_source, select_route
    from .model.addressing import common_prefix_length
    check = Check(name)
    hint = "look at the outgoing NIC's addresses and count the leading bits each shares with the next hop"
    if answer is None or answer is Ellipsis:
        return CheckResult(check, False, f"no answer yet — hint: {hint}")
    try:
        given = IPv4Address(str(answer).strip())
    except ValueError:
        return CheckResult(check, False, f"still wrong: {shorten(answer)} is not an IPv4 address — hint: {hint}")
    host, dst = net.node(node), IPv4Address(destination)
    route = select_route(host, dst).winner.route
    hop = route.next_hop(dst)
    picked, rule = choose_source(host, route.interface, hop, dst)
    if given == picked:
        return CheckResult(check, True, f"right: {picked}, by {rule}")
    out = host.interface(route.interface)
    if not host.owns(given):
        why = f"{given} is not an address of {node}"
    elif not out.owns(given):
        why = f'{given} is on "{host.owner_of(given).label}", but the packet leaves by "{out.label}"'
    elif given in out.skip_as_source:
        why = f"{given} is marked skipassource: Windows never picks it for a new connection"
    elif not host.os.ranked_source_selection:
        why = f"{host.os.display} takes the first address of the NIC"
    else:
        why = (f"{given} shares {common_prefix_length(given, hop)} leading bits with the next hop {hop}, "
               f"{picked} shares {common_prefix_length(picked, hop)}; the order of the addresses is not "
               f"one of the KB 969029 rules on {host.os.display}")
    return CheckResult(check, False, f"still wrong: you answered {given}: {why} — hint: {hint}")
