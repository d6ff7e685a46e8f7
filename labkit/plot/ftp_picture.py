"""The FTP sequence diagram as a `Picture`: one lane per party, one row per message or connection.

The row the lessons hinge on, a reply an FTP helper rewrote, is the loudest thing in it: a yellow
band with the message as sent and as received, in bold, and ✎ where the rewrite happened.
"""

from __future__ import annotations

import textwrap

from ..model import FtpResult, Network
from .picture import Label, Line, Mark, Pen, Picture, Placer
from .svg import to_svg

CONTROL = Pen("#1f5fa8", 1.8)
DATA = Pen("#6a3d9a", 2.6, "8 4")
GREEN, RED, AMBER = "#1b7a3a", "#b3261e", "#8a4b00"
TEXT_PX = 12.0
ROW, REWRITE_ROW = 34, 84
WRAP = 80  # characters per line of the outcome
LINE_CHARS = 72  # characters per line of a step


def lanes(net: Network, result: FtpResult) -> list[str]:
    """Client, then (in path order) the middleboxes the session's connections crossed, the
    nodes where a connection ended, and other FTP servers; the server last."""
    order: list[str] = []
    for step in result.steps:
        if step.trace is None:
            continue
        for n, hop in enumerate(step.trace.hops):
            node = net.node(hop.node)
            boxed = any((node.firewall, node.nat, node.ftp_helper, node.load_balancer, node.ftp_server))
            ended = n == len(step.trace.hops) - 1
            if hop.node not in (result.client, result.server) and (boxed or ended) and hop.node not in order:
                order.append(hop.node)
    control = [h.node for h in result.steps[0].trace.hops] if result.steps and result.steps[0].trace else []
    first = {name: n for n, name in enumerate(order)}
    order.sort(key=lambda name: (control.index(name) if name in control else len(control), first[name]))
    return [result.client, *order, result.server]


def _receiver(step, x: dict) -> str:
    """Where an arrow ends: a connection ends where its packet did."""
    if (
        step.trace is not None
        and step.trace.last_hop.node in x
        and (not step.trace.accepted or step.trace.last_hop.node != step.sender)
    ):
        return step.trace.last_hop.node
    return step.receiver


def ftp_picture(net: Network, result: FtpResult) -> Picture:
    names = lanes(net, result)
    gap = 480 / max(1, len(names) - 1)  # the lanes span 480 px: the picture fits beside the controls
    x = {name: 60 + n * gap for n, name in enumerate(names)}
    pic = Picture()
    placer = Placer(pic)
    rows = _rows(result)
    rewritten = [bool(result.steps[group[0] - 1].rewrites) for group in rows]
    texts = [_row_text(result, group) for group in rows]
    # a row after a rewrite leaves room for the ✎ badge that sits on the rewritten arrow
    heights = [
        REWRITE_ROW if r else ROW + (12 if n and rewritten[n - 1] else 0) + 15 * (len(texts[n]) - 1)
        for n, r in enumerate(rewritten)
    ]
    bottom = 40 + sum(heights) + 10
    for name, lx in x.items():
        head = Label(f"lane:{name}", (name,), 0, 0, 13, bold=True)
        w, h = head.size_px
        pic.labels.append(head.moved(lx - w / 2, 0))
        pic.lines.append(Line(f"lane-line:{name}", ((lx, h + 4), (lx, bottom)), "#c8c8c8", 1.0))
    y = 40.0
    for group, height, text in zip(rows, heights, texts):
        first = result.steps[group[0] - 1]
        y += height
        for k, n in enumerate(group):
            step = result.steps[n - 1]
            sender = step.sender if step.sender in x else names[0]
            receiver = _receiver(step, x)
            receiver = receiver if receiver in x else names[-1]
            style = DATA if step.channel == "data" else CONTROL
            x1, x2 = x[sender], x[receiver]
            ay = y + (0 if len(group) == 1 else (-3 if k == 0 else 4))
            placer.add_line(
                style.line(f"step:{n}:{step.channel}", ((x1, ay), (x2 + (-4 if x2 > x1 else 4), ay)), arrow=True)
            )
            if n == result.failed_step:
                placer.add_mark(Mark(f"failed:{n}", "cross", x2, ay, 20, 20, stroke=RED, width=4))
        if first.rewrites:
            _rewrite_row(placer, group[0], first, x, x1, x2, y)
            continue
        failed = result.failed_step in group
        label = Label(
            f"label:{group[0]}",
            text,
            0,
            0,
            TEXT_PX,
            bold=failed,
            colour=RED if failed else "#222222",
            fill="white",
            pad=1.5,
        )
        w, h = label.size_px
        left = min(x[names[0]], x[names[-1]])
        mid = (x[names[0]] + x[names[-1]]) / 2 if len(group) > 1 else (x1 + x2) / 2
        top = y - h - (7 if len(group) > 1 else 5)
        placer.place(label, [(mid - w / 2, top), (left + 4, top), (left - 50, top)])
    verdict = "✔ SUCCESS" if result.succeeded else f"✖ FAILURE at step {result.failed_step}"
    lines = textwrap.wrap(f"{verdict}: {result.reason}", WRAP)
    pic.labels.append(
        Label(
            "outcome",
            tuple(lines),
            x[names[0]] - 50,
            bottom + 8,
            12.5,
            bold=True,
            colour=GREEN if result.succeeded else RED,
        )
    )
    s = result.settings
    title = (
        f"FTP {s.mode}, TLS {s.tls}"
        + (f" PROT {s.prot}" if s.tls != "none" else "")
        + f": {result.client} → {result.address} ({result.server}) — {result.outcome}"
    )
    heading = Label(
        "title",
        (title, "solid: control channel · dashed: data connection · ✎ rewritten by an FTP helper"),
        x[names[0]] - 50,
        -44,
        12.5,
    )
    pic.labels.append(heading)
    return pic


def _row_text(result: FtpResult, group) -> tuple[str, ...]:
    words = []
    for n in group:
        step = result.steps[n - 1]
        words.append(f"{n}. {step.sent}" + (f"  [{step.received}]" if step.channel == "data" else ""))
    return tuple(textwrap.wrap("  ·  ".join(words), LINE_CHARS, max_lines=2, placeholder=" …"))


def _rows(result: FtpResult) -> list[tuple[int, ...]]:
    """Step numbers per row: a plain command and the reply right after it share a row."""

    def plain(n):
        step = result.steps[n - 1]
        return step.channel == "control" and not step.rewrites and n != result.failed_step

    rows: list[tuple[int, ...]] = []
    n = 1
    while n <= len(result.steps):
        pair = (
            n + 1 <= len(result.steps)
            and plain(n)
            and plain(n + 1)
            and result.steps[n - 1].sender == result.steps[n].receiver == result.client
        )
        rows.append((n, n + 1) if pair else (n,))
        n += 2 if pair else 1
    return rows


def _rewrite_row(placer: Placer, n: int, step, x: dict, x1: float, x2: float, y: float) -> None:
    """A yellow band: the message as sent, the helper that rewrote it, the message as received."""
    nodes = ", ".join(r.node for r in step.rewrites)
    lines = (
        f"{n}. ✎ {nodes} rewrote this {'reply' if step.sender != step.receiver else 'message'}",
        f"{step.sender} sent:  {step.sent}",
        f"{step.receiver} received:  {step.received}",
    )
    label = Label(f"received:{n}", lines, 0, 0, 13, bold=True, colour="#3d2a00", fill="#ffe680", stroke=AMBER, pad=4)
    w, h = label.size_px
    placer.place(label, [(min(x1, x2) + 4, y - h - 14), (min(x.values()) - 50, y - h - 14)])
    for rewrite in step.rewrites:
        if rewrite.node in x:
            badge = Label(
                f"rewrite:{n}:{rewrite.node}",
                ("✎",),
                0,
                0,
                14,
                bold=True,
                colour="white",
                fill=AMBER,
                pad=3,
                round=True,
            )
            bw, bh = badge.size_px
            placer.place(badge, [(x[rewrite.node] - bw / 2, y - bh / 2)], ignore={f"step:{n}:{step.channel}"})


def ftp_svg(net: Network, result: FtpResult) -> str:
    return to_svg(ftp_picture(net, result))
