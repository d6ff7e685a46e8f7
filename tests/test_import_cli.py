"""Issue 12, the command-line contract: `labkit import FILE… [-o OUT.yaml] [--anonymise]`."""

import os
import random
import subprocess
import sys
from pathlib import Path

import yaml

import labkit
from labkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
NLB_WEB = sorted(str(p) for p in (ROOT / "labkit" / "data" / "imports" / "nlb-web").glob("*.txt"))
TWO_GATEWAYS = sorted(str(p) for p in (ROOT / "labkit" / "data" / "imports" / "two-gateways").glob("*.txt"))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_writes_a_scenario_that_loads_and_names_what_it_read(capsys, tmp_path):
    out_file = tmp_path / "mine.yaml"
    code, out, _ = run(capsys, "import", *NLB_WEB, "-o", str(out_file))
    assert code == 0 and out.rstrip().endswith(f"wrote {out_file}")
    assert "read web1-route-print.txt: route print" in out and "what the outputs cannot tell:" in out
    net = labkit.load_scenario(out_file)
    assert {n.name for n in net.nodes} >= {"WEB1", "WEB2"} and len(net.clusters) == 1


def test_the_order_of_the_files_does_not_matter(capsys):
    _, first, _ = run(capsys, "import", *TWO_GATEWAYS)
    shuffled = TWO_GATEWAYS[::-1]
    random.Random(1).shuffle(shuffled)
    _, second, _ = run(capsys, "import", *shuffled)
    body = lambda text: text[text.index("name: ") :]  # noqa: E731 - the comments list the files in order
    assert yaml.safe_load(body(first)) == yaml.safe_load(body(second))


def test_dash_reads_standard_input_and_anonymise_hides_the_names():
    route = Path(TWO_GATEWAYS[2]).read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "labkit.cli", "import", TWO_GATEWAYS[0], "-", TWO_GATEWAYS[1], "--anonymise"],
        input=route,
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert "host1" in text and "APP1" not in text and "192.168.1." not in text and "LAN A" not in text
    assert "read <stdin>: route print" in done.stderr.decode()


def test_bad_input_is_one_line_with_exit_status_2(capsys, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(os.urandom(3000))
    code, out, err = run(capsys, "import", NLB_WEB[0], str(junk))
    assert code == 2 and not out
    assert err.count("\n") == 1 and err.startswith(f"labkit: error: {junk}: ")
    code, _, err = run(capsys, "import", NLB_WEB[0])
    assert code == 2 and "no route print for WEB1" in err
    code, _, err = run(capsys, "import", *NLB_WEB, "--nlb", "10.10.0.99")
    assert code == 2 and err.startswith("labkit: error: --nlb 10.10.0.99: no imported NIC holds this address")


def test_import_server_takes_paths_a_list_or_name_text_pairs():
    as_paths = labkit.import_server(*TWO_GATEWAYS)
    as_list = labkit.import_server(list(TWO_GATEWAYS))
    as_pairs = labkit.import_server(*[(Path(p).name, Path(p).read_bytes()) for p in TWO_GATEWAYS])
    assert as_paths.to_yaml() == as_list.to_yaml() == as_pairs.to_yaml()
