"""Pictures of networks, packet paths and FTP sessions (matplotlib).

Renderers are pure: they take a network and a trace or FTP result and draw on an Axes
(or return a Figure); no widget code here. Colour is never the only signal: every path
has numbers, every ending a symbol and a word.
"""

from .ftp_diagram import draw_ftp_sequence
from .layout import node_positions
from .route_table import draw_route_choice, route_choice_rows
from .topology import draw_comparison, draw_network, draw_topology, draw_trace, first_divergence

__all__ = ["draw_comparison", "draw_ftp_sequence", "draw_network", "draw_route_choice", "draw_topology", "draw_trace",
           "first_divergence", "node_positions", "route_choice_rows"]
