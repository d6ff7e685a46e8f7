"""The tests themselves can fail: a broken kit module is an error, never a skip, and the fuzz run takes
only one-line kit errors (no exemption for a message that mentions Windows)."""

import ast
from pathlib import Path

import pytest
from test_fuzz import _within_limit

from labkit.model.cmdline import CommandError

TESTS = Path(__file__).resolve().parent


def _raises(err: Exception):
    def call():
        raise err

    return call


def test_no_test_skips_when_a_kit_module_fails_to_import():
    skipping = []
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "importorskip"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).split(".")[0] == "labkit"
            ):
                skipping.append(f"{path.name}:{node.lineno}")
    assert not skipping, f"import labkit modules normally (a broken import must fail): {skipping}"


def test_the_fuzz_run_refuses_a_two_line_error_even_one_naming_windows():
    with pytest.raises(AssertionError, match="not one line"):
        _within_limit("two lines", 0, _raises(CommandError("Windows says this.\nAnd this.")))
    with pytest.raises(AssertionError, match="not one line"):
        _within_limit("a hint on a line of its own", 0, _raises(CommandError("Windows says this.", "\nhint")))


def test_the_fuzz_run_takes_a_refused_command_with_its_hint_on_one_line():
    assert _within_limit("one line", 0, _raises(CommandError("The route addition failed.", "give a gateway"))) is None
