"""Bad input at the console: truncated commands, binary junk, a 10 MB paste. The console
answers each with text (Windows's own error or the kit's one-line error) within a time
limit, and never raises anything but its own ConsoleError."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labkit
from labkit.model import profile
from labkit.model.console import MAX_LINE, ConsoleResult, run_console
from labkit.model.console.dispatch import ConsoleError

NET = labkit.load_scenario("nlb-intranet").with_os("web1", profile("windows-2022"))
WORDS = [
    "ipconfig",
    "/all",
    "route",
    "print",
    "add",
    "delete",
    "-p",
    "-4",
    "mask",
    "metric",
    "if",
    "netsh",
    "interface",
    "ipv4",
    "show",
    "set",
    "interfaces",
    "config",
    "addresses",
    "route",
    "l=verbose",
    '"NLB NIC"',
    "weakhostsend=enabled",
    "ping",
    "-S",
    "-n",
    "tracert",
    "-d",
    "10.10.0.1",
    "10.30.0.10",
    "255.255.0.0",
    "0.0.0.0",
    "Get-NetIPInterface",
    "Get-NetRoute",
    "Find-NetRoute",
    "-RemoteIPAddress",
    "Test-NetConnection",
    "-Port",
    "Set-NetIPInterface",
    "-InterfaceAlias",
    "-WeakHostSend",
    "Enabled",
    "New-NetRoute",
    "Remove-NetRoute",
    "-DestinationPrefix",
    "10.40.0.0/16",
    "|",
    "fl",
    "*",
    "&&",
    "'",
    '"',
    "\u201c",
    "-",
    "=",
    "reg",
    "add",
    "tnc",
    "Format-Table",
]
LIMIT_SECONDS = 2.0


def answered(line: str, shell: str) -> str:
    start = time.monotonic()
    try:
        result = run_console(NET, "web1", line, shell)
    except ConsoleError as err:
        text = str(err)
        assert "\n" not in text and text.startswith("labkit: "), text
        result = None
    else:
        assert isinstance(result, ConsoleResult) and isinstance(result.output, str)
        text = result.output
    assert time.monotonic() - start < LIMIT_SECONDS, line
    return text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=9), st.sampled_from(["cmd", "powershell"]))
def test_fuzz_command_words(words, shell):
    answered(" ".join(words), shell)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["cmd", "powershell"]))
def test_fuzz_any_text(line, shell):
    answered(line, shell)


@pytest.mark.parametrize(
    "line",
    [
        "route add",
        "route add 10.40.0.0 mask",
        "netsh interface ipv4 set",
        "netsh int",
        "ping",
        "ping -n",
        "tracert -h",
        "Get-NetRoute -Dest",
        "Find-NetRoute",
        "Test-NetConnection -Port",
        "Set-NetIPInterface -",
        "New-NetRoute -DestinationPrefix",
        'netsh interface ipv4 show interface "NLB',
        "Get-NetRoute |",
        "ipconfig /",
    ],
)
@pytest.mark.parametrize("shell", ["cmd", "powershell"])
def test_truncated_commands_get_an_answer(line, shell):
    assert answered(line, shell)


def test_binary_junk_and_a_huge_paste_get_one_line_errors_fast():
    for junk in ("\x00\x01\x02route print", "ipconfig\x1b[2J", "\ud800", bytes(range(256)).decode("latin-1")):
        with pytest.raises(ConsoleError, match=r"^labkit: the line holds a control character"):
            run_console(NET, "web1", junk)
    start = time.monotonic()
    with pytest.raises(
        ConsoleError, match=rf"^labkit: the line is 10485760 characters long; cmd.exe takes at most {MAX_LINE}$"
    ):
        run_console(NET, "web1", "A" * 10 * 1024 * 1024, "powershell")
    assert time.monotonic() - start < LIMIT_SECONDS
    assert run_console(NET, "web1", "ipconfig " + " " * (MAX_LINE - 9)).output.startswith("\nWindows IP")
