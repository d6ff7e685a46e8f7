"""The scenario file's schema, declared with pydantic: unknown keys are errors (typo protection)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from ..checks.kinds import CheckKind
from ..errors import shorten
from ..model import (
    PROFILES,
    Certificate,
    ClusterMode,
    Direction,
    Disposition,
    FtpMode,
    FtpOutcome,
    LbAffinity,
    NlbAffinity,
    OnCccRefused,
    Outcome,
    Prot,
    Protocol,
    Role,
    RuleAction,
    ServerSoftware,
    TlsMode,
    parse_destination,
)
from ..model.addressing import parse_ipv4, parse_ipv4_prefix
from ..model.ftp_protocol import FtpClientSettings
from ..model.host import InterfaceRef
from ..model.ports import PortRange
from ..model.routes import MASK_ERROR

PORTED_PROTOCOLS = tuple(p.value for p in Protocol if p.has_ports)
"""What a port forward carries (ICMP has no ports)."""


def _ipv4(value: str) -> IPv4Address:
    return parse_ipv4(value)


def _ipv4_prefix(value: str) -> IPv4Interface:
    return parse_ipv4_prefix(value)


IPv4 = Annotated[str, AfterValidator(_ipv4)]
IPv4Prefix = Annotated[str, AfterValidator(_ipv4_prefix)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Metric = Annotated[int, Field(ge=1, le=9999)]


class StrictSpec(BaseModel):
    """A record of a YAML file the kit reads: a key it does not know is an error (typo protection).
    The case files' disk layouts (labkit.cases) build on it too."""

    model_config = ConfigDict(extra="forbid")


class GatewaySpec(StrictSpec):
    address: IPv4
    metric: Annotated[int, Field(ge=0, le=9999)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_address(cls, value: Any) -> Any:
        return {"address": value} if isinstance(value, str) else value


class InterfaceSpec(StrictSpec):
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
        raise ValueError(f"expected 'auto' or a whole number from 1 to 9999, got {shorten(value)}")


class RouteSpec(StrictSpec):
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
            raise ValueError(
                f'{value} has bits set outside its mask (did you mean {loose}?); route.exe would say "{MASK_ERROR}"'
            ) from None
        return value

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, value: str) -> str:
        if value != "on-link":
            _ipv4(value)
        return value


def _network(value: Any) -> IPv4Network:
    text = str(value)
    try:
        return IPv4Network(text if "/" in text else f"{text}/32")
    except ValueError:
        raise ValueError(f"expected an address or a network like 203.0.113.0/24, got {shorten(value)}") from None


PortRangeField = Annotated[Any, AfterValidator(PortRange.parse)]
InterfaceRefField = Annotated[str, AfterValidator(InterfaceRef.parse)]
NetworkField = Annotated[Any, AfterValidator(_network)]


class RuleSpec(StrictSpec):
    action: RuleAction
    direction: Direction = Direction.ANY
    in_interface: str | None = None
    out_interface: str | None = None
    proto: Protocol | None = None
    src: NetworkField | None = None
    dst: NetworkField | None = None
    sport: PortRangeField | None = None
    dport: PortRangeField | None = None
    name: str = ""


class FirewallSpec(StrictSpec):
    default_in: RuleAction = RuleAction.DENY
    default_out: RuleAction = RuleAction.ALLOW
    default_forward: RuleAction = RuleAction.DENY
    stateful: bool = True
    rules: list[RuleSpec] = []


class PortForwardSpec(StrictSpec):
    interface: str
    proto: Literal[PORTED_PROTOCOLS] = Protocol.TCP.value  # type: ignore[valid-type]
    ports: PortRangeField
    to: IPv4
    to_port: Annotated[int, Field(ge=1, le=65535)] | None = None


class NatSpec(StrictSpec):
    masquerade: list[str] = []
    port_forwards: list[PortForwardSpec] = []


class FtpHelperSpec(StrictSpec):
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = [21]
    loose: bool = False


class LoadBalancerSpec(StrictSpec):
    vip: IPv4
    backends: list[IPv4] = Field(min_length=1)
    ports: list[PortRangeField] = []
    affinity: LbAffinity = LbAffinity.NONE
    snat: list[IPv4] = []


class FtpServerSpec(StrictSpec):
    software: ServerSoftware = ServerSoftware.PYFTPDLIB
    port: Annotated[int, Field(ge=1, le=65535)] = 21
    passive_ports: PortRangeField | None = None
    external_address: IPv4 | None = None
    tls: TlsMode = TlsMode.EXPLICIT
    tls_required_control: bool = False
    tls_required_data: bool = False
    match_client_address: bool = True
    permit_foreign_addresses: bool = False
    permit_privileged_ports: bool = False
    ccc: bool = False
    certificate: Certificate = Certificate.TRUSTED
    connect_from_port_20: bool = False


class FtpSettingsSpec(StrictSpec):
    """The FTP client's settings (a check may give only these)."""

    mode: FtpMode = FtpMode.PASSIVE
    tls: TlsMode = TlsMode.NONE
    prot: Prot = Prot.P
    ccc: bool = False
    trust_pasv_address: bool = False
    data_port: Annotated[int, Field(ge=1, le=65535)] = 49153
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    on_ccc_refused: OnCccRefused = OnCccRefused.STOP
    type_before_data: bool = True

    def settings(self) -> FtpClientSettings:
        return FtpClientSettings(**{k: getattr(self, k) for k in FtpSettingsSpec.model_fields})


class FtpSessionSpec(FtpSettingsSpec):
    client: str
    server: str
    address: IPv4


class NodeSpec(StrictSpec):
    role: Role = Role.HOST
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


class ClusterSpec(StrictSpec):
    ip: IPv4
    members: list[InterfaceRefField] = Field(min_length=1)
    affinity: NlbAffinity = NlbAffinity.SINGLE
    mode: ClusterMode = ClusterMode.UNICAST


class _CheckSpec(StrictSpec):
    """What every check has; `kind` may be left out (it follows from the keys under `expect`)."""

    name: Name
    description: str = ""
    pass_: str = Field("", alias="pass")
    fail: str = ""
    hint: str = ""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def texts(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "pass_text": self.pass_,
            "fail_text": self.fail,
            "hint": self.hint,
        }


class _FlowCheckSpec(_CheckSpec):
    from_: str | None = Field(None, alias="from")
    to: IPv4 | None = None
    src: IPv4 | None = None
    proto: Protocol = Protocol.TCP
    dport: Annotated[int, Field(ge=1, le=65535)] | None = None

    @model_validator(mode="after")
    def _both_ends(self):
        if self.from_ is None or self.to is None:
            raise ValueError("a flow check needs 'from' and 'to' (or expect ftp: success|failure)")
        return self

    def flow(self):
        from ..model import Flow

        return Flow(self.from_, str(self.to), self.src, self.proto, dport=self.dport)


class FlowExpectSpec(StrictSpec):
    disposition: Disposition


class FlowCheckSpec(_FlowCheckSpec):
    """Where the request ends."""

    kind: Literal[CheckKind.FLOW] = CheckKind.FLOW
    expect: FlowExpectSpec

    def check(self):
        from ..checks import FlowCheck

        return FlowCheck(**self.texts(), flow=self.flow(), disposition=self.expect.disposition)


class ReplyExpectSpec(StrictSpec):
    disposition: Disposition | None = None
    reply: Outcome | None = None
    egress: InterfaceRefField | None = None


class ReplyCheckSpec(_FlowCheckSpec):
    """Whether the answer comes back, and by which NIC."""

    kind: Literal[CheckKind.REPLY] = CheckKind.REPLY
    expect: ReplyExpectSpec

    def check(self):
        from ..checks import ReplyCheck

        return ReplyCheck(
            **self.texts(),
            flow=self.flow(),
            reply=self.expect.reply,
            egress=self.expect.egress,
            disposition=self.expect.disposition,
        )


class FtpExpectSpec(StrictSpec):
    ftp: FtpOutcome


class FtpCheckSpec(_CheckSpec):
    """How the scenario's FTP session ends (with these client settings, or the scenario's)."""

    kind: Literal[CheckKind.FTP] = CheckKind.FTP
    ftp: FtpSettingsSpec | None = None
    expect: FtpExpectSpec

    def check(self):
        from ..checks import FtpCheck

        return FtpCheck(**self.texts(), outcome=self.expect.ftp, settings=self.ftp.settings() if self.ftp else None)


CHECK_KINDS = {CheckKind.FLOW: FlowCheckSpec, CheckKind.REPLY: ReplyCheckSpec, CheckKind.FTP: FtpCheckSpec}


def check_kind(raw: Any) -> str:
    """A check's kind: as written, or from the keys under `expect` (ftp → ftp; reply or egress →
    reply; otherwise flow), so files written before `kind:` existed keep loading."""
    if isinstance(raw, BaseModel):
        return getattr(raw, "kind", CheckKind.FLOW)
    if not isinstance(raw, dict):
        return CheckKind.FLOW  # not a mapping: the flow kind's own error says what was expected
    if "kind" in raw:
        return raw["kind"] if isinstance(raw["kind"], str) else repr(raw["kind"])
    expect = raw.get("expect")
    if not isinstance(expect, dict):
        expect = {}
    if "ftp" in expect:
        return CheckKind.FTP
    return CheckKind.REPLY if "reply" in expect or "egress" in expect else CheckKind.FLOW


CheckSpec = Annotated[
    Union[  # noqa: UP007 -- pydantic's tagged union, written as its documentation shows it
        Annotated[FlowCheckSpec, Tag(CheckKind.FLOW)],
        Annotated[ReplyCheckSpec, Tag(CheckKind.REPLY)],
        Annotated[FtpCheckSpec, Tag(CheckKind.FTP)],
    ],
    Discriminator(check_kind),
]


class ScenarioSpec(StrictSpec):
    name: Name
    title: str | None = None
    description: str | None = None
    nodes: dict[Name, NodeSpec] = Field(min_length=1)
    clusters: dict[Name, ClusterSpec] = {}
    ftp: FtpSessionSpec | None = None
    checks: list[CheckSpec] = []
