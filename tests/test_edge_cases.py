"""Edge cases found in review: each was a wrong answer, a traceback or a hint that did not help."""

import pytest
import yaml

from conftest import DATA
from labkit.model import CommandError, Disposition, node_commands, profile, run_command, trace
from labkit.model.engine import TraceError
from labkit.scenario import SCENARIO_DIR, ScenarioError, load_scenario, parse_scenario

SAME_SUBNET_WITH_MONITOR = """
name: monitor
nodes:
  web1:
    interfaces:
      nlb: {label: NLB NIC, segment: lan, addresses: [10.10.0.21/24, 10.10.0.100/24], gateways: [10.10.0.1]}
  web2:
    interfaces:
      nlb: {label: NLB NIC, segment: lan, addresses: [10.10.0.22/24, 10.10.0.100/24], gateways: [10.10.0.1]}
  mon:
    interfaces:
      lan: {segment: lan, addresses: [10.10.0.98/24]}
clusters:
  web: {ip: 10.10.0.100, members: [web1.nlb, web2.nlb]}
"""


def test_a_reply_nlb_hands_to_another_member_is_not_a_success():
    net = parse_scenario(SAME_SUBNET_WITH_MONITOR)
    result = trace(net, "web1", "10.10.0.98", reply=True)
    assert result.src.exploded == "10.10.0.100"  # Vista+ source selection picks the cluster IP
    assert "cluster web" in result.hops[0].decision
    reply = result.reply
    assert reply.accepted and not reply.succeeded
    assert reply.last_hop.node == "web2" and reply.expected_at == "web1"
    assert "the exchange fails" in reply.reason and "by the wrong node" in str(result)
    assert "skipassource=true" in reply.hint
    assert reply.to_dict()["expected_at"] == "web1"


def test_skipassource_keeps_the_cluster_ip_out_of_source_selection():
    net = parse_scenario(SAME_SUBNET_WITH_MONITOR)
    with pytest.raises(CommandError, match="The object already exists"):
        run_command(net.node("web1"), 'netsh interface ipv4 add address "NLB NIC" 10.10.0.100 255.255.255.0')
    net, answer = run_command(
        net.node("web1"),
        'netsh interface ipv4 delete address "NLB NIC" 10.10.0.100 && '
        'netsh interface ipv4 add address "NLB NIC" 10.10.0.100 255.255.255.0 skipassource=true',
    )
    assert answer == "Ok.\nOk."
    result = trace(parse_scenario(SAME_SUBNET_WITH_MONITOR).with_node(net), "web1", "10.10.0.98", reply=True)
    assert result.src.exploded == "10.10.0.21" and result.reply.succeeded


def test_windows_2003_picks_the_first_address_not_kb969029():
    net = parse_scenario(SAME_SUBNET_WITH_MONITOR).with_os("web1", profile("windows-2003"))
    result = trace(net, "web1", "10.10.0.98", reply=True)
    assert result.src.exploded == "10.10.0.21" and result.reply.succeeded
    assert "does not rank addresses" in result.hops[0].decision


def test_an_on_link_default_route_beside_gateways_does_not_crash_dead_gateway_detection():
    net = parse_scenario("""
name: x
nodes:
  H:
    interfaces:
      lan: {segment: lan, addresses: [10.1.0.10/24], gateways: [10.1.0.1, 10.1.0.2]}
    routes: [{destination: 0.0.0.0/0, gateway: on-link, interface: lan, metric: 1}]
  R1:
    role: router
    down: true
    interfaces:
      lan: {segment: lan, addresses: [10.1.0.1/24]}
""")
    result = trace(net, "H", "10.9.0.50")
    assert result.disposition is Disposition.NEIGHBOR_UNREACHABLE


def test_a_gateway_that_is_the_nodes_own_address_means_on_link():
    net = parse_scenario("""
name: x
nodes:
  H:
    interfaces:
      lan: {segment: lan, addresses: [10.1.0.10/24]}
    routes: [{destination: 10.1.9.0/24, gateway: 10.1.0.10}]
  T:
    interfaces:
      lan: {segment: lan, addresses: [10.1.9.5/16]}
""")
    result = trace(net, "H", "10.1.9.5")
    assert result.accepted and "treated as on-link" in result.hops[0].decision


TWO_ROUTERS = """
name: x
nodes:
  H:
    interfaces:
      nlb: {label: NLB NIC, segment: lan, addresses: [10.10.0.21/24, 10.10.0.100/24]}
      mgmt: {label: Mgmt NIC, segment: mgmt, addresses: [10.20.0.21/24], gateways: [10.20.0.1]}
  Rdead-end:
    role: router
    interfaces:
      lan: {segment: lan, addresses: [10.10.0.5/24]}
  R:
    role: router
    interfaces:
      lan: {segment: lan, addresses: [10.10.0.1/24]}
      mgmt: {segment: mgmt, addresses: [10.20.0.1/24]}
      remote: {segment: remote, addresses: [10.30.0.1/16]}
  C:
    interfaces:
      lan: {segment: remote, addresses: [10.30.5.5/16], gateways: [10.30.0.1]}
"""


def test_hints_are_tried_and_only_the_router_that_works_is_suggested():
    reply = trace(parse_scenario(TWO_ROUTERS), "C", "10.10.0.100", reply=True).reply
    assert reply.disposition is Disposition.STRONG_SEND_BLOCKED
    assert "via 10.10.0.1" in reply.hint and "10.10.0.5" not in reply.hint
    assert [r.text.split(" on ")[0] for r in reply.remedies] == [
        "enable weakhostsend",
        "add a route to 10.30.0.0/16 via 10.10.0.1",
        "enable forwarding",
    ]


def test_a_remedy_that_does_not_fix_it_is_dropped_when_another_does():
    raw = yaml.safe_load(TWO_ROUTERS)
    del raw["nodes"]["R"]["interfaces"]["mgmt"]  # the Mgmt NIC's gateway now leads nowhere
    raw["nodes"]["G"] = {"role": "router", "interfaces": {"mgmt": {"segment": "mgmt", "addresses": ["10.20.0.1/24"]}}}
    reply = trace(parse_scenario(yaml.safe_dump(raw)), "C", "10.10.0.100", reply=True).reply
    assert [r.text for r in reply.remedies] == ['add a route to 10.30.0.0/16 via 10.10.0.1 on "NLB NIC" of H']


def test_a_remedy_that_only_gets_further_says_so():
    raw = yaml.safe_load((DATA / "not-a-router.yaml").read_text())
    raw["nodes"]["T"]["down"] = True
    net = parse_scenario(yaml.safe_dump(raw))
    result = trace(net, "S", "10.2.0.30")
    assert result.disposition is Disposition.NOT_FORWARDED
    assert [r.text for r in result.remedies] == [
        'enable forwarding on "a" of H (not enough alone: then NEIGHBOR_UNREACHABLE at H)'
    ]


@pytest.mark.parametrize(
    "command,expected",
    [
        ("route add 10.50.0.0 mask 255.255.0.0 10.10.0.1 if 0xZZ", "IF must be a number"),
        ("route add 10.50.0.0 mask 255.255.0.0 10.10.0.1 if 0x", "IF must be a number"),
        ("route add 10.50.0.0 mask 255.255.0.0 10.10.0.1 metric 0", "METRIC must be a number from 1"),
        ("route add 10.50.0.0 mask 255.255.0.0 10.10.0.1 if 99", "interface index 99 does not exist"),
        ("route add 10.50.0.0 mask 255.255.0.0 10.10.0.1 10.10.0.2", "unexpected argument"),
        ("route -f", "not modelled"),
        ('netsh interface ipv4 add route 10.50.0.0/16 "NLB NIC" 10.10.0.1 publish=yes', "'publish' is not modelled"),
        ('netsh interface ipv4 set interface "NLB NIC" mtu=1400', "'mtu' is not modelled"),
        ('netsh interface ipv4 set interface "WAN NIC" forwarding=enabled', "no interface named 'WAN NIC'"),
        ("ping 10.1.1.1", "not a command labkit models"),
        ("reg add HKLM\\Software\\Foo /v Bar /d 1", "labkit models only"),
    ],
)
def test_commands_windows_would_refuse_give_one_message(command, expected):
    web1 = load_scenario("nlb-intranet").node("web1")
    with pytest.raises(CommandError) as err:
        run_command(web1, command)
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_abbreviations_store_and_deleting_the_default_gateway():
    web1 = load_scenario("nlb-intranet").node("web1")
    assert "Loopback Pseudo-Interface 1" in run_command(web1, "netsh int ip show int")[1]
    changed, _ = run_command(web1, 'netsh int ipv4 set int "NLB NIC" weakhostsend=enabled store=persistent')
    assert changed.interface("nlb").weakhostsend
    gone, answer = run_command(web1, "route delete 0.0.0.0")
    assert answer == " OK!" and gone.interface("private").gateways == ()


def test_windows_2003_commands_use_route_exe_and_ipenablerouter():
    web1 = load_scenario("nlb-intranet").with_os("web1", profile("windows-2003")).node("web1")
    with pytest.raises(CommandError, match="no 'netsh interface ipv4' context"):
        run_command(web1, 'netsh interface ipv4 set interface "NLB NIC" forwarding=enabled')
    changed, answer = run_command(
        web1,
        r"reg add HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters /v IPEnableRouter "
        r"/t REG_DWORD /d 1 /f",
    )
    assert all(i.forwarding for i in changed.interfaces) and "completed successfully" in answer
    lines = node_commands(changed)
    assert any("IPEnableRouter /t REG_DWORD /d 1" in line for line in lines)
    assert all("netsh interface ipv4" not in line for line in lines)
    assert 'netsh interface ip set address name="PRIVATE NIC" source=static addr=172.16.2.21' in lines[2]


def test_node_commands_cover_addresses_metrics_and_switches():
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["nodes"]["web1"]["interfaces"]["nlb"].update(metric=5, weakhostreceive=True, skip_as_source=["10.10.0.100"])
    lines = node_commands(parse_scenario(yaml.safe_dump(raw)).node("web1"))
    assert lines[:5] == [
        'netsh interface ipv4 set address name="NLB NIC" source=static address=10.10.0.21 mask=255.255.255.0',
        'netsh interface ipv4 add address name="NLB NIC" address=10.10.0.100 mask=255.255.255.0',
        'netsh interface ipv4 delete address "NLB NIC" 10.10.0.100 && '
        'netsh interface ipv4 add address "NLB NIC" 10.10.0.100 255.255.255.0 skipassource=true',
        'netsh interface ipv4 set interface "NLB NIC" metric=5',
        'netsh interface ipv4 set interface "NLB NIC" weakhostreceive=enabled',
    ]


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"dport": 70000}, "destination port must be a number from 1 to 65535"),
        ({"sport": 0}, "source port must be a number from 1 to 65535"),
        ({"proto": "icmp", "dport": 7}, "ICMP has no ports"),
    ],
)
def test_bad_ports_are_refused(kwargs, expected):
    with pytest.raises(TraceError, match=expected):
        trace(load_scenario("nlb-intranet"), "pc1", "10.10.0.100", **kwargs)


@pytest.mark.parametrize(
    "dst,expected",
    [
        ("10.10.0.255", "broadcast address of 10.10.0.0/24"),
        ("10.20.0.0", "network address of 10.20.0.0/16"),
        ("127.0.0.1", "not a unicast address"),
    ],
)
def test_non_unicast_destinations_are_refused(dst, expected):
    with pytest.raises(TraceError, match=expected):
        trace(load_scenario("nlb-intranet"), "pc1", dst)


def _intranet(mutate):
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    mutate(raw)
    return yaml.safe_dump(raw, sort_keys=False)


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (
            lambda r: r["nodes"]["web1"]["interfaces"]["private"].update(index=11),
            "nodes.web1.interfaces.private.index: index 11 is already used by interface nlb",
        ),
        (
            lambda r: r["clusters"]["web"]["members"].append("web1.nlb"),
            "clusters.web.members[2]: web1.nlb is listed twice",
        ),
        (
            lambda r: r["clusters"].update(again={"ip": "10.10.0.100", "members": ["web1.nlb"]}),
            "clusters.again.ip: 10.10.0.100 is already the IP of cluster web",
        ),
        (
            lambda r: r["clusters"]["web"].update(members=["web1.nlb"]),
            "web2.nlb holds the cluster IP 10.10.0.100 but is not listed as a member",
        ),
        (
            lambda r: r["nodes"]["core"]["interfaces"]["nlb"].update(metric=5),
            "nodes.core.interfaces.nlb.metric: Linux has no interface metric",
        ),
        (
            lambda r: (
                r["nodes"]["web1"].update(os="windows-2003"),
                r["nodes"]["web1"]["interfaces"]["nlb"].update(forwarding=True),
            ),
            "forwards on every interface or on none (the registry value IPEnableRouter)",
        ),
        (
            lambda r: r["nodes"]["web1"]["interfaces"]["nlb"].update(skip_as_source=["10.10.0.99"]),
            "skip_as_source[0]: 10.10.0.99 is not one of this interface's addresses",
        ),
        (lambda r: r["nodes"]["web1"].update(interfaces={}), "nodes.web1.interfaces: expected at least one entry"),
        (lambda r: r["nodes"]["web1"].update(interfaces="nlb"), "nodes.web1.interfaces: expected a mapping"),
        (
            lambda r: r["nodes"]["web1"]["interfaces"]["nlb"].update(addresses="10.10.0.21/24"),
            "nodes.web1.interfaces.nlb.addresses: expected a list like [a, b]",
        ),
    ],
)
def test_scenario_mistakes_are_caught_with_their_key_path(mutate, expected):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_intranet(mutate), "x.yaml")
    assert expected in str(err.value), str(err.value)
    assert "\n" not in str(err.value)


def test_an_undefined_tie_on_the_path_is_named_in_the_hint():
    net = load_scenario("nlb-same-subnet")
    result = trace(net, "web1", "10.20.5.5")
    assert result.accepted and "undefined tie" in result.hint


CLUSTER_SOURCE_OFF_SUBNET = """
name: x
nodes:
  web1:
    interfaces:
      nlb: {label: NLB NIC, segment: lan, addresses: [10.10.0.21/24, 10.10.0.100/24], gateways: [10.10.0.97]}
  web2:
    interfaces:
      nlb: {label: NLB NIC, segment: lan, addresses: [10.10.0.22/24, 10.10.0.100/24], gateways: [10.10.0.97]}
  core:
    role: router
    interfaces:
      lan: {segment: lan, addresses: [10.10.0.97/24]}
      db: {segment: db, addresses: [10.30.0.1/24]}
  db1:
    interfaces:
      lan: {segment: db, addresses: [10.30.0.11/24]}
clusters:
  web: {ip: 10.10.0.100, members: [web2.nlb, web1.nlb]}
"""


def test_a_reply_fix_counts_only_if_the_answer_reaches_the_sender():
    net = parse_scenario(CLUSTER_SOURCE_OFF_SUBNET)
    result = trace(net, "web1", "10.30.0.11", reply=True)
    assert result.src.exploded == "10.10.0.100"  # closer to the next hop 10.10.0.97 (KB 969029 rule 3)
    reply = result.reply
    assert reply.disposition is Disposition.NO_ROUTE  # db1 has no gateway
    route = next(r for r in reply.remedies if r.text.startswith("add a route") and r.commands)
    assert "not enough alone: then ACCEPTED by the wrong node at web2" in route.text
    both = reply.remedies[0].text
    assert both.startswith("add a route to 10.10.0.0/24 via 10.30.0.1") and "together with" in both
    assert "skipassource=true" in both


def test_named_netsh_arguments_with_quoted_names_and_chained_commands():
    web1 = load_scenario("nlb-intranet").node("web1")
    changed, _ = run_command(web1, 'netsh interface ipv4 set interface interface="NLB NIC" weakhostsend=enabled')
    assert changed.interface("nlb").weakhostsend
    changed, _ = run_command(
        web1,
        'netsh interface ipv4 add route prefix=10.50.0.0/16 interface="NLB NIC" '
        "nexthop=10.10.0.1 && route -p add 10.60.0.0 mask 255.255.0.0 10.10.0.1",
    )
    assert [str(r.destination) for r in changed.routes][-2:] == ["10.50.0.0/16", "10.60.0.0/16"]
    with pytest.raises(CommandError, match="store must be active or persistent"):
        run_command(web1, 'netsh interface ipv4 set interface "NLB NIC" forwarding=enabled store=bogus')


def test_the_commands_labkit_prints_run_back_on_a_fresh_node():
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["nodes"]["web1"]["interfaces"]["nlb"].update(weakhostsend=True, skip_as_source=["10.10.0.100"])
    configured = parse_scenario(yaml.safe_dump(raw)).node("web1")
    fresh = load_scenario("nlb-intranet").node("web1")
    from dataclasses import replace

    fresh = replace(fresh, routes=())
    for line in node_commands(configured):
        if line.startswith(("route ", "netsh interface ipv4 set interface")) or "skipassource" in line:
            fresh, _ = run_command(fresh, line)
    assert fresh == configured


def test_windows_commands_are_refused_on_linux_and_inconsistent_results_are_refused():
    net = load_scenario("nlb-intranet")
    with pytest.raises(CommandError, match="models Windows commands only"):
        run_command(net.node("core"), "route add 10.9.0.0 mask 255.255.0.0 10.10.0.21")
    from labkit.model import apply_command

    with pytest.raises(CommandError, match="10.10.0.22 is also used by"):
        apply_command(net, "web1", 'netsh interface ipv4 add address "NLB NIC" 10.10.0.22 255.255.255.0')
    linux = parse_scenario(open(DATA / "not-a-router.yaml").read().replace("  H:\n", "  H:\n    os: linux\n"))
    hint = trace(linux, "S", "10.2.0.30").hint
    assert "sysctl -w net.ipv4.ip_forward=1" in hint and "netsh" not in hint


def test_route_hints_never_name_the_node_itself_and_use_the_destination_subnet():
    net = parse_scenario("""
name: x
nodes:
  H:
    role: host
    interfaces:
      a: {segment: s1, addresses: [10.1.0.10/24], forwarding: true}
  R:
    role: router
    interfaces:
      a: {segment: s1, addresses: [10.1.0.1/24]}
      b: {segment: s3, addresses: [10.3.1.1/24]}
  T:
    interfaces:
      lan: {segment: s3, addresses: [10.3.1.5/24]}
  Wide:
    interfaces:
      lan: {segment: s9, addresses: [10.3.9.9/16]}
""")
    result = trace(net, "H", "10.3.1.5")
    assert result.disposition is Disposition.NO_ROUTE
    assert result.hint.startswith('add a route to 10.3.1.0/24 via 10.1.0.1 on "a" of H')
    assert "via 10.1.0.10" not in result.hint


def test_dead_gateway_under_strong_host_send_names_the_skipped_gateway_and_weakhostsend():
    net = parse_scenario("""
name: x
nodes:
  H:
    interfaces:
      a: {segment: s1, addresses: [10.1.0.10/24], gateways: [10.1.0.1]}
      b: {segment: s2, addresses: [10.2.0.10/24], gateways: [10.2.0.1]}
  R1:
    role: router
    down: true
    interfaces:
      a: {segment: s1, addresses: [10.1.0.1/24]}
  R2:
    role: router
    interfaces:
      b: {segment: s2, addresses: [10.2.0.1/24]}
      w: {segment: w, addresses: [10.9.0.1/24]}
  S:
    interfaces:
      lan: {segment: w, addresses: [10.9.0.50/24], gateways: [10.9.0.1]}
""")
    stuck = trace(net, "H", "10.9.0.50")
    assert stuck.disposition is Disposition.NEIGHBOR_UNREACHABLE
    assert "10.2.0.1 could not carry it under strong host send" in stuck.reason
    assert "weakhostsend=enabled" in stuck.hint and "second, working default gateway" not in stuck.hint
    moved = trace(net.with_interface("H", "a", weakhostsend=True), "H", "10.9.0.50")
    assert moved.accepted and 'weakhostsend on "a" of H' in moved.hint


def test_odd_settings_are_refused():
    def bad(mutate):
        raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
        mutate(raw)
        with pytest.raises(ScenarioError) as err:
            parse_scenario(yaml.safe_dump(raw, sort_keys=False), "x.yaml")
        return str(err.value)

    assert "a router forwards and is weak on every interface" in bad(
        lambda r: r["nodes"]["core"]["interfaces"]["nlb"].update(weakhostreceive=False)
    )
    assert "has no skipassource" in bad(
        lambda r: (
            r["nodes"]["web1"].update(os="windows-2003"),
            r["nodes"]["web1"]["interfaces"]["nlb"].update(skip_as_source=["10.10.0.100"]),
        )
    )
    assert "is the network or broadcast address of 10.10.0.0/24" in bad(
        lambda r: r["nodes"]["web1"]["interfaces"]["nlb"].update(addresses=["10.10.0.255/24"])
    )
    assert "0.0.0.0 cannot be a gateway" in bad(
        lambda r: r["nodes"]["web1"]["interfaces"]["private"].update(gateways=["0.0.0.0"])
    )


def test_windows_2003_interface_metric_is_a_remark_not_a_netsh_command():
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["nodes"]["web1"].update(os="windows-2003")
    raw["nodes"]["web1"]["interfaces"]["nlb"].update(metric=5)
    lines = node_commands(parse_scenario(yaml.safe_dump(raw)).node("web1"))
    assert any(line.startswith("rem set the interface metric") for line in lines)
    assert all("netsh interface ipv4" not in line for line in lines)


def test_stateless_forward_rules_see_a_replys_source_before_it_is_restored():
    raw = yaml.safe_load((SCENARIO_DIR / "ftp-nat-seed.yaml").read_text())
    fw = raw["nodes"]["fw"]["firewall"]
    fw["stateful"] = False
    fw["rules"] = [
        {"action": "allow", "direction": "forward", "in_interface": "wan", "proto": "tcp", "dport": 21},
        {
            "action": "allow",
            "direction": "forward",
            "in_interface": "lan",
            "proto": "tcp",
            "src": "192.168.1.32",
            "sport": 21,
        },
    ]
    result = trace(parse_scenario(yaml.safe_dump(raw)), "client", "193.211.10.27", dport=21, reply=True)
    assert result.accepted and result.reply.accepted, str(result)
    assert result.reply.delivered.src.exploded == "193.211.10.27"
