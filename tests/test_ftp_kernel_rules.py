"""FTP as the Linux helper and real clients and servers do it (issue 9, items 10-14)."""

import json
import re
from dataclasses import replace
from ipaddress import IPv4Address
from pathlib import Path

import yaml

import labkit.model.ftp as ftp_model
from conftest import DATA
from labkit.cli import main
from labkit.model.ftp import ftp_session
from labkit.model.ftp_ports import merged, pieces
from labkit.model.ftp_protocol import FtpClientSettings
from labkit.scenario import SCENARIO_DIR, load_scenario, parse_scenario

A = IPv4Address
ROOT = Path(__file__).resolve().parents[1]


def with_server(net, name="ftpsrv", **changes):
    node = net.node(name)
    return net.with_node(replace(node, ftp_server=replace(node.ftp_server, **changes)))


def with_helper(net, name="fw", **changes):
    node = net.node(name)
    return net.with_node(replace(node, ftp_helper=replace(node.ftp_helper, **changes)))


def step(result, starts):
    return next(s for s in result.steps if s.sent.startswith(starts))


def kinds(s):
    return [e.kind for e in s.helpers]


# --- item 10: a loose helper follows the control connection (nf_nat_follow_master) -----------


def test_loose_helper_maps_data_to_the_real_server():
    net = with_server(load_scenario("ftp-nat-seed"), external_address=A("193.211.10.27"))
    strict = ftp_session(net, settings=replace(net.ftp.settings, trust_pasv_address=True))
    assert not strict.succeeded and "not-recording" in kinds(step(strict, "227"))
    loose = ftp_session(with_helper(net, loose=True), settings=replace(net.ftp.settings, trust_pasv_address=True))
    assert loose.succeeded, str(loose)
    pasv = step(loose, "227")
    assert kinds(pasv) == ["expects"] and not pasv.rewrites  # already the public address
    data = next(s for s in loose.steps if s.channel == "data")
    assert data.trace.delivered.dst == A("192.168.1.32") and data.trace.delivered.dport == 51976
    assert data.trace.last_hop.node == "ftpsrv"


# --- item 11: CCC refused -------------------------------------------------------------------


def test_ccc_refused_ftplib_stops():
    net = load_scenario("ftp-nat-ftps")
    result = ftp_session(net, settings=replace(net.ftp.settings, ccc=True))
    assert not result.succeeded
    refused = result.steps[result.failed_step - 1]
    assert refused.sent.startswith("534") and result.steps[result.failed_step - 2].sent == "CCC"
    assert result.failed_step == len(result.steps)  # nothing after the refusal
    assert "ftplib" in result.reason and "on_ccc_refused: stop" in result.reason
    assert "Require only for credentials" in result.hint


def test_ccc_refused_continue_fails_later_at_the_data_step():
    net = load_scenario("ftp-nat-ftps")
    result = ftp_session(net, settings=replace(net.ftp.settings, ccc=True, on_ccc_refused="continue"))
    assert not result.succeeded and result.steps[result.failed_step - 1].channel == "data"
    assert "blind" in kinds(step(result, "227"))


def test_ccc_refused_setting_is_read_from_yaml_and_checked():
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-ftps.yaml").read_text())
    raw["ftp"].update(ccc=True, on_ccc_refused="continue")
    assert parse_scenario(yaml.safe_dump(raw)).ftp.settings.on_ccc_refused == "continue"
    raw["ftp"]["on_ccc_refused"] = "retry"
    try:
        parse_scenario(yaml.safe_dump(raw))
    except ValueError as err:
        assert "on_ccc_refused" in str(err) and "\n" not in str(err).strip()
    else:
        raise AssertionError("a bad on_ccc_refused was accepted")


# --- item 12: after CCC the helper resynchronises on one clear line each way ------------------


def ccc_network():
    return with_server(load_scenario("ftp-nat-ftps"), ccc=True)


def test_pasv_first_after_ccc_not_rewritten():
    net = ccc_network()
    first = ftp_session(net, settings=replace(net.ftp.settings, ccc=True, type_before_data=False))
    assert not any(s.sent == "TYPE A" for s in first.steps)
    pasv = step(first, "227")
    assert not pasv.rewrites and pasv.received == pasv.sent
    event = next(e for e in pasv.helpers if e.kind == "unsynchronised")
    assert event.after_tls and event.carries_address and "227 is not rewritten" in event.text
    assert not first.succeeded and "dialled 192.168.1.32:51976" in first.reason
    assert "skipped the 227 reply: it was the first clear-text line from the server after CCC" in first.reason
    assert first.hint.startswith("send TYPE A (or any command) after CCC before PASV/PORT")


def test_type_before_pasv_resynchronises_the_helper_after_ccc():
    net = ccc_network()
    result = ftp_session(net, settings=replace(net.ftp.settings, ccc=True))
    assert result.succeeded, str(result)
    type_a = step(result, "TYPE A")
    type_reply = result.steps[result.steps.index(type_a) + 1]
    assert [e.after_tls for e in type_a.helpers if e.kind == "unsynchronised"] == [True]
    assert [e.after_tls for e in type_reply.helpers if e.kind == "unsynchronised"] == [True]
    assert step(result, "227").rewrites[0].node == "fw"
    assert "unsynchronised" in json.dumps(result.to_dict())


def test_port_first_after_ccc_not_rewritten():
    net = with_server(load_scenario("ftp-active-client-nat"), ccc=True)
    settings = replace(net.ftp.settings, tls="explicit", ccc=True, type_before_data=False)
    result = ftp_session(net, settings=settings, check_fixes=False)
    port = step(result, "PORT")
    assert not port.rewrites and "unsynchronised" in kinds(port)
    assert (
        not result.succeeded
        and "501 Rejected data connection to foreign address 10.0.0.5" in result.steps[result.failed_step - 1].received
    )
    assert ftp_session(net, settings=replace(settings, type_before_data=True), check_fixes=False).succeeded


# --- item 13: passive port choice --------------------------------------------------------------


def test_partly_forwarded_range_works_for_k_of_n_ports():
    result = ftp_session(load_scenario("ftp-nat-ftps-partial"))
    ports = result.passive_ports
    assert (ports.working_ports, ports.ports, ports.working) == (12, 24, ((51976, 51987),))
    summary = "works for 12 of 24 ports (which: 51976-51987)"
    assert str(ports) == summary and summary in result.reason
    assert not result.succeeded and "port 51988" in result.reason  # the lowest failing port is shown
    assert step(result, "227").ports == ports and summary in str(result)
    assert result.to_dict()["passive_ports"]["summary"] == summary
    assert "forward (and allow) the passive port range 51976-51999 on fw" in result.hint
    assert "shrink the server's passive range to the ports that work (51976-51987" in result.hint


def test_partly_forwarded_range_in_the_cli_json(capsys):
    assert main(["ftp", "ftp-nat-ftps-partial", "--json"]) == 0  # the FTP outcome is in the JSON
    data = json.loads(capsys.readouterr().out)
    assert data["passive_ports"]["working"] == ["51976-51987"] and data["passive_ports"]["ports"] == 24
    pasv = next(s for s in data["steps"] if s["sent"].startswith("227"))
    assert pasv["passive_ports"]["summary"] == "works for 12 of 24 ports (which: 51976-51987)"


def test_a_wide_range_is_computed_by_pieces_not_port_by_port(monkeypatch):
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-ftps-partial.yaml").read_text())
    del raw["nodes"]["ftpsrv"]["ftp_server"]["passive_ports"]  # IIS 0-0: 49152-65535
    fw = raw["nodes"]["fw"]
    fw["nat"]["port_forwards"][1]["ports"] = "50000-50099"
    fw["nat"]["port_forwards"].append({"interface": "wan", "ports": "60000-60009", "to": "192.168.1.32"})
    fw["firewall"]["rules"][2]["dport"] = "50000-50099"
    fw["firewall"]["rules"].append(
        {"action": "allow", "direction": "forward", "proto": "tcp", "dst": "192.168.1.32", "dport": "60000-60009"}
    )
    runs = []
    real = ftp_model._run
    monkeypatch.setattr(ftp_model, "_run", lambda *a: runs.append(a[-1]) or real(*a))
    result = ftp_session(parse_scenario(yaml.safe_dump(raw)), check_fixes=False)
    ports = result.passive_ports
    assert ports.pool == (49152, 65535) and ports.ports == 16384
    assert ports.working == ((50000, 50099), (60000, 60009)) and ports.working_ports == 110
    assert len(runs) <= 8, runs


def test_pieces_cut_the_range_where_rules_start_and_end():
    assert pieces((51976, 51999), [(51976, 51987), (21, 21)]) == [(51976, 51987), (51988, 51999)]
    assert pieces((100, 200), [(150, 300), (1, 120)]) == [(100, 120), (121, 149), (150, 200)]
    assert merged([(5, 9), (1, 4), (20, 30)]) == ((1, 9), (20, 30))


def test_a_whole_range_that_works_says_so():
    result = ftp_session(load_scenario("ftp-nat-ftps-fixed"))
    assert result.succeeded and str(result.passive_ports) == "works for all 24 ports"


# --- item 14: what real servers say and do ------------------------------------------------------


def test_iis_list_passive_125():
    result = ftp_session(load_scenario("ftp-nat-seed"))
    assert result.succeeded
    after_list = result.steps[result.steps.index(step(result, "LIST")) + 1]
    assert after_list.sent == "125 Data connection already open; Transfer starting."


def test_iis_and_vsftpd_eprt_replies_have_their_own_text():
    net = parse_scenario((DATA / "ftp-direct.yaml").read_text())
    expected = {
        "iis": "200 EPRT command successful.",
        "vsftpd": "200 EPRT command successful. Consider using EPSV.",
        "pyftpdlib": "200 Active data connection established.",
    }
    for software, text in expected.items():
        result = ftp_session(with_server(net, "server", software=software), settings=FtpClientSettings(mode="eprt"))
        assert result.succeeded and any(s.sent == text for s in result.steps), software
    iis_port = ftp_session(with_server(net, "server", software="iis"), settings=FtpClientSettings(mode="active"))
    assert any(s.sent == "200 PORT command successful." for s in iis_port.steps)


def test_vsftpd_connect_from_port_20_default_no():
    net = parse_scenario((DATA / "ftp-direct.yaml").read_text())
    active = FtpClientSettings(mode="active")

    def source_port(**server):
        result = ftp_session(with_server(net, "server", **server), settings=active)
        return next(s for s in result.steps if s.channel == "data").trace.sport

    assert source_port(software="vsftpd") != 20
    assert source_port(software="vsftpd", connect_from_port_20=True) == 20
    assert source_port(software="iis") == 20
    assert source_port(software="pyftpdlib") != 20
    assert (
        parse_scenario((DATA / "ftp-direct.yaml").read_text()).node("server").ftp_server.connect_from_port_20 is False
    )


def test_implicit_ftps_control_port_990():
    net = with_server(load_scenario("ftp-nat-seed"), tls="implicit")
    node = net.node("fw")
    forward = replace(node.nat.port_forwards[0], ports=(990, 990))
    rule = replace(node.firewall.rules[1], dport=(990, 990))
    net = net.with_node(
        replace(
            node,
            nat=replace(node.nat, port_forwards=(forward,)),
            firewall=replace(node.firewall, rules=(node.firewall.rules[0], rule)),
        )
    )
    implicit = ftp_session(net, settings=FtpClientSettings(tls="implicit"))
    assert implicit.steps[0].sent == "connect to 193.211.10.27:990"
    assert not any(s.sent == "AUTH TLS" for s in implicit.steps)
    assert "other-port" in kinds(step(implicit, "227"))  # the helper watches 21 only
    explicit = ftp_session(load_scenario("ftp-nat-seed"), settings=FtpClientSettings(tls="explicit"))
    assert explicit.steps[0].sent == "connect to 193.211.10.27:21" and step(explicit, "AUTH TLS")


def test_refusing_a_foreign_port_address_is_server_policy_and_rfc_2577_is_about_low_ports():
    net = load_scenario("ftp-active-client-nat")
    foreign = ftp_session(net.with_node(replace(net.node("homerouter"), ftp_helper=None)))
    assert "the server's own policy (permit_foreign_addresses=False)" in foreign.reason
    low = ftp_session(
        parse_scenario((DATA / "ftp-direct.yaml").read_text()), settings=FtpClientSettings(mode="active", data_port=80)
    )
    assert "RFC 2577 advises servers to refuse PORT to ports below 1024" in low.reason


def test_no_ftp_text_says_the_control_connection_is_always_port_21():
    always_21 = re.compile(r"always[^.]{0,40}port 21|port 21[^.]{0,20}always", re.I)
    texts = [
        *(SCENARIO_DIR.glob("ftp-*.yaml")),
        ROOT / "docs" / "ftp-rules.md",
        ROOT / "notebooks" / "04-ftp-active-passive.ipynb",
        ROOT / "notebooks" / "05-ftp-nat-tls-load-balancers.ipynb",
    ]
    for path in texts:
        assert not always_21.search(path.read_text()), path
