"""A learner's typo in a notebook shows the kit's one-line message, not a traceback through the
kit's internals (IPython asks an exception for `_render_traceback_`)."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell  # the lab extra, which make test installs
from IPython.utils.capture import capture_output

from labkit.errors import LabkitError


@pytest.fixture
def shell():
    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()
    LabkitError.show_traceback = False


def _shown(shell, code: str) -> str:
    with capture_output() as out:
        shell.run_cell(code)
    return out.stdout + out.stderr


def test_a_typo_in_a_cell_shows_one_line_naming_what_was_wrong(shell):
    shown = _shown(shell, 'import labkit\nlabkit.FtpClientSettings(mode="pasv")')
    lines = [line for line in shown.splitlines() if line.strip()]
    assert lines[0] == "ChoiceError: mode: expected one of passive, active, epsv, eprt, got 'pasv'"
    assert len(lines) == 2 and "show_traceback" in lines[1]
    assert "vocabulary.py" not in shown and "__create_fn__" not in shown


def test_show_traceback_gives_the_whole_traceback_for_an_error_report(shell):
    LabkitError.show_traceback = True
    shown = _shown(shell, 'import labkit\nlabkit.FtpClientSettings(mode="pasv")')
    assert "Traceback" in shown and "vocabulary.py" in shown


def test_a_bug_in_the_kit_still_shows_its_traceback(shell):
    shown = _shown(shell, "import labkit\n1 / 0")
    assert "ZeroDivisionError" in shown and "Traceback" in shown
