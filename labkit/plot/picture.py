"""Pictures as plain data (labels, lines, marks in px, y down), label placement without overlaps,
and the SVG text a browser draws crisp at any zoom.

Every label's box is measured with the font metric in `fontmetric` and written with `textLength`,
so the box a test checks is the box on screen. Placement is deterministic: each label tries
candidate spots around its anchor, nearest first, and takes the first one whose box touches no
node, no line and no label placed before it.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace

from .fontmetric import ASCENT, LINE_HEIGHT, block_size

FONT = "'DejaVu Sans', Verdana, 'Segoe UI', sans-serif"
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


def _contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


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


def _side(item_id: str) -> tuple[str, str]:
    side, colon, rest = item_id.partition(":")
    return (side, rest) if colon and side in ("a", "b") else ("", item_id)


def attached(label_id: str, other_id: str) -> bool:
    """Labels drawn on something on purpose: a hop number on its own leg, a NIC's address on the
    NIC's own link, a node's name in its own box, the ✎ on the arrow it rewrote (two pictures
    side by side: the same side only)."""
    (side_a, label), (side_b, other) = _side(label_id), _side(other_id)
    if side_a != side_b:
        return False
    kind, _, rest = label.partition(":")
    if kind == "hop-number":
        return other.startswith(f"hop:{rest if rest.startswith('R') else 'Q' + rest}:")
    if kind == "nic":
        return other == f"link:{rest}"
    if kind == "node-name":
        return other == f"node:{rest}"
    if kind == "rewrite":
        return other.startswith(f"step:{rest.split(':')[0]}:")
    return False


def collisions(picture: Picture, guides=("lane-line:",)) -> list[str]:
    """Every overlap in a finished picture: label on label, label on a node or marker box, a line
    through a label. `attached(label, other)` names the pairs drawn on purpose (a hop number on its
    own leg); lines whose id starts with one of `guides` are light guide lines text may cross."""
    found = []
    labels = picture.labels
    for n, a in enumerate(labels):
        for b in labels[n + 1 :]:
            if boxes_overlap(a.box, b.box) and not attached(a.id, b.id) and not attached(b.id, a.id):
                found.append(f"label {a.id} overlaps label {b.id}")
        # text inside its own node's box: the box is drawn over every line and bar, the text over the box
        inside = any(attached(a.id, m.id) and _contains(m.box, a.box) for m in picture.marks)
        for mark in picture.marks:
            if mark.kind == "cross" or (inside and mark.kind in ("bar", "frame")) or attached(a.id, mark.id):
                continue
            if boxes_overlap(a.box, mark.box):
                found.append(f"label {a.id} overlaps {mark.id}")
        for line in picture.lines if not inside else ():
            if line.id.startswith(guides) or attached(a.id, line.id):
                continue
            if any(segment_hits_box(p, q, a.box) for p, q in line_segments(line)):
                found.append(f"line {line.id} crosses label {a.id}")
    return found


# --- SVG -------------------------------------------------------------------------------------------


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _text(label: Label) -> str:
    x0, y0, x1, y1 = label.box
    out = []
    if label.fill or label.stroke:
        radius = (y1 - y0) / 2 if label.round else 3
        out.append(
            f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{_f(x1 - x0)}" height="{_f(y1 - y0)}" '
            f'rx="{_f(radius)}" fill="{label.fill or "none"}" stroke="{label.stroke or "none"}"/>'
        )
    from .fontmetric import text_width

    style = (' font-weight="bold"' if label.bold else "") + (' font-style="italic"' if label.italic else "")
    for n, line in enumerate(label.lines):
        base = y0 + label.pad + label.size * (ASCENT + LINE_HEIGHT * n)
        width = text_width(line, label.size, label.bold)
        out.append(
            f'<text x="{_f(x0 + label.pad)}" y="{_f(base)}" font-size="{_f(label.size)}"{style} '
            f'fill="{label.colour}" textLength="{_f(width)}" lengthAdjust="spacingAndGlyphs">'
            f"{html.escape(line)}</text>"
        )
    return f'<g id="{html.escape(label.id)}" class="label">{"".join(out)}</g>'


def _line(line: Line, markers: dict) -> str:
    points = " ".join(f"{_f(x)},{_f(y)}" for x, y in line.points)
    extra = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    if line.arrow:
        markers.setdefault(line.colour, f"arrow{len(markers)}")
        extra += f' marker-end="url(#{markers[line.colour]})"'
    return (
        f'<polyline id="{html.escape(line.id)}" points="{points}" fill="none" stroke="{line.colour}" '
        f'stroke-width="{_f(line.width)}" stroke-linejoin="round"{extra}/>'
    )


def _mark(mark: Mark) -> str:
    x0, y0, x1, y1 = mark.box
    common = f'id="{html.escape(mark.id)}" stroke="{mark.stroke}" stroke-width="{_f(mark.width)}"' + (
        f' stroke-dasharray="{mark.dash}"' if mark.dash else ""
    )
    fill = "url(#hatch)" if mark.hatch else mark.fill
    if mark.kind == "circle":
        return f'<ellipse {common} cx="{_f(mark.x)}" cy="{_f(mark.y)}" rx="{_f(mark.w / 2)}" ry="{_f(mark.h / 2)}" fill="{fill}"/>'
    if mark.kind == "cross":
        return (
            f'<path {common} fill="none" stroke-linecap="round" d="M{_f(x0)},{_f(y0)} L{_f(x1)},{_f(y1)} '
            f'M{_f(x0)},{_f(y1)} L{_f(x1)},{_f(y0)}"/>'
        )
    if mark.kind == "diamond":
        return (
            f'<path {common} fill="{fill}" d="M{_f(mark.x)},{_f(y0)} L{_f(x1)},{_f(mark.y)} '
            f'L{_f(mark.x)},{_f(y1)} L{_f(x0)},{_f(mark.y)} Z"/>'
        )
    radius = min(mark.w, mark.h) / 2 if mark.kind == "bar" else 4
    return (
        f'<rect {common} x="{_f(x0)}" y="{_f(y0)}" width="{_f(mark.w)}" height="{_f(mark.h)}" '
        f'rx="{_f(radius)}" fill="{fill}"/>'
    )


def to_svg(picture: Picture, title: str = "") -> str:
    """The picture as one <svg> element, drawn at its natural size (1 px of the picture = 1 CSS px)."""
    x0, y0, x1, y1 = picture.bounds()
    markers: dict[str, str] = {}
    body = (
        [_mark(m) for m in picture.marks if m.kind in ("bar", "frame")]
        + [_line(ln, markers) for ln in picture.lines]
        + [_mark(m) for m in picture.marks if m.kind not in ("bar", "frame")]
        + [_text(lab) for lab in picture.labels]
    )
    defs = [
        '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="white"/><path d="M0,6 L6,0" stroke="#222" stroke-width="1"/></pattern>'
    ]
    defs += [
        f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="11" markerHeight="11" '
        f'orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for colour, name in markers.items()
    ]
    w, h = x1 - x0, y1 - y0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="labkit-svg" width="{_f(w)}" height="{_f(h)}" '
        f'viewBox="{_f(x0)} {_f(y0)} {_f(w)} {_f(h)}" font-family="{html.escape(FONT)}" role="img" '
        f'style="max-width:100%; height:auto; background:white">'
        + (f"<title>{html.escape(title)}</title>" if title else "")
        + f"<defs>{''.join(defs)}</defs>{''.join(body)}</svg>"
    )
