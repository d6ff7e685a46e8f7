"""The same flow under two settings side by side, each with its own title, and ◆ where the paths part."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Network, Trace
from .network_labels import ending_words
from .network_picture import network_picture
from .picture import Label, Line, Picture


def first_divergence(a: Trace, b: Trace) -> int | None:
    """Index of the first hop where two traces part (node or outgoing interface), or None."""
    for n, (x, y) in enumerate(zip(a.hops, b.hops)):
        if (x.node, x.out_iface) != (y.node, y.out_iface):
            return n
    if len(a.hops) != len(b.hops) or a.disposition != b.disposition:
        return min(len(a.hops), len(b.hops)) - 1
    return None


@dataclass(frozen=True)
class PathsPart:
    """Where two traces of the same flow part: on the reply when both have one, else on the request."""

    on_reply: bool
    hop: int | None
    """Index of the first hop where the paths part (None: the same path)."""

    @property
    def words(self) -> str | None:
        """The compare panel's headline and the side-by-side picture's, e.g. 'the reply paths part at
        hop R3 (◆)'; None for the same path."""
        if self.hop is None:
            return None
        path, prefix = ("reply", "R") if self.on_reply else ("request", "")
        return f"the {path} paths part at hop {prefix}{self.hop + 1} (◆)"

    def node(self, trace: Trace) -> str | None:
        """The node on this trace's compared path where the ◆ goes (None: no parting, or past its end)."""
        shown = trace.reply if self.on_reply and trace.reply is not None else trace
        return shown.hops[self.hop].node if self.hop is not None and self.hop < len(shown.hops) else None


def paths_part(trace_a: Trace, trace_b: Trace, reply: bool = True) -> PathsPart:
    """Where the two traces' paths part: compared on the reply when `reply` and both have one."""
    on_reply = reply and trace_a.reply is not None and trace_b.reply is not None
    pick = (lambda t: t.reply) if on_reply else (lambda t: t)
    return PathsPart(on_reply, first_divergence(pick(trace_a), pick(trace_b)))


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
    part = paths_part(trace_a, trace_b, reply)
    sides = []
    for net, trace, label in ((net_a, trace_a, labels[0]), (net_b, trace_b, labels[1])):
        sides.append(
            network_picture(
                net,
                trace,
                width=width,
                divergence=part.node(trace),
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
    where = f" — {part.words}" if part.words else ""
    headline = Label(
        "headline", (f"Same flow, two settings: {labels[0]} vs {labels[1]}{where}",), lx0, 0, 14, bold=True
    )
    both.labels.append(headline.moved(lx0, ly0 - headline.size_px[1] - 10))
    return both


def _side(item, side: str):
    """Ids stay unique when two pictures share one SVG."""
    return replace(item, id=f"{side}:{item.id}")
