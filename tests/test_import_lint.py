"""Issue 12 items 5 and 6: what the import lists as unknown, and the field notes' warnings on it."""

from dataclasses import replace
from ipaddress import IPv4Address
from pathlib import Path

from windows_outputs import ipconfig_all

import labkit
from labkit.importer import import_server, import_texts, lint
from labkit.model import Gateway, netsh_show_interface, route_print

SAMPLES = Path(__file__).resolve().parent.parent / "labkit" / "data" / "imports"
NLB_WEB = sorted((SAMPLES / "nlb-web").glob("*.txt"))
TWO_GATEWAYS = sorted((SAMPLES / "two-gateways").glob("*.txt"))


def imported(node, **options):
    files = [
        ("ip.txt", ipconfig_all(node)),
        ("route.txt", route_print(node)),
        ("netsh.txt", netsh_show_interface(node)),
    ]
    return import_texts([(n, t.encode()) for n, t in files], **options)


def web1():
    return labkit.load_scenario("nlb-intranet").node("web1")


def messages(result):
    return [f"{w.path}: {w.message}" for w in result.warnings]


def test_the_nlb_sample_imports_two_servers_a_unicast_cluster_and_the_routers():
    result = import_server(*NLB_WEB)
    net = result.network
    assert [n.name for n in net.nodes] == ["WEB1", "WEB2", "router-172-16-2-1", "router-10-10-0-1"]
    (cluster,) = net.clusters
    assert str(cluster.ip) == "10.10.0.100" and cluster.members == (("WEB1", "nlb-nic"), ("WEB2", "nlb-nic"))
    assert {i.segment for n in net.nodes for i in n.interfaces} == {"net-10-10-0-0-24", "net-172-16-2-0-24"}
    assert any("unicast cluster MAC 02-BF-0A-0A-00-64" in note for note in result.unknowns)
    assert any("far side of a router" in note for note in result.unknowns)


def test_what_the_outputs_cannot_tell_is_listed_not_guessed():
    result = imported(web1())
    assert not result.network.clusters  # no unicast MAC in the kit's outputs, nothing named: no cluster
    assert any('"NLB NIC" holds more than one address' in note and "--nlb" in note for note in result.unknowns)
    named = imported(web1(), nlb=["10.10.0.100"])
    assert [str(c.ip) for c in named.network.clusters] == ["10.10.0.100"]
    assert any("the outputs do not show NLB's mode" in note for note in named.unknowns)


def test_a_route_added_without_p_is_flagged_and_the_nodes_differ():
    result = import_server(*NLB_WEB)
    assert "nodes.WEB2.routes[1]: the static route to 10.30.0.0/16 via 10.10.0.1 is not persistent" in messages(result)
    different = [w for w in result.warnings if "configured differently" in w.message]
    assert len(different) == 1 and "(not persistent)" in different[0].message
    assert "field notes" in different[0].why and "1 of x" in different[0].why


def test_gateways_on_two_nics_are_flagged_with_why():
    result = import_server(*TWO_GATEWAYS)
    (warning,) = result.warnings
    assert "default gateways on more than one subnet" in warning.message and "KB 159168" in warning.why


def test_a_gateway_outside_its_subnet_is_flagged():
    node = web1()
    private = node.interfaces[1]
    odd = replace(
        node, interfaces=(node.interfaces[0], replace(private, gateways=(Gateway(IPv4Address("172.16.9.1")),)))
    )
    result = imported(odd)
    assert any("is not on the subnet" in w.message and "(gateway AND mask)" in w.why for w in result.warnings)


def test_weak_host_everywhere_forwarding_on_the_nlb_nic_and_mixing_are_flagged():
    node = web1()
    nlb, private = node.interfaces
    weak = replace(
        node,
        interfaces=(
            replace(nlb, weakhostsend=True, weakhostreceive=True),
            replace(private, weakhostsend=True, weakhostreceive=True),
        ),
    )
    assert any("enabled on every NIC" in m for m in messages(imported(weak)))
    forwarding = replace(node, interfaces=(replace(nlb, forwarding=True), private))
    found = messages(imported(forwarding, nlb=["10.10.0.100"]))
    assert 'nodes.web1.interfaces.nlb-nic.forwarding: forwarding is enabled on the NLB NIC "NLB NIC"' in found
    assert any("static routes and forwarding" in m for m in found)
    assert not imported(node, nlb=["10.10.0.100"]).warnings  # the field notes' own design is clean


def test_every_warning_says_why():
    for result in (import_server(*NLB_WEB), import_server(*TWO_GATEWAYS)):
        assert result.warnings and all(w.why and ("field notes" in w.why or "KB" in w.why) for w in result.warnings)
    assert lint(labkit.load_scenario("nlb-intranet")) == []
