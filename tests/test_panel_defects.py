"""Defects a learner met in the case-file panels (issue 10, item 12)."""

import re

import labkit
from labkit.cases.dcdiag import DomainState, contradiction, parse_dcdiag, parse_replsummary
from labkit.cases.files import load_layout, read_text
from labkit.scenario import DATA_DIR

CASES = DATA_DIR / "cases"


def panel():
    from labkit.widgets import DcdiagPanel

    report = parse_dcdiag(read_text(CASES / "dcdiag-seed.txt"))
    clean = parse_replsummary(read_text(CASES / "replsummary-clean.txt"))
    failing = parse_replsummary(read_text(CASES / "replsummary-failing.txt"))
    return DcdiagPanel(report, clean, failing)


def test_the_dfsrmig_dropdown_never_shows_a_blank_choice():
    dcdiag = panel()
    assert dcdiag.state.label.startswith("not started")
    dcdiag.state.value = 3
    dcdiag.state.value = "not started"
    assert dcdiag.state.label.startswith("not started") and dcdiag.state.index == 0


def test_contradictions_speak_of_settings_not_command_line_options():
    dcdiag = panel()
    dcdiag.state.value = 3
    shown = dcdiag.verdict.value
    words = re.sub(r"<[^>]*>", "", shown)  # the styles' CSS variables (var(--labkit-…)) are no options
    assert "do not fit together" in words and "--" not in words and "✖" not in shown and "⚠" in shown


def test_level_2003_with_dfsr_is_a_contradiction():
    assert "level 2008 or higher" in contradiction(DomainState("2003", "dfsr", None, None))
    assert "level 2008 or higher" in contradiction(DomainState("2003", None, 2, None))
    assert contradiction(DomainState("2003", "frs", None, None)) is None
    dcdiag = panel()
    dcdiag.level.value = "2003"
    dcdiag.sysvol.value = "dfsr"
    assert "needs domain functional level 2008" in dcdiag.verdict.value


def test_no_attached_backup_disk_is_never_a_working_restore():
    from labkit.widgets import RestorePanel

    restore = RestorePanel(load_layout(CASES / "restore-usb-stick.yaml"))
    restore.attached["WinRE USB stick"].value = False
    assert "RESTORE WILL WORK" in restore.verdict.value
    restore.attached["USB HDD with the backup"].value = False
    assert "RESTORE WILL WORK" not in restore.verdict.value
    assert "no attached disk holds the backup" in restore.verdict.value


def test_the_boot_disk_dropdown_never_shows_a_blank_choice():
    from labkit.widgets import RestorePanel

    restore = RestorePanel(
        load_layout(CASES / "restore-usb-stick.yaml").__class__(
            load_layout(CASES / "restore-usb-stick.yaml").backup, load_layout(CASES / "restore-usb-stick.yaml").target
        )
    )
    assert restore.boot.label == "not given"


def test_labkit_is_imported():  # the panels are reached through the package, as in the notebook
    assert labkit.__version__


# Issue 10, user-reported defects in the host and FTP panels (the browser test checks the same in Chromium).


def _gateway_choice_panel():
    from labkit.views import Flow
    from labkit.widgets import HostPanel

    return HostPanel(labkit.load_scenario("gateway-choice"), "H", Flow("H", "198.51.100.80"))


def test_panel_texts_wrap_between_words_not_inside_them():
    # JupyterLab breaks output text anywhere (word-break: break-all): "NLB NI" / "C". Every text
    # block a panel writes asks for breaks between words.
    from labkit.widgets import FtpExplorer

    host = _gateway_choice_panel()
    explorer = FtpExplorer(labkit.load_scenario("ftp-nat-seed"))
    dcdiag = panel()
    blocks = [
        host.verdict.value,
        host.commands.value,
        host.trace_text.value,
        host.settings_error.value,
        explorer.outcome.value,
        explorer.text.value,
        dcdiag.verdict.value,
    ]
    for block in blocks:
        assert block and block.count("word-break:normal") >= block.count("<pre") + block.count("<div"), block[:200]


def test_a_windows_warning_is_said_once():
    shown = _gateway_choice_panel().settings_error.value
    assert shown.count("Windows warns") == 1, shown
    assert "Windows warns: " not in shown


def test_a_warning_looks_different_from_an_error():
    host = _gateway_choice_panel()
    warning = host.settings_error.value  # two gateways on two subnets: Windows warns, the kit still traces
    assert "⚠" in warning and "✖" not in warning and "labkit-warning" in warning and "#b3261e" not in warning
    host.gateways["fast"].value = "10.0.0.300"  # refused: an error
    error = host.gateway_errors["fast"].value
    assert "✖" in error and "#b3261e" in error and "⚠" not in error
