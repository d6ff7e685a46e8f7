"""Pictures as plain data (labels, lines, marks in px, y down) and label placement without overlaps;
`svg` writes a picture as SVG, `collisions` finds what overlaps in a finished one.

Every label's box is measured with the font metric in `fontmetric` (and `svg` writes it with
`textLength`), so the box a test checks is the box on screen. Placement is deterministic: each
label tries candidate spots around its anchor, nearest first, and takes the first one whose box
touches no node, no line and no label placed before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .fontmetric import block_size

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Label:
    id: str
    lines: tuple[str, ...]
    x: float  # top-left of the box (padding included)
    y: float
    size: float = 12.0
    bold: bool = False
    italic: bool = False
    colour: str = "#222222"
    fill: str | None = None  # background colour
    stroke: str | None = None  # frame colour
    pad: float = 2.0
    round: bool = False  # a badge: fully rounded ends

    @property
    def size_px(self) -> tuple[float, float]:
        w, h = block_size(self.lines, self.size, self.bold)
        return w + 2 * self.pad, h + 2 * self.pad

    @property
    def box(self) -> Box:
        w, h = self.size_px
        return self.x, self.y, self.x + w, self.y + h

    def moved(self, x: float, y: float) -> Label:
        return replace(self, x=x, y=y)


@dataclass(frozen=True)
class Line:
    id: str
    points: tuple[tuple[float, float], ...]
    colour: str = "#8a8a8a"
    width: float = 1.0
    dash: str | None = None
    arrow: bool = False


@dataclass(frozen=True)
class Pen:
    """How a kind of line is drawn: colour, width in px and SVG dash pattern (None: solid)."""

    colour: str
    width: float
    dash: str | None = None

    def line(self, id: str, points: tuple[tuple[float, float], ...], arrow: bool = False) -> Line:
        return Line(id, points, self.colour, self.width, self.dash, arrow)


@dataclass(frozen=True)
class Mark:
    """A node, a segment bar or a marker: 'rect', 'circle', 'cross' or 'diamond' centred on x, y."""

    id: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    fill: str = "white"
    stroke: str = "#222222"
    width: float = 1.5
    dash: str | None = None
    hatch: bool = False

    @property
    def box(self) -> Box:
        return self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2


@dataclass
class Picture:
    marks: list[Mark] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def bounds(self, margin: float = 6.0) -> Box:
        boxes = (
            [m.box for m in self.marks]
            + [lab.box for lab in self.labels]
            + [
                (
                    min(x for x, _ in ln.points),
                    min(y for _, y in ln.points),
                    max(x for x, _ in ln.points),
                    max(y for _, y in ln.points),
                )
                for ln in self.lines
            ]
        )
        return (
            min(b[0] for b in boxes) - margin,
            min(b[1] for b in boxes) - margin,
            max(b[2] for b in boxes) + margin,
            max(b[3] for b in boxes) + margin,
        )

    def shifted(self, dx: float, dy: float) -> Picture:
        return Picture(
            [replace(m, x=m.x + dx, y=m.y + dy) for m in self.marks],
            [replace(ln, points=tuple((x + dx, y + dy) for x, y in ln.points)) for ln in self.lines],
            [lab.moved(lab.x + dx, lab.y + dy) for lab in self.labels],
        )

    def label(self, id_: str) -> Label:
        return next(lab for lab in self.labels if lab.id == id_)


def boxes_overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def segment_hits_box(p, q, box: Box) -> bool:
    """Does the segment p-q pass through the box? (Liang-Barsky clipping)"""
    (x1, y1), (x2, y2) = p, q
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for edge_p, edge_q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def line_segments(line: Line):
    return zip(line.points, line.points[1:])


class Placer:
    """Places labels one at a time so that no two boxes overlap and no line crosses a label."""

    GAP = 2.0  # px kept free around every box

    def __init__(self, picture: Picture):
        self.picture = picture
        self.taken: list[tuple[Box, str]] = [(m.box, m.id) for m in picture.marks if m.kind != "cross"]
        self.segments: list[tuple[Box, tuple, tuple, str]] = []
        for line in picture.lines:
            self._segments_of(line)

    def _segments_of(self, line: Line) -> None:
        for p, q in line_segments(line):  # with its bounding box: most boxes are rejected on that
            self.segments.append(((min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])), p, q, line.id))

    def add_line(self, line: Line) -> None:
        self.picture.lines.append(line)
        self._segments_of(line)

    def add_mark(self, mark: Mark) -> None:
        self.picture.marks.append(mark)
        if mark.kind != "cross":
            self.taken.append((mark.box, mark.id))

    def free(self, box: Box, ignore: frozenset = frozenset()) -> bool:
        g = self.GAP
        grown = (box[0] - g, box[1] - g, box[2] + g, box[3] + g)
        x0, y0, x1, y1 = grown
        for other, owner in self.taken:
            if other[0] < x1 and x0 < other[2] and other[1] < y1 and y0 < other[3] and owner not in ignore:
                return False
        for reach, p, q, owner in self.segments:
            if (
                reach[0] <= x1
                and x0 <= reach[2]
                and reach[1] <= y1
                and y0 <= reach[3]
                and owner not in ignore
                and segment_hits_box(p, q, grown)
            ):
                return False
        return True

    def place(self, label: Label, spots, ignore=(), search: bool = True, accept=None) -> Label | None:
        """Put `label` at the first free top-left corner in `spots`; if none is free, keep searching
        outwards from the first spot until one is (or, with search=False, give up: None).
        `accept(box)`: a further condition every spot must meet, if it can be met at all."""
        ignore = frozenset(ignore)
        w, h = label.size_px
        first: tuple[float, float] | None = None
        for x, y in spots:
            first = first or (x, y)
            if self.free((x, y, x + w, y + h), ignore) and (accept is None or accept((x, y, x + w, y + h))):
                return self._keep(label.moved(x, y))
        if not search:
            return None
        if first is None:
            raise ValueError(f"place {label.id!r}: no spot given to search from")
        x0, y0 = first
        for condition in (accept, None) if accept else (None,):
            for radius in range(8, 400, 8):
                for k in range(16):
                    a = 2 * math.pi * k / 16
                    x, y = x0 + radius * math.cos(a), y0 + radius * math.sin(a)
                    box = (x, y, x + w, y + h)
                    if self.free(box, ignore) and (condition is None or condition(box)):
                        return self._keep(label.moved(x, y))
        return self._keep(label.moved(x0, y0))  # pragma: no cover - 400 px of crowd

    def _keep(self, label: Label) -> Label:
        self.picture.labels.append(label)
        self.taken.append((label.box, label.id))
        return label


def around(cx: float, cy: float, half_w: float, half_h: float, w: float, h: float, prefer: str = "above"):
    """Top-left spots for a w×h box next to an object of half-size half_w×half_h at (cx, cy):
    above, below, right, left, the corners, then the same a little further out."""
    for extra in (3, 10, 20, 34):
        sides = {
            "above": (cx - w / 2, cy - half_h - extra - h),
            "below": (cx - w / 2, cy + half_h + extra),
            "right": (cx + half_w + extra, cy - h / 2),
            "left": (cx - half_w - extra - w, cy - h / 2),
        }
        order = [prefer] + [s for s in ("above", "below", "right", "left") if s != prefer]
        for side in order:
            yield sides[side]
        for sx, sy in ((1, -1), (1, 1), (-1, 1), (-1, -1)):
            yield (
                cx + half_w + extra if sx > 0 else cx - half_w - extra - w,
                cy - half_h - extra - h / 2 if sy < 0 else cy + half_h + extra - h / 2,
            )


def along(p, q, w: float, h: float, fractions=(0.5, 0.35, 0.65, 0.2, 0.8), offsets=(0.0,)):
    """Spots for a w×h box centred at points along p-q, optionally pushed sideways."""
    (x1, y1), (x2, y2) = p, q
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx, ny = -(y2 - y1) / length, (x2 - x1) / length
    for f in fractions:
        for off in offsets:
            cx, cy = x1 + (x2 - x1) * f, y1 + (y2 - y1) * f
            # push far enough that the box's corner clears the line
            reach = abs(nx) * w / 2 + abs(ny) * h / 2 + off if off else 0.0
            sign = 1 if off >= 0 else -1
            yield cx + sign * nx * reach - w / 2, cy + sign * ny * reach - h / 2
