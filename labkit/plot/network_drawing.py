"""The network drawn: node boxes (wide enough for their names), segments, links, NLB cluster frames,
and a path's legs through the segment of the NIC each hop leaves by; the pens and sizes they use."""

from __future__ import annotations

from dataclasses import replace

from ..model import Network, Role, Trace
from .fontmetric import text_width
from .picture import Label, Line, Mark, Pen, Placer

REQUEST = Pen("#1f5fa8", 2.4)
REPLY = Pen("#c4541a", 2.4, "7 4")
GHOST = Pen("#9a9a9a", 1.6)  # the flow as written, under a changed setting
GHOST_REPLY = replace(GHOST, dash="3 3")
GREEN, RED, GREY = "#1b7a3a", "#b3261e", "#8a8a8a"
NODE_W, NODE_H = 40, 30  # the smallest node box; a longer name widens it
NAME_PX = 11.5
LABEL_PX = 11.5


def hop_badge(label_id: str, number: str, pen: Pen, x: float = 0, y: float = 0) -> Label:
    """The round badge with a hop's number (1, 2, … or R1, R2, …) in its path's colour: the legend
    shows the very badge the path's legs carry."""
    return Label(label_id, (number,), x, y, 11, bold=True, colour="white", fill=pen.colour, pad=3, round=True)


def legs(net: Network, trace: Trace):
    """(from node, segment the hop leaves by, to node) for each hop to the next."""
    out = []
    for hop, nxt in zip(trace.hops, trace.hops[1:]):
        node = net.node(hop.node)
        segment = node.interface(hop.out_iface).segment if hop.out_iface and node.has_interface(hop.out_iface) else None
        out.append((hop.node, segment, nxt.node))
    return out


def edge(centre, toward, name: str, gap: float):
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


def shared_os(net: Network) -> str | None:
    """The one OS every host runs, if they all run the same (the legend says it once)."""
    systems = {n.os.display for n in net.nodes if n.role is not Role.ROUTER}
    return systems.pop() if len(systems) == 1 else None


def node_width(name: str) -> float:
    """A node's box is wide enough for its name, which is written inside it."""
    return max(NODE_W, text_width(name, NAME_PX, True) + 12)


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


def draw_network(net: Network, px: dict, s: float, placer: Placer) -> None:
    for key, (x, y) in px.items():
        if key.startswith("segment:"):
            placer.add_mark(Mark(key, "bar", x, y, 0.9 * s, 7, fill=GREY, stroke=GREY, width=0))
    for node in net.nodes:
        x, y = px[node.name]
        for iface in node.interfaces:
            if iface.segment is not None:
                segment = px[f"segment:{iface.segment}"]
                placer.add_line(Line(f"link:{node.name}.{iface.key}", (edge((x, y), segment, node.name, 0), segment)))
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


def draw_path(net: Network, px: dict, trace: Trace, style: Pen, prefix: str, placer: Placer) -> list:
    """Each hop through the segment of the NIC it leaves by, so the NIC shows; returns
    [(the leg's straight parts, the leg's id)]."""
    # request above, reply below the segment bar; the flow as written further out
    shift = {"": -7, "R": 7, "ghost:Q": -16, "ghost:R": 16}[prefix]
    out = []
    for n, (a, segment, b) in enumerate(legs(net, trace), 1):
        start, end = px[a], px[b]
        wx, wy = px.get(f"segment:{segment}", ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2))
        way = (wx, wy + shift)
        first, last = edge(start, way, a, 6), edge(end, way, b, 8)
        leg_id = f"{prefix}{n}:{a}->{b}" if prefix.startswith("ghost") else f"hop:{prefix or 'Q'}{n}:{a}->{b}"
        placer.add_line(style.line(leg_id, (first, way, last), arrow=True))
        out.append((((first, way), (way, last)), leg_id))
    return out
