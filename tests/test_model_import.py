"""What `import labkit.model` and a first trace load (issue 11 item 8): the model a trace needs and
nothing more, so a learner's first `labkit.trace` starts fast. Structural, never timed: the figures
are `make bench`'s (labkit/bench.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Loaded only when a name that needs them is first used.
NOT_FOR_A_TRACE = {
    "labkit.model.console.route_print",  # the console writers
    "labkit.model.console.netsh_show",
    "labkit.model.console.dispatch",
    "labkit.model.netsh",  # the programs' readers (the command interpreter)
    "labkit.model.route_exe",
    "labkit.model.reg_exe",
    "labkit.model.ftp",  # the FTP session
    "labkit.model.ftp_play",
    "labkit.model.ftp_result",
    "labkit.model.ftp_fixes",
    "labkit.model.nlb",  # NLB's cluster-wide comparisons
    "labkit.model.validation",
    "labkit.model.problems",
}


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    run = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(run.stdout.split())


def test_import_labkit_model_loads_the_engine_but_not_the_interpreter_the_writers_ftp_or_validation():
    loaded = loaded_after("import labkit.model")
    assert {"labkit.model.engine", "labkit.model.walk", "labkit.model.trace"} <= loaded
    assert not loaded & NOT_FOR_A_TRACE
    assert not {"hashlib", "_hashlib", "json"} & loaded  # OpenSSL's load; json only saves a trace


def test_the_first_labkit_trace_loads_the_same_as_import_labkit_model():
    assert loaded_after("import labkit; labkit.trace") == loaded_after("import labkit.model")


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("route_print", "labkit.model.console.route_print"),
        ("netsh_show_route", "labkit.model.console.netsh_show"),
        ("ftp_session", "labkit.model.ftp"),
        ("validate_network", "labkit.model.validation"),
        ("cluster_shares", "labkit.model.nlb"),
    ],
)
def test_a_name_loads_its_module_on_first_use(name, module):
    assert module not in loaded_after("import labkit.model")
    assert module in loaded_after(f"import labkit.model; labkit.model.{name}")


def test_every_model_name_resolves_to_its_module_s_object_and_is_listed():
    import importlib

    import labkit.model as model

    for name in model.__all__:
        value = getattr(model, name)
        assert value is getattr(importlib.import_module(f"labkit.model.{model._LAZY.get(name, 'engine')}"), name)
        assert name in dir(model)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        model.not_a_name  # noqa: B018 (the lookup is the test)


def test_labkit_model_trace_is_the_function_whatever_was_loaded_first():
    """`trace` is both a function and a submodule's name: loading the submodule first must not hide
    the function (Python binds a package's submodule as its attribute when it is first loaded)."""
    code = (
        "import labkit.model.trace, labkit.model.ftp, labkit.model.validation\n"
        "import labkit.model, labkit\n"
        "assert callable(labkit.model.trace) and labkit.trace is labkit.model.trace\n"
        "from labkit.model import trace, Trace\n"
        "assert trace.__module__ == 'labkit.model.engine' and Trace.__module__ == 'labkit.model.trace'"
    )
    loaded_after(code)  # raises if an assertion fails


def test_submodules_stay_reachable_as_attributes():
    code = "import labkit.model\nprint(labkit.model.ftp_protocol.parse_227)"
    assert "labkit.model.ftp_protocol" in loaded_after(code)


def test_the_command_module_still_gives_the_writers():
    from labkit.model import commands
    from labkit.model.console import netsh_show
    from labkit.model.console import route_print as writer

    assert commands.route_print is writer.route_print
    assert commands.netsh_show_interfaces is netsh_show.netsh_show_interfaces
    with pytest.raises(AttributeError):
        commands.not_a_writer  # noqa: B018 (the lookup is the test)


# --- showing a trace does not load the case files --------------------------------------------------


def test_showing_a_trace_loads_no_case_file_module():
    code = (
        "import sys, labkit\n"
        "net = labkit.load_scenario('nlb-intranet')\n"
        "before = set(sys.modules)\n"
        "t = labkit.trace(net, 'pc1', '10.10.0.100', reply=True)\n"
        "str(t), repr(t), t._repr_html_()\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
        "raise SystemExit(0)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    new = set(run.stdout.split())
    assert "labkit.render.html" in new
    assert not {m for m in new if m.startswith("labkit.cases")}


def test_a_dcdiag_verdict_still_gets_its_colour():
    from labkit.cases.dcdiag import VerdictKind
    from labkit.render.html import BAD, CAUTION, GOOD, verdict_colour

    assert verdict_colour(VerdictKind.REAL_PROBLEM) == BAD
    assert verdict_colour(VerdictKind.NEEDS_MORE_DATA) == CAUTION
    assert verdict_colour(VerdictKind.FALSE_POSITIVE) == GOOD
