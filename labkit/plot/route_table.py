"""The route-choice table for one hop: every candidate, and why the winner won."""

from __future__ import annotations

from ..model import Node, RouteChoice
from ..model.routes import interface_label


def route_choice_rows(node: Node, choice: RouteChoice) -> list[dict]:
    """One row per matching route, best first, with a plain-words verdict."""
    rows: list[dict] = []
    winner = choice.winner
    if winner is None:  # no route matches: no rows
        return rows
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
        rows.append(
            {
                "destination": str(route.destination),
                "gateway": "on-link" if route.gateway is None else str(route.gateway),
                "interface": interface_label(node, route.interface),
                "prefix": route.destination.prefixlen,
                "metric": candidate.metric,
                "verdict": verdict,
            }
        )
    return rows
