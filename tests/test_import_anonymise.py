"""Issue 12 item 7: --anonymise rewrites addresses and names consistently and deterministically."""

from ipaddress import IPv4Address
from pathlib import Path

import labkit
from labkit.importer import import_server
from labkit.importer.anonymise import AddressMap
from labkit.model.addressing import common_prefix_length
from labkit.scenario import parse_scenario

SAMPLES = Path(__file__).resolve().parent.parent / "labkit" / "data" / "imports"
NLB_WEB = sorted((SAMPLES / "nlb-web").glob("*.txt"))
SECRETS = (
    "WEB1",
    "WEB2",
    "NLB NIC",
    "PRIVATE NIC",
    "10.10.0",
    "172.16.2",
    "10.20.0",
    "10.30.0",
    "nlb-web",
    "Intel",
    "02-BF-0A-0A-00-64",
)


def test_no_address_or_name_of_the_server_is_left():
    text = import_server(*NLB_WEB, anonymise=True).to_yaml()
    assert not [s for s in SECRETS if s in text]
    assert "host1" in text and "NIC 1" in text


def test_the_anonymised_network_behaves_like_the_real_one():
    real, fake = import_server(*NLB_WEB), import_server(*NLB_WEB, anonymise=True)
    net = parse_scenario(fake.to_yaml(), "shared.yaml")
    assert len(net.clusters) == 1 and len(net.clusters[0].members) == 2  # the unicast MAC followed its address
    assert [w.why for w in real.warnings] == [w.why for w in fake.warnings]
    for real_node, fake_node in zip(real.network.nodes, net.nodes):
        for r, f in zip(real_node.interfaces, fake_node.interfaces):
            assert [a.network.prefixlen for a in r.addresses] == [a.network.prefixlen for a in f.addresses]
            assert [str(a.ip).split(".")[-1] for a in r.addresses] == [str(a.ip).split(".")[-1] for a in f.addresses]
            assert all(f.on_link(g.address) for g in f.gateways)  # gateways stay in their subnet
            assert (r.metric, r.speed, r.forwarding, r.weakhostsend) == (
                f.metric,
                f.speed,
                f.forwarding,
                f.weakhostsend,
            )
        assert [(r.metric, r.persistent) for r in real_node.routes] == [
            (r.metric, r.persistent) for r in fake_node.routes
        ]
        for route in fake_node.routes:  # each static route still leaves by a NIC whose subnet holds its gateway
            assert fake_node.interface(route.interface).on_link(route.gateway)
    web = net.node("host2")
    assert labkit.trace(net, "host2", str(web.routes[0].gateway), proto="icmp").accepted


def test_the_mapping_is_deterministic_per_seed_and_prefix_preserving():
    one, again = (import_server(*NLB_WEB, anonymise=True, seed=7).to_yaml() for _ in range(2))
    assert one == again and one != import_server(*NLB_WEB, anonymise=True, seed=8).to_yaml()
    amap = AddressMap(3, set())
    originals = [IPv4Address(x) for x in ("10.1.2.3", "10.1.2.200", "10.9.0.1", "10.200.0.1", "10.1.3.3")]
    mapped = [amap.address(x) for x in originals]
    assert all(str(m).startswith("10.") for m in mapped) and len(set(mapped)) == len(mapped)
    for x, mx in zip(originals, mapped):
        for y, my in zip(originals, mapped):
            assert common_prefix_length(x, y) == common_prefix_length(mx, my)
    assert str(amap.address(IPv4Address("8.8.8.8"))).startswith("100.")  # public addresses land in 100.64.0.0/10
    assert amap.address(IPv4Address("127.0.0.1")) == IPv4Address("127.0.0.1")
