"""A bounded fuzzing run (issue 11: "no hang, no traceback, on any input"): mutated scenario files,
commands, case-file inputs and panel field values. Each input gets an answer or one of the kit's
own errors (LabkitError), within a time limit. Seeded: a failure names the seed and the input,
and reproduces."""

from __future__ import annotations

import os
import random
import time

import pytest

import labkit
from labkit.cases.dcdiag import DomainState, judge, parse_dcdiag, parse_replsummary
from labkit.cases.files import load_layout
from labkit.cases.restore import preflight
from labkit.errors import LabkitError
from labkit.model import apply_command, route_print, trace
from labkit.scenario import DATA_DIR, SCENARIO_DIR, parse_scenario
from labkit.views import Flow, ftp_view, host_view

# A longer run: LABKIT_FUZZ_SEED=7 LABKIT_FUZZ_ROUNDS=2000 pytest tests/test_fuzz.py
SEED = int(os.environ.get("LABKIT_FUZZ_SEED", "11"))
ROUNDS = int(os.environ.get("LABKIT_FUZZ_ROUNDS", "60"))
PER_INPUT_SECONDS = 1.0
ODD = [
    "9" * 5000,
    "٣-٥",
    "0.0.0.0",
    "255.255.255.255",
    "10.10.0.0",
    "224.0.0.1",
    "127.0.0.1",
    "-1",
    "0",
    "1e999",
    ".nan",
    "true",
    "null",
    "~",
    "{}",
    "[]",
    "[[[[",
    "]]",
    "? [a, b]",
    "*x",
    "&a",
    "!!python/object:os.system",
    "'unterminated",
    '"a\\nb"',
    "x" * 3000,
    "\x00",
    "\t",
    "é",
    "\u202e",
    "10.10.0.1/33",
    "51976-51999",
    "21-",
    "on-link",
    "web1.nlb",
    "a.b.c",
    ": :",
    "- - -",
    "#",
    "%TAG ! x",
    "---",
    "...",
    "|",
    ">",
]
COMMANDS = [
    "route -p add 10.40.0.0 mask 255.255.0.0 10.10.0.1",
    "route delete 0.0.0.0",
    'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled',
    'netsh interface ipv4 add route 10.40.0.0/16 "NLB NIC" 10.10.0.1 metric=5',
    "route change 10.30.0.0 mask 255.255.0.0 10.10.0.1 metric 3",
    "netsh int ipv4 set int 2 forwarding=enabled",
]


def _mutate(rnd: random.Random, text: str) -> str:
    lines = text.splitlines() or [""]
    for _ in range(rnd.randint(1, 3)):
        n = rnd.randrange(len(lines))
        kind = rnd.randrange(6)
        if kind == 0:
            del lines[n]
        elif kind == 1:
            lines.insert(n, lines[rnd.randrange(len(lines))])
        elif kind == 2:  # a value replaced by an odd one
            head, sep, _ = lines[n].partition(": ")
            lines[n] = f"{head}{sep or ': '}{rnd.choice(ODD)}"
        elif kind == 3:  # a word replaced by an odd one
            words = lines[n].split(" ")
            words[rnd.randrange(len(words))] = rnd.choice(ODD)
            lines[n] = " ".join(words)
        elif kind == 4:  # indentation broken
            lines[n] = " " * rnd.randint(0, 9) + lines[n].lstrip()
        else:  # characters cut out
            start = rnd.randrange(len(lines[n]) + 1)
            lines[n] = lines[n][:start] + lines[n][start + rnd.randint(1, 8) :]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


def _within_limit(what: str, seed: int, call):
    start = time.perf_counter()
    try:
        return call()
    except LabkitError as err:
        # Every kit error is one line, a refused command's too: CommandError puts Windows's message and
        # the kit's hint side by side ("... Hint: ..."), never on a line of their own.
        text = str(err)
        assert text.strip() and text.splitlines() == [text], f"seed {seed}, {what}: not one line: {text!r}"
        return None
    except Exception as err:  # noqa: BLE001 - the point of the test: anything else is a finding
        pytest.fail(f"seed {seed}, {what}: {type(err).__name__}: {err}")
    finally:
        took = time.perf_counter() - start
        assert took < PER_INPUT_SECONDS, f"seed {seed}, {what}: {took:.1f} s"


SCENARIOS = {path.stem: path.read_text() for path in sorted(SCENARIO_DIR.glob("*.yaml"))}


@pytest.mark.parametrize("name", ["nlb-intranet", "ftp-nat-seed", "gateway-choice", "ftp-load-balancer"])
def test_mutated_scenarios_load_or_fail_with_one_line_and_what_loads_traces(name):
    rnd = random.Random(f"{SEED}-{name}")
    for round_ in range(ROUNDS):
        text = _mutate(rnd, SCENARIOS[name])
        what = f"{name} round {round_}"
        net = _within_limit(what, SEED, lambda: parse_scenario(text, "fuzz.yaml"))
        if net is None:
            continue
        node = rnd.choice(net.nodes)
        _within_limit(f"{what} route print", SEED, lambda: route_print(node))
        target = rnd.choice([str(a.ip) for n in net.nodes for i in n.interfaces for a in i.addresses] + ODD[:8])
        _within_limit(f"{what} trace to {target}", SEED, lambda: trace(net, node.name, target, reply=True))
        _within_limit(f"{what} to_yaml", SEED, lambda: parse_scenario(labkit.scenario.to_yaml(net)))


def test_mutated_commands_are_applied_or_refused():
    rnd = random.Random(SEED)
    net = labkit.load_scenario("nlb-intranet")
    for _round in range(ROUNDS * 3):
        line = " ".join(_mutate(rnd, rnd.choice(COMMANDS)).split("\n")).strip()  # a command is one line
        _within_limit(f"command {line[:80]!r}", SEED, lambda: apply_command(net, "web1", line))


CASES = DATA_DIR / "cases"


def test_mutated_case_files_parse_or_fail_with_one_line(tmp_path):
    rnd = random.Random(SEED)
    dcdiag = (CASES / "dcdiag-seed.txt").read_text()
    repl = (CASES / "replsummary-failing.txt").read_text()
    layouts = [p.read_text() for p in sorted(CASES.glob("restore-*.yaml"))]
    clean = parse_replsummary((CASES / "replsummary-clean.txt").read_text())
    for round_ in range(ROUNDS):
        report = _within_limit(f"dcdiag round {round_}", SEED, lambda: parse_dcdiag(_mutate(rnd, dcdiag)))
        if report is not None:
            state = DomainState(
                rnd.choice(["2003", "2008R2", "x", ""]),
                rnd.choice(["frs", "dfsr"]),
                rnd.choice([None, 0, 1, 2, 3]),
                clean,
            )
            _within_limit(f"judge round {round_}", SEED, lambda: judge(report, state))
        _within_limit(f"replsummary round {round_}", SEED, lambda: parse_replsummary(_mutate(rnd, repl)))
        path = tmp_path / f"layout{round_}.yaml"
        path.write_text(_mutate(rnd, rnd.choice(layouts)), encoding="utf-8")
        layout = _within_limit(f"layout round {round_}", SEED, lambda: load_layout(path))
        if layout is not None:
            _within_limit(f"preflight round {round_}", SEED, lambda: preflight(layout))


def test_odd_panel_field_values_give_field_errors_not_tracebacks():
    rnd = random.Random(SEED)
    ftp = labkit.load_scenario("ftp-nat-seed")
    nlb = labkit.load_scenario("nlb-intranet")
    fields = ODD + [
        "193.211.10.27",
        "51976-51999",
        "10.10.0.1, 10.10.0.2",
        "10.30.0.0/16 via 10.10.0.1 on nlb metric 5",
    ]
    for _round in range(ROUNDS * 2):
        value = rnd.choice(fields)
        _within_limit(
            f"ftp_view external {value[:40]!r}",
            SEED,
            lambda: ftp_view(
                ftp,
                ftp.ftp.settings,
                external_address=value,
                passive_range=rnd.choice(fields),
                forward_range=rnd.choice([None, True, False]),
                helper=rnd.choice([None, True, False]),
                affinity=rnd.choice([None, "none", "client-ip"]),
            ),
        )
        flow = (rnd.choice(["10.10.0.100", value]), rnd.choice([None, "", value]))
        _within_limit(
            f"host_view {value[:40]!r}",
            SEED,
            lambda: host_view(
                nlb,
                "web1",
                Flow("pc1", *flow),
                gateways={"nlb": value},
                routes=rnd.choice(fields),
                switches={("nlb", "weakhostsend"): rnd.choice([True, False])},
            ),
        )


def test_the_command_line_never_reports_an_internal_error_on_bad_input(tmp_path, capsys):
    from labkit.cli import main

    rnd = random.Random(SEED)
    for round_ in range(ROUNDS):
        path = tmp_path / f"s{round_}.yaml"
        path.write_text(_mutate(rnd, SCENARIOS[rnd.choice(["nlb-intranet", "ftp-nat-seed"])]), encoding="utf-8")
        odd = rnd.choice(ODD)
        argv = rnd.choice(
            [
                ["validate", str(path)],
                [
                    "trace",
                    str(path),
                    "--from",
                    rnd.choice(["pc1", "web1", odd]),
                    "--to",
                    rnd.choice(["10.10.0.100", odd]),
                ],
                ["routes", str(path), rnd.choice(["web1", odd])],
                ["ftp", str(path), "--address", odd],
                ["run", str(path), "web1", rnd.choice([odd, "route print", "ipconfig /all"])],
                ["check", str(path)],
                ["commands", str(path), "web1"],
                ["restore", str(path)],
                ["dcdiag", str(path), "--dfl", odd],
            ]
        )
        start = time.perf_counter()
        code = main(argv)
        _, err = capsys.readouterr()
        assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, (SEED, argv, err)
        assert code != 1 or argv[0] == "check", (SEED, argv, err)
        assert time.perf_counter() - start < PER_INPUT_SECONDS * 2, (SEED, argv)
