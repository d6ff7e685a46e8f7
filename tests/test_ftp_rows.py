"""Every F-row of the FTP rules (docs/ftp-rules.md, from RFC 959, RFC 2428, RFC 4217, the Linux
nf_conntrack_ftp helper and pyftpdlib's documentation) that the model answers, as a named test.
Rows checked against the real server are in test_ftp_live.py."""

from dataclasses import replace
from ipaddress import IPv4Address
from pathlib import Path

import yaml

from labkit.model.ftp import ftp_session
from labkit.model.ftp_protocol import FtpClientSettings
from labkit.scenario import SCENARIO_DIR, load_scenario, parse_scenario

A = IPv4Address
PRIVATE_227 = "(192,168,1,32,203,8)"
PUBLIC_227 = "(193,211,10,27,203,8)"


def seed(**client):
    net = load_scenario("ftp-nat-seed")
    return net, replace(net.ftp.settings, **client)


def step(result, starts):
    return next(s for s in result.steps if s.sent.startswith(starts))


def test_F4_plain_ftp_helper_rewrites_227_and_it_works():
    net, settings = seed(trust_pasv_address=True)
    result = ftp_session(net, settings=settings)
    pasv = step(result, "227")
    assert PRIVATE_227 in pasv.sent and PUBLIC_227 in pasv.received
    assert pasv.rewrites[0].node == "fw"
    data = next(s for s in result.steps if s.channel == "data")
    assert data.trace.delivered.dst == A("192.168.1.32") and data.trace.delivered.dport == 51976
    assert "RELATED" in str(data.trace)
    assert result.succeeded


def test_F5_ftps_trusting_client_dials_the_private_address():
    net, settings = seed(tls="explicit", trust_pasv_address=True)
    result = ftp_session(net, settings=settings)
    pasv = step(result, "227")
    assert pasv.received == pasv.sent and PRIVATE_227 in pasv.received
    assert any("cannot read the TLS-encrypted" in n for n in pasv.notes)
    assert not result.succeeded and result.steps[result.failed_step - 1].channel == "data"
    assert result.reason.startswith("the client dialled 192.168.1.32:51976, the server's private address")
    assert "could not read the TLS-encrypted 227 reply" in result.reason


def test_F6_ftps_heuristic_client_needs_a_static_forward():
    net, settings = seed(tls="explicit", trust_pasv_address=False)
    blocked = ftp_session(net, settings=settings)
    assert not blocked.succeeded
    assert blocked.steps[blocked.failed_step - 1].sent == "connect to 193.211.10.27:51976"
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    fw = raw["nodes"]["fw"]
    fw["nat"]["port_forwards"].append({"interface": "wan", "ports": "51976-51999", "to": "192.168.1.32"})
    fw["firewall"]["rules"].append(
        {"action": "allow", "direction": "forward", "proto": "tcp", "dst": "192.168.1.32", "dport": "51976-51999"}
    )
    forwarded = parse_scenario(yaml.safe_dump(raw))
    assert ftp_session(forwarded, settings=settings).succeeded


def test_F7_external_address_and_forwarded_range_work_for_every_client():
    net = load_scenario("ftp-nat-ftps-fixed")
    for trust in (True, False):
        result = ftp_session(net, settings=replace(net.ftp.settings, trust_pasv_address=trust))
        assert result.succeeded, str(result)
        assert PUBLIC_227 in step(result, "227").sent  # the server says it itself


def test_F8_external_address_without_the_forward_fails():
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-ftps-fixed.yaml").read_text())
    raw["nodes"]["fw"]["nat"]["port_forwards"] = raw["nodes"]["fw"]["nat"]["port_forwards"][:1]
    result = ftp_session(parse_scenario(yaml.safe_dump(raw)))
    assert not result.succeeded and "193.211.10.27:51976" in result.reason
    assert "forward (and allow) the passive port range 51976-51999 on fw" in result.hint


def test_F9_epsv_plain_uses_the_helper_tls_needs_a_forward_external_address_irrelevant():
    net, settings = seed(mode="epsv")
    plain = ftp_session(net, settings=settings)
    assert plain.succeeded and step(plain, "229").received == step(plain, "229").sent
    assert ftp_session(net, settings=replace(settings, tls="explicit")).succeeded is False
    fixed = load_scenario("ftp-nat-ftps-fixed")
    assert ftp_session(fixed, settings=replace(fixed.ftp.settings, mode="epsv")).succeeded
    node = fixed.node("ftpsrv")
    no_external = fixed.with_node(replace(node, ftp_server=replace(node.ftp_server, external_address=None)))
    assert ftp_session(no_external, settings=replace(fixed.ftp.settings, mode="epsv")).succeeded


def test_F10_active_client_behind_nat_with_helper():
    net = load_scenario("ftp-active-client-nat")
    result = ftp_session(net)
    port = step(result, "PORT")
    assert port.sent.startswith("PORT 10,0,0,5,") and port.received.startswith("PORT 198,51,100,7,")
    assert result.succeeded
    without = net.with_node(replace(net.node("homerouter"), ftp_helper=None))
    refused = ftp_session(without)
    assert not refused.succeeded and "bounce protection" in refused.reason
    assert any(s.received.startswith("501 Rejected data connection to foreign address 10.0.0.5") for s in refused.steps)


WINDOWS_CLIENT = """
name: f11
nodes:
  pc:
    os: windows-2008r2
    interfaces:
      lan: {segment: lan, addresses: [10.0.0.5/24]}
    firewall: {default_in: deny, default_out: allow, stateful: true}
    ftp_helper: {ports: [21]}
  srv:
    interfaces:
      lan: {segment: lan, addresses: [10.0.0.21/24]}
    ftp_server: {software: iis, passive_ports: 50000-50009}
ftp: {client: pc, server: srv, address: 10.0.0.21, mode: active, tls: none}
"""


def test_F11_windows_firewall_stateful_ftp_blocks_active_ftps_passive_works():
    net = parse_scenario(WINDOWS_CLIENT)
    assert ftp_session(net).succeeded  # plain: stateful FTP expects the inbound connection
    ftps = ftp_session(net, settings=replace(net.ftp.settings, tls="explicit"))
    assert not ftps.succeeded and "DENIED" in ftps.steps[ftps.failed_step - 1].received
    assert "use passive mode" in ftps.hint
    assert ftp_session(net, settings=replace(net.ftp.settings, tls="explicit", mode="passive")).succeeded


def test_F12_bounce_port_to_a_foreign_address_is_refused():
    net = load_scenario("ftp-active-client-nat")
    without = net.with_node(replace(net.node("homerouter"), ftp_helper=None))
    result = ftp_session(without)
    assert result.steps[result.failed_step - 1].received.startswith("501 Rejected data connection to foreign address")


def test_F13_port_to_a_privileged_port_is_refused():
    net = parse_scenario((Path(__file__).parent / "data" / "ftp-direct.yaml").read_text())
    result = ftp_session(net, settings=FtpClientSettings(mode="active", data_port=80))
    assert result.steps[result.failed_step - 1].received == '501 PORT against the privileged port "80" refused.'


def test_F15_F16_tls_required_by_the_server():
    net = parse_scenario((Path(__file__).parent / "data" / "ftp-direct.yaml").read_text())
    node = net.node("server")
    strict = net.with_node(
        replace(node, ftp_server=replace(node.ftp_server, tls_required_control=True, tls_required_data=True))
    )
    plain = ftp_session(strict, settings=FtpClientSettings())
    assert plain.steps[-1].received == "550 SSL/TLS required on the control channel."
    clear_data = ftp_session(strict, settings=FtpClientSettings(tls="explicit", prot="C"))
    assert clear_data.steps[-1].received == "550 SSL/TLS required on the data channel."
    assert ftp_session(strict, settings=FtpClientSettings(tls="explicit", prot="P")).succeeded


def test_load_balancer_affinity_and_snat_pool():
    net = load_scenario("ftp-load-balancer")
    spread = ftp_session(net)
    assert not spread.succeeded and "picked another backend" in spread.reason
    assert "client-IP affinity" in spread.hint
    lb = net.node("lb")
    sticky = net.with_node(replace(lb, load_balancer=replace(lb.load_balancer, affinity="client-ip")))
    assert ftp_session(sticky).succeeded
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-load-balancer.yaml").read_text())
    pool = ["10.0.1.201", "10.0.1.202", "10.0.1.203"]
    raw["nodes"]["lb"]["interfaces"]["back"]["addresses"] += [f"{a}/24" for a in pool]
    raw["nodes"]["lb"]["load_balancer"].update(affinity="client-ip", snat=pool)
    pooled = parse_scenario(yaml.safe_dump(raw))
    result = ftp_session(pooled)
    assert not result.succeeded and "same-client-address check" in result.reason


def test_risk_table_follows_the_settings():
    net, settings = seed()
    plain = {r.risk: r.present for r in ftp_session(net, settings=settings).risks}
    assert plain == {
        "Server connects to client": False,
        "Dynamic ports in use": False,
        "Server not verified": True,
        "Authentication not encrypted": True,
        "Data not encrypted": True,
        "Connections from & to unknown hosts": True,
    }
    fixed = load_scenario("ftp-nat-ftps-fixed")
    risks = {r.risk: r.present for r in ftp_session(fixed).risks}
    assert risks["Authentication not encrypted"] is False and risks["Data not encrypted"] is False
    active = {r.risk: r.present for r in ftp_session(net, settings=replace(settings, mode="active")).risks}
    assert active["Server connects to client"] is True
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    raw["nodes"]["fw"]["firewall"]["rules"][1]["src"] = "203.0.113.0/24"
    known = {r.risk: r.present for r in ftp_session(parse_scenario(yaml.safe_dump(raw))).risks}
    assert known["Connections from & to unknown hosts"] is False


def test_ccc_lets_the_helper_read_the_227_again():
    net = load_scenario("ftp-nat-ftps")
    refused = ftp_session(net, settings=replace(net.ftp.settings, ccc=True))
    assert not refused.succeeded  # IIS here is not set up to accept CCC
    assert any(s.sent == "CCC" for s in refused.steps)
    node = net.node("ftpsrv")
    willing = net.with_node(replace(node, ftp_server=replace(node.ftp_server, ccc=True)))
    result = ftp_session(willing, settings=replace(net.ftp.settings, ccc=True))
    assert result.succeeded, str(result)
    assert PUBLIC_227 in step(result, "227").received
    assert any("send CCC after login" in r.text for r in ftp_session(willing).remedies)


def test_implicit_tls_uses_port_990_which_the_helper_does_not_watch():
    net = parse_scenario((Path(__file__).parent / "data" / "ftp-direct.yaml").read_text())
    node = net.node("server")
    assert not ftp_session(net, settings=FtpClientSettings(tls="implicit")).succeeded  # explicit-only server
    implicit = net.with_node(replace(node, ftp_server=replace(node.ftp_server, software="iis", tls="implicit")))
    result = ftp_session(implicit, settings=FtpClientSettings(tls="implicit"))
    assert result.succeeded and result.steps[0].sent == "connect to 10.0.0.21:990"
    assert not any(s.sent == "AUTH TLS" for s in result.steps)


DOUBLE_NAT = """
name: double
nodes:
  laptop:
    interfaces:
      lan: {segment: home, addresses: [10.0.0.5/24], gateways: [10.0.0.1]}
  home:
    role: router
    interfaces:
      lan: {segment: home, addresses: [10.0.0.1/24]}
      wan: {segment: internet, addresses: [198.51.100.7/24], gateways: [198.51.100.1]}
    nat: {masquerade: [wan]}
    ftp_helper: {ports: [21]}
    firewall: {rules: [{action: allow, direction: forward, in_interface: lan}]}
  isp:
    role: router
    interfaces:
      home: {segment: internet, addresses: [198.51.100.1/24]}
      edge: {segment: edge, addresses: [193.211.10.1/24]}
  fw:
    role: router
    interfaces:
      wan: {segment: edge, addresses: [193.211.10.27/24], gateways: [193.211.10.1]}
      lan: {segment: dmz, addresses: [192.168.1.1/24]}
    nat:
      port_forwards: [{interface: wan, ports: 21, to: 192.168.1.32}]
    ftp_helper: {ports: [21]}
    firewall:
      rules:
        - {action: allow, direction: forward, in_interface: wan, proto: tcp, dst: 192.168.1.32, dport: 21}
        - {action: allow, direction: forward, in_interface: lan}
  srv:
    interfaces:
      lan: {segment: dmz, addresses: [192.168.1.32/24], gateways: [192.168.1.1]}
    ftp_server: {software: vsftpd, passive_ports: 51976-51999}
ftp: {client: laptop, server: srv, address: 193.211.10.27, mode: active}
"""


def test_double_nat_active_mode_follows_the_control_connections_nat():
    net = parse_scenario(DOUBLE_NAT)
    result = ftp_session(net)
    assert result.succeeded, str(result)
    data = next(s for s in result.steps if s.channel == "data")
    assert "source NAT follows the FTP control connection" in str(data.trace)
    assert data.trace.delivered.dst == A("10.0.0.5")
    for mode in ("passive", "epsv", "eprt"):
        assert ftp_session(net, settings=replace(net.ftp.settings, mode=mode)).succeeded, mode


def test_a_servers_own_firewall_gets_an_inbound_fix():
    raw = yaml.safe_load(DOUBLE_NAT)
    raw["nodes"]["srv"]["firewall"] = {"rules": [{"action": "allow", "direction": "in", "proto": "tcp", "dport": 21}]}
    raw["nodes"]["srv"]["os"] = "windows-2008r2"
    raw["nodes"]["fw"]["nat"]["port_forwards"].append(
        {"interface": "wan", "ports": "51976-51999", "to": "192.168.1.32"}
    )
    raw["nodes"]["fw"]["firewall"]["rules"].append(
        {"action": "allow", "direction": "forward", "proto": "tcp", "dst": "192.168.1.32", "dport": "51976-51999"}
    )
    raw["ftp"].update(mode="passive", tls="explicit")
    result = ftp_session(parse_scenario(yaml.safe_dump(raw)))
    assert not result.succeeded
    assert "allow the passive port range 51976-51999 inbound in srv's firewall (netsh advfirewall" in result.hint


def test_a_helper_watching_another_port_is_named_and_fixed():
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-active-client-nat.yaml").read_text())
    raw["nodes"]["ftpsrv"]["ftp_server"]["port"] = 2121
    result = ftp_session(parse_scenario(yaml.safe_dump(raw)))
    assert not result.succeeded and "watches port(s) 21, not 2121" in result.reason
    assert "let the FTP helper on homerouter watch port 2121 too" in result.hint


def test_the_control_port_can_differ_from_the_servers_own():
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    raw["nodes"]["ftpsrv"]["ftp_server"]["port"] = 2121
    raw["nodes"]["fw"]["nat"]["port_forwards"][0].update(to_port=2121)
    raw["nodes"]["fw"]["firewall"]["rules"][1]["dport"] = 2121
    net = parse_scenario(yaml.safe_dump(raw))
    assert not ftp_session(net).succeeded  # the client dials 2121 by default
    assert ftp_session(net, settings=replace(net.ftp.settings, port=21)).succeeded


def test_implicit_tls_against_an_explicit_only_server_suggests_explicit():
    net = load_scenario("ftp-nat-ftps-fixed")
    result = ftp_session(net, settings=replace(net.ftp.settings, tls="implicit"))
    assert not result.succeeded and "use explicit TLS" in result.hint


def test_a_control_connection_failure_carries_the_engines_advice():
    net, settings = seed()
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    del raw["nodes"]["fw"]["firewall"]["rules"][1]  # FTP control no longer allowed
    result = ftp_session(parse_scenario(yaml.safe_dump(raw)))
    assert result.failed_step == 1 and "allow it in fw's firewall" in result.hint


def test_a_load_balancer_is_blamed_only_when_there_is_one():
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    raw["nodes"]["fw"]["firewall"]["default_in"] = "allow"
    raw["nodes"]["fw"]["firewall"]["rules"].insert(0, {"action": "allow", "direction": "in"})
    result = ftp_session(parse_scenario(yaml.safe_dump(raw)), settings=FtpClientSettings(tls="explicit"))
    assert not result.succeeded and "load balancer" not in result.reason and "picked another" not in result.reason


def test_F14_eprt_to_a_foreign_address_in_the_model():
    net = load_scenario("ftp-active-client-nat")
    without = net.with_node(replace(net.node("homerouter"), ftp_helper=None))
    result = ftp_session(without, settings=replace(net.ftp.settings, mode="eprt"))
    assert (
        result.steps[result.failed_step - 1].received
        == "501 Rejected data connection to foreign address 10.0.0.5:49153."
    )
