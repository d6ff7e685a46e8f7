"""The route-choice table for one hop: every candidate, and why the winner won."""

from __future__ import annotations

from ..model import Node, RouteChoice
from ..model.routes import interface_label


def route_choice_rows(node: Node, choice: RouteChoice) -> list[dict]:
    """One row per matching route, best first, with a plain-words verdict."""
    rows = []
    winner = choice.winner
    for n, candidate in enumerate(choice.candidates):
        route = candidate.route
        if n == 0:
            verdict = "WINNER" + (" (tie: first listed)" if choice.tie and not choice.tie_broken_by else "")
        elif candidate in choice.tie:
            verdict = "tie" + (f", lost on {choice.tie_broken_by}" if choice.tie_broken_by else "")
        elif candidate in choice.standby:
            verdict = "standby: listed after another gateway of its NIC (dead gateway detection)"
        elif route.destination.prefixlen < winner.route.destination.prefixlen:
            verdict = f"beaten: shorter prefix (/{route.destination.prefixlen})"
        else:
            verdict = f"beaten: higher metric ({candidate.metric} > {winner.metric})"
        rows.append({"destination": str(route.destination),
                     "gateway": "on-link" if route.gateway is None else str(route.gateway),
                     "interface": interface_label(node, route.interface),
                     "prefix": route.destination.prefixlen, "metric": candidate.metric, "verdict": verdict})
    return rows


def draw_route_choice(ax, node: Node, choice: RouteChoice):
    """Draw the table on `ax`; returns the matplotlib Table."""
    rows = route_choice_rows(node, choice)
    ax.axis("off")
    ax.set_title(f"{node.name}: routes matching {choice.destination}"
                 + (f' (only "{interface_label(node, choice.restricted_to)}": strong host send)'
                    if choice.restricted_to else ""), fontsize=10)
    if not rows:
        ax.text(0.5, 0.5, f"no route matches {choice.destination}  ✖", ha="center", va="center")
        return None
    columns = ["destination", "gateway", "interface", "prefix", "metric", "verdict"]
    cells = [[str(r[c]) for c in columns] for r in rows]
    # Columns as wide as their longest text, so no verdict is cut off.
    chars = [max(len(c), *(len(row[i]) for row in cells)) + 2 for i, c in enumerate(columns)]
    table = ax.table(cellText=cells, colLabels=columns, loc="center", cellLoc="left",
                     colWidths=[n / sum(chars) for n in chars])
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for col in range(len(columns)):
        table[1, col].set_text_props(fontweight="bold")  # the winner: bold, not only coloured
    return table
