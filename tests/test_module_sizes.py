"""Modules by concept across the whole package (issue 11, item 4): no module under labkit/ over
~400 lines, and the four outer modules that were over it split by what they do: the fault
library apart from each fault family, dcdiag/repadmin parsing apart from the verdict, one
importer parser module per command, the workshop load test apart from its simulated learners
and the kernel channel they drive. That the modules split here are off mypy's type debt list is
checked with every other paid-off package, in tests/test_type_debt.py."""

import inspect
from pathlib import Path

import pytest
from test_module_structure import imported_modules

ROOT = Path(__file__).resolve().parent.parent
LABKIT = ROOT / "labkit"
MAX_LINES = 400


def sizes() -> dict[str, int]:
    return {
        p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in LABKIT.rglob("*.py")
        if "__pycache__" not in p.parts
    }


def test_no_module_under_labkit_is_over_400_lines():
    lines = sizes()
    assert {path: n for path, n in lines.items() if n > MAX_LINES} == {}


def test_the_size_check_counts_lines_of_every_package_not_only_the_model():
    lines = sizes()
    assert len(lines) > 100
    assert {path.split("/")[1] for path in lines} >= {"labs", "cases", "importer", "workshop", "checks", "model"}


# --- 1. the fault library in one place, one module per fault family ----------------------------

FAULT_FAMILIES = {
    "labkit.labs.route_faults",
    "labkit.labs.gateway_faults",
    "labkit.labs.host_faults",
    "labkit.labs.nlb_faults",
    "labkit.labs.ftp_faults",
    "labkit.labs.cases",
}


def builders_of(kind) -> list:
    """The functions a Kind's build lambda calls (by the names it reads from its module)."""
    seen = inspect.getclosurevars(kind.build)
    functions = [v for v in seen.globals.values() if inspect.isfunction(v)]
    modules = [v for v in seen.globals.values() if inspect.ismodule(v)]
    return functions + [getattr(m, name) for m in modules for name in seen.unbound if hasattr(m, name)]


def test_the_fault_library_is_one_table_of_every_kind():
    from labkit import labs
    from labkit.labs.faults import LIBRARY

    assert labs._library() is LIBRARY
    assert len(LIBRARY) == len(labs.KINDS) and set(LIBRARY) == set(labs.KINDS)
    assert all(name == kind.name for name, kind in LIBRARY.items())


def test_each_fault_kind_is_built_by_a_function_of_its_familys_module():
    from labkit.labs.faults import LIBRARY

    for name, kind in LIBRARY.items():
        builders = builders_of(kind)
        assert len(builders) == 1, (name, builders)
        assert builders[0].__module__ in FAULT_FAMILIES, (name, builders[0].__module__)


def test_the_fault_families_share_the_nlb_farm_and_not_each_other():
    families = FAULT_FAMILIES - {"labkit.labs.ftp_faults", "labkit.labs.cases"}
    for family in families:
        assert not imported_modules(family) & (FAULT_FAMILIES | {"labkit.labs.faults"}), family
    assert "labkit.labs.farm" in imported_modules("labkit.labs.route_faults")
    assert "labkit.labs.faults" not in imported_modules("labkit.labs.farm")


# --- 2. dcdiag / repadmin parsing apart from the verdict ------------------------------------------


def test_dcdiag_parsing_does_not_import_the_verdict():
    assert "labkit.cases.dcdiag" not in imported_modules("labkit.cases.dcdiag_parse")
    assert "labkit.cases.dcdiag_parse" in imported_modules("labkit.cases.dcdiag")


def test_the_parsers_live_in_dcdiag_parse_and_stay_importable_from_dcdiag():
    from labkit.cases import dcdiag, dcdiag_parse

    for name in ("parse_dcdiag", "parse_replsummary", "DcdiagReport", "ReplicationSummary", "DcdiagInputError"):
        assert getattr(dcdiag, name) is getattr(dcdiag_parse, name)
        assert getattr(dcdiag_parse, name).__module__ == "labkit.cases.dcdiag_parse"
    for name in ("judge", "contradiction", "functional_level", "Verdict", "VerdictKind", "DomainState", "Sysvol"):
        assert getattr(dcdiag, name).__module__ == "labkit.cases.dcdiag", name
        assert not hasattr(dcdiag_parse, name), name
    assert set(dcdiag.__all__) <= set(vars(dcdiag))


# --- 3. one importer parser module per command ----------------------------------------------------


@pytest.mark.parametrize(
    "function, module",
    [
        ("parse_ipconfig_all", "ipconfig"),
        ("parse_route_print", "route_print"),
        ("parse_netsh_verbose", "nic_settings"),
        ("parse_netsh_table", "nic_settings"),
        ("parse_net_ip_interface", "nic_settings"),
    ],
)
def test_each_importer_parser_lives_in_its_commands_module(function, module):
    from labkit.importer import parsers

    assert getattr(parsers, function).__module__ == f"labkit.importer.parsers.{module}"


def test_the_importer_parser_modules_do_not_import_each_other():
    names = [
        "labkit.importer.parsers.ipconfig",
        "labkit.importer.parsers.route_print",
        "labkit.importer.parsers.nic_settings",
    ]
    for name in names:
        assert not imported_modules(name) & set(names), name


# --- 4. the workshop load test apart from its learners and the kernel channel -----------------------


def test_the_workshop_bench_runs_classes_and_its_learners_and_kernel_channel_are_their_own_modules():
    from labkit.workshop import bench, kernel_channel, learners

    assert learners.Kernel is kernel_channel.Kernel and not hasattr(bench, "Kernel")
    assert bench.protocol_learner is learners.protocol_learner
    assert imported_modules("labkit.workshop.kernel_channel") <= {"labkit.workshop.client"}
    assert "labkit.workshop.bench" not in imported_modules("labkit.workshop.learners")
