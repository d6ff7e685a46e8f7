"""Scenario files (YAML) <-> the model.

The schema is declared with pydantic; unknown keys are errors (typo protection) and
every error names the file, the key path and what was expected, in one line.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import asdict, replace
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StringConstraints,
                      ValidationError, field_validator, model_validator)

from .model import (PROFILES, Cluster, ClusterMode, Gateway, Interface, Network, Node, Problem, Role, Route,
                    RouteOrigin, interface_defaults, parse_destination, profile, validate_network)
from .model.osprofile import DEFAULT_HOST_OS, DEFAULT_ROUTER_OS
from .model.addressing import parse_ipv4, parse_ipv4_prefix
from .model.ftp_protocol import FtpClientSettings, FtpServerSettings, FtpSetup
from .model.middlebox import Firewall, FtpHelper, LoadBalancer, Nat, PortForward, Rule
from .model.routes import MASK_ERROR, RouteRefused, route_interface

DATA_DIR = Path(os.environ.get("LABKIT_DATA", Path(__file__).resolve().parent.parent / "data"))
SCENARIO_DIR = DATA_DIR / "scenarios"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; str() is the one-line message for the learner."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{source}: {problems[0]}{more}")


# --- schema ----------------------------------------------------------------------------------

def _ipv4(value: str) -> IPv4Address:
    return parse_ipv4(value)


def _ipv4_prefix(value: str) -> IPv4Interface:
    return parse_ipv4_prefix(value)


IPv4 = Annotated[str, AfterValidator(_ipv4)]
IPv4Prefix = Annotated[str, AfterValidator(_ipv4_prefix)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Metric = Annotated[int, Field(ge=1, le=9999)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GatewaySpec(_Spec):
    address: IPv4
    metric: Annotated[int, Field(ge=0, le=9999)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_address(cls, value: Any) -> Any:
        return {"address": value} if isinstance(value, str) else value


class InterfaceSpec(_Spec):
    label: str | None = None
    segment: Name | None = None
    addresses: list[IPv4Prefix] = Field(min_length=1)
    gateways: list[GatewaySpec] = []
    metric: Any = "auto"
    speed: Annotated[float, Field(gt=0)] = 1000
    weakhostsend: bool | None = None
    weakhostreceive: bool | None = None
    forwarding: bool | None = None
    index: Annotated[int, Field(ge=2, le=9999)] | None = None
    skip_as_source: list[IPv4] = []

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: Any) -> Any:
        if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999):
            return value
        raise ValueError(f"expected 'auto' or a whole number from 1 to 9999, got {value!r}")


class RouteSpec(_Spec):
    destination: str
    gateway: str
    interface: str | None = None
    metric: Metric | None = None
    persistent: bool = True

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str) -> str:
        try:
            parse_destination(str(value))
        except ValueError as err:
            if str(err) != MASK_ERROR:
                raise
            loose = IPv4Network(str(value), strict=False)
            raise ValueError(f"{value} has bits set outside its mask (did you mean {loose}?); "
                             f'route.exe would say "{MASK_ERROR}"') from None
        return value

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, value: str) -> str:
        if value != "on-link":
            _ipv4(value)
        return value


def _port_range(value: Any) -> tuple[int, int]:
    text = str(value).strip()
    low, sep, high = text.partition("-")
    try:
        first, last = int(low), int(high if sep else low)
    except ValueError:
        raise ValueError(f"expected a port like 21 or a range like 51976-51999, got {value!r}") from None
    if not 1 <= first <= last <= 65535:
        raise ValueError(f"expected ports from 1 to 65535, low to high, got {value!r}")
    return first, last


def _network(value: Any) -> IPv4Network:
    text = str(value)
    try:
        return IPv4Network(text if "/" in text else f"{text}/32")
    except ValueError:
        raise ValueError(f"expected an address or a network like 203.0.113.0/24, got {value!r}") from None


PortRangeField = Annotated[Any, AfterValidator(_port_range)]
NetworkField = Annotated[Any, AfterValidator(_network)]


class RuleSpec(_Spec):
    action: Literal["allow", "deny"]
    direction: Literal["in", "out", "forward", "any"] = "any"
    in_interface: str | None = None
    out_interface: str | None = None
    proto: Literal["tcp", "udp", "icmp"] | None = None
    src: NetworkField | None = None
    dst: NetworkField | None = None
    sport: PortRangeField | None = None
    dport: PortRangeField | None = None
    name: str = ""


class FirewallSpec(_Spec):
    default_in: Literal["allow", "deny"] = "deny"
    default_out: Literal["allow", "deny"] = "allow"
    default_forward: Literal["allow", "deny"] = "deny"
    stateful: bool = True
    rules: list[RuleSpec] = []


class PortForwardSpec(_Spec):
    interface: str
    proto: Literal["tcp", "udp"] = "tcp"
    ports: PortRangeField
    to: IPv4
    to_port: Annotated[int, Field(ge=1, le=65535)] | None = None


class NatSpec(_Spec):
    masquerade: list[str] = []
    port_forwards: list[PortForwardSpec] = []


class FtpHelperSpec(_Spec):
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = [21]
    loose: bool = False


class LoadBalancerSpec(_Spec):
    vip: IPv4
    backends: list[IPv4] = Field(min_length=1)
    ports: list[PortRangeField] = []
    affinity: Literal["none", "client-ip"] = "none"
    snat: list[IPv4] = []


class FtpServerSpec(_Spec):
    software: Literal["pyftpdlib", "iis", "vsftpd"] = "pyftpdlib"
    port: Annotated[int, Field(ge=1, le=65535)] = 21
    passive_ports: PortRangeField | None = None
    external_address: IPv4 | None = None
    tls: Literal["none", "explicit", "implicit"] = "explicit"
    tls_required_control: bool = False
    tls_required_data: bool = False
    match_client_address: bool = True
    permit_foreign_addresses: bool = False
    permit_privileged_ports: bool = False
    ccc: bool = False
    certificate: Literal["trusted", "self-signed"] = "trusted"
    connect_from_port_20: bool = False


class FtpSettingsSpec(_Spec):
    """The FTP client's settings (a check may give only these)."""

    mode: Literal["passive", "active", "epsv", "eprt"] = "passive"
    tls: Literal["none", "explicit", "implicit"] = "none"
    prot: Literal["P", "C"] = "P"
    ccc: bool = False
    trust_pasv_address: bool = False
    data_port: Annotated[int, Field(ge=1, le=65535)] = 49153
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    on_ccc_refused: Literal["stop", "continue"] = "stop"
    type_before_data: bool = True

    def settings(self) -> FtpClientSettings:
        return FtpClientSettings(**{k: getattr(self, k) for k in FtpSettingsSpec.model_fields})


class FtpSessionSpec(FtpSettingsSpec):
    client: str
    server: str
    address: IPv4


class NodeSpec(_Spec):
    role: Literal["host", "router"] = "host"
    os: Literal[tuple(PROFILES)] | None = None  # type: ignore[valid-type]
    down: bool = False
    interfaces: dict[Name, InterfaceSpec] = Field(min_length=1)
    routes: list[RouteSpec] = []
    binding_order: list[str] | None = None
    dead_gateway_detection: bool = True
    x: float | None = None
    y: float | None = None
    firewall: FirewallSpec | None = None
    nat: NatSpec | None = None
    ftp_helper: FtpHelperSpec | bool | None = None
    load_balancer: LoadBalancerSpec | None = None
    ftp_server: FtpServerSpec | None = None


class ClusterSpec(_Spec):
    ip: IPv4
    members: list[Annotated[str, StringConstraints(pattern=r"^[^.]+\.[^.]+$")]] = Field(min_length=1)
    affinity: Literal["single", "none"] = "single"
    mode: Literal[tuple(m.value for m in ClusterMode)] = ClusterMode.UNICAST.value  # type: ignore[valid-type]


class CheckSpec(_Spec):
    name: Name
    description: str = ""
    from_: str | None = Field(None, alias="from")
    to: IPv4 | None = None
    src: IPv4 | None = None
    proto: Literal["tcp", "udp", "icmp"] = "tcp"
    dport: Annotated[int, Field(ge=1, le=65535)] | None = None
    expect: "ExpectSpec"
    ftp: FtpSettingsSpec | None = None
    pass_: str = Field("", alias="pass")
    fail: str = ""
    hint: str = ""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_kind(self):
        if self.expect.ftp is None and (self.from_ is None or self.to is None):
            raise ValueError("a flow check needs 'from' and 'to' (or expect ftp: success|failure)")
        return self


class ExpectSpec(_Spec):
    disposition: Literal["ACCEPTED", "NO_ROUTE", "STRONG_SEND_BLOCKED", "STRONG_RECEIVE_DROPPED",
                         "NOT_FORWARDED", "NEIGHBOR_UNREACHABLE", "DENIED", "LOOP"] | None = None
    reply: Literal["ACCEPTED", "NO_ROUTE", "STRONG_SEND_BLOCKED", "STRONG_RECEIVE_DROPPED",
                   "NOT_FORWARDED", "NEIGHBOR_UNREACHABLE", "DENIED", "LOOP",
                   "ACCEPTED_BY_WRONG_NODE"] | None = None
    egress: Annotated[str, StringConstraints(pattern=r"^[^.]+\.[^.]+$")] | None = None
    ftp: Literal["success", "failure"] | None = None


CheckSpec.model_rebuild()


class ScenarioSpec(_Spec):
    name: Name
    title: str | None = None
    description: str | None = None
    nodes: dict[Name, NodeSpec] = Field(min_length=1)
    clusters: dict[Name, ClusterSpec] = {}
    ftp: FtpSessionSpec | None = None
    checks: list[CheckSpec] = []


# --- reading ---------------------------------------------------------------------------------

class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; a scenario must not (a likely typo)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def shipped_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def resolve(source: str | os.PathLike) -> Path:
    """A path to a scenario file, or the name of a shipped one."""
    path = Path(source)
    if path.exists():
        return path
    shipped = SCENARIO_DIR / f"{source}.yaml"
    if shipped.exists():
        return shipped
    raise ScenarioError(str(source), [
        "no such file, and no shipped scenario by that name "
        f"(shipped: {', '.join(shipped_scenarios()) or 'none'})"])


def load_checks(source: str | os.PathLike):
    """The network and the checks declared under `checks:` in a scenario file."""
    from .checks import Check
    path = resolve(source)
    spec, net = _parse(path.read_text(encoding="utf-8"), str(path))
    checks = [Check(c.name, c.description, c.from_, str(c.to) if c.to else None, str(c.src) if c.src else None,
                    c.proto, c.dport, c.expect.disposition, c.expect.reply, c.expect.egress,
                    c.ftp.settings() if c.ftp else None, c.expect.ftp, c.pass_, c.fail, c.hint)
              for c in spec.checks]
    return net, checks


def load_scenario(source: str | os.PathLike) -> Network:
    """Read, validate and build a scenario. Raises ScenarioError with a one-line message."""
    path = resolve(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), [f"cannot read the file: {err}"]) from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, source: str = "<scenario>") -> Network:
    return _parse(text, source)[1]


def _parse(text: str, source: str) -> tuple[ScenarioSpec, Network]:
    spec = validate_yaml(text, source, ScenarioSpec, "a mapping with at least 'name' and 'nodes'")
    net, problems = _build(spec)
    problems += [p for p in validate_network(net) if p.severity == "error"]
    problems += [Problem(f"checks[{n}].from", f"no node {c.from_!r}")
                 for n, c in enumerate(spec.checks) if c.from_ is not None and not net.has_node(c.from_)]
    if problems:
        raise ScenarioError(source, [str(p) for p in problems])
    return spec, net


def validate_yaml(text: str, source: str, schema: type[BaseModel], expected: str):
    """YAML text checked against a schema; every problem becomes one line of a ScenarioError."""
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(str(getattr(err, "problem", None) or err).split())
        raise ScenarioError(source, [f"{where}not valid YAML ({problem})"]) from None
    if not isinstance(raw, dict):
        raise ScenarioError(source, [f"expected {expected}"])
    try:
        return schema.model_validate(raw)
    except ValidationError as err:
        # An unknown key is usually a typo, and the root of any 'missing' error beside it.
        errors = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")
        raise ScenarioError(source, [_describe(e, schema) for e in errors]) from None


def warnings(net: Network, dialogs: bool = False) -> list[str]:
    """What Windows would warn about in this network (it still works as modelled); with
    dialogs=True, each warning Windows shows itself is followed by its dialog text."""
    return [f"{p}\n  {p.dialog}" if dialogs and p.dialog else str(p)
            for p in validate_network(net) if p.severity == "warning"]


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (name)"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _allowed_keys(loc: tuple, root: type[BaseModel]) -> list[str]:
    kind: Any = root
    for part in loc:
        while get_origin(kind) in (Union, Annotated) or str(get_origin(kind)) == "types.UnionType":
            kind = next(a for a in get_args(kind) if a is not type(None))
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            kind = kind.model_fields[part].annotation
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        elif get_origin(kind) is list:
            kind = get_args(kind)[0]
    while get_origin(kind) is not None and get_origin(kind) is not dict and get_origin(kind) is not list:
        kind = next(a for a in get_args(kind) if a is not type(None))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return list(kind.model_fields)
    return []


def _describe(error: dict, root: type[BaseModel]) -> str:
    loc, kind, msg = error["loc"], error["type"], error["msg"]
    path = _path(loc)
    if kind == "missing":
        return f"{path}: required key is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], root)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        guess = f"did you mean '{close[0]}'? " if close else ""
        return f"{path}: unknown key ({guess}allowed here: {', '.join(allowed)})"
    if kind in ("bool_parsing", "bool_type"):
        return f"{path}: expected true or false, got {error['input']!r}"
    if kind == "string_pattern_mismatch":
        if loc and (loc[0] == "clusters" or "egress" in loc):
            return f"{path}: expected NODE.INTERFACE like web1.nlb, got {error['input']!r}"
        return f"{path}: expected a name of letters, digits, '-' or '_', got {error['input']!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{path}: expected a mapping (indented 'key: value' lines), got {error['input']!r}"
    if kind == "list_type":
        return f"{path}: expected a list like [a, b], got {error['input']!r}"
    if kind == "too_short":
        return f"{path}: expected at least one entry"
    msg = msg.removeprefix("Value error, ").replace("Input should be", "expected")
    if kind in ("value_error", "assertion_error"):
        return f"{path}: {msg}"
    return f"{path}: {msg}, got {error['input']!r}"


def _build(spec: ScenarioSpec) -> tuple[Network, list[Problem]]:
    problems: list[Problem] = []
    nodes = []
    for name, ns in spec.nodes.items():
        role = Role(ns.role)
        os_profile = profile(ns.os or (DEFAULT_ROUTER_OS if role is Role.ROUTER else DEFAULT_HOST_OS))
        defaults = interface_defaults(os_profile, role)
        interfaces = []
        for key, ispec in ns.interfaces.items():
            switches = {k: (defaults[k] if getattr(ispec, k) is None else getattr(ispec, k))
                        for k in defaults}
            addresses = tuple(_ipv4_prefix(a) for a in ispec.addresses)
            skipped = tuple(_ipv4(a) for a in ispec.skip_as_source)
            for n, address in enumerate(skipped):
                if address not in {a.ip for a in addresses}:
                    problems.append(Problem(f"nodes.{name}.interfaces.{key}.skip_as_source[{n}]",
                                            f"{address} is not one of this interface's addresses"))
            interfaces.append(Interface(
                key=key, label=ispec.label or key, segment=ispec.segment, addresses=addresses,
                gateways=tuple(Gateway(_ipv4(g.address), g.metric) for g in ispec.gateways),
                metric=None if ispec.metric == "auto" else ispec.metric, speed=ispec.speed,
                index=ispec.index, skip_as_source=skipped, **switches))
        node = Node(name=name, os=os_profile, interfaces=tuple(interfaces), role=role, down=ns.down,
                    binding_order=tuple(ns.binding_order or ()),
                    dead_gateway_detection=ns.dead_gateway_detection, x=ns.x, y=ns.y,
                    **_middleboxes(ns))
        routes = []
        for n, rs in enumerate(ns.routes):
            gateway = None if rs.gateway == "on-link" else _ipv4(rs.gateway)
            try:
                key = route_interface(node, gateway, rs.interface)
            except RouteRefused as err:
                bad = "interface" if rs.interface is not None and not node.has_interface(rs.interface) \
                    or gateway is None else "gateway"
                problems.append(Problem(f"nodes.{name}.routes[{n}].{bad}", str(err)))
                continue
            routes.append(Route(parse_destination(rs.destination), gateway, key,
                                os_profile.static_route_metric if rs.metric is None else rs.metric,
                                RouteOrigin.STATIC, rs.persistent))
        nodes.append(replace(node, routes=tuple(routes)))
    clusters = tuple(
        Cluster(name, _ipv4(cs.ip), tuple(tuple(m.split(".", 1)) for m in cs.members), cs.affinity,
                ClusterMode(cs.mode))
        for name, cs in spec.clusters.items())
    ftp = None
    if spec.ftp is not None:
        f = spec.ftp
        ftp = FtpSetup(f.client, f.server, _ipv4(f.address), f.settings())
    net = Network(tuple(nodes), clusters, spec.name, spec.title or spec.name, spec.description or "", ftp)
    return net, problems


def _middleboxes(ns: NodeSpec) -> dict:
    out: dict[str, Any] = {}
    if ns.firewall is not None:
        fw = ns.firewall
        out["firewall"] = Firewall(
            tuple(Rule(r.action, r.direction, r.in_interface, r.out_interface, r.proto, r.src, r.dst,
                       r.sport, r.dport, r.name) for r in fw.rules),
            fw.default_in, fw.default_out, fw.default_forward, fw.stateful)
    if ns.nat is not None:
        out["nat"] = Nat(tuple(ns.nat.masquerade), tuple(
            PortForward(f.interface, f.proto, f.ports, _ipv4(f.to), f.to_port) for f in ns.nat.port_forwards))
    if ns.ftp_helper:
        helper = ns.ftp_helper if isinstance(ns.ftp_helper, FtpHelperSpec) else FtpHelperSpec()
        out["ftp_helper"] = FtpHelper(tuple(helper.ports), helper.loose)
    if ns.load_balancer is not None:
        lb = ns.load_balancer
        out["load_balancer"] = LoadBalancer(_ipv4(lb.vip), tuple(_ipv4(b) for b in lb.backends),
                                            tuple(lb.ports), lb.affinity, tuple(_ipv4(a) for a in lb.snat))
    if ns.ftp_server is not None:
        out["ftp_server"] = FtpServerSettings(**dict(ns.ftp_server))
    return out


# --- writing ---------------------------------------------------------------------------------

def to_dict(net: Network) -> dict:
    """The scenario-file form of a network (only what differs from the defaults)."""
    nodes = {}
    for node in net.nodes:
        defaults = interface_defaults(node.os, node.role)
        default_os = DEFAULT_ROUTER_OS if node.role is Role.ROUTER else DEFAULT_HOST_OS
        entry: dict[str, Any] = {}
        if node.role is not Role.HOST:
            entry["role"] = node.role.value
        if node.os.name != default_os:
            entry["os"] = node.os.name
        if node.down:
            entry["down"] = True
        ifaces = {}
        for iface in node.interfaces:
            d: dict[str, Any] = {}
            if iface.label != iface.key:
                d["label"] = iface.label
            if iface.segment is not None:
                d["segment"] = iface.segment
            d["addresses"] = [str(a) for a in iface.addresses]
            if iface.gateways:
                d["gateways"] = [str(g.address) if g.metric is None else
                                 {"address": str(g.address), "metric": g.metric} for g in iface.gateways]
            if iface.metric is not None:
                d["metric"] = iface.metric
            if iface.speed != 1000:
                d["speed"] = iface.speed
            for switch, value in defaults.items():
                if getattr(iface, switch) != value:
                    d[switch] = getattr(iface, switch)
            if iface.index is not None:
                d["index"] = iface.index
            if iface.skip_as_source:
                d["skip_as_source"] = [str(a) for a in iface.skip_as_source]
            ifaces[iface.key] = d
        entry["interfaces"] = ifaces
        if node.routes:
            entry["routes"] = [{
                "destination": str(r.destination),
                "gateway": "on-link" if r.gateway is None else str(r.gateway),
                "interface": r.interface, "metric": r.metric, "persistent": r.persistent,
            } for r in node.routes]
        if node.binding_order:
            entry["binding_order"] = list(node.binding_order)
        if not node.dead_gateway_detection:
            entry["dead_gateway_detection"] = False
        for axis in ("x", "y"):
            if getattr(node, axis) is not None:
                entry[axis] = getattr(node, axis)
        entry.update(_middleboxes_to_dict(node))
        nodes[node.name] = entry
    out: dict[str, Any] = {"name": net.name}
    if net.title and net.title != net.name:
        out["title"] = net.title
    if net.description:
        out["description"] = net.description
    out["nodes"] = nodes
    if net.clusters:
        out["clusters"] = {c.name: {"ip": str(c.ip), "members": [f"{n}.{k}" for n, k in c.members],
                                    "affinity": c.affinity,
                                    **({"mode": c.mode.value} if c.mode is not ClusterMode.UNICAST else {})}
                           for c in net.clusters}
    if net.ftp is not None:
        f = net.ftp
        out["ftp"] = {"client": f.client, "server": f.server, "address": str(f.address), **asdict(f.settings)}
    return out


def _range(ports) -> str | int:
    return ports[0] if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}"


def _middleboxes_to_dict(node: Node) -> dict:
    out: dict[str, Any] = {}
    if node.firewall is not None:
        fw = node.firewall
        rules = []
        for r in fw.rules:
            rule = {"action": r.action, "direction": r.direction}
            for key in ("in_interface", "out_interface", "proto"):
                if getattr(r, key) is not None:
                    rule[key] = getattr(r, key)
            for key in ("src", "dst"):
                if getattr(r, key) is not None:
                    rule[key] = str(getattr(r, key))
            for key in ("sport", "dport"):
                if getattr(r, key) is not None:
                    rule[key] = _range(getattr(r, key))
            if r.name:
                rule["name"] = r.name
            rules.append(rule)
        out["firewall"] = {"default_in": fw.default_in, "default_out": fw.default_out,
                           "default_forward": fw.default_forward, "stateful": fw.stateful, "rules": rules}
    if node.nat is not None:
        out["nat"] = {"masquerade": list(node.nat.masquerade), "port_forwards": [
            {"interface": f.interface, "proto": f.proto, "ports": _range(f.ports), "to": str(f.to),
             **({"to_port": f.to_port} if f.to_port is not None else {})} for f in node.nat.port_forwards]}
    if node.ftp_helper is not None:
        out["ftp_helper"] = {"ports": list(node.ftp_helper.ports), "loose": node.ftp_helper.loose}
    if node.load_balancer is not None:
        lb = node.load_balancer
        out["load_balancer"] = {"vip": str(lb.vip), "backends": [str(b) for b in lb.backends],
                                "ports": [_range(p) for p in lb.ports], "affinity": lb.affinity,
                                "snat": [str(a) for a in lb.snat]}
    if node.ftp_server is not None:
        d = {k: v for k, v in asdict(node.ftp_server).items() if v is not None}
        if "passive_ports" in d:
            d["passive_ports"] = _range(d["passive_ports"])
        if "external_address" in d:
            d["external_address"] = str(d["external_address"])
        out["ftp_server"] = d
    return out


def to_yaml(net: Network) -> str:
    return yaml.safe_dump(to_dict(net), sort_keys=False, allow_unicode=True, width=100)

