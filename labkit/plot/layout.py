"""Where nodes and segments sit in a picture: the scenario's x/y, else an automatic layout."""

from __future__ import annotations

from functools import lru_cache

from ..model import Network


def node_positions(net: Network) -> dict[str, tuple[float, float]]:
    """Positions of every node and of every segment (keyed 'segment:NAME')."""
    return dict(_positions(_shape(net)))


def _shape(net: Network) -> tuple:
    """What the layout depends on (hashable, so the layout is computed once per shape)."""
    return tuple((n.name, n.x, n.y, tuple(i.segment for i in n.interfaces)) for n in net.nodes)


@lru_cache(maxsize=64)
def _positions(shape: tuple) -> tuple:
    given = {name: (x, y) for name, x, y, _ in shape if x is not None and y is not None}
    segments: dict[str, list[str]] = {}
    for name, _, _, segs in shape:
        for seg in segs:
            if seg is not None:
                segments.setdefault(seg, []).append(name)
    if len(given) == len(shape):
        pos = dict(given)
    else:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(name for name, *_ in shape)
        for seg, members in segments.items():
            for member in members:
                graph.add_edge(member, f"segment:{seg}")
        layout = nx.spring_layout(graph, seed=7, iterations=200)  # seeded: the same picture every run
        pos = {name: (float(x) * 4, float(y) * 4) for name, (x, y) in layout.items()}
        pos.update(given)
    placed: list[tuple[float, float]] = []
    for seg, members in sorted(segments.items()):
        xs = [pos[m][0] for m in members]
        ys = [pos[m][1] for m in members]
        x, y = sum(xs) / len(xs), sum(ys) / len(ys) + (0.0 if len(members) > 1 else -0.8)
        # Segments joining the same nodes would sit on top of each other: spread them.
        while any(
            abs(x - px) < 0.9 and abs(y - py) < 0.45
            for px, py in placed + list((v for k, v in pos.items() if not k.startswith("segment:")))
        ):
            y -= 0.5
        placed.append((x, y))
        pos[f"segment:{seg}"] = (x, y)
    return tuple(sorted(pos.items()))
