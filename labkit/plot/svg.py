"""The SVG text of a `Picture`: one <svg> element a browser draws crisp at any zoom.

Every label is written with `textLength` (its width by the font metric in `fontmetric`), so the
box a test checks is the box on screen.
"""

from __future__ import annotations

import html

from .fontmetric import ASCENT, LINE_HEIGHT
from .picture import Label, Line, Mark, Picture

FONT = "'DejaVu Sans', Verdana, 'Segoe UI', sans-serif"


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
