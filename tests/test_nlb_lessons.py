"""Issue 9, items 5-7: Windows's own gateway dialogs, NLB members that disagree (the three-NIC
lesson), and the NLB operation modes with the unicast host-to-host rule."""

from dataclasses import replace
from ipaddress import IPv4Address

import pytest
import yaml

from labkit.cli import main
from labkit.model import (
    EVENT_18,
    ClusterMode,
    Disposition,
    Gateway,
    WindowsDialog,
    cluster_mac,
    cluster_share,
    restart,
    trace,
    validate_network,
)
from labkit.scenario import SCENARIO_DIR, ScenarioError, load_scenario, parse_scenario, to_yaml, warnings

# The two "Microsoft TCP/IP" dialog texts exactly as the field notes give them.
MULTIPLE_GATEWAYS = (
    "Warning – Multiple default gateways are intended to provide redundancy to a single network (such as an "
    "intranet or the Internet). They will not function properly when the gateways are on two separate, "
    "disjoint networks (such as one on your intranet and one on the Internet). Do you want to save this "
    "configuration?"
)
OFF_SUBNET = (
    "Warning – The default gateway is not on the same network segment (subnet) that is defined by "
    "the IP address and subnet mask. Do you want to save this configuration?"
)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def dialogs(net):
    return [(p.path, p.dialog.text, p.dialog.nics) for p in validate_network(net) if p.dialog]


# --- item 5: Windows's own gateway dialogs ---------------------------------------------------


def test_gateway_on_a_second_nic_of_one_subnet_shows_the_multiple_gateways_dialog_and_still_works():
    net = load_scenario("nlb-same-subnet")
    assert dialogs(net) == [
        (f"nodes.{n}.interfaces", WindowsDialog.MULTIPLE_GATEWAYS, ("PRIVATE NIC",)) for n in ("web1", "web2")
    ]
    problem = next(p for p in validate_network(net) if p.dialog)
    assert problem.severity == "warning" and "saves and works" in problem.message
    assert "10.10.0.0/24" in problem.message
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    assert result.accepted and result.reply.succeeded


def test_gateways_on_disjoint_subnets_show_the_same_dialog_on_the_second_nic():
    net = load_scenario("nlb-three-nics")
    assert dialogs(net) == [
        (f"nodes.{n}.interfaces", WindowsDialog.MULTIPLE_GATEWAYS, ("NLB WEB NIC",)) for n in ("web1", "web2")
    ]


def test_one_default_gateway_on_one_nic_shows_no_dialog():
    for name in ("nlb-intranet", "nlb-three-nics-one-gateway", "nlb-inconsistent-nodes"):
        assert dialogs(load_scenario(name)) == [], name


def test_two_gateways_on_the_same_nic_show_no_multiple_gateways_dialog():
    net = load_scenario("nlb-intranet")
    net = net.with_interface(
        "web1", "private", gateways=(Gateway(IPv4Address("172.16.2.1")), Gateway(IPv4Address("172.16.2.2")))
    )
    assert dialogs(net) == []


def test_gateway_off_the_nic_subnet_shows_the_not_on_the_same_segment_dialog():
    net = load_scenario("nlb-intranet").with_interface("web1", "private", gateways=(Gateway(IPv4Address("10.99.0.1")),))
    assert dialogs(net) == [
        ("nodes.web1.interfaces.private.gateways[0]", WindowsDialog.GATEWAY_OFF_SUBNET, ("PRIVATE NIC",))
    ]


def test_dialog_texts_are_the_field_notes_texts_verbatim():
    assert WindowsDialog.MULTIPLE_GATEWAYS.value == MULTIPLE_GATEWAYS
    assert WindowsDialog.GATEWAY_OFF_SUBNET.value == OFF_SUBNET


def test_validate_prints_windows_dialog_texts(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", "nlb-same-subnet")
    assert code == 0
    assert f'  Windows, on saving "PRIVATE NIC": [Microsoft TCP/IP] {MULTIPLE_GATEWAYS} [Yes] [No]' in out.splitlines()
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["nodes"]["web1"]["interfaces"]["private"]["gateways"] = ["10.99.0.1"]
    path = tmp_path / "off-subnet.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0 and "warning: nodes.web1.interfaces.private.gateways[0]: default gateway 10.99.0.1" in out
    assert f'  Windows, on saving "PRIVATE NIC": [Microsoft TCP/IP] {OFF_SUBNET} [Yes] [No]' in out.splitlines()
    assert str(warnings(load_scenario("nlb-same-subnet"))[0]).count("Microsoft TCP/IP") == 0  # plain form unchanged


# --- item 6: members that disagree, the three-NIC lesson --------------------------------------


def test_members_configured_differently_fail_one_of_two_connections():
    share = cluster_share(load_scenario("nlb-inconsistent-nodes"), "web")
    assert share.members == ("web1", "web2")
    assert share.clients == ("pc1", "pc2", "pc3", "pc4", "db1")
    assert (len(share.failed), share.total) == (5, 10)
    assert share.fails("web1") == () and share.fails("web2") == share.clients
    assert share.disagree
    assert set(share.failing_now) == {
        c
        for c in share.clients
        if not trace(load_scenario("nlb-inconsistent-nodes"), c, "10.10.0.100", reply=True).reply.succeeded
    }
    assert [d.setting for d in share.differences] == ["static routes"]
    assert "5 of 10 client connections fail (50%)" in share.summary and "the members disagree" in share.summary


def test_identical_members_agree_and_the_one_gateway_three_nic_design_fails_nothing():
    net = load_scenario("nlb-three-nics-one-gateway")
    for cluster in ("web", "ftp"):
        share = cluster_share(net, cluster)
        assert share.total == 2 and share.failed == () and not share.disagree and share.differences == ()


def test_three_nics_with_two_gateways_fails_the_ftp_cluster_on_every_member_alike():
    net = load_scenario("nlb-three-nics")
    web, ftp = cluster_share(net, "web"), cluster_share(net, "ftp")
    assert web.failed == ()
    assert len(ftp.failed) == ftp.total == 2 and not ftp.disagree
    assert "every member fails pc1 alike" in ftp.summary


def test_three_nics_with_gateways_on_several_nics_warns_of_what_the_kit_does_not_model():
    warned = [p for p in validate_network(load_scenario("nlb-three-nics")) if "event 18" in p.message]
    assert [p.path for p in warned] == ["nodes.web1.interfaces", "nodes.web2.interfaces"]
    assert all("does not model" in p.message and "converging" in p.message for p in warned)
    assert not [p for p in validate_network(load_scenario("nlb-three-nics-one-gateway")) if "event 18" in p.message]


def test_event_18_text_is_microsofts():
    assert EVENT_18.format(ip="10.11.0.100") == (
        "NLB cluster [10.11.0.100]: NLB detected duplicate cluster subnets. This may be due to network "
        "partitioning, which prevents NLB heartbeats of one or more hosts from reaching the other cluster "
        "hosts. Although NLB operations have resumed properly, please investigate the cause of the network "
        "partitioning."
    )


def test_share_leaves_out_members_that_are_down():
    net = load_scenario("nlb-inconsistent-nodes")
    net = net.with_node(replace(net.node("web2"), down=True))
    share = cluster_share(net, "web")
    assert share.members == ("web1",) and share.failed == () and share.failing_now == ()


def test_a_reboot_drops_routes_added_without_p_and_the_members_start_to_disagree():
    net = load_scenario("nlb-intranet")
    web2 = net.node("web2")
    net = net.with_node(replace(web2, routes=tuple(replace(r, persistent=False) for r in web2.routes)))
    assert cluster_share(net, "web").failed == ()
    rebooted = net.with_node(restart(net.node("web2")))
    share = cluster_share(rebooted, "web")
    assert share.disagree and share.fails("web2") == ("pc1", "db1") and share.fails("web1") == ()


def test_validate_shows_the_share_of_connections_that_fail(capsys):
    code, out, _ = run(capsys, "validate", "nlb-inconsistent-nodes")
    assert code == 0
    assert (
        "nlb: cluster web (10.10.0.100, unicast mode): 5 of 10 client connections fail (50%) when NLB "
        "spreads them over both members; the members disagree"
    ) in out
    assert "  web2 fails pc1, pc2, pc3, pc4, db1" in out.splitlines()
    assert "configured differently, static routes: web1 10.20.0.0/16 via 10.10.0.1" in out


# --- item 7: NLB modes and the unicast host-to-host rule --------------------------------------


def test_unicast_cluster_host_cannot_reach_another_over_the_cluster_nic():
    net = load_scenario("nlb-intranet")
    result = trace(net, "web1", "10.10.0.22")
    assert result.disposition is Disposition.NEIGHBOR_UNREACHABLE
    assert result.egress == ("web1", "nlb")
    assert "unicast mode" in result.reason and "02-BF-0A-0A-00-64" in result.reason
    hint = result.hint
    assert '172.16.2.22 ("PRIVATE NIC")' in hint
    assert "multicast mode" in hint and "Set-NlbCluster -OperationMode Multicast" in hint


def test_a_second_nic_or_multicast_mode_lets_cluster_hosts_talk():
    net = load_scenario("nlb-intranet")
    assert trace(net, "web1", "172.16.2.22", reply=True).reply.succeeded
    for mode in ("multicast", "igmp-multicast"):
        result = trace(net.with_cluster("web", mode=mode), "web1", "10.10.0.22", reply=True)
        assert result.accepted and result.reply.succeeded, mode


def test_single_nic_unicast_cluster_serves_clients_but_not_its_own_hosts():
    net = load_scenario("nlb-unicast-single-nic")
    assert trace(net, "pc1", "10.10.0.100", reply=True).reply.succeeded
    assert trace(net, "pc1", "10.10.0.22", reply=True).reply.succeeded
    blocked = trace(net, "web1", "10.10.0.22", dport=445)
    assert blocked.disposition is Disposition.NEIGHBOR_UNREACHABLE
    assert "give the members of cluster web a second NIC" in blocked.hint
    assert trace(net.with_cluster("web", mode="multicast"), "web1", "10.10.0.22", dport=445).accepted


def test_unicast_rule_only_joins_members_of_the_same_cluster():
    net = load_scenario("nlb-three-nics")
    # web1's NLB FTP NIC and web2's NLB WEB NIC are in different clusters (different MACs)
    assert net.shared_unicast_mac(("web1", "nlbftp"), ("web2", "nlbweb")) is None
    assert net.shared_unicast_mac(("web1", "nlbftp"), ("web2", "nlbftp")).name == "ftp"
    assert net.shared_unicast_mac(("web1", "nlbftp"), ("web1", "nlbftp")) is None


def test_cluster_mac_for_each_mode_follows_kb_4494444():
    ip = IPv4Address("10.10.0.100")
    assert cluster_mac(ip, ClusterMode.UNICAST) == "02-BF-0A-0A-00-64"
    assert cluster_mac(ip, ClusterMode.MULTICAST) == "03-BF-0A-0A-00-64"
    assert cluster_mac(ip, ClusterMode.IGMP_MULTICAST) == "01-00-5E-7F-00-64"
    cluster = load_scenario("nlb-intranet").cluster("web")
    assert cluster.mode is ClusterMode.UNICAST and cluster.igmp_group == IPv4Address("239.255.0.100")


def test_cluster_mode_defaults_to_unicast_is_validated_and_round_trips():
    raw = yaml.safe_load((SCENARIO_DIR / "nlb-intranet.yaml").read_text())
    raw["clusters"]["web"]["mode"] = "broadcast"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(yaml.safe_dump(raw), "x.yaml")
    assert str(err.value) == (
        "x.yaml: clusters.web.mode: expected 'unicast', 'multicast' or 'igmp-multicast', got 'broadcast'"
    )
    raw["clusters"]["web"]["mode"] = "igmp-multicast"
    net = parse_scenario(yaml.safe_dump(raw), "x.yaml")
    assert net.cluster("web").mode is ClusterMode.IGMP_MULTICAST
    assert parse_scenario(to_yaml(net), "again") == net
    with pytest.raises(ValueError):
        net.with_cluster("web", mode="broadcast")
