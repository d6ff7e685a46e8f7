"""Modules by concept (issue 11, item 4): the Windows command interpreter apart from the
writers, the FTP session apart from its fixes and risks (fixes as a frozen `Fix` type),
no private name imported from labkit.scenario, no import cycle inside labkit.model, and
no model module over ~400 lines."""

import ast
import dataclasses
import inspect
from dataclasses import replace
from functools import partial
from ipaddress import IPv4Address
from pathlib import Path

import pytest

import labkit.model.ftp as ftp_module
from labkit.model import Network
from labkit.model.ftp import ftp_session
from labkit.model.ftp_fixes import Fix
from labkit.model.ftp_protocol import FtpClientSettings
from labkit.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
LABKIT = ROOT / "labkit"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in LABKIT.rglob("*.py")}


def imported_modules(name: str, *, function_level: bool = True) -> set[str]:
    """The labkit modules `name` imports (also inside functions unless function_level is False)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    nodes = ast.walk(tree) if function_level else tree.body
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    found.add(f"{target}.{alias.name}")
                elif target in MODULES:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
    return found - {name}


def cycles(names: list[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), over every import."""
    graph = {n: imported_modules(n) & set(names) for n in names}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for name in graph:
        if name not in index:
            visit(name)
    return found


# --- 1. the Windows command interpreter apart from the writers --------------------------------

INTERPRETER = {
    "labkit.model.commands",
    "labkit.model.route_exe",
    "labkit.model.reg_exe",
    "labkit.model.netsh",
    "labkit.model.netsh_syntax",
    "labkit.model.route_edits",
    "labkit.model.cmdline",
}
WRITERS = ("labkit.model.setting_commands", "labkit.model.console.route_print", "labkit.model.console.netsh_show")


@pytest.mark.parametrize("writer", WRITERS)
def test_the_windows_writers_do_not_import_the_interpreter(writer):
    assert not imported_modules(writer) & INTERPRETER


def test_the_command_strings_come_from_the_writers_module_and_stay_importable_from_commands():
    from labkit import model
    from labkit.model import commands
    from labkit.model import setting_commands as writers

    functions = [name for name in writers.__all__ if callable(getattr(writers, name))]
    assert len(functions) == 7
    for name in functions:
        assert getattr(commands, name) is getattr(writers, name)
        assert getattr(writers, name).__module__ == writers.__name__
    for name in commands.__all__:
        assert hasattr(commands, name), name
    assert model.node_commands is writers.node_commands and model.route_print is commands.route_print


def test_each_program_a_learner_types_is_read_by_its_own_module():
    from labkit.model import commands
    from labkit.model.netsh import netsh
    from labkit.model.reg_exe import reg_exe
    from labkit.model.route_exe import route_exe

    source = inspect.getsource(commands.run_command)
    assert all(f.__name__ in source for f in (netsh, reg_exe, route_exe))
    assert not {"labkit.model.netsh", "labkit.model.route_exe"} & imported_modules("labkit.model.setting_commands")


# --- 2. the FTP session, its fixes (a Fix type) and its risks --------------------------------


def without_helper(net: Network) -> Network:
    return net.with_node(replace(net.node("fw"), ftp_helper=None))


def two_snat_addresses(net: Network) -> Network:
    lb = net.node("lb")
    snat = (IPv4Address("10.0.1.1"), IPv4Address("10.0.1.2"))
    return net.with_node(replace(lb, load_balancer=replace(lb.load_balancer, snat=snat)))


FAILING_SESSIONS = [
    ("ftp-nat-ftps", {}, None),
    ("ftp-nat-ftps-partial", {}, None),
    ("ftp-load-balancer", {}, None),
    ("ftp-nat-seed", {"tls": "implicit"}, None),
    ("ftp-nat-ftps-implicit", {"tls": "explicit", "ccc": True}, None),
    ("ftp-active-client-nat", {"tls": "explicit", "ccc": True}, None),
    ("ftp-nat-seed", {"trust_pasv_address": True}, without_helper),
    ("ftp-load-balancer", {}, two_snat_addresses),
]
"""Failed sessions that between them make the kit try every kind of change a fix can make."""
NO_FIX_WORKS = [FAILING_SESSIONS[3], FAILING_SESSIONS[4]]
"""The control connection is dropped (the engine's own remedy), or the server offers no TLS."""


def candidate_fixes_of(monkeypatch, scenario: str, changes: dict, edit):
    """Play a shipped FTP scenario and keep the candidate fixes the session produced."""
    offered = []
    original = ftp_module.candidate_fixes

    def recording(*args, **kwargs):
        fixes = original(*args, **kwargs)
        offered.extend(fixes)
        return fixes

    monkeypatch.setattr(ftp_module, "candidate_fixes", recording)
    net = load_scenario(scenario)
    net = edit(net) if edit else net
    settings = replace(net.ftp.settings, **changes)
    return net, settings, ftp_session(net, settings=settings), offered


def test_the_failing_sessions_try_every_change_a_fix_can_make(monkeypatch):
    import labkit.model.ftp_fixes as fixes_module

    tried = set()
    for scenario, changes, edit in FAILING_SESSIONS:
        tried |= {fix.change.func for fix in candidate_fixes_of(monkeypatch, scenario, changes, edit)[3]}
        monkeypatch.undo()
    changes = {
        f
        for name, f in vars(fixes_module).items()
        if inspect.isfunction(f)
        and not name.startswith("_")
        and f.__module__ == fixes_module.__name__
        and list(inspect.signature(f).parameters)[:2] == ["net", "settings"]
        and f is not fixes_module.fixes_that_work
    }
    assert len(changes) == 8 and tried == changes


@pytest.mark.parametrize("scenario, changes, edit", FAILING_SESSIONS)
def test_every_ftp_fix_is_a_frozen_fix_whose_change_is_a_named_function(monkeypatch, scenario, changes, edit):
    net, settings, result, offered = candidate_fixes_of(monkeypatch, scenario, changes, edit)
    assert not result.succeeded and offered
    for fix in offered:
        assert isinstance(fix, Fix) and isinstance(fix.text, str) and fix.text
        with pytest.raises(dataclasses.FrozenInstanceError):
            fix.text = "changed"  # type: ignore[misc]
        function = fix.change.func if isinstance(fix.change, partial) else fix.change
        assert function.__name__ != "<lambda>" and function.__module__ == "labkit.model.ftp_fixes"
        changed_net, changed_settings = fix.apply(net, settings)
        assert isinstance(changed_net, Network) and isinstance(changed_settings, FtpClientSettings)


@pytest.mark.parametrize("scenario, changes, edit", [c for c in FAILING_SESSIONS if c not in NO_FIX_WORKS])
def test_each_fix_or_pair_offered_makes_the_session_work_when_applied(monkeypatch, scenario, changes, edit):
    net, settings, result, offered = candidate_fixes_of(monkeypatch, scenario, changes, edit)
    by_text = {fix.text: fix for fix in offered}
    made_of_fixes = [
        [by_text[t] for t in str(r).split(", together with: ")]
        for r in result.remedies
        if all(t in by_text for t in str(r).split(", together with: "))
    ]
    assert made_of_fixes
    for fixes in made_of_fixes:
        fixed_net, fixed_settings = net, settings
        for fix in fixes:
            fixed_net, fixed_settings = fix.apply(fixed_net, fixed_settings)
        assert ftp_session(fixed_net, settings=fixed_settings, check_fixes=False).succeeded, fixes


def test_the_ftp_fix_search_does_not_import_the_session_it_replays():
    for name in ("labkit.model.ftp_fixes", "labkit.model.ftp_risks", "labkit.model.ftp_result"):
        assert "labkit.model.ftp" not in imported_modules(name), name


# --- 3. the scenario package: schema, building, YAML I/O -------------------------------------


def test_nothing_outside_labkit_scenario_imports_a_private_name_from_it():
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("labkit.scenario"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and "scenario" in (node.module or "").split("."):
                offenders += [f"{name}: {a.name}" for a in node.names if a.name.startswith("_")]
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id == "scenario"
            ):
                offenders.append(f"{name}: scenario.{node.attr}")
    assert not offenders


@pytest.mark.parametrize(
    "module, must_not_import",
    [
        ("labkit.scenario.schema", {"labkit.scenario.build", "labkit.scenario.read", "labkit.scenario.write"}),
        ("labkit.scenario.build", {"labkit.scenario.read", "labkit.scenario.write"}),
        ("labkit.scenario.read", {"labkit.scenario.schema", "labkit.scenario.build", "labkit.scenario.write"}),
        ("labkit.scenario.write", {"labkit.scenario.schema", "labkit.scenario.build", "labkit.scenario.read"}),
    ],
)
def test_scenario_schema_building_and_yaml_io_are_separate_modules(module, must_not_import):
    assert not imported_modules(module) & must_not_import
    if module in ("labkit.scenario.schema", "labkit.scenario.build"):
        assert "import yaml" not in MODULES[module].read_text(encoding="utf-8")


# --- 4. no import cycle inside labkit.model --------------------------------------------------


def test_labkit_model_has_no_import_cycle_not_even_through_imports_inside_functions():
    model = [n for n in MODULES if n == "labkit.model" or n.startswith("labkit.model.")]
    assert len(model) > 20
    assert cycles(model) == []


def test_the_cycle_finder_finds_a_cycle():
    """The finder itself: host and routes, as they were before this change, form a cycle."""
    graph_before = {"labkit.model.host": {"labkit.model.routes"}, "labkit.model.routes": {"labkit.model.host"}}
    original = globals()["imported_modules"]
    try:
        globals()["imported_modules"] = lambda name: graph_before[name]
        assert cycles(list(graph_before)) == [sorted(graph_before)]
    finally:
        globals()["imported_modules"] = original


def test_host_does_not_import_routes():
    assert "labkit.model.routes" not in imported_modules("labkit.model.host")


# --- no model module over ~400 lines --------------------------------------------------------
