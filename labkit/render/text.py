"""Plain text: the lines `print()` shows for a trace, an FTP session, a route choice and a
case verdict, and the one-line reprs. The model's `__str__` methods call these."""

from __future__ import annotations

from ..model.ftp_protocol import TlsMode
from ..model.ftp_result import FtpResult
from ..model.routes import describe_route
from ..model.trace import Outcome

WRONG_NODE = ", but by the wrong node"


def _short(text: str, limit: int = 90) -> str:
    """On one line, cut at a word before `limit` characters: a repr stays one readable line."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# --- traces ---------------------------------------------------------------------------------------


def hop_heading(hop) -> str:
    """'web1 (in: private, out: public)': the node and the interfaces the packet used there."""
    where = ", ".join(f"{k}: {v}" for k, v in (("in", hop.in_iface), ("out", hop.out_iface)) if v)
    return hop.node + (f" ({where})" if where else "")


def step_line(step) -> str:
    """'route: 10.30.0.0/16 via 10.0.0.1 on "private", ...': the action and what happened."""
    return f"{step.action.value}: {step.detail}"


def verdict_words(trace) -> str:
    """'ACCEPTED', 'NO_ROUTE', ... or 'ACCEPTED, but by the wrong node' for a reply that reached
    another node than the one that asked."""
    return trace.disposition.value + (WRONG_NODE if trace.outcome is Outcome.ACCEPTED_BY_WRONG_NODE else "")


def trace_lines(trace, indent: str = "") -> list[str]:
    """One direction: the flow, each hop with its steps, the verdict and the hint."""
    out = [f"{indent}{trace.flow}"]
    for n, hop in enumerate(trace.hops, 1):
        out.append(f"{indent}  {n}. {hop_heading(hop)}")
        out.extend(f"{indent}       {step_line(s)}" for s in hop.steps)
    out.append(f"{indent}  => {verdict_words(trace)}: {trace.reason}")
    out.append(f"{indent}     hint: {trace.hint}")
    return out


def trace_text(trace) -> str:
    """The request, and the reply indented under it."""
    out = trace_lines(trace)
    if trace.reply is not None:
        out.append("reply:")
        out.extend(trace_lines(trace.reply, "  "))
    return "\n".join(out)


def trace_repr(trace) -> str:
    """'<Trace TCP 10.0.0.5:49152 -> 10.30.5.5:80 ACCEPTED, 4 hops; reply ACCEPTED, 4 hops>'."""

    def part(t) -> str:
        return f"{t.outcome.value}, {len(t.hops)} hop{'s' if len(t.hops) != 1 else ''}"

    reply = f"; reply {part(trace.reply)}" if trace.reply is not None else ""
    return f"<Trace {trace.flow} {part(trace)}{reply}>"


def step_items(subject) -> list[str]:
    """A trace (hop by hop, then its reply's) or an FTP session (step by step) as the pages of a
    step-through: each page says where it is and what happened there."""
    if isinstance(subject, FtpResult):
        out = []
        for n, step in enumerate(subject.steps, 1):
            text = f"{n}. [{step.channel}] {step.sender} → {step.receiver}: {step.sent}"
            if step.received != step.sent:
                text += f"\n   received: {step.received}"
            text += "".join(f"\n   note: {note}" for note in step.notes)
            if step.trace is not None:
                text += "\n" + "\n".join(trace_lines(step.trace, "   "))
            out.append(text)
        return out
    out = []
    for name, t in (("request", subject), ("reply", subject.reply)):
        if t is None:
            continue
        for n, hop in enumerate(t.hops, 1):
            text = f"{name} hop {n}: {hop_heading(hop)}"
            text += "".join(f"\n   {step_line(s)}" for s in hop.steps)
            if n == len(t.hops):
                text += f"\n=> {verdict_words(t)}: {t.reason}\n   hint: {t.hint}"
            out.append(text)
    return out


# --- route choices --------------------------------------------------------------------------------


def _route(route, node=None) -> str:
    if node is not None:
        return describe_route(node, route)
    via = "on-link" if route.gateway is None else f"via {route.gateway}"
    return f"{route.destination} {via} on {route.interface}"


def route_choice_text(choice, node=None) -> str:
    """The lookup for one destination: why the winner won (with `node`, in its own words),
    then every matching route, best first."""
    lines = [
        f"route lookup for {choice.destination}"
        + (f" on {node.name}" if node is not None else "")
        + (f" (only routes on {choice.restricted_to})" if choice.restricted_to else "")
    ]
    if node is not None:
        lines.append(f"  {choice.why(node)}")
    tied = set(choice.tie)
    for n, candidate in enumerate(choice.candidates):
        mark = (
            "winner"
            if n == 0
            else "tie"
            if candidate in tied
            else "standby"
            if candidate in choice.standby
            else "loses"
        )
        lines.append(f"  {mark:<7} {_route(candidate.route, node)}, metric {candidate.metric}")
    if not choice.candidates:
        lines.append("  no matching route")
    return "\n".join(lines)


def route_choice_repr(choice) -> str:
    """'<RouteChoice 10.30.5.5: 10.30.0.0/16 via 10.0.0.1 on private, metric 266; 3 candidates>'."""
    if choice.winner is None:
        return f"<RouteChoice {choice.destination}: no route>"
    tie = ", TIE" if choice.tie and not choice.tie_broken_by else ""
    count = len(choice.candidates)
    return (
        f"<RouteChoice {choice.destination}: {_route(choice.winner.route)}, metric {choice.winner.metric}{tie}; "
        f"{count} candidate{'s' if count != 1 else ''}>"
    )


# --- FTP sessions ---------------------------------------------------------------------------------


def ftp_settings(result) -> str:
    s = result.settings
    return (
        f"mode {s.mode}, TLS {s.tls}"
        + (f", PROT {s.prot}" if s.tls is not TlsMode.NONE else "")
        + (", CCC" if s.ccc else "")
        + (", client trusts the 227 address" if s.trust_pasv_address else "")
    )


def ftp_step_lines(step, n: int, failed: bool) -> list[str]:
    lines = [f"{' X' if failed else '  '}{n:>2}. {step.channel:<7} {step.sender} -> {step.receiver}: {step.sent}"]
    lines += [f"          rewritten by {rewrite.node}: {rewrite.after}" for rewrite in step.rewrites]
    if step.received != step.sent:
        lines.append(f"          received: {step.received}")
    if step.ports is not None:
        lines.append(
            f"          passive port: one of {step.ports.pool} ({step.ports.picks}); this session {step.ports}"
        )
    if step.trace is not None:
        verdict = step.trace.disposition.value
        if step.trace.reply is not None:
            verdict += f", answer {step.trace.reply.disposition.value}"
        lines.append(f"          TCP: {verdict}")
    lines.extend(f"          note: {note}" for note in step.notes)
    return lines


def ftp_verdict(result) -> str:
    """'FAILURE at step 7: ...' or 'SUCCESS: the listing arrived'."""
    return (
        result.outcome.upper() + (f" at step {result.failed_step}" if result.failed_step else "") + f": {result.reason}"
    )


def ftp_text(result) -> str:
    lines = [f"FTP: {result.client} -> {result.address} ({result.server}); {ftp_settings(result)}"]
    for n, step in enumerate(result.steps, 1):
        lines.extend(ftp_step_lines(step, n, n == result.failed_step))
    lines.append(f"=> {ftp_verdict(result)}")
    lines.append(f"   hint: {result.hint}")
    lines.append("risks (from the field notes' table):")
    for risk in result.risks:
        lines.append(f"   [{'PRESENT' if risk.present else 'handled'}] {risk.risk} -> {risk.mitigation}")
    return "\n".join(lines)


def ftp_repr(result) -> str:
    """'<FtpResult client -> 10.0.0.1 (ftp1), mode passive, TLS none: FAILURE at step 7 of 12>'
    ('…: SUCCESS, 16 steps>' when it works)."""
    where = (
        f" at step {result.failed_step} of {len(result.steps)}"
        if result.failed_step
        else f", {len(result.steps)} steps"
    )
    return (
        f"<FtpResult {result.client} -> {result.address} ({result.server}), {ftp_settings(result)}: "
        f"{result.outcome.upper()}{where}>"
    )


# --- case files -----------------------------------------------------------------------------------


def verdict_headline(verdict) -> str:
    return f"{verdict.kind.upper()}{' (INFERRED)' if verdict.inferred else ''}: {verdict.reason}"


def verdict_text(verdict) -> str:
    """The dcdiag case's verdict: the headline, what to do next and why, the sources, and any
    other failed test judged on its own."""
    lines = [verdict_headline(verdict)]
    lines += [f"  next: {step}" for step in verdict.next_steps]
    lines += [f"  why: {reason}" for reason in verdict.why]
    lines += [f"  see: {ref}" for ref in verdict.references]
    if verdict.other_failures:
        lines.append("OTHER FAILED TESTS (each judged on its own; they do not change the verdict above):")
        lines += [f"  {failure}" for failure in verdict.other_failures]
    return "\n".join(lines)


def verdict_repr(verdict) -> str:
    others = f"; {len(verdict.other_failures)} other failed test(s)" if verdict.other_failures else ""
    return f"<Verdict {_short(verdict_headline(verdict))}{others}>"


def preflight_headline(preflight) -> str:
    return f"{preflight.headline}: {preflight.cause}"


def preflight_text(preflight) -> str:
    """The restore preflight: will it work, the error the learner will see, what the sources
    say and do not say, and the fixes."""
    lines = [preflight_headline(preflight)]
    if preflight.error:
        lines.append(f"  error you will see: {preflight.error}")
    lines += [f"  documented: {text}" for text in preflight.documented]
    lines += [f"  not shown anywhere: {text}" for text in preflight.not_shown]
    lines += [f"  fix: {fix}" for fix in preflight.fixes]
    lines += [f"  note: {note}" for note in preflight.notes]
    return "\n".join(lines)


def preflight_repr(preflight) -> str:
    code = f" {preflight.code}" if preflight.code else ""
    return f"<Preflight {preflight.outcome}{code}: {_short(preflight.cause)}>"
