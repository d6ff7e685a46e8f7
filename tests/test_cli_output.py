"""The command line as a Unix tool: a closed pipe is normal, --run shows each command's own
output, counts read as English, and the README's --run example shows what the switch changes."""

import os
import re
import subprocess
import sys

from conftest import ROOT
from labkit.cli import main

EXAMPLE = ["trace", "reference-nlb-dual-nic", "--from", "C2", "--to", "10.10.0.100", "--reply"]
SWITCH = 'H: netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled'


def test_a_closed_pipe_ends_quietly():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        f"{sys.executable} -m labkit.cli routes nlb-intranet web1 --netsh | head -3",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        executable="/bin/bash",
    )
    assert len(done.stdout.splitlines()) == 3
    assert done.stderr == ""  # no "internal error (BrokenPipeError)"
    status = subprocess.run(
        f"set -o pipefail; {sys.executable} -m labkit.cli routes nlb-intranet web1 | head -1",
        shell=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        executable="/bin/bash",
    )
    assert status.returncode == 0


def test_run_prints_each_commands_own_output_before_the_answer(capsys):
    assert main([*EXAMPLE, "--run", SWITCH, "--run", "H: route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{SWITCH.replace(': ', '> ', 1)}\nOk.\n")
    assert "H> route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1\nOK!\n" in out


def test_with_json_the_command_output_goes_to_stderr(capsys):
    import json

    assert main([*EXAMPLE, "--json", "--run", SWITCH]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["reply"]["disposition"] == "ACCEPTED"
    assert "Ok." in captured.err


def test_the_readme_run_example_shows_what_the_switch_changes(capsys):
    readme = (ROOT / "README.md").read_text()
    assert "labkit trace reference-nlb-dual-nic --from C2 --to 10.10.0.100 --reply" in readme
    main(EXAMPLE)
    before = capsys.readouterr().out
    main([*EXAMPLE, "--run", SWITCH])
    after = capsys.readouterr().out
    ending = re.compile(r"^ +=> (\w+)", re.M)
    assert ending.findall(before)[-1] == "STRONG_SEND_BLOCKED"
    assert ending.findall(after)[-1] == "ACCEPTED"


def test_validate_counts_in_english(capsys):
    main(["validate", "nlb-intranet"])
    assert "(5 nodes, 1 NLB cluster)" in capsys.readouterr().out


def test_ftp_and_kernel_lab_take_the_same_client_options():
    from labkit.cli import build_parser

    parser = build_parser()
    for command in ("ftp", "kernel-lab"):
        args = parser.parse_args(
            [
                command,
                "ftp-nat-seed",
                "--tls",
                "explicit",
                "--ccc",
                "--on-ccc-refused",
                "continue",
                "--trust-pasv-address",
                "--mode",
                "epsv",
                "--port",
                "2121",
            ]
        )
        assert (args.tls, args.ccc, args.on_ccc_refused, args.trust_pasv_address, args.mode, args.port) == (
            "explicit",
            True,
            "continue",
            True,
            "epsv",
            2121,
        ), command
