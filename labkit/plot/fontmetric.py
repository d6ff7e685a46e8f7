"""Text widths for pictures drawn as SVG: the advance widths of DejaVu Sans (regular and bold).

The SVG names DejaVu Sans first and pins every line's width with `textLength`, so the box measured
here is the box the browser draws even where another sans-serif font stands in (Verdana on Windows
has nearly the same widths). Widths are in font units (2048 per em), read from the DejaVu Sans 2.37
files that matplotlib ships (FT2Font.load_char(..., NO_SCALE).horiAdvance).
"""

from __future__ import annotations

from functools import lru_cache

CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~✔✖✎◆→←·…—–⚠✓é'
UNITS_PER_EM = 2048
ASCENT, DESCENT = 1901 / 2048, 483 / 2048
LINE_HEIGHT = 1.25  # em, baseline to baseline
WIDEST = 2052  # characters not in the table count as the widest glyph: boxes err large

REGULAR = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
    1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
    1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716, 1716,
    1716, 1716, 1575, 1716, 1716, 651, 2048, 2048, 1024, 1836, 1716, 1260,
)

BOLD = (
    713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748,
    1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188,
    2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741,
    1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024,
    1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362, 702, 2134, 1458, 1407,
    1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458, 1716, 1716,
    1716, 1716, 1575, 1716, 1716, 778, 2048, 2048, 1024, 1836, 1716, 1389,
)

_INDEX = {c: n for n, c in enumerate(CHARS)}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of one line of `text` at `size` px."""
    table = BOLD if bold else REGULAR
    units = sum(table[_INDEX[c]] if c in _INDEX else WIDEST for c in text)
    return units * size / UNITS_PER_EM


@lru_cache(maxsize=4096)
def block_size(lines: tuple, size: float, bold: bool = False) -> tuple[float, float]:
    """(width, height) in px of lines of text set at `size` px."""
    width = max((text_width(line, size, bold) for line in lines), default=0.0)
    return width, size * (LINE_HEIGHT * (len(lines) - 1) + ASCENT + DESCENT)
