"""The network with a packet's path (and its reply) as a `Picture`: nodes, NICs and segments first,
then the paths, then every label placed where it touches nothing else; a title above and a legend below.

Colour is never the only signal: the request is solid with numbers 1, 2, …; the reply dashed with
R1, R2, …; every ending has ✔ or ✖ and its word.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

from ..model import Network, Outcome, Role, Trace
from .fontmetric import text_width
from .layout import node_positions
from .picture import Label, Line, Mark, Pen, Picture, Placer, along, around, to_svg

REQUEST = Pen("#1f5fa8", 2.4)
REPLY = Pen("#c4541a", 2.4, "7 4")
GHOST = Pen("#9a9a9a", 1.6)  # the flow as written, under a changed setting
GHOST_REPLY = replace(GHOST, dash="3 3")
GREEN, RED, GREY = "#1b7a3a", "#b3261e", "#8a8a8a"
NODE_W, NODE_H = 40, 30  # the smallest node box; a longer name widens it
NAME_PX = 11.5
LABEL_PX = 11.5
MIN_SCALE, MAX_SCALE = 34.0, 100.0  # px per layout unit


def _scale(pos: dict, width: float) -> float:
    xs = [x for x, _ in pos.values()]
    span = max(xs) - min(xs) or 1.0
    return max(MIN_SCALE, min(MAX_SCALE, (width - 150) / span))


def _legs(net: Network, trace: Trace):
    """(from node, segment the hop leaves by, to node) for each hop to the next."""
    out = []
    for hop, nxt in zip(trace.hops, trace.hops[1:]):
        node = net.node(hop.node)
        segment = node.interface(hop.out_iface).segment if hop.out_iface and node.has_interface(hop.out_iface) else None
        out.append((hop.node, segment, nxt.node))
    return out


def _edge(centre, toward, name: str, gap: float):
    """Where the line from a node's centre toward a point leaves the node's box, plus `gap` px."""
    (x1, y1), (x2, y2) = centre, toward
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5
    if length == 0:
        return centre
    half_w, half_h = node_width(name) / 2, NODE_H / 2
    inside = min(half_w / abs(dx) if dx else float("inf"), half_h / abs(dy) if dy else float("inf"))
    reach = min(1.0, inside + gap / length)
    return x1 + dx * reach, y1 + dy * reach


def ending_words(trace: Trace, which: str) -> str:
    """'✔ reply ACCEPTED at H' or '✖ request NO_ROUTE at core': symbol, which packet, the word."""
    node = trace.last_hop.node
    if trace.succeeded:
        return f"✔ {which} ACCEPTED at {node}"
    return f"✖ {which} {trace.disposition.value} at {node}" + (
        " (wrong node)" if trace.outcome is Outcome.ACCEPTED_BY_WRONG_NODE else ""
    )


def shared_os(net: Network) -> str | None:
    """The one OS every host runs, if they all run the same (the legend says it once)."""
    systems = {n.os.display for n in net.nodes if n.role is not Role.ROUTER}
    return systems.pop() if len(systems) == 1 else None


def node_width(name: str) -> float:
    """A node's box is wide enough for its name, which is written inside it."""
    return max(NODE_W, text_width(name, NAME_PX, True) + 12)


def _nearest_is_own(box, own, others) -> bool:
    """Is the label's box nearer its own node's box than any other node's? (gap between boxes)"""

    def gap(node):
        dx = max(box[0] - node[2], node[0] - box[2], 0)
        dy = max(box[1] - node[3], node[1] - box[3], 0)
        return dx * dx + dy * dy

    return all(gap(own) < gap(other) for other in others)


def _ending_lines(trace: Trace, which: str) -> tuple[str, str]:
    """The ending on two short lines: '✖ reply at H', 'STRONG_SEND_BLOCKED'."""
    symbol, _, rest = ending_words(trace, which).partition(f" {which} ")
    word, _, where = rest.partition(" at ")
    return f"{symbol} {which} at {where}", word


def node_lines(node, os_in_legend: bool = False) -> tuple[str, ...]:
    kind = "router" if node.role is Role.ROUTER else node.os.display.removeprefix("Windows ")
    if os_in_legend and node.role.value != "router":
        kind = None
    extra = [
        word
        for word, present in (
            ("firewall", node.firewall),
            ("NAT", node.nat),
            ("FTP helper", node.ftp_helper),
            ("load balancer", node.load_balancer),
        )
        if present is not None
    ]
    return (
        (node.name,)
        + ((kind,) if kind else ())
        + ((f"[{', '.join(extra)}]",) if extra else ())
        + (("DOWN",) if node.down else ())
    )


def network_picture(
    net: Network,
    trace: Trace | None = None,
    *,
    title: str | None = None,
    show_reply: bool = True,
    width: float = 600,
    divergence: str | None = None,
    ghost: Trace | None = None,
) -> Picture:
    """The picture of `net` with `trace` drawn on it, about `width` px wide (wider only where the
    labels need it). `divergence`: a node to mark with ◆ (where two paths part); `ghost`: the same
    flow under other settings, drawn thin and grey under the trace (the compare view)."""
    pos = node_positions(net)
    pic = _network_picture(net, trace, pos, _fitted_scale(net, pos, width), show_reply, divergence, ghost)
    _frame(pic, title if title is not None else _title(net, trace), width, ghost is not None, shared_os(net))
    return pic


_SCALES: dict = {}


def _fitted_scale(net: Network, pos: dict, width: float) -> float:
    """px per layout unit so that the network and its labels are about `width` px wide: labels stick
    out at the sides, so shrink the drawing until the whole fits. Depends only on what the network
    looks like, so a panel computes it once, not on every click."""
    key = (
        width,
        net.clusters,
        tuple(
            (
                n.name,
                n.x,
                n.y,
                n.down,
                node_lines(n),
                tuple((i.key, i.label, i.segment, i.addresses) for i in n.interfaces),
            )
            for n in net.nodes
        ),
    )
    if key not in _SCALES:
        room = width * 0.9  # the path's labels still have to go in
        widths: dict[float, float] = {}
        for s in sorted({max(MIN_SCALE, _scale(pos, width) * f) for f in (1.0, 0.85, 0.7, 0.55, 0.4)}, reverse=True):
            x0, _, x1, _ = _network_picture(net, None, pos, s, False, None, None).bounds()
            widths[s] = x1 - x0
            if widths[s] <= room:  # the largest drawing that fits
                break
        s = next((s for s, w in widths.items() if w <= room), min(widths, key=widths.__getitem__))
        if len(_SCALES) > 64:
            _SCALES.clear()
        _SCALES[key] = s
    return _SCALES[key]


def _network_picture(net, trace, pos, s, show_reply, divergence, ghost) -> Picture:
    xmin = min(x for x, _ in pos.values())
    ymax = max(y for _, y in pos.values())
    px = {key: ((x - xmin) * s, (ymax - y) * s) for key, (x, y) in pos.items()}
    pic = Picture()
    placer = Placer(pic)
    _network(net, px, s, placer)
    reply = trace.reply if (trace is not None and show_reply) else None
    paths = [
        (t, style, prefix, which)
        for t, style, prefix, which in ((trace, REQUEST, "", "request"), (reply, REPLY, "R", "reply"))
        if t is not None
    ]
    ghosts = [
        (g, style, prefix, which)
        for g, style, prefix, which in (
            (ghost, GHOST, "ghost:Q", "request"),
            (ghost.reply if ghost and show_reply else None, GHOST_REPLY, "ghost:R", "reply"),
        )
        if g is not None
    ]
    for g, style, prefix, _ in ghosts:
        _draw_path(net, px, g, style, prefix, placer)
    legs = {prefix: _draw_path(net, px, t, style, prefix, placer) for t, style, prefix, _ in paths}
    for t, _style, _prefix, which in paths:
        node = t.last_hop.node
        if not t.succeeded:
            x, y = px[node]
            placer.add_mark(Mark(f"drop-marker:{which}:{node}", "cross", x, y, 26, 26, stroke=RED, width=4))
    if divergence is not None:
        x, y = px[divergence]
        placer.add_mark(
            Mark(
                "divergence",
                "diamond",
                x + node_width(divergence) / 2 + 2,
                y - NODE_H / 2 - 2,
                14,
                14,
                fill="#ffd54a",
                stroke="#222222",
                width=1.2,
            )
        )
    # Labels, most important first: they get the nearest free spot.
    for t, _style, _prefix, which in paths:
        colour = GREEN if t.succeeded else RED
        label = Label(
            f"ending:{which}:{t.last_hop.node}",
            _ending_lines(t, which),
            0,
            0,
            LABEL_PX,
            bold=True,
            colour=colour,
            fill="white",
            stroke=colour,
            pad=3,
        )
        w, h = label.size_px
        x, y = px[t.last_hop.node]
        placer.place(label, around(x, y, node_width(t.last_hop.node) / 2, NODE_H / 2, w, h, "below"))
    for g, _, _, which in ghosts:  # how the flow ended as written, where that differs
        words = ending_words(g, which)
        if all(words != ending_words(t, w) for t, _, _, w in paths):
            first, word = _ending_lines(g, which)
            label = Label(
                f"ghost-ending:{which}:{g.last_hop.node}",
                (f"as written: {first}", word),
                0,
                0,
                LABEL_PX,
                colour="#444444",
                fill="white",
                stroke="#9a9a9a",
                pad=3,
            )
            w, h = label.size_px
            x, y = px[g.last_hop.node]
            placer.place(label, around(x, y, node_width(g.last_hop.node) / 2, NODE_H / 2, w, h, "below"))
    for prefix, leg_list in legs.items():
        style = REQUEST if prefix == "" else REPLY
        for n, (parts, leg_id) in enumerate(leg_list, 1):
            badge = Label(
                f"hop-number:{prefix}{n}",
                (f"{prefix}{n}",),
                0,
                0,
                11,
                bold=True,
                colour="white",
                fill=style.colour,
                pad=3,
                round=True,
            )
            w, h = badge.size_px
            spots = [spot for p, q in parts for spot in along(p, q, w, h)]
            spots += [spot for p, q in parts for spot in along(p, q, w, h, (0.1, 0.3, 0.5, 0.7, 0.9), (7.0, -7.0))]
            placer.place(badge, spots, ignore={leg_id})
    if divergence is not None:
        x, y = px[divergence]
        note = Label(
            "divergence-label",
            ("◆ paths part here",),
            0,
            0,
            LABEL_PX,
            bold=True,
            fill="#fff4c2",
            stroke="#8a6d00",
            pad=3,
        )
        w, h = note.size_px
        placer.place(note, around(x, y, node_width(divergence) / 2, NODE_H / 2, w, h, "right"))
    for node in net.nodes:  # what the node is (its name is inside its box)
        lines = node_lines(node, shared_os(net) is not None)[1:]
        if not lines:
            continue
        x, y = px[node.name]
        half = node_width(node.name) / 2
        label = Label(f"node-label:{node.name}", lines, 0, 0, LABEL_PX)
        w, h = label.size_px
        boxes = {
            n.name: (
                px[n.name][0] - node_width(n.name) / 2,
                px[n.name][1] - NODE_H / 2,
                px[n.name][0] + node_width(n.name) / 2,
                px[n.name][1] + NODE_H / 2,
            )
            for n in net.nodes
        }
        others = [b for name, b in boxes.items() if name != node.name]
        level = [
            spot
            for d in range(40, 400, 12)  # further out at the node's own height
            for spot in ((x + half + d, y - h / 2), (x - half - d - w, y - h / 2))
        ]
        # a label nearer another node than its own would describe the wrong box
        placer.place(
            label,
            list(around(x, y, half, NODE_H / 2, w, h, "above")) + level,
            accept=lambda box, own=boxes[node.name], others=others: _nearest_is_own(box, own, others),
        )
    for node in net.nodes:
        for iface in node.interfaces:
            if iface.segment is None:
                continue
            addresses = tuple(str(a) for a in iface.addresses)  # one per line: narrow labels
            label = Label(f"nic:{node.name}.{iface.key}", (iface.label, *addresses), 0, 0, 11, fill="white", pad=2)
            w, h = label.size_px
            start, end = px[node.name], px[f"segment:{iface.segment}"]
            near = list(along(start, end, w, h, (0.45, 0.3, 0.6, 0.75), (0.0, 4.0, -4.0, 16.0, -16.0)))
            if placer.place(label, near, ignore={f"link:{node.name}.{iface.key}"}, search=False) is None:
                # away from its link, a label says whose NIC it is
                label = replace(label, lines=(f"{node.name}: {iface.label}", *addresses))
                w, h = label.size_px
                placer.place(
                    label,
                    list(along(start, end, w, h, (0.45, 0.3, 0.6, 0.75), (16.0, -16.0, 30.0, -30.0)))
                    + list(around(*start, node_width(node.name) / 2, NODE_H / 2, w, h, "below")),
                )
    for key, (x, y) in px.items():
        if key.startswith("segment:"):
            label = Label(f"segment-label:{key[8:]}", (key[8:],), 0, 0, 11, italic=True, colour="#555555")
            w, h = label.size_px
            placer.place(label, around(x, y, 0.45 * s, 3, w, h, "below"))
    _cluster_labels(net, px, placer)
    return pic


def _title(net: Network, trace: Trace | None) -> str:
    title = net.title or net.name
    if trace is not None:
        title += f"\n{trace.flow}"
    return title


def _network(net: Network, px: dict, s: float, placer: Placer) -> None:
    for key, (x, y) in px.items():
        if key.startswith("segment:"):
            placer.add_mark(Mark(key, "bar", x, y, 0.9 * s, 7, fill=GREY, stroke=GREY, width=0))
    for node in net.nodes:
        x, y = px[node.name]
        for iface in node.interfaces:
            if iface.segment is not None:
                segment = px[f"segment:{iface.segment}"]
                placer.add_line(Line(f"link:{node.name}.{iface.key}", (_edge((x, y), segment, node.name, 0), segment)))
    for cluster in net.clusters:
        points = [px[name] for name, _ in cluster.members if name in px]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            x0, x1 = min(xs) - NODE_W, max(xs) + NODE_W
            y0, y1 = min(ys) - NODE_H - 4, max(ys) + NODE_H + 4
            corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
            placer.add_line(Line(f"cluster:{cluster.name}", corners, "#555555", 1.2, "5 4"))
    for node in net.nodes:
        x, y = px[node.name]
        kind = "circle" if node.role is Role.ROUTER else "rect"
        width = node_width(node.name)
        placer.add_mark(Mark(f"node:{node.name}", kind, x, y, width, NODE_H, fill="#f2f2f2", hatch=node.down))
        name = Label(
            f"node-name:{node.name}", (node.name,), 0, 0, NAME_PX, bold=True, fill="white", pad=1
        )  # readable over a ✖ drawn on the node
        w, h = name.size_px
        placer.picture.labels.append(name.moved(x - w / 2, y - h / 2))


def _draw_path(net: Network, px: dict, trace: Trace, style: Pen, prefix: str, placer: Placer) -> list:
    """Each hop through the segment of the NIC it leaves by, so the NIC shows; returns
    [(the leg's straight parts, the leg's id)]."""
    # request above, reply below the segment bar; the flow as written further out
    shift = {"": -7, "R": 7, "ghost:Q": -16, "ghost:R": 16}[prefix]
    out = []
    for n, (a, segment, b) in enumerate(_legs(net, trace), 1):
        start, end = px[a], px[b]
        wx, wy = px.get(f"segment:{segment}", ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2))
        way = (wx, wy + shift)
        first, last = _edge(start, way, a, 6), _edge(end, way, b, 8)
        leg_id = f"{prefix}{n}:{a}->{b}" if prefix.startswith("ghost") else f"hop:{prefix or 'Q'}{n}:{a}->{b}"
        placer.add_line(style.line(leg_id, (first, way, last), arrow=True))
        out.append((((first, way), (way, last)), leg_id))
    return out


def _cluster_labels(net: Network, px: dict, placer: Placer) -> None:
    for cluster in net.clusters:
        frame = next((ln for ln in placer.picture.lines if ln.id == f"cluster:{cluster.name}"), None)
        if frame is None:
            continue
        (x0, y0), (x1, _), (_, y1) = frame.points[:3]
        label = Label(
            f"cluster-label:{cluster.name}",
            (f"NLB cluster {cluster.name}", f"{cluster.ip} (affinity {cluster.affinity})"),
            0,
            0,
            11.5,
            italic=True,
            colour="#333333",
        )
        w, h = label.size_px
        spots = [
            (x1 - w - 4, y1 + 4),
            (x0 + 4, y1 + 4),
            (x1 - w - 4, y0 - h - 4),
            (x0 + 4, y0 - h - 4),
            (x1 + 4, y1 - h),
            (x0 - w - 4, y1 - h),
        ]
        placer.place(label, spots + list(around((x0 + x1) / 2, y1, (x1 - x0) / 2, 0, w, h, "below")))


LEGEND = (
    ("request", "1", REQUEST, "request, hops 1, 2, … (solid)"),
    ("reply", "R1", REPLY, "reply, hops R1, R2, … (dashed)"),
)
GHOST_LEGEND = (("ghost", "", GHOST, "thin grey: the same flow as written, before your change"),)
ENDINGS = "✔ ACCEPTED: delivered    ✖ WORD: dropped there, the word says why"


def _frame(pic: Picture, title: str, width: float, ghost: bool = False, os: str | None = None) -> None:
    """The title above the drawing and the legend below it, outside everything placed so far."""
    x0, y0, x1, y1 = pic.bounds(0)
    lines = tuple(line for part in title.split("\n") for line in textwrap.wrap(part, max(30, int(width / 8.5))) or [""])
    heading = Label("title", lines, x0, 0, 13.5, bold=True)
    pic.labels.append(heading.moved(x0, y0 - heading.size_px[1] - 8))
    y = y1 + 12
    x = x0
    right = x0 + max(width, x1 - x0)
    for key, number, style, words in LEGEND + (GHOST_LEGEND if ghost else ()):
        text_w = Label("", (words,), 0, 0, 11.5).size_px[0]
        if x > x0 and x + 80 + text_w > right:  # the next entry would stick out: a new row
            x, y = x0, y + 22
        pic.lines.append(style.line(f"legend:{key}", ((x, y + 8), (x + 38, y + 8)), arrow=True))
        after = x + 38
        if number:
            badge = Label(
                f"legend-badge:{key}",
                (number,),
                x + 42,
                y,
                11,
                bold=True,
                colour="white",
                fill=style.colour,
                pad=3,
                round=True,
            )
            pic.labels.append(badge)
            after = badge.box[2]
        text = Label(f"legend:{key}-words", (words,), after + 4, y, 11.5)
        pic.labels.append(text)
        x = text.box[2] + 16
    x, y = x0, y + 22
    pic.labels.append(Label("legend:endings", (ENDINGS,) + ((f"every host runs {os}",) if os else ()), x, y, 11.5))


def network_svg(net: Network, trace: Trace | None = None, **kwargs) -> str:
    return to_svg(network_picture(net, trace, **kwargs))


def first_divergence(a: Trace, b: Trace) -> int | None:
    """Index of the first hop where two traces part (node or outgoing interface), or None."""
    for n, (x, y) in enumerate(zip(a.hops, b.hops)):
        if (x.node, x.out_iface) != (y.node, y.out_iface):
            return n
    if len(a.hops) != len(b.hops) or a.disposition != b.disposition:
        return min(len(a.hops), len(b.hops)) - 1
    return None


def paths_part_at(trace_a: Trace, trace_b: Trace, reply: bool = True) -> tuple[bool, int | None]:
    """(compared on the reply?, index of the first hop where the two paths part, or None)."""
    on_reply = reply and trace_a.reply is not None and trace_b.reply is not None
    pick = (lambda t: t.reply) if on_reply else (lambda t: t)
    return on_reply, first_divergence(pick(trace_a), pick(trace_b))


def comparison_picture(
    net_a: Network,
    trace_a: Trace,
    net_b: Network,
    trace_b: Trace,
    labels: tuple[str, str] = ("before", "after"),
    *,
    reply: bool = True,
    width: float = 470,
) -> Picture:
    """The same flow under two settings side by side, each with its own title; ◆ where they part."""
    on_reply, split = paths_part_at(trace_a, trace_b, reply)
    sides = []
    for net, trace, label in ((net_a, trace_a, labels[0]), (net_b, trace_b, labels[1])):
        shown = trace.reply if on_reply and trace.reply is not None else trace
        node = shown.hops[split].node if split is not None and split < len(shown.hops) else None
        sides.append(
            network_picture(
                net,
                trace,
                width=width,
                divergence=node,
                title=f"{label}\n{ending_words(trace, 'request')}"
                + (f"\n{ending_words(trace.reply, 'reply')}" if trace.reply else ""),
            )
        )
    left, right = sides
    lx0, ly0, lx1, _ = left.bounds()
    rx0, ry0, _, _ = right.bounds()
    right = right.shifted(lx1 - rx0 + 24, ly0 - ry0)
    divider = Line("divider", ((lx1 + 12, ly0), (lx1 + 12, max(left.bounds()[3], right.bounds()[3]))), "#bbbbbb", 1)
    both = Picture(
        [_side(m, "a") for m in left.marks] + [_side(m, "b") for m in right.marks],
        [_side(ln, "a") for ln in left.lines] + [_side(ln, "b") for ln in right.lines] + [divider],
        [_side(lab, "a") for lab in left.labels] + [_side(lab, "b") for lab in right.labels],
    )
    where = (
        ""
        if split is None
        else (f" — the {'reply' if on_reply else 'request'} paths part at hop {'R' if on_reply else ''}{split + 1} (◆)")
    )
    headline = Label(
        "headline", (f"Same flow, two settings: {labels[0]} vs {labels[1]}{where}",), lx0, 0, 14, bold=True
    )
    both.labels.append(headline.moved(lx0, ly0 - headline.size_px[1] - 10))
    return both


def _side(item, side: str):
    """Ids stay unique when two pictures share one SVG."""
    return replace(item, id=f"{side}:{item.id}")
