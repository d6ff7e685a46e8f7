"""The console's dispatcher: changes in both dialects through the one interpreter,
cmd.exe's and PowerShell's answers to unknown commands, the kit's word on what it does not
model, the script of a session, `labkit run` and the widget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import labkit
from labkit.model import apply_command, profile
from labkit.model.console import ConsoleResult, run_console, save_script

ROOT = Path(__file__).resolve().parents[1]


def intranet(os_name: str | None = None):
    net = labkit.load_scenario("nlb-intranet")
    return net.with_os("web1", profile(os_name)) if os_name else net


# --- item 3: change commands in both dialects --------------------------------------------------


def test_route_and_netsh_go_through_the_same_interpreter_as_apply_command():
    net = intranet()
    for line in (
        'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled',
        "route -p add 10.40.0.0 mask 255.255.0.0 10.10.0.1",
        "route delete 10.30.0.0",
        "netsh interface ipv4 show route",
    ):
        expected_net, expected_answer = apply_command(net, "web1", line)
        result = run_console(net, "web1", line)
        assert result.output == expected_answer and result.network == expected_net
        assert result.changed == (expected_net != net)


def test_set_net_ip_interface_changes_the_switch_like_netsh():
    net = intranet("windows-2022")
    result = run_console(
        net,
        "web1",
        "Set-NetIPInterface -InterfaceAlias 'NLB NIC' -WeakHostSend Enabled "
        "-WeakHostReceive Enabled -Forwarding Enabled",
        "powershell",
    )
    nic = result.network.node("web1").interface("nlb")
    assert (
        result.changed
        and result.output == ""
        and (nic.weakhostsend, nic.weakhostreceive, nic.forwarding) == (True, True, True)
    )
    assert result.change.commands == (
        'netsh interface ipv4 set interface "NLB NIC" forwarding=enabled weakhostsend=enabled weakhostreceive=enabled',
    )
    # The netsh that the change stands for gives the same network.
    assert apply_command(net, "web1", result.change.commands[0])[0] == result.network
    shown = run_console(
        result.network, "web1", "Get-NetIPInterface -ifAlias 'NLB NIC' -AddressFamily IPv4 | fl", "powershell"
    ).output
    assert "WeakHostSend                    : Enabled" in shown and "Forwarding                      : Enabled" in shown


def test_powershell_accepts_typographic_quotes_and_cmd_does_not():
    net = intranet("windows-2022")
    ps = run_console(
        net, "web1", "Set-NetIPInterface -InterfaceAlias \u201cNLB NIC\u201d -WeakHostSend Enabled", "powershell"
    )
    assert ps.changed
    cmd = run_console(net, "web1", "netsh interface ipv4 set interface \u201cNLB NIC\u201d weakhostsend=enabled")
    assert not cmd.changed and "does not treat \u201c \u201d as quotes" in cmd.output


@pytest.mark.parametrize(
    "line,first_line,error_id",
    [
        (
            "Set-NetIPInterface -InterfaceAlias 'NLB NIC' -WeakHostSend yes",
            "Set-NetIPInterface : Cannot bind parameter 'WeakHostSend'.",
            "CannotConvertArgumentNoMessage,Set-NetIPInterface",
        ),
        (
            "Set-NetIPInterface -InterfaceAlias 'NLB NIC' -WeakHostSnd Enabled",
            "Set-NetIPInterface : A parameter cannot be found that matches parameter name 'WeakHostSnd'.",
            "NamedParameterNotFound,Set-NetIPInterface",
        ),
        (
            "Set-NetIPInterface -InterfaceAlias 'NO NIC' -Forwarding Enabled",
            "Set-NetIPInterface : No MSFT_NetIPInterface objects found with property 'InterfaceAlias' equal to 'NO NIC'.",
            "CmdletizationQuery_NotFound_InterfaceAlias,Set-NetIPInterface",
        ),
        (
            "New-NetRoute -DestinationPrefix 10.30.0.0/16 -InterfaceAlias 'NLB NIC' -NextHop 10.10.0.1 -RouteMetric 1",
            "New-NetRoute : The object already exists.",
            "Windows System Error 87,New-NetRoute",
        ),
        (
            "Remove-NetRoute -DestinationPrefix 10.99.0.0/16 -Confirm:$false",
            "Remove-NetRoute : No matching MSFT_NetRoute objects found by CIM query",
            "CmdletizationQuery_NotFound,Remove-NetRoute",
        ),
        (
            "Get-NetRoute -InterfaceIndex",
            "Get-NetRoute : Missing an argument for parameter 'InterfaceIndex'.",
            "MissingArgument,Get-NetRoute",
        ),
    ],
)
def test_bad_powershell_parameters_get_powershells_own_error_record(line, first_line, error_id):
    net = intranet("windows-2022")
    result = run_console(net, "web1", line, "powershell")
    assert not result.changed and result.network is net
    text = result.output.splitlines()
    assert text[0].startswith(first_line)
    at = next(i for i, t in enumerate(text) if t.startswith("At line:1 char:"))
    assert text[at + 1] == f"+ {line}" and set(text[at + 2][2:].strip()) == {"~"}
    assert f"    + FullyQualifiedErrorId : {error_id}" in text


def test_new_and_remove_net_route_change_the_routes_and_print_the_route_table():
    net = intranet("windows-2022")
    new = run_console(
        net,
        "web1",
        "New-NetRoute -DestinationPrefix 10.40.0.0/16 -InterfaceAlias 'NLB NIC' -NextHop 10.10.0.1 -RouteMetric 5",
        "powershell",
    )
    rows = [line for line in new.output.splitlines() if line.startswith("11 ")]
    assert [r.split() for r in rows] == [
        ["11", "10.40.0.0/16", "10.10.0.1", "5", "25", "ActiveStore"],
        ["11", "10.40.0.0/16", "10.10.0.1", "5", "Persiste..."],
    ]
    route = new.network.node("web1").routes[-1]
    assert (str(route.destination), route.metric, route.persistent) == ("10.40.0.0/16", 5, True)
    gone = run_console(
        new.network, "web1", "Remove-NetRoute -DestinationPrefix 10.40.0.0/16 -Confirm:$false", "powershell"
    )
    assert gone.changed and gone.output == "" and gone.network.node("web1").routes == net.node("web1").routes
    asked = run_console(new.network, "web1", "Remove-NetRoute 10.40.0.0/16", "powershell")
    assert asked.output.startswith("Confirm\nAre you sure you want to perform this action?")
    what_if = run_console(new.network, "web1", "Remove-NetRoute 10.40.0.0/16 -WhatIf", "powershell")
    assert not what_if.changed and what_if.output.startswith('What if: Performing operation "Remove"')


# --- item 4: unknown commands, commands the kit does not model, the script -------------------


def test_unknown_commands_get_cmd_and_powershell_texts():
    net = intranet("windows-2022")
    cmd = run_console(net, "web1", "ipconfg /all").output
    assert cmd == "'ipconfg' is not recognized as an internal or external command,\noperable program or batch file."
    assert run_console(net, "web1", "Get-NetIPInterface").output.startswith("'Get-NetIPInterface' is not recognized")
    ps = run_console(net, "web1", "Get-NetIPInterfaces", "powershell").output.splitlines()
    assert ps[0] == (
        "Get-NetIPInterfaces : The term 'Get-NetIPInterfaces' is not recognized as the name of a "
        "cmdlet, function, script file, or operable program. Check the spelling of the name, or if a "
        "path was included, verify that the path is correct and try again."
    )
    assert ps[1:4] == ["At line:1 char:1", "+ Get-NetIPInterfaces", "+ " + "~" * 19]
    assert ps[4] == (
        "    + CategoryInfo          : ObjectNotFound: (Get-NetIPInterfaces:String) [], CommandNotFoundException"
    )


def test_cmdlets_missing_from_older_windows_are_not_recognized():
    old = run_console(intranet(), "web1", "Get-NetIPInterface", "powershell").output.splitlines()
    assert old[1:3] == ["At line:1 char:19", "+ Get-NetIPInterface <<<<"]  # PowerShell 2.0 on 2008 R2
    tnc = run_console(intranet("windows-2012"), "web1", "Test-NetConnection 10.10.0.1", "powershell").output
    assert "The term 'Test-NetConnection' is not recognized" in tnc  # arrived with 2012 R2
    assert "ComputerName" in run_console(intranet("windows-2012r2"), "web1", "tnc 10.10.0.1", "powershell").output


def test_windows_commands_the_kit_does_not_model_say_so_and_list_what_it_models():
    for shell, line in (
        ("cmd", "arp -a"),
        ("cmd", "ipconfig /renew"),
        ("powershell", "Get-NetAdapter"),
        ("cmd", "ipconfig /all | findstr IPv4"),
        ("powershell", "Get-NetRoute | Sort-Object"),
    ):
        out = run_console(intranet("windows-2022"), "web1", line, shell).output
        assert "labkit" in out and "not model" in out and "ipconfig" in out, (line, out)


def test_save_script_writes_the_changes_as_cmd_and_ps1():
    net = intranet("windows-2022")
    session = []
    for shell, line in (
        ("cmd", "route -p add 10.40.0.0 mask 255.255.0.0 10.10.0.1 && ipconfig"),
        ("cmd", "route print"),
        ("powershell", "Set-NetIPInterface -InterfaceAlias 'NLB NIC' -WeakHostSend Enabled"),
    ):
        result = run_console(net, "web1", line, shell)
        net = result.network
        session.append(result)
    cmd = save_script(session, "cmd").split("\r\n")
    assert cmd[0] == "@echo off"
    assert "route -p add 10.40.0.0 mask 255.255.0.0 10.10.0.1" in cmd
    assert 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled' in cmd
    assert "route print" not in cmd and not any(line.startswith("ipconfig") for line in cmd)
    ps1 = save_script(session, "ps1").split("\r\n")
    assert "Set-NetIPInterface -InterfaceAlias 'NLB NIC' -WeakHostSend Enabled" in ps1
    assert "route -p add 10.40.0.0 mask 255.255.0.0 10.10.0.1" in ps1
    # Replaying the .cmd lines through the interpreter gives the same network.
    replay = intranet("windows-2022")
    for line in (line for line in cmd if line and not line.startswith(("@", "rem"))):
        replay = apply_command(replay, "web1", line)[0]
    assert replay == net
    with pytest.raises(ValueError, match="dialect"):
        save_script(session, "bat")


def test_run_console_is_exported_light_from_labkit():
    assert labkit.run_console is run_console and isinstance(run_console(intranet(), "web1", ""), ConsoleResult)
    code = "import sys, labkit; print(sorted(m for m in ('ipywidgets', 'matplotlib', 'pydantic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# --- labkit run -------------------------------------------------------------------------------


def labkit_cli(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "labkit.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_labkit_run_prints_exactly_what_the_console_prints():
    done = labkit_cli("run", "nlb-intranet", "web1", "route print -4", "--run", "web1: route delete 10.30.0.0")
    net = apply_command(intranet(), "web1", "route delete 10.30.0.0")[0]
    assert done.returncode == 0 and done.stdout == run_console(net, "web1", "route print -4").output + "\n"
    ps = labkit_cli("run", "nlb-intranet", "web1", "Get-NetRoute")
    assert ps.stdout == run_console(intranet(), "web1", "Get-NetRoute", "powershell").output + "\n"
    forced = labkit_cli("run", "nlb-intranet", "web1", "Get-NetRoute", "--shell", "cmd")
    assert forced.stdout.startswith("'Get-NetRoute' is not recognized")


def test_labkit_run_bad_input_is_one_line_with_status_2():
    for args in (
        ("run", "nlb-intranet", "web9", "ipconfig"),
        ("run", "nlb-intranet", "web1", "x" * 9000),
        ("run", "nlb-intranet", "core", "ipconfig"),
    ):
        done = labkit_cli(*args)
        assert done.returncode == 2 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr


# --- the widget --------------------------------------------------------------------------------


def test_console_widget_runs_lines_keeps_history_and_saves_a_script(tmp_path):
    console = labkit.console(intranet(), "web1")
    printed = console.run("route delete 10.30.0.0")
    assert printed == " OK!" and console.network.node("web1").routes != intranet().node("web1").routes
    console.line.value = "ipconfig"  # as if typed and Enter pressed
    assert console.history == ["route delete 10.30.0.0", "ipconfig"] and console.line.value == ""
    assert "C:\\&gt;ipconfig" in console.screen.value and "Windows IP Configuration" in console.screen.value
    console.shell.value = "powershell"
    console.run("Get-NetRoute")
    assert "PS C:\\&gt;Get-NetRoute" in console.screen.value
    path = console.write_script(tmp_path)
    assert path.name == "labkit-web1-changes.cmd" and "route delete 10.30.0.0" in path.read_text()
    assert console.run("\x00\x01").startswith("labkit: the line holds a control character")
