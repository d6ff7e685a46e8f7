"""Changing a node's static routes, as route.exe and netsh both do it, with Windows's refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address

from .addressing import parse_ipv4
from .cmdline import CommandError
from .host import Node
from .routes import DEFAULT_ROUTE, Route, RouteOrigin, RouteRefused, route_interface


def command_address(text: str, what: str) -> IPv4Address:
    try:
        return parse_ipv4(text, what)
    except ValueError as err:
        raise CommandError(
            f"Bad argument {text}: {err}", f"write the {what} as four numbers, e.g. 10.10.0.1", own_wording=True
        ) from None


def command_number(text: str, what: str, low: int, high: int) -> int:
    """A decimal number, or hexadecimal with 0x as route.exe allows for IF."""
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise CommandError(f"Bad argument {text}: {what} must be a number from {low} to {high}", own_wording=True)
    return value


def refused(err: RouteRefused) -> CommandError:
    return CommandError(err.windows, str(err).split("; Windows refuses")[0])


def add_route(node: Node, route: Route, failed: str, shown_by: str) -> Node:
    """Add a static route. `failed` starts Windows's error text ("The route addition failed: "
    for route.exe), `shown_by` is the command that lists routes, for the hint."""
    try:
        route_interface(node, route.gateway, route.interface)
    except RouteRefused as err:
        raise refused(err) from None
    for r in node.routes:
        if (r.destination, r.gateway, r.interface) == (route.destination, route.gateway, route.interface):
            raise CommandError(
                f"{failed}The object already exists.",
                f"{node.name} already has this route ({shown_by} lists it); to change it, delete it first",
            )
    return replace(node, routes=node.routes + (route,))


def delete_routes(node: Node, doomed: Callable[[Route], bool], failed: str) -> Node:
    """Remove matching static routes, and default gateways when 0.0.0.0/0 matches."""
    routes = tuple(r for r in node.routes if not doomed(r))
    ifaces = tuple(
        replace(
            i,
            gateways=tuple(
                g for g in i.gateways if not doomed(Route(DEFAULT_ROUTE, g.address, i.key, 0, RouteOrigin.GATEWAY))
            ),
        )
        for i in node.interfaces
    )
    if routes == node.routes and ifaces == node.interfaces:
        raise CommandError(f"{failed}Element not found.", f"{node.name} has no such static route")
    return replace(node, routes=routes, interfaces=ifaces)
