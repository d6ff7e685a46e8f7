"""Grading a learner's fix the way a senior admin would.

A fix passes when, after a restart of every server (so routes without -p are gone):
the reported symptom is gone; every other declared flow still works (collateral damage is
named); every change was needed (no proper subset of the changes also passes — the message
names the change that was not needed); and every command would run on the real server (it
parses in the console's interpreter for that server's OS and changes something).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations

from ..feedback import Assessment, ShownAsFeedback, not_answered, not_minimal, right, still_wrong
from ..model import FtpClientSettings, Network, Severity, ftp_session, interface_defaults, restart, trace
from ..model.console import ConsoleError, run_console
from .settings import SettingsError, apply_setting
from .variant import Challenge, Requirement

CLIENT_FIELDS = frozenset(FtpClientSettings.__dataclass_fields__)
MAX_CHANGES = 8
"""More changes than this are not searched for a smaller subset (2^8 replays at most)."""


@dataclass(frozen=True, repr=False)
class Grade(ShownAsFeedback):
    passed: bool
    assessment: Assessment
    fixed: tuple[str, ...] = ()
    broken: tuple[str, ...] = ()
    """Flows that worked before the changes and fail after (collateral damage)."""
    not_needed: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.message}"


@dataclass(frozen=True)
class State:
    net: Network
    clients: tuple = ()
    """(field, value) changes the learner made to the FTP client's settings (every FTP flow)."""


def answer_lines(answer) -> tuple[list[tuple[str, str]] | None, str | None]:
    """The learner's changes as (line, shell) pairs: a list of lines, one line, or a console widget."""
    if answer is None or answer is Ellipsis:
        return None, None
    if hasattr(answer, "results") and hasattr(answer, "node"):
        return [(r.change.typed, r.change.shell) for r in answer.results if r.change is not None], None
    if isinstance(answer, str):
        answer = [answer]
    if isinstance(answer, (list, tuple)) and all(x is Ellipsis for x in answer):
        return None, None  # the notebook's [...] placeholder, not filled in yet
    if not isinstance(answer, (list, tuple)) or not all(isinstance(x, str) for x in answer):
        return None, 'write your changes as a list of command lines, e.g. ["route -p add …"]'
    return [(x, "") for x in answer if x.strip()], None


def apply_change(challenge: Challenge, state: State, line: str, shell: str = "") -> tuple[State, str | None]:
    """One change: the new state, or the reason it would not run (or changed nothing)."""
    if challenge.settings:
        try:
            return apply_setting(challenge, state, line), None
        except SettingsError as err:
            return state, str(err)
    try:
        result = run_console(state.net, challenge.node, line, shell or challenge.shell)
    except ConsoleError as err:
        return state, str(err)
    if result.refused and "&&" in line:
        return _whole_line(challenge, state, line, result.output)
    if not result.changed:
        first = next((x for x in result.output.splitlines() if x.strip()), "no output")
        return state, f"{line!r} changed nothing on {challenge.node} (Windows says: {first.strip()})"
    return replace(state, net=result.network), None


def _whole_line(challenge: Challenge, state: State, line: str, refusal: str) -> tuple[State, str | None]:
    """A chained line is judged as a whole: KB 975808's `delete address … && add address …
    skipassource=true` passes through a moment without the cluster IP, which NLB tolerates."""
    from ..model import CommandError, run_command, validate_network

    try:
        node, _ = run_command(state.net.node(challenge.node), line)
    except CommandError as err:
        return state, f"{line!r} would not run on {challenge.node}: {err}"
    net = state.net.with_node(node)
    errors = [p for p in validate_network(net) if p.severity is Severity.ERROR]
    if errors or net == state.net:
        return state, f"{line!r}: {refusal}" if errors else f"{line!r} changed nothing on {challenge.node}"
    return replace(state, net=net), None


def flow_works(state: State, need: Requirement) -> tuple[bool, str]:
    net = state.net
    if need.strong_host is not None:
        node = net.node(need.strong_host)
        defaults = interface_defaults(node.os, node.role)
        wide = [
            f'{s} on "{i.label}"'
            for i in node.interfaces
            for s in ("weakhostsend", "forwarding")
            if getattr(i, s) and not defaults[s]
        ]
        return (not wide, "enabled: " + ", ".join(wide) if wide else "")
    if need.ftp is not None:
        settings = replace(need.ftp, **{k: v for k, v in state.clients if k in CLIENT_FIELDS})
        if need.encrypted:
            return settings.tls != "none", "the client now sends passwords and files in clear text"
        result = ftp_session(net, settings=settings, check_fixes=False)
        return result.succeeded, result.reason
    assert need.flow is not None, need  # a Requirement is a flow, an FTP session or a policy
    traced = trace(net, replace(need.flow, reply=True))
    if not traced.accepted:
        return False, traced.reason
    if traced.reply is None or not traced.reply.succeeded:
        return False, "no answer comes back: " + (traced.reply.reason if traced.reply else "no reply")
    return True, ""


def after_restart(state: State) -> State:
    net = state.net
    for node in net.nodes:
        net = net.with_node(restart(node))
    return replace(state, net=net)


def outcomes(challenge: Challenge, state: State) -> dict[str, tuple[bool, str]]:
    if state.net is challenge.broken and not state.clients:
        return _before(challenge)
    rebooted = after_restart(state)
    return {f.name: flow_works(rebooted, f) for f in challenge.flows}


def _broken_state(challenge: Challenge) -> State:
    """Where every grading starts: the broken variant, nothing changed yet."""
    if challenge.broken is None:
        raise ValueError(f"{challenge.kind} is diagnosis only: it has no network to change")
    return State(challenge.broken)


@lru_cache(maxsize=256)
def _before(challenge: Challenge) -> dict[str, tuple[bool, str]]:
    """The flows of the broken variant (the same for every grading of it)."""
    rebooted = after_restart(_broken_state(challenge))
    return {f.name: flow_works(rebooted, f) for f in challenge.flows}


def _passes(challenge: Challenge, before: dict, state: State) -> bool:
    after = outcomes(challenge, state)
    return all(after[name][0] for name in challenge.symptom) and not any(
        before[n][0] and not after[n][0] for n in after
    )


def _replay(challenge: Challenge, lines) -> State | None:
    state = _broken_state(challenge)
    for line, shell in lines:
        state, problem = apply_change(challenge, state, line, shell)
        if problem:
            return None
    return state


def grade(challenge: Challenge, answer) -> Grade:
    """The verdict on a learner's changes (pure: no progress is written)."""
    if challenge.broken is None:
        return _diagnosis(challenge, answer)
    lines, problem = answer_lines(answer)
    if problem:
        return Grade(False, still_wrong(problem))
    if not lines:
        return Grade(
            False,
            not_answered(
                "investigate with the console, then list the commands you used", what="changes", labelled=False
            ),
        )
    return _grade_lines(challenge, tuple(lines))


@lru_cache(maxsize=1024)
def _grade_lines(challenge: Challenge, lines: tuple[tuple[str, str], ...]) -> Grade:
    """The same changes on the same variant always get the same verdict (the build-time proof
    and a learner's first try of the intended fix share it)."""
    state, refused = _broken_state(challenge), []
    for line, shell in lines:
        state, why = apply_change(challenge, state, line, shell)
        if why:
            refused.append(why)
    if refused:
        return Grade(
            False, still_wrong("these would not run on the real server: " + "; ".join(refused)), refused=tuple(refused)
        )
    before, after = outcomes(challenge, _broken_state(challenge)), outcomes(challenge, state)
    still = [n for n in challenge.symptom if not after[n][0]]
    broken = [n for n in after if before[n][0] and not after[n][0]]
    fixed = tuple(n for n in challenge.symptom if after[n][0])
    wrong = []
    if still:
        wrong.append("the symptom is still there: " + "; ".join(f"{n} fails ({after[n][1]})" for n in still))
    if broken:
        wrong.append("your change broke what worked: " + "; ".join(f"{n} now fails ({after[n][1]})" for n in broken))
    if wrong:
        return Grade(False, still_wrong(tuple(wrong)), fixed=fixed, broken=tuple(broken))
    needless = _not_needed(challenge, before, lines)
    if needless:
        names = "; ".join(f"{line!r} ({why_not_needed(line)})" for line, _ in needless)
        return Grade(
            False,
            not_minimal(names, "the symptom is gone and every other flow works without it"),
            fixed=fixed,
            not_needed=tuple(line for line, _ in needless),
        )
    return Grade(True, right(challenge.cause, lesson=challenge.lesson), fixed=fixed)


def why_not_needed(line: str) -> str:
    """Why an unneeded change still costs something, in the words of the field notes' advice."""
    from ..checks import WHY_FEWER

    low = line.lower()
    for switch, widens in WHY_FEWER.items():
        if f"{switch}=enabled" in low:
            return f"{switch} {widens}"
    if low.startswith("route") and " add" in low or "add route" in low:
        return "a route nothing uses is one more entry the next admin has to explain"
    if low.startswith("client timeout"):
        return "a longer timeout changes no packet"
    return "each extra change is one more thing that can surprise the next admin"


def _diagnosis(challenge: Challenge, answer) -> Grade:
    """Diagnosis-only kinds: the verdict or error the case file's own judge gives for this variant."""
    choices = challenge.extra["answers"]
    if answer is None or answer is Ellipsis:
        return Grade(False, not_answered(f"answer one of: {', '.join(choices)}", labelled=False))
    given = str(answer).strip().lower()
    if given not in choices:
        return Grade(False, still_wrong(f"{str(answer)!r} is not one of: {', '.join(choices)}"))
    if given == challenge.fix[0]:
        return Grade(True, right(f"{challenge.fix[0]} — {challenge.cause}.", lesson=challenge.lesson), fixed=(given,))
    return Grade(False, still_wrong(f"not {given}", advice="look again at the evidence"))


def _not_needed(challenge: Challenge, before: dict, lines) -> list:
    """The changes of the largest proper subset that still passes (none when the fix is minimal)."""
    if len(lines) > MAX_CHANGES:
        return []
    for size in range(len(lines) - 1, -1, -1):
        for kept in combinations(range(len(lines)), size):
            state = _replay(challenge, [lines[i] for i in kept])
            if state is not None and _passes(challenge, before, state):
                return [lines[i] for i in range(len(lines)) if i not in kept]
    return []


def hint_for(challenge: Challenge, attempts: int | None = None) -> str:
    """Hints come in steps: one more after each failed attempt (the last is nearly the answer)."""
    if attempts is None:
        from ..course.store import load_progress

        attempts = load_progress().get(challenge.key).tries
    if attempts < 1:
        return "Try first: investigate with the console, then check your changes. Hints come after an attempt."
    shown = challenge.hints[: min(attempts, len(challenge.hints))]
    return "\n".join(f"hint {n}: {text}" for n, text in enumerate(shown, 1))


def check_and_record(challenge: Challenge, answer) -> Grade:
    """Grade, keep the attempt (and the commands) in the learner's progress file, print the feedback."""
    from ..course.store import record_lab

    result = grade(challenge, answer)
    if challenge.broken is None:
        lines = None if answer is None or answer is Ellipsis else [(str(answer), "")]
    else:
        lines, _ = answer_lines(answer)
    if lines:  # an empty answer is not an attempt
        record_lab(challenge.key, challenge.seed, [line for line, _ in lines or []], result.passed)
    print(result)
    if not result.passed and lines:
        print(hint_for(challenge))
    return result
