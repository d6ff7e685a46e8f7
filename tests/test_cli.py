"""`labkit` on the command line: answers, JSON contract, and one-line errors for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from labkit.cli import main
from labkit.scenario import SCENARIO_DIR

LABKIT = Path(sys.executable).with_name("labkit")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_trace_text_and_exit_zero_whatever_the_disposition(capsys):
    code, out, _ = run(capsys, "trace", "nlb-three-nics", "--from", "pc1", "--to", "10.11.0.100", "--reply")
    assert code == 0
    assert "=> ACCEPTED" in out and "=> STRONG_SEND_BLOCKED" in out


def test_trace_json_contract(capsys):
    code, out, _ = run(capsys, "trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--json")
    data = json.loads(out)
    assert code == 0 and "reply" not in data
    for key in ("src", "dst", "disposition", "reason", "hint", "hops"):
        assert key in data
    assert data["src"] == "10.20.5.5" and data["dst"] == "10.10.0.100"
    assert data["hops"][0] == {"node": "pc1", "in": None, "out": "lan", "decision": data["hops"][0]["decision"]}
    assert data["hops"][-1]["in"] == "nlb" and data["hops"][-1]["out"] is None
    code, out, _ = run(capsys, "trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--json", "--reply")
    reply = json.loads(out)["reply"]
    assert reply["src"] == "10.10.0.100" and reply["dst"] == "10.20.5.5"
    assert reply["disposition"] == "ACCEPTED" and reply["hops"][0]["out"] == "nlb"


def test_trace_with_src_proto_and_dport(capsys):
    code, out, _ = run(
        capsys,
        "trace",
        "nlb-intranet",
        "--from",
        "web1",
        "--to",
        "172.16.2.1",
        "--src",
        "10.10.0.100",
        "--proto",
        "udp",
        "--dport",
        "1433",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["proto"] == "udp" and data["dport"] == 1433
    assert data["disposition"] == "STRONG_SEND_BLOCKED"


def test_run_applies_windows_commands_before_tracing(capsys):
    cmd = 'web1: netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled'
    code, out, _ = run(
        capsys,
        "trace",
        "nlb-intranet",
        "--from",
        "web1",
        "--to",
        "172.16.2.1",
        "--src",
        "10.10.0.100",
        "--json",
        "--run",
        cmd,
    )
    assert code == 0 and json.loads(out)["disposition"] == "ACCEPTED"


def test_routes_and_commands(capsys):
    code, out, _ = run(capsys, "routes", "nlb-intranet", "web1")
    assert code == 0 and "Persistent Routes:" in out and "10.30.0.0      255.255.0.0        10.10.0.1  1" in out
    code, out, _ = run(capsys, "routes", "nlb-intranet", "web1", "--netsh")
    assert code == 0 and "Publish  Type      Met  Prefix" in out
    code, out, _ = run(capsys, "commands", "nlb-intranet", "web1")
    assert code == 0
    assert "route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1 metric 1" in out.splitlines()
    assert 'netsh interface ipv4 add route 10.20.0.0/16 "NLB NIC" 10.10.0.1 metric=1' in out.splitlines()
    code, out, _ = run(capsys, "scenarios")
    assert code == 0 and "nlb-intranet" in out
    code, out, _ = run(capsys, "validate", "nlb-three-nics")
    assert code == 0 and "warning: nodes.web1.interfaces: default gateways on more than one subnet" in out


def broken(tmp_path, mutate):
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    mutate(raw)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def nlb(raw):
    return raw["nodes"]["web1"]["interfaces"]["nlb"]


BROKEN = {
    "unknown top-level key": (
        lambda r: r.update(nodez={}),
        "nodez: unknown key (did you mean 'nodes'? allowed here: name, title, description, nodes, clusters, ftp, checks)",
    ),
    "typo in an interface key": (
        lambda r: nlb(r).update(adresses=nlb(r).pop("addresses")),
        "nodes.web1.interfaces.nlb.adresses: unknown key (did you mean 'addresses'?",
    ),
    "bad address": (
        lambda r: nlb(r)["addresses"].__setitem__(0, "10.10.0.300/24"),
        "nodes.web1.interfaces.nlb.addresses[0]: expected an address with its prefix length",
    ),
    "address without prefix": (
        lambda r: nlb(r)["addresses"].__setitem__(0, "10.10.0.21"),
        "nodes.web1.interfaces.nlb.addresses[0]: expected an address with its prefix",
    ),
    "bad role": (
        lambda r: r["nodes"]["core"].update(role="server"),
        "nodes.core.role: expected 'host' or 'router', got 'server'",
    ),
    "bad os": (lambda r: r["nodes"]["web1"].update(os="windows-2000"), "nodes.web1.os: expected 'windows-2003'"),
    "bad metric": (
        lambda r: nlb(r).update(metric="fast"),
        "nodes.web1.interfaces.nlb.metric: expected 'auto' or a whole number from 1 to 9999",
    ),
    "bad switch value": (
        lambda r: nlb(r).update(weakhostsend="sometimes"),
        "nodes.web1.interfaces.nlb.weakhostsend: expected true or false, got 'sometimes'",
    ),
    "host bits in a route": (
        lambda r: r["nodes"]["web1"]["routes"][0].update(destination="10.30.1.0/16"),
        "nodes.web1.routes[0].destination: 10.30.1.0/16 has bits set outside its mask (did you mean 10.30.0.0/16?)",
    ),
    "gateway off every subnet": (
        lambda r: r["nodes"]["web1"]["routes"][0].update(gateway="10.99.0.1"),
        'nodes.web1.routes[0].gateway: gateway 10.99.0.1 is not on a subnet of "NLB NIC"; Windows refuses',
    ),
    "unknown route interface": (
        lambda r: r["nodes"]["web1"]["routes"][0].update(interface="wan"),
        "nodes.web1.routes[0].interface: node web1 has no interface 'wan' (it has: nlb, private)",
    ),
    "member without the cluster IP": (
        lambda r: r["nodes"]["web2"]["interfaces"]["nlb"].update(addresses=["10.10.0.22/24"]),
        'clusters.web.members[1]: "NLB NIC" of web2 does not have the cluster IP',
    ),
    "member that does not exist": (
        lambda r: r["clusters"]["web"]["members"].append("web3.nlb"),
        "clusters.web.members[2]: no node 'web3'",
    ),
    "member not NODE.IFACE": (
        lambda r: r["clusters"]["web"]["members"].append("web3"),
        "clusters.web.members[2]: expected NODE.INTERFACE like web1.nlb, got 'web3'",
    ),
    "duplicate address": (
        lambda r: r["nodes"]["web2"]["interfaces"]["private"].update(addresses=["172.16.2.21/24"]),
        "is also used by web1.private on segment lan-private",
    ),
    "weak host on 2003": (
        lambda r: (r["nodes"]["web1"].update(os="windows-2003"), nlb(r).update(weakhostsend=False)),
        "nodes.web1.interfaces.nlb.weakhostsend: Windows Server 2003 has no weakhostsend switch",
    ),
    "router that does not forward": (
        lambda r: r["nodes"]["core"]["interfaces"]["nlb"].update(forwarding=False),
        "nodes.core.interfaces.nlb.forwarding: a router forwards and is weak on every interface",
    ),
    "missing nodes": (lambda r: r.pop("nodes"), "nodes: required key is missing"),
    "node name with a dot": (
        lambda r: r["nodes"].update({"web.3": r["nodes"]["pc1"]}),
        "nodes.web.3 (name): expected a name of letters, digits",
    ),
    "binding order not a permutation": (
        lambda r: r["nodes"]["web1"].update(binding_order=["nlb"]),
        "nodes.web1.binding_order: expected each interface exactly once",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_scenario_gives_one_line_naming_file_key_and_expectation(tmp_path, capsys, case):
    mutate, expected = BROKEN[case]
    path = broken(tmp_path, mutate)
    code, out, err = run(capsys, "trace", str(path), "--from", "pc1", "--to", "10.10.0.100")
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"labkit: error: {path}: ")
    assert expected in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "text,expected",
    [
        ("name: x\nnodes: [\n", "line 3, column 1: not valid YAML"),
        ("name: x\nname: y\nnodes: {}\n", "duplicate key 'name'"),
        ("", "expected a mapping with at least 'name' and 'nodes'"),
        ("just text", "expected a mapping"),
    ],
)
def test_unreadable_yaml_is_one_line(tmp_path, capsys, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    code, _, err = run(capsys, "routes", str(path), "web1")
    assert code == 2 and err.count("\n") == 1 and str(path) in err and expected in err, err


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["trace", "no-such-scenario", "--from", "a", "--to", "10.0.0.1"], "no such file, and no shipped scenario"),
        (["trace", "nlb-intranet", "--from", "pc9", "--to", "10.0.0.1"], "no node 'pc9' in scenario nlb-intranet"),
        (
            ["trace", "nlb-intranet", "--from", "pc1", "--to", "10.0.0.300"],
            "expected an IPv4 destination like 10.10.0.1, got '10.0.0.300'",
        ),
        (["trace", "nlb-intranet", "--from", "pc1", "--to", "224.0.0.5"], "not a unicast address"),
        (
            ["trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--src", "10.10.0.21"],
            "10.10.0.21 is not an address of pc1",
        ),
        (["trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--proto", "sctp"], "invalid choice"),
        (["trace", "nlb-intranet", "--from", "pc1"], "required: --to"),
        (
            ["trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--run", "web1 route add"],
            "--run expects 'NODE: COMMAND'",
        ),
        (
            [
                "trace",
                "nlb-intranet",
                "--from",
                "pc1",
                "--to",
                "10.10.0.100",
                "--run",
                "web1: route add 10.1.0.0 mask 255.255.0.0 10.99.0.1",
            ],
            "the gateway does not lie on the same network",
        ),
        (["routes", "nlb-intranet", "web9"], "no node 'web9'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and expected in err, err


def test_installed_console_script(tmp_path):
    ok = subprocess.run(
        [str(LABKIT), "trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--reply"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and "reply:" in ok.stdout
    bad = subprocess.run(
        [str(LABKIT), "routes", str(tmp_path / "missing.yaml"), "web1"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.splitlines()) == 1


def intranet_copy(tmp_path, name, change):
    """A copy of the intranet design without its static routes, with one change applied."""
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    for node in ("web1", "web2"):
        raw["nodes"][node].pop("routes")
        change(raw["nodes"][node])
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def nlb_nic(node):
    return node["interfaces"]["nlb"]


COPIES = {
    "no remedy": (lambda n: None, "STRONG_SEND_BLOCKED"),
    "static route on the NLB NIC": (
        lambda n: n.update(routes=[{"destination": "10.20.0.0/16", "gateway": "10.10.0.1", "interface": "nlb"}]),
        "ACCEPTED",
    ),
    "weakhostsend on the NLB NIC": (lambda n: nlb_nic(n).update(weakhostsend=True), "ACCEPTED"),
    "forwarding on the NLB NIC": (lambda n: nlb_nic(n).update(forwarding=True), "ACCEPTED"),
    "windows-2003": (lambda n: n.update(os="windows-2003"), "ACCEPTED"),
}


@pytest.mark.parametrize("case", sorted(COPIES))
def test_intranet_copy_without_static_routes_from_the_command_line(tmp_path, case):
    change, expected = COPIES[case]
    path = intranet_copy(tmp_path, case.replace(" ", "-"), change)
    out = subprocess.run(
        [str(LABKIT), "trace", str(path), "--from", "pc1", "--to", "10.10.0.100", "--reply", "--json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["disposition"] == "ACCEPTED"
    assert data["reply"]["disposition"] == expected
    if expected == "STRONG_SEND_BLOCKED":
        hint = data["reply"]["hint"]
        assert 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled' in hint
        assert "route -p add 10.20.0.0 mask 255.255.0.0 10.10.0.1" in hint
        assert 'netsh interface ipv4 set interface "NLB NIC" forwarding=enabled' in hint


def test_ftp_seed_done_when(capsys):
    code, out, _ = run(
        capsys,
        "ftp",
        "ftp-nat-seed",
        "--client",
        "client",
        "--server",
        "ftpsrv",
        "--mode",
        "passive",
        "--tls",
        "none",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["outcome"] == "success" and data["failed_step"] is None
    pasv = next(s for s in data["steps"] if s["sent"].startswith("227"))
    assert "(192,168,1,32,203,8)" in pasv["sent"] and "(193,211,10,27,203,8)" in pasv["received"]
    for step in data["steps"]:
        assert set(step) >= {"channel", "from", "to", "sent", "received", "trace"}
    assert {r["risk"] for r in data["risks"]} >= {"Server connects to client", "Data not encrypted"}
    assert all(set(r) >= {"risk", "present", "mitigation"} for r in data["risks"])

    code, out, _ = run(capsys, "ftp", "ftp-nat-seed", "--tls", "explicit", "--trust-pasv-address", "--json")
    data = json.loads(out)
    assert code == 0 and data["outcome"] == "failure"
    failed = data["steps"][data["failed_step"] - 1]
    assert failed["channel"] == "data" and failed["sent"] == "connect to 192.168.1.32:51976"
    assert "the server's private address" in data["reason"] and "TLS-encrypted 227" in data["reason"]
    assert "external address" in data["hint"] and "51976-51999" in data["hint"]

    code, out, _ = run(capsys, "ftp", "ftp-nat-ftps-fixed", "--trust-pasv-address")
    assert code == 0 and "=> SUCCESS" in out


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["ftp", "ftp-nat-seed", "--mode", "sideways"], "invalid choice: 'sideways'"),
        (["ftp", "ftp-nat-seed", "--client", "nobody"], "no node 'nobody' in scenario ftp-nat-seed"),
        (["ftp", "ftp-nat-seed", "--server", "fw"], "fw runs no FTP server"),
        (["ftp", "nlb-intranet"], "say which node is the FTP client and which the server"),
        (["ftp", "nlb-intranet", "--client", "pc1", "--server", "web1"], "web1 runs no FTP server"),
    ],
)
def test_ftp_bad_flags_are_one_line(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and expected in err, err


FTP_BROKEN = {
    "bad port range": (
        lambda r: r["nodes"]["fw"]["nat"]["port_forwards"][0].update(ports="21-20"),
        "nodes.fw.nat.port_forwards[0].ports: expected ports from 1 to 65535, low to high",
    ),
    "masquerade on an unknown interface": (
        lambda r: r["nodes"]["fw"]["nat"].update(masquerade=["wan2"]),
        "nodes.fw.nat.masquerade[0]: expected one of lan, wan, got 'wan2'",
    ),
    "bad firewall action": (
        lambda r: r["nodes"]["fw"]["firewall"]["rules"][0].update(action="permit"),
        "nodes.fw.firewall.rules[0].action: expected 'allow' or 'deny'",
    ),
    "bad rule address": (
        lambda r: r["nodes"]["fw"]["firewall"]["rules"][1].update(dst="192.168.1.300"),
        "nodes.fw.firewall.rules[1].dst: expected an address or a network",
    ),
    "ftp server not an ftp server": (
        lambda r: r["ftp"].update(server="fw"),
        "ftp.server: fw has no ftp_server: section",
    ),
    "nat on a host": (
        lambda r: r["nodes"]["ftpsrv"].update(nat={"masquerade": ["lan"]}),
        "nodes.ftpsrv: NAT and load balancers live on routers",
    ),
    "bad tls value": (lambda r: r["ftp"].update(tls="ssl"), "ftp.tls: expected 'none', 'explicit' or 'implicit'"),
}


@pytest.mark.parametrize("case", sorted(FTP_BROKEN))
def test_broken_ftp_scenario_is_one_line(tmp_path, capsys, case):
    mutate, expected = FTP_BROKEN[case]
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    mutate(raw)
    path = tmp_path / "ftp.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    code, out, err = run(capsys, "ftp", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and expected in err, err
