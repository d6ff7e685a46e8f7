"""HTML for a notebook cell that ends in a trace, an FTP session, a route choice or a case
verdict: the same facts as the text, laid out to read on a 1366 px screen. Inline styles
only (no stylesheet, no script); every value from the model or the learner is escaped."""

from __future__ import annotations

from html import escape

from . import text

# Every colour is a CSS variable with the light colour as its fallback: outside JupyterLab the
# fallback shows; JupyterLab's Dark theme gets readable values from jupyter/custom/custom.css
# (the greys are JupyterLab's own text colours, which each theme sets).
GOOD = "var(--labkit-good, #1b7a3a)"
BAD = "var(--labkit-bad, #b3261e)"
CAUTION = "var(--labkit-caution, #7a4a00)"
TEXT = "var(--jp-content-font-color1, #333)"
MUTED = "var(--jp-content-font-color2, #555)"
FAILED_BG = "var(--labkit-failed-bg, #fdecea)"
WARNING_BG = "var(--labkit-warning-bg, #fff4d6)"
_BOX = (
    "font-family:system-ui,Segoe UI,sans-serif; font-size:13px; line-height:1.4; max-width:1200px; "
    "overflow-wrap:anywhere; border-left:4px solid {colour}; padding:4px 10px; margin:4px 0"
)
_GRID = "display:grid; grid-template-columns:minmax(8.5em, max-content) 1fr; column-gap:10px; margin:2px 0 4px 18px"
_LABEL = f"color:{MUTED}; white-space:nowrap"
_MONO = "font-family:Consolas,Menlo,monospace; font-size:12px"


def _box(colour: str, headline: str, body: str) -> str:
    return (
        f'<div style="{_BOX.format(colour=colour)}">'
        f"<div style='font-weight:bold; color:{colour}'>{headline}</div>{body}</div>"
    )


def _grid(rows) -> str:
    """Label / value pairs, the labels in one column."""
    cells = "".join(
        f"<div style='{_LABEL}'>{escape(label)}</div><div>{escape(str(value))}</div>" for label, value in rows
    )
    return f"<div style='{_GRID}'>{cells}</div>" if cells else ""


def _line(label: str, value: str, colour: str = TEXT) -> str:
    return f"<div style='color:{colour}'><b>{escape(label)}</b> {escape(value)}</div>"


# --- traces ---------------------------------------------------------------------------------------


def _direction(trace, name: str) -> str:
    colour = GOOD if trace.succeeded else BAD
    hops = "".join(
        f"<li><b>{escape(text.hop_heading(hop))}</b>{_grid((s.action.value, s.detail) for s in hop.steps)}</li>"
        for hop in trace.hops
    )
    return (
        f"<div style='margin-top:4px'><b>{escape(name)}</b> <span style='{_MONO}'>{escape(trace.flow)}</span>"
        f"<ol style='margin:2px 0; padding-left:22px'>{hops}</ol>"
        + _line(f"=> {text.verdict_words(trace)}:", trace.reason, colour)
        + _line("hint:", trace.hint)
        + "</div>"
    )


def trace_html(trace) -> str:
    ok = trace.succeeded and (trace.reply is None or trace.reply.succeeded)
    headline = escape(
        f"{trace.flow}: {trace.outcome.value}"
        + (f", reply {trace.reply.outcome.value}" if trace.reply is not None else "")
    )
    body = _direction(trace, "request" if trace.reply is not None else "packet")
    if trace.reply is not None:
        body += _direction(trace.reply, "reply")
    return _box(GOOD if ok else BAD, headline, body)


# --- route choices --------------------------------------------------------------------------------


def route_choice_html(choice, node=None) -> str:
    lines = text.route_choice_text(choice, node).split("\n")
    colour = BAD if choice.winner is None else CAUTION if choice.tie and not choice.tie_broken_by else GOOD
    rows = "".join(f"<div style='{_MONO}; white-space:pre-wrap'>{escape(line)}</div>" for line in lines[1:])
    return _box(colour, escape(lines[0]), rows)


# --- FTP sessions ---------------------------------------------------------------------------------


def ftp_html(result) -> str:
    colour = GOOD if result.succeeded else BAD
    steps = "".join(
        f"<div style='{_MONO}; white-space:pre-wrap; {'background:' + FAILED_BG if n == result.failed_step else ''}'>"
        f"{escape(chr(10).join(text.ftp_step_lines(step, n, n == result.failed_step)))}</div>"
        for n, step in enumerate(result.steps, 1)
    )
    risks = _grid(("PRESENT" if r.present else "handled", f"{r.risk} -> {r.mitigation}") for r in result.risks)
    # The outcome leads, as a trace's headline does: the steps below run ~460 px, off a 768 px screen.
    headline = escape(f"FTP: {result.client} -> {result.address} ({result.server}) => {text.ftp_verdict(result)}")
    return _box(
        colour,
        headline,
        f"<div style='color:{MUTED}'>{escape(text.ftp_settings(result))}</div>"
        + steps
        + _line("=>", text.ftp_verdict(result), colour)
        + _line("hint:", result.hint)
        + (f"<div><b>risks</b> (from the field notes' table)</div>{risks}" if result.risks else ""),
    )


# --- case files -----------------------------------------------------------------------------------


def verdict_colour(kind) -> str:
    """The colour of a dcdiag verdict kind: the kinds that ask for action stand out, the others
    mean nothing to fix. (The case files load only when a verdict is shown, not with a trace.)"""
    from ..cases.dcdiag import VerdictKind

    return {VerdictKind.REAL_PROBLEM: BAD, VerdictKind.NEEDS_MORE_DATA: CAUTION}.get(kind, GOOD)


def verdict_html(verdict) -> str:
    rows = [
        *(("next", s) for s in verdict.next_steps),
        *(("why", r) for r in verdict.why),
        *(("see", r) for r in verdict.references),
    ]
    others = "".join(f"<li>{escape(str(f))}</li>" for f in verdict.other_failures)
    body = _grid(rows) + (
        f"<div><b>other failed tests</b> (each judged on its own; they do not change the verdict "
        f"above)</div><ul style='margin:2px 0'>{others}</ul>"
        if others
        else ""
    )
    return _box(verdict_colour(verdict.kind), escape(text.verdict_headline(verdict)), body)


def preflight_html(preflight) -> str:
    from ..cases.restore import RestoreOutcome

    colour = GOOD if preflight.ok else BAD if preflight.outcome is RestoreOutcome.FAILS else CAUTION
    rows = [
        *((("error you will see", preflight.error),) if preflight.error else ()),
        *(("documented", d) for d in preflight.documented),
        *(("not shown anywhere", n) for n in preflight.not_shown),
        *(("fix", f) for f in preflight.fixes),
        *(("note", n) for n in preflight.notes),
    ]
    return _box(colour, escape(text.preflight_headline(preflight)), _grid(rows))


def feedback_html(passed: bool, mark: str, label: str, parts: list[str]) -> str:
    """A grader's feedback (a check result, an exercise's feedback, a lab grade): the verdict in
    colour, then what is right so far, what is still wrong and the hint, one per line."""
    headline = f"[{escape(mark)}]" + (f" {escape(label)}" if label else "")
    if len(parts) == 1:
        return _box(GOOD if passed else BAD, f"{headline}: {escape(parts[0])}", "")
    items = "".join(f"<li>{escape(p)}</li>" for p in parts)
    return _box(GOOD if passed else BAD, headline, f"<ul style='margin:2px 0; padding-left:22px'>{items}</ul>")
