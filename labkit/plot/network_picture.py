"""The network with a packet's path (and its reply) as a `Picture`: nodes, NICs and segments first,
then the paths, then every label placed where it touches nothing else; a title above and a legend below.

Colour is never the only signal: the request is solid with numbers 1, 2, …; the reply dashed with
R1, R2, …; every ending has ✔ or ✖ and its word. The parts: `network_drawing` (nodes, links,
legs), `network_labels` (every label), `legend` (title and legend); `comparison_picture` puts two
side by side.
"""

from __future__ import annotations

from ..model import Network, Trace
from .layout import node_positions
from .legend import frame
from .network_drawing import (
    GHOST,
    GHOST_REPLY,
    NODE_H,
    RED,
    REPLY,
    REQUEST,
    draw_network,
    draw_path,
    node_lines,
    node_width,
    shared_os,
)
from .network_labels import place_labels
from .picture import Mark, Picture, Placer
from .svg import to_svg

MIN_SCALE, MAX_SCALE = 34.0, 100.0  # px per layout unit


def _scale(pos: dict, width: float) -> float:
    xs = [x for x, _ in pos.values()]
    span = max(xs) - min(xs) or 1.0
    return max(MIN_SCALE, min(MAX_SCALE, (width - 150) / span))


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
    frame(pic, title if title is not None else _title(net, trace), width, ghost is not None, shared_os(net))
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
    draw_network(net, px, s, placer)
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
        draw_path(net, px, g, style, prefix, placer)
    legs = {prefix: draw_path(net, px, t, style, prefix, placer) for t, style, prefix, _ in paths}
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
    place_labels(net, px, s, placer, paths, ghosts, legs, divergence)
    return pic


def _title(net: Network, trace: Trace | None) -> str:
    title = net.title or net.name
    if trace is not None:
        title += f"\n{trace.flow}"
    return title


def network_svg(net: Network, trace: Trace | None = None, **kwargs) -> str:
    return to_svg(network_picture(net, trace, **kwargs))
