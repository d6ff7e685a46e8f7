"""The network picture's title above the drawing and its legend below: what the solid and dashed
lines and the numbers mean, what ✔ and ✖ say, and the one OS every host runs."""

from __future__ import annotations

import textwrap

from .network_drawing import GHOST, REPLY, REQUEST, hop_badge
from .picture import Label, Picture

LEGEND = (
    ("request", "1", REQUEST, "request, hops 1, 2, … (solid)"),
    ("reply", "R1", REPLY, "reply, hops R1, R2, … (dashed)"),
)
GHOST_LEGEND = (("ghost", "", GHOST, "thin grey: the same flow as written, before your change"),)
ENDINGS = "✔ ACCEPTED: delivered    ✖ WORD: dropped there, the word says why"


def frame(pic: Picture, title: str, width: float, ghost: bool = False, os: str | None = None) -> None:
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
            badge = hop_badge(f"legend-badge:{key}", number, style, x + 42, y)
            pic.labels.append(badge)
            after = badge.box[2]
        text = Label(f"legend:{key}-words", (words,), after + 4, y, 11.5)
        pic.labels.append(text)
        x = text.box[2] + 16
    x, y = x0, y + 22
    pic.labels.append(Label("legend:endings", (ENDINGS,) + ((f"every host runs {os}",) if os else ()), x, y, 11.5))
