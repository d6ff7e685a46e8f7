"""The network picture with a packet's path (and its reply) drawn on it."""

from __future__ import annotations

import textwrap

from ..model import Disposition, Network, Trace
from .layout import node_positions

REQUEST_STYLE = {"color": "#1f5fa8", "linestyle": "-", "linewidth": 2.2}
REPLY_STYLE = {"color": "#c4541a", "linestyle": (0, (5, 3)), "linewidth": 2.2}
SEGMENT_COLOUR = "#8a8a8a"


def _figure(figsize):
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in threads and widgets
    return Figure(figsize=figsize, layout="constrained")


def draw_topology(net: Network, trace: Trace | None = None, ax=None, *, title: str | None = None,
                  show_reply: bool = True):
    """Draw `net` and, if given, the trace's hops as numbered arrows; returns the Figure."""
    if ax is None:
        ax = _figure((10, 6.5)).add_subplot()
    draw_network(ax, net)
    draw_trace(ax, net, trace, title=title, show_reply=show_reply)
    return ax.figure


def draw_network(ax, net: Network) -> None:
    """The part of the picture that does not depend on the packet (widgets draw it once)."""
    pos = node_positions(net)
    _draw_network(ax, net, pos)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 1.6, max(xs) + 1.6)
    ax.set_ylim(min(ys) - 2.2, max(ys) + 1.3)
    ax.axis("off")


def draw_trace(ax, net: Network, trace: Trace | None, *, title: str | None = None,
               show_reply: bool = True) -> list:
    """The packet's part of the picture: path, endings and title. Returns the artists added."""
    before = set(ax.get_children())
    pos = node_positions(net)
    if trace is not None:
        _draw_path(ax, net, pos, trace, REQUEST_STYLE, "")
        if show_reply and trace.reply is not None:
            _draw_path(ax, net, pos, trace.reply, REPLY_STYLE, "R")
        _draw_ending(ax, pos, trace, "request")
        if show_reply and trace.reply is not None:
            _draw_ending(ax, pos, trace.reply, "reply")
    if title is None:
        title = net.title or net.name
        if trace is not None:
            title += f"\n{trace.flow}: {trace.disposition.value}"
            if trace.reply is not None:
                title += f"; reply: {trace.reply.disposition.value}" + (
                    " (wrong node)" if trace.reply.expected_at else "")
    ax.text(0.5, 1.0, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=10, gid="title")
    return [a for a in ax.get_children() if a not in before]


def _draw_network(ax, net: Network, pos) -> None:
    for key, (x, y) in pos.items():
        if key.startswith("segment:"):
            ax.plot([x - 0.45, x + 0.45], [y, y], color=SEGMENT_COLOUR, linewidth=5, solid_capstyle="round",
                    gid=key, zorder=1)
            ax.text(x, y - 0.12, key.split(":", 1)[1], ha="center", va="top", fontsize=7,
                    style="italic", color="#555555", zorder=2)
    _draw_clusters(ax, net, pos)
    for node in net.nodes:
        nx_, ny = pos[node.name]
        seen: dict[str, int] = {}
        for iface in node.interfaces:
            if iface.segment is None:
                continue
            sx, sy = pos[f"segment:{iface.segment}"]
            ax.plot([nx_, sx], [ny, sy], color=SEGMENT_COLOUR, linewidth=1, zorder=1)
            # NICs of one node on one segment would share a label spot: spread them along the link.
            share = 0.35 + 0.25 * seen.get(iface.segment, 0)
            seen[iface.segment] = seen.get(iface.segment, 0) + 1
            mx, my = nx_ + (sx - nx_) * share, ny + (sy - ny) * share
            addresses = ", ".join(str(a) for a in iface.addresses)
            ax.text(mx, my, f"{iface.label}\n{addresses}", fontsize=6.5, ha="center", va="center",
                    color="#333333", zorder=3, gid=f"nic:{node.name}.{iface.key}",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.8})
        marker = "o" if node.role.value == "router" else "s"
        face = "#f2f2f2" if not node.down else "white"
        ax.scatter([nx_], [ny], s=900, marker=marker, facecolors=face, edgecolors="#222222",
                   linewidths=1.5, hatch="xx" if node.down else None, zorder=4, gid=f"node:{node.name}")
        kind = "router" if node.role.value == "router" else node.os.display
        extra = []
        if node.firewall is not None:
            extra.append("firewall")
        if node.nat is not None:
            extra.append("NAT")
        if node.ftp_helper is not None:
            extra.append("FTP helper")
        if node.load_balancer is not None:
            extra.append("load balancer")
        label = f"{node.name}\n{kind}" + (f"\n[{', '.join(extra)}]" if extra else "") + ("\nDOWN" if node.down else "")
        ax.text(nx_, ny + 0.42, label, ha="center", va="bottom", fontsize=8, fontweight="bold", zorder=5)


def _draw_clusters(ax, net: Network, pos) -> None:
    """A dashed frame around each NLB cluster's members, with its name and cluster IP."""
    from matplotlib.patches import FancyBboxPatch
    for cluster in net.clusters:
        points = [pos[name] for name, _ in cluster.members if name in pos]
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = FancyBboxPatch((min(xs) - 0.75, min(ys) - 0.6), max(xs) - min(xs) + 1.5, max(ys) - min(ys) + 1.55,
                             boxstyle="round,pad=0.05", fill=False, linestyle=(0, (4, 3)), edgecolor="#555555",
                             zorder=0, gid=f"cluster:{cluster.name}")
        ax.add_patch(box)
        ax.text(max(xs) + 0.72, min(ys) - 0.55, f"NLB cluster {cluster.name}\n{cluster.ip} (affinity {cluster.affinity})",
                ha="right", va="bottom", fontsize=7, style="italic", color="#333333", zorder=2)


def _legs(net: Network, trace: Trace):
    """(from node, segment the hop leaves by, to node) for each hop to the next."""
    out = []
    for hop, nxt in zip(trace.hops, trace.hops[1:]):
        node = net.node(hop.node)
        segment = node.interface(hop.out_iface).segment if hop.out_iface and node.has_interface(hop.out_iface) else None
        out.append((hop.node, segment, nxt.node))
    return out


def _draw_path(ax, net: Network, pos, trace: Trace, style: dict, prefix: str) -> None:
    """Each hop is drawn through the segment of the NIC it leaves by, so the NIC shows."""
    shift = 0.13 if not prefix else -0.13  # request above, reply below the segment
    for n, (a, segment, b) in enumerate(_legs(net, trace), 1):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        wx, wy = pos.get(f"segment:{segment}", ((x1 + x2) / 2, (y1 + y2) / 2))
        wy += shift
        line = {k: v for k, v in style.items()}
        ax.annotate("", xy=(wx, wy), xytext=(x1, y1), zorder=6,
                    arrowprops={"arrowstyle": "-", "shrinkA": 16, "shrinkB": 0, **line})
        arrow = ax.annotate("", xy=(x2, y2), xytext=(wx, wy), zorder=6,
                            arrowprops={"arrowstyle": "-|>", "shrinkA": 0, "shrinkB": 16, "mutation_scale": 16,
                                        **line})
        arrow.set_gid(f"hop:{prefix or 'Q'}{n}:{a}->{b}")
        ax.text(wx, wy, f"{prefix}{n}", ha="center", va="center", fontsize=8, fontweight="bold",
                color="white", zorder=7, gid=f"hop-number:{prefix}{n}",
                bbox={"boxstyle": "circle,pad=0.2", "facecolor": style["color"], "edgecolor": "none"})


def _draw_ending(ax, pos, trace: Trace, which: str) -> None:
    node = trace.last_hop.node
    x, y = pos[node]
    dy = -0.55 if which == "request" else -1.05
    if trace.succeeded:
        text, colour = f"✔ {which} ACCEPTED at {node}", "#1b7a3a"
    else:
        verdict = trace.disposition.value + (" by the wrong node" if trace.expected_at else "")
        text = f"✖ {which} {verdict}\n" + textwrap.fill(trace.reason, 48)
        colour = "#b3261e"
        ax.text(x, y, "✖", ha="center", va="center", fontsize=26, color=colour, zorder=8,
                gid=f"drop-marker:{which}:{node}")
    ax.text(x, y + dy, text, ha="center", va="top", fontsize=7, color=colour, zorder=8,
            gid=f"ending:{which}:{node}",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": colour})


def first_divergence(a: Trace, b: Trace) -> int | None:
    """Index of the first hop where two traces part (node or outgoing interface), or None."""
    for n, (x, y) in enumerate(zip(a.hops, b.hops)):
        if (x.node, x.out_iface) != (y.node, y.out_iface):
            return n
    if len(a.hops) != len(b.hops) or a.disposition != b.disposition:
        return min(len(a.hops), len(b.hops)) - 1
    return None


def draw_comparison(net_a: Network, trace_a: Trace, net_b: Network, trace_b: Trace,
                    labels: tuple[str, str] = ("before", "after"), *, reply: bool = True, fig=None):
    """The same flow under two settings, side by side; the first hop where they part is marked."""
    fig = fig or _figure((15, 6.5))
    axes = fig.subplots(1, 2)
    on_reply = reply and trace_a.reply is not None and trace_b.reply is not None
    pick = (lambda t: t.reply) if on_reply else (lambda t: t)
    split = first_divergence(pick(trace_a), pick(trace_b))
    for ax, net, trace, label in zip(axes, (net_a, net_b), (trace_a, trace_b), labels):
        shown = pick(trace)
        draw_topology(net, trace, ax, title=f"{label}: {shown.flow}\n{shown.disposition.value}"
                      + (" (wrong node)" if shown.expected_at else ""))
        if split is not None and split < len(shown.hops):
            node = shown.hops[split].node
            x, y = node_positions(net)[node]
            ax.annotate("◆ paths part here", xy=(x, y), xytext=(x + 0.9, y + 0.9), fontsize=8,
                        gid="divergence", zorder=9, arrowprops={"arrowstyle": "->", "color": "black"},
                        bbox={"boxstyle": "round", "facecolor": "#fff4c2"})
    where = "" if split is None else f" — the {'reply' if on_reply else 'request'} paths part at hop " \
        f"{'R' if on_reply else ''}{split + 1}"
    fig.suptitle(f"Same flow, two settings: {labels[0]} vs {labels[1]}{where}", fontsize=11)
    return fig
