"""Issue 11, item 2: every fixed set is one StrEnum, and the scenario schema, the CLI's choices and
the widgets' options are made from it (no typed-out copy anywhere in the package)."""

import ast
import typing
from enum import StrEnum
from pathlib import Path

import pytest

import labkit
from labkit.cases.dcdiag import FunctionalLevel, Sysvol, VerdictKind
from labkit.cases.restore import DiskKind, RestoreOutcome
from labkit.checks.kinds import CheckKind
from labkit.errors import LabkitError
from labkit.feedback import AssessmentKind
from labkit.importer.text import Kind
from labkit.model import (
    Action,
    Certificate,
    ChoiceError,
    ClusterMode,
    Direction,
    Disposition,
    FtpChannel,
    FtpClientSettings,
    FtpMode,
    FtpOutcome,
    FtpServerSettings,
    LbAffinity,
    NlbAffinity,
    OnCccRefused,
    Outcome,
    Prot,
    Protocol,
    RemedyKind,
    Role,
    RouteOrigin,
    RuleAction,
    ServerSoftware,
    Severity,
    Switch,
    TlsMode,
)
from labkit.model.console.dispatch import Shell
from labkit.model.console.probes import ProbeResult
from labkit.model.ftp_alg import HelperEventKind
from labkit.model.host_rules import WeakBasis
from labkit.model.middlebox import Firewall, LoadBalancer, Rule
from labkit.model.middlebox_steps import NatCause, Tracked
from labkit.model.problems import ProblemTopic, WindowsDialog
from labkit.model.steps import SourceRule
from labkit.scenario import ScenarioError, parse_scenario, schema

PACKAGE = Path(labkit.__file__).parent

VOCABULARIES = (
    FtpMode,
    TlsMode,
    Prot,
    ServerSoftware,
    Certificate,
    OnCccRefused,
    RuleAction,
    Direction,
    LbAffinity,
    NlbAffinity,
    Severity,
    FtpOutcome,
    FtpChannel,
    HelperEventKind,
    VerdictKind,
    RestoreOutcome,
    DiskKind,
    Sysvol,
    Role,
    Disposition,
    Outcome,
    RemedyKind,
    Action,
    RouteOrigin,
    ClusterMode,
    Kind,
    NatCause,
    Tracked,
    SourceRule,
    WeakBasis,
    Shell,
    FunctionalLevel,
    ProblemTopic,
    WindowsDialog,
    Protocol,
    Switch,
    ProbeResult,
    CheckKind,
    AssessmentKind,
)


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_each_vocabulary_is_a_str_enum_whose_members_print_as_their_text(vocabulary):
    assert issubclass(vocabulary, StrEnum)
    for member in vocabulary:
        assert str(member) == f"{member}" == member.value and member == member.value


def _allowed(annotation) -> set[str]:
    """The values a pydantic field annotation admits (an enum, a Literal, either optional)."""
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, StrEnum):
            return {m.value for m in arg}
        if typing.get_origin(arg) is typing.Literal:
            return set(typing.get_args(arg))
    raise AssertionError(f"{annotation} is neither an enum nor a Literal")


SCHEMA_FIELDS = [
    (schema.FtpSettingsSpec, "mode", FtpMode),
    (schema.FtpSettingsSpec, "tls", TlsMode),
    (schema.FtpSettingsSpec, "prot", Prot),
    (schema.FtpSettingsSpec, "on_ccc_refused", OnCccRefused),
    (schema.FtpServerSpec, "software", ServerSoftware),
    (schema.FtpServerSpec, "tls", TlsMode),
    (schema.FtpServerSpec, "certificate", Certificate),
    (schema.RuleSpec, "action", RuleAction),
    (schema.RuleSpec, "direction", Direction),
    (schema.FirewallSpec, "default_in", RuleAction),
    (schema.FirewallSpec, "default_out", RuleAction),
    (schema.FirewallSpec, "default_forward", RuleAction),
    (schema.LoadBalancerSpec, "affinity", LbAffinity),
    (schema.ClusterSpec, "affinity", NlbAffinity),
    (schema.ClusterSpec, "mode", ClusterMode),
    (schema.NodeSpec, "role", Role),
    (schema.FlowExpectSpec, "disposition", Disposition),
    (schema.ReplyExpectSpec, "disposition", Disposition),
    (schema.ReplyExpectSpec, "reply", Outcome),
    (schema.FtpExpectSpec, "ftp", FtpOutcome),
]


@pytest.mark.parametrize("spec, key, vocabulary", SCHEMA_FIELDS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_schema_admits_exactly_the_vocabulary(spec, key, vocabulary):
    assert _allowed(spec.model_fields[key].annotation) == set(vocabulary.values())


def test_a_traces_outcome_is_its_disposition_or_the_wrong_node_and_the_schema_takes_both_from_the_enums():
    assert set(Outcome.values()) == {*Disposition.values(), "ACCEPTED_BY_WRONG_NODE"}
    assert _allowed(schema.ReplyExpectSpec.model_fields["reply"].annotation) == set(Outcome.values())
    assert _allowed(schema.FlowExpectSpec.model_fields["disposition"].annotation) == set(Disposition.values())


def test_the_case_file_schema_takes_disk_kinds_from_the_enum():
    from labkit.cases.files import DiskSpec

    assert _allowed(DiskSpec.model_fields["kind"].annotation) == set(DiskKind.values())


SCENARIO = """
name: vocab
nodes:
  a: {role: router, interfaces: {e: {addresses: [10.0.0.1/24], segment: s}},
      firewall: {rules: [{action: allow}]}}
  b: {interfaces: {e: {addresses: [10.0.0.2/24], segment: s}}, ftp_server: {software: iis}}
ftp: {client: a, server: b, address: 10.0.0.2}
"""


@pytest.mark.parametrize(
    "where, key, vocabulary",
    [
        ("ftp", "mode", FtpMode),
        ("ftp", "tls", TlsMode),
        ("ftp", "prot", Prot),
        ("ftp", "on_ccc_refused", OnCccRefused),
        ("server", "software", ServerSoftware),
        ("server", "certificate", Certificate),
        ("rule", "direction", Direction),
        ("rule", "action", RuleAction),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key_and_every_allowed_value(where, key, vocabulary):
    import yaml

    raw = yaml.safe_load(SCENARIO)
    target = {
        "ftp": raw["ftp"],
        "server": raw["nodes"]["b"]["ftp_server"],
        "rule": raw["nodes"]["a"]["firewall"]["rules"][0],
    }[where]
    for value in vocabulary.values():  # every member is accepted...
        target[key] = value
        parse_scenario(yaml.safe_dump(raw))
    target[key] = "sideways"  # ...and anything else is refused in one line
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(yaml.safe_dump(raw))
    message = str(caught.value)
    assert "\n" not in message and f"{key}: expected " in message and "got 'sideways'" in message
    assert all(f"'{value}'" in message for value in vocabulary.values())


def _cli_choices(command: str) -> dict[str, tuple]:
    from labkit.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return {a.option_strings[0]: tuple(a.choices) for a in sub._actions if a.choices and a.option_strings}


def test_the_cli_choices_come_from_the_vocabularies():
    ftp = _cli_choices("ftp")
    assert ftp["--mode"] == FtpMode.values() and ftp["--tls"] == TlsMode.values()
    assert ftp["--prot"] == Prot.values() and ftp["--on-ccc-refused"] == OnCccRefused.values()
    assert _cli_choices("kernel-lab")["--tls"] == (TlsMode.NONE, TlsMode.EXPLICIT)  # pyftpdlib: no implicit TLS
    assert _cli_choices("dcdiag")["--sysvol"] == Sysvol.values()


def test_the_widget_options_come_from_the_vocabularies():
    from labkit.cases.dcdiag import parse_dcdiag, parse_replsummary
    from labkit.cases.files import read_text
    from labkit.scenario import DATA_DIR
    from labkit.widgets import DcdiagPanel, FtpExplorer

    explorer = FtpExplorer(labkit.load_scenario("ftp-load-balancer"))
    assert tuple(explorer.mode.options) == FtpMode.values() and tuple(explorer.tls.options) == TlsMode.values()
    assert tuple(explorer.prot.options) == Prot.values() and tuple(explorer.affinity.options) == LbAffinity.values()
    cases = DATA_DIR / "cases"
    dcdiag = DcdiagPanel(
        parse_dcdiag(read_text(cases / "dcdiag-seed.txt")),
        parse_replsummary(read_text(cases / "replsummary-clean.txt")),
        parse_replsummary(read_text(cases / "replsummary-failing.txt")),
    )
    assert tuple(dcdiag.sysvol.options) == Sysvol.values()


def test_the_course_answer_choices_come_from_the_vocabularies():
    from labkit.course.catalogue import case_files, ftp_nat_tls

    assert case_files.VERDICTS == VerdictKind.values()
    assert (
        next(e for e in ftp_nat_tls.EXERCISES if e.key == "05.3").reader.expected_format
        == f"one of {', '.join(map(repr, LbAffinity.values()))}"
    )


def test_dead_vocabulary_code_is_gone():
    from labkit.model import ftp_protocol, middlebox

    for name in ("MODES", "TLS_MODES", "SOFTWARE", "CCC_REFUSED"):
        assert not hasattr(ftp_protocol, name), name
    for name in ("DIRECTIONS", "parse_port_range", "in_range", "show_range", "show_four", "reverse", "Four"):
        assert not hasattr(middlebox, name), name
    assert not hasattr(middlebox.Conntrack, "sessions_at")


def _string_collections(source: str):
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, (ast.Tuple, ast.List, ast.Set))
            and node.elts
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
        ):
            yield node.lineno, {e.value for e in node.elts}


def _notebook_code(path: Path) -> str:
    """A notebook's code cells as one module (IPython magics and shell lines left out)."""
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    return "\n".join(
        line
        for cell in cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if not line.lstrip().startswith(("%", "!"))
    )


def _typed_out_copies(where: str, source: str) -> list[str]:
    return [
        f"{where}:{line}: {v.__name__}"
        for line, values in _string_collections(source)
        for v in VOCABULARIES
        if len(v) > 1 and {m.value for m in v} <= values
    ]


def test_no_module_types_out_a_vocabulary_again():
    """A tuple, list or set of string literals holding every value of a vocabulary is a copy of it;
    the notebooks' code cells are held to it too (they iterate `labkit.FtpMode`, …)."""
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        copies += _typed_out_copies(str(path.relative_to(PACKAGE)), path.read_text(encoding="utf-8"))
    notebooks = sorted((PACKAGE.parent / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        copies += _typed_out_copies(path.name, _notebook_code(path))
    assert copies == []


def test_constructors_read_a_members_text_and_refuse_anything_else_in_one_line():
    assert Rule("allow", "forward") == Rule(RuleAction.ALLOW, Direction.FORWARD)
    assert Rule("deny").direction is Direction.ANY and Firewall(default_in="allow").default_in is RuleAction.ALLOW
    assert FtpClientSettings(mode="epsv", tls="explicit").mode is FtpMode.EPSV
    assert FtpServerSettings(software="vsftpd").software is ServerSoftware.VSFTPD
    from ipaddress import IPv4Address

    assert LoadBalancer(IPv4Address("10.0.0.1"), (), affinity="client-ip").affinity is LbAffinity.CLIENT_IP
    with pytest.raises(ChoiceError) as caught:
        FtpClientSettings(mode="pasv")
    assert isinstance(caught.value, LabkitError) and isinstance(caught.value, ValueError)
    assert str(caught.value) == "mode: expected one of passive, active, epsv, eprt, got 'pasv'"
    with pytest.raises(ChoiceError, match=r"^on_ccc_refused: expected one of stop, continue, got 'retry'$"):
        FtpClientSettings(on_ccc_refused="retry")


def test_a_scenario_round_trips_with_enum_values_written_as_plain_text():
    import yaml

    from labkit.scenario import to_dict, to_yaml

    net = labkit.load_scenario("ftp-load-balancer")
    text = to_yaml(net)
    assert "!!python" not in text and parse_scenario(text) == net

    def plain(value):
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return not isinstance(value, StrEnum)

    assert plain(to_dict(net)) and yaml.safe_dump(to_dict(net))


def test_a_reply_at_the_wrong_nlb_member_is_the_traces_own_outcome():
    from test_edge_cases import SAME_SUBNET_WITH_MONITOR

    from labkit.checks import ReplyCheck
    from labkit.model import Flow, trace

    net = parse_scenario(SAME_SUBNET_WITH_MONITOR)
    result = trace(net, "web1", "10.10.0.98", reply=True)
    assert result.outcome is Outcome.ACCEPTED and result.reply.outcome is Outcome.ACCEPTED_BY_WRONG_NODE
    check = ReplyCheck("x", flow=Flow("web1", "10.10.0.98"), reply=Outcome.ACCEPTED_BY_WRONG_NODE)
    assert check.run(net).passed


def test_every_vocabulary_in_the_kit_is_held_to_these_tests():
    import importlib
    import pkgutil
    from enum import Enum

    for module in pkgutil.walk_packages([str(PACKAGE)], "labkit."):
        if not module.name.endswith("__main__") and not module.name.startswith(
            ("labkit.workshop.", "labkit.kernel_lab.agent")
        ):
            importlib.import_module(module.name)

    def enums(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from enums(sub)

    defined = {e for e in enums(Enum) if e.__module__.startswith("labkit.") and len(e) > 1}
    assert defined - set(VOCABULARIES) == set()
