"""What the widget panels compute, as plain functions: settings in, results out.

Widgets only collect settings and show what these return, so every result a panel shows
can also be printed in a notebook cell and checked by a test. Invalid input never raises:
it comes back in `errors`, keyed by the field it belongs to, in words a learner can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .model import (
    CommandError,
    Flow,
    FtpClientSettings,
    Gateway,
    Network,
    Problem,
    Route,
    RouteOrigin,
    Severity,
    Switch,
    Trace,
    TraceError,
    ftp_session,
    node_commands,
    run_command,
    split_command_line,
    trace,
    validate_network,
)
from .model.addressing import parse_ipv4
from .model.ftp import FtpResult
from .model.ftp_settings import with_ftp_settings
from .model.routes import RouteRefused, parse_destination, route_interface


@dataclass(frozen=True)
class HostView:
    network: Network
    node: str
    trace: Trace | None
    commands: tuple[str, ...]
    errors: dict = field(default_factory=dict)
    """Values refused (the trace keeps the last valid settings), by panel field."""
    warnings: dict = field(default_factory=dict)
    """Settings accepted, but worth a warning (Windows's own, or the field notes'), by panel field."""

    def __str__(self) -> str:
        lines = [f"# {self.node}: commands for these settings"] + list(self.commands or ("(defaults)",))
        lines += [f"error in {k}: {v}" for k, v in self.errors.items()]
        lines += [f"warning in {k}: {v}" for k, v in self.warnings.items()]
        if self.trace is not None:
            lines += ["", str(self.trace)]
        return "\n".join(lines)


ROUTE_LINE = "DESTINATION/LEN via GATEWAY [on INTERFACE] [metric N]"


MAX_GATEWAYS_TEXT = 500
MAX_ROUTES_TEXT = 50_000
"""What a panel's text fields take: a learner's paste is bounded (route print of a big server is smaller)."""


def _parse_routes(node, text: str) -> tuple[tuple[Route, ...], list[str]]:
    """Static routes, one per line: '10.30.0.0/16 via 10.10.0.1 [on nlb] [metric 5]', or a
    `route add` / `netsh interface ipv4 add route` command as typed on the server."""
    routes_only = replace(node, routes=())
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = split_command_line(line)[0]
            if words[0].lower() in ("route", "netsh"):
                lowered = [w.lower() for w in words]
                is_route = ("add" in lowered or "delete" in lowered) and (
                    words[0].lower() == "route" or "route" in lowered
                )
                if not is_route:
                    raise ValueError(
                        "this box takes static routes (route -p add …, netsh interface ipv4 add "
                        "route …); use the switches above for the rest"
                    )
                routes_only, _ = run_command(routes_only, line)
                continue
            destination = parse_destination(words[0])
            if len(words) % 2 == 0:
                raise ValueError(f'expected {ROUTE_LINE} (an interface name with spaces needs quotes: on "NLB NIC")')
            options = dict(zip((w.lower() for w in words[1::2]), words[2::2]))
            unknown = set(options) - {"via", "on", "metric"}
            if unknown:
                raise ValueError(f"unknown word(s) {', '.join(sorted(unknown))}; expected {ROUTE_LINE}")
            gateway = None if options.get("via", "on-link") == "on-link" else parse_ipv4(options["via"], "gateway")
            key = options.get("on")
            if key is not None:
                match = [i.key for i in node.interfaces if key.lower() in (i.key.lower(), i.label.lower())]
                if not match:
                    raise ValueError(
                        f"no interface {key!r} (this node has: {', '.join(i.label for i in node.interfaces)})"
                    )
                key = match[0]
            metric_text = options.get("metric", str(node.os.static_route_metric))
            lowest = 1 if node.os.is_windows else 0  # Linux's own default route metric is 0
            if not (
                metric_text.isascii()
                and metric_text.isdigit()
                and len(metric_text) < 10
                and lowest <= int(metric_text) <= 9999
            ):
                raise ValueError(f"metric must be a number from {lowest} to 9999, got {metric_text!r}")
            key = route_interface(routes_only, gateway, key)
            routes_only = replace(
                routes_only,
                routes=routes_only.routes
                + (Route(destination, gateway, key, int(metric_text), RouteOrigin.STATIC, True),),
            )
        except RouteRefused as err:
            problems.append(f"line {number}: {err}")
        except (CommandError, ValueError) as err:
            problems.append(f"line {number}: {err}")
    return routes_only.routes, problems


STALE = " (the picture still shows the last valid settings)"


def _on_node(problem: Problem, node: str) -> bool:
    return problem.location is not None and problem.location.node == node


def _field_of(problem: Problem, node: str) -> str:
    """Which panel field a validation problem belongs to."""
    where = problem.location
    if where is not None and _on_node(problem, node):
        if where.interface is not None and where.field == "gateways":
            return f"gateway:{where.interface}"
        if where.interface is None and where.field == "routes":
            return "routes"
    return "settings"


def host_view(
    net: Network,
    node: str,
    flow: Flow,
    *,
    switches: dict[tuple[str, Switch | str], bool] | None = None,
    gateways: dict | None = None,
    routes: str | None = None,
) -> HostView:
    """The node with these settings, its Windows commands, and the flow's trace.

    `switches`: {(interface key, a `Switch`): bool};
    `gateways`: {interface key: 'a.b.c.d[, e.f.g.h]'}; `routes`: text, one route per line.
    """
    errors: dict[str, str] = {}
    changed = net.node(node)
    for (key, switch), value in (switches or {}).items():
        changed = changed.with_interface(key, **{Switch.parse(switch, "switch").value: value})
    for key, text in (gateways or {}).items():
        if len(text) > MAX_GATEWAYS_TEXT:
            errors[f"gateway:{key}"] = f"more than {MAX_GATEWAYS_TEXT} characters: a NIC has a few gateways" + STALE
            continue
        try:
            addresses = [parse_ipv4(a, "gateway") for a in text.replace(",", " ").split()]
        except ValueError as err:
            errors[f"gateway:{key}"] = str(err) + STALE
            continue
        changed = changed.with_interface(key, gateways=tuple(Gateway(a) for a in addresses))
    if routes is not None and len(routes) > MAX_ROUTES_TEXT:
        errors["routes"] = f"more than {MAX_ROUTES_TEXT:,} characters: type the routes you need" + STALE
    elif routes is not None:
        parsed, route_problems = _parse_routes(changed, routes)
        if route_problems:
            errors["routes"] = "; ".join(route_problems) + STALE
        else:
            changed = replace(changed, routes=parsed)
    candidate = net.with_node(changed)
    problems = validate_network(candidate)
    fatal = [p for p in problems if p.severity is Severity.ERROR]
    for problem in fatal:
        errors.setdefault(_field_of(problem, node), problem.message + STALE)
    warnings: dict[str, str] = {}
    for problem in problems:  # the message says itself whether Windows shows the warning
        if problem.severity is Severity.WARNING and _on_node(problem, node):
            warnings.setdefault(_field_of(problem, node), problem.message)
    if fatal:
        candidate, changed = net, net.node(node)
    result = None
    try:
        result = trace(candidate, flow)
    except TraceError as err:
        errors["flow"] = str(err) + STALE
    return HostView(candidate, node, result, tuple(node_commands(changed)), errors, warnings)


@dataclass(frozen=True)
class FtpView:
    network: Network
    result: FtpResult | None
    errors: dict = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"error in {k}: {v}" for k, v in self.errors.items()]
        return "\n".join(lines + ([str(self.result)] if self.result else []))


def ftp_view(
    net: Network,
    settings: FtpClientSettings,
    *,
    external_address: str | None = None,
    passive_range: str | None = None,
    forward_range: bool | None = None,
    helper: bool | None = None,
    affinity: str | None = None,
) -> FtpView:
    """The scenario's FTP session with these settings (None leaves a setting as the scenario has it)."""
    changed, settings, errors = with_ftp_settings(
        net,
        settings,
        external_address=external_address,
        passive_range=passive_range,
        forward_range=forward_range,
        helper=helper,
        affinity=affinity,
    )
    if errors:
        return FtpView(net, None, errors)
    return FtpView(changed, ftp_session(changed, settings=settings))
