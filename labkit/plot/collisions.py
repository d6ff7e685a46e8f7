"""Overlaps in a finished picture: label on label, label on a node or marker, a line through a label,
except what is drawn on something on purpose (a hop number on its own leg)."""

from __future__ import annotations

from .picture import Box, Picture, boxes_overlap, line_segments, segment_hits_box


def _contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


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
