"""Every label of the network picture, placed where it touches nothing: most important first (the
endings, the hop numbers, where two paths part), then what each node is, each NIC's addresses,
the segments' names and the NLB clusters."""

from __future__ import annotations

from dataclasses import replace

from ..model import Network, Outcome, Trace
from .network_drawing import (
    GREEN,
    LABEL_PX,
    NODE_H,
    RED,
    REPLY,
    REQUEST,
    hop_badge,
    node_lines,
    node_width,
    shared_os,
)
from .picture import Label, Placer, along, around


def ending_words(trace: Trace, which: str) -> str:
    """'✔ reply ACCEPTED at H' or '✖ request NO_ROUTE at core': symbol, which packet, the word."""
    node = trace.last_hop.node
    if trace.succeeded:
        return f"✔ {which} ACCEPTED at {node}"
    return f"✖ {which} {trace.disposition.value} at {node}" + (
        " (wrong node)" if trace.outcome is Outcome.ACCEPTED_BY_WRONG_NODE else ""
    )


def _ending_lines(trace: Trace, which: str) -> tuple[str, str]:
    """The ending on two short lines: '✖ reply at H', 'STRONG_SEND_BLOCKED'."""
    symbol, _, rest = ending_words(trace, which).partition(f" {which} ")
    word, _, where = rest.partition(" at ")
    return f"{symbol} {which} at {where}", word


def _nearest_is_own(box, own, others) -> bool:
    """Is the label's box nearer its own node's box than any other node's? (gap between boxes)"""

    def gap(node):
        dx = max(box[0] - node[2], node[0] - box[2], 0)
        dy = max(box[1] - node[3], node[1] - box[3], 0)
        return dx * dx + dy * dy

    return all(gap(own) < gap(other) for other in others)


def place_labels(
    net: Network, px: dict, s: float, placer: Placer, paths: list, ghosts: list, legs: dict, divergence: str | None
) -> None:
    """Labels, most important first: they get the nearest free spot."""
    _ending_labels(px, paths, ghosts, placer)
    _hop_numbers(legs, placer)
    if divergence is not None:
        _divergence_label(px, divergence, placer)
    _node_labels(net, px, placer)
    _nic_labels(net, px, placer)
    _segment_labels(px, s, placer)
    _cluster_labels(net, px, placer)


def _ending_labels(px: dict, paths: list, ghosts: list, placer: Placer) -> None:
    """How each path ended, by its last node (and how the flow as written ended, where that differs)."""
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


def _hop_numbers(legs: dict, placer: Placer) -> None:
    """A round badge with the hop's number (1, 2, … or R1, R2, …) on each leg."""
    for prefix, leg_list in legs.items():
        style = REQUEST if prefix == "" else REPLY
        for n, (parts, leg_id) in enumerate(leg_list, 1):
            badge = hop_badge(f"hop-number:{prefix}{n}", f"{prefix}{n}", style)
            w, h = badge.size_px
            spots = [spot for p, q in parts for spot in along(p, q, w, h)]
            spots += [spot for p, q in parts for spot in along(p, q, w, h, (0.1, 0.3, 0.5, 0.7, 0.9), (7.0, -7.0))]
            placer.place(badge, spots, ignore={leg_id})


def _divergence_label(px: dict, divergence: str, placer: Placer) -> None:
    """'◆ paths part here' beside the node where two paths part."""
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


def _node_labels(net: Network, px: dict, placer: Placer) -> None:
    """What each node is (OS, firewall, NAT, …), nearer its own box than any other."""
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


def _nic_labels(net: Network, px: dict, placer: Placer) -> None:
    """Each NIC's name and addresses on its link (or, if the link has no room, saying whose NIC it is)."""
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
                    + list(around(start[0], start[1], node_width(node.name) / 2, NODE_H / 2, w, h, "below")),
                )


def _segment_labels(px: dict, s: float, placer: Placer) -> None:
    """Each segment's name under its bar."""
    for key, (x, y) in px.items():
        if key.startswith("segment:"):
            label = Label(f"segment-label:{key[8:]}", (key[8:],), 0, 0, 11, italic=True, colour="#555555")
            w, h = label.size_px
            placer.place(label, around(x, y, 0.45 * s, 3, w, h, "below"))


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
