"""Pictures of networks, packet paths and FTP sessions, drawn as SVG.

`network_picture`, `comparison_picture` and `ftp_picture` build a `Picture` (labels placed
where they touch nothing, measured with a documented font metric) and `to_svg` writes it:
crisp at any zoom, nothing to encode. Renderers are pure: no widget code here. Colour is
never the only signal: every path has numbers, every ending a symbol and a word.
"""

from .collisions import collisions
from .comparison_picture import comparison_picture, first_divergence
from .ftp_picture import ftp_picture, ftp_svg, lanes
from .layout import node_positions
from .network_picture import network_picture, network_svg
from .picture import Picture
from .route_table import route_choice_rows
from .svg import to_svg

__all__ = [
    "Picture",
    "collisions",
    "comparison_picture",
    "first_divergence",
    "ftp_picture",
    "ftp_svg",
    "lanes",
    "network_picture",
    "network_svg",
    "node_positions",
    "route_choice_rows",
    "to_svg",
]
