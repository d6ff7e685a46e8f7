"""Pictures of networks, packet paths and FTP sessions.

The panels draw SVG: `network_picture`, `comparison_picture` and `ftp_picture` build a `Picture`
(labels placed where they touch nothing, measured with a documented font metric) and `to_svg`
writes it; crisp at any zoom, nothing to encode. The matplotlib renderers (`draw_*`) draw on an
Axes for a Figure of your own. Renderers are pure: no widget code here. Colour is never the only
signal: every path has numbers, every ending a symbol and a word.
"""

from .ftp_diagram import draw_ftp_sequence
from .ftp_picture import ftp_picture, ftp_svg
from .layout import node_positions
from .network_picture import comparison_picture, network_picture, network_svg
from .picture import Picture, collisions, to_svg
from .route_table import draw_route_choice, route_choice_rows
from .topology import draw_comparison, draw_network, draw_topology, draw_trace, first_divergence

__all__ = ["Picture", "collisions", "comparison_picture", "draw_comparison", "draw_ftp_sequence", "draw_network",
           "draw_route_choice", "draw_topology", "draw_trace", "first_divergence", "ftp_picture", "ftp_svg",
           "network_picture", "network_svg", "node_positions", "route_choice_rows", "to_svg"]
