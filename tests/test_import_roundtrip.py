"""Issue 12 item 5: importing the kit's own outputs of a node gives the same node back.

For every Windows node of every shipped scenario, and for generated nodes (hypothesis): the kit's
`route print` and `netsh interface ipv4 show interface l=verbose` (Vista and later) plus an
`ipconfig /all` written in the documented layout (tests/windows_outputs.py) import back to the
same NICs, addresses, gateways, metrics, routes and switches; the scenario file written loads
with labkit.load_scenario and traces.
"""

from ipaddress import IPv4Interface, IPv4Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from windows_outputs import ipconfig_all

import labkit
from labkit.importer import import_texts
from labkit.model import PROFILES, Gateway, Interface, Node, Route, netsh_show_interface, profile, route_print
from labkit.scenario import parse_scenario


def outputs(node, crlf=False):
    files = [("ipconfig.txt", ipconfig_all(node, crlf).encode()), ("route.txt", route_print(node).encode())]
    if node.os.forwarding_per_interface:
        files.append(("netsh.txt", netsh_show_interface(node).encode()))
    return files


def shape(node):
    """What the import must keep: per NIC (by its Windows name) and the static routes."""
    automatic_shown = node.os.forwarding_per_interface  # only netsh (Vista+) says whether a metric is automatic

    def gateway_metric(iface, gateway):
        # 2003 lists no gateway under Persistent Routes: a typed metric equal to the automatic one looks the same
        if node.os.adds_interface_metric or gateway.metric is not None:
            return gateway.metric
        return node.interface_metric(iface.key)

    nics = sorted(
        (
            i.label,
            tuple(map(str, i.addresses)),
            tuple((str(g.address), gateway_metric(i, g)) for g in i.gateways),
            node.interface_metric(i.key),
            i.metric is None if automatic_shown else None,
            i.weakhostsend,
            i.weakhostreceive,
            i.forwarding,
            node.if_index(i.key),
        )
        for i in node.interfaces
    )
    routes = sorted(
        (str(r.destination), str(r.gateway), node.interface(r.interface).label, r.metric, r.persistent)
        for r in node.routes
    )
    return node.os.adds_interface_metric, node.os.metric_table, nics, routes


WINDOWS_NODES = [
    (name, node.name)
    for name in labkit.shipped_scenarios()
    for node in labkit.load_scenario(name).nodes
    if node.os.is_windows
]


def test_there_are_windows_nodes_to_round_trip():
    assert len(WINDOWS_NODES) > 30


@pytest.mark.parametrize("scenario,name", WINDOWS_NODES)
def test_every_shipped_windows_node_round_trips(scenario, name):
    node = labkit.load_scenario(scenario).node(name)
    result = import_texts(outputs(node, crlf=True))
    assert shape(result.network.node(name)) == shape(node)


@pytest.mark.parametrize("scenario,name", WINDOWS_NODES[::7])
def test_the_written_scenario_loads_and_traces(scenario, name):
    node = labkit.load_scenario(scenario).node(name)
    result = import_texts(outputs(node))
    net = parse_scenario(result.to_yaml(), "imported.yaml")
    assert shape(net.node(name)) == shape(node)
    gateway = next((g.address for i in node.interfaces for g in i.gateways if i.on_link(g.address)), None)
    if gateway is not None:  # the gateway became a router the trace reaches
        result = labkit.trace(net, name, str(gateway), proto="icmp")
        assert result.accepted and result.last_hop.node.startswith("router-"), str(result)
    else:
        assert labkit.trace(net, name, str(node.interfaces[0].addresses[0].ip)).accepted


@st.composite
def windows_nodes(draw):
    """A Windows server with one to three NICs, gateways, static routes and switches."""
    os = profile(draw(st.sampled_from(sorted(p for p in PROFILES if PROFILES[p].is_windows))))
    count = draw(st.integers(1, 3))
    nics = []
    for n in range(count):
        prefix = draw(st.sampled_from([16, 24, 26, 28]))
        network = IPv4Network((0x0A000000 + (n + 1) * 0x10000 + draw(st.integers(0, 3)) * 0x100, prefix), strict=False)
        hosts = list(network.hosts())
        addresses = [IPv4Interface(f"{hosts[9]}/{prefix}")]
        if draw(st.booleans()):
            addresses.append(IPv4Interface(f"{hosts[10]}/{prefix}"))
        gateways = tuple(
            Gateway(hosts[k], draw(st.one_of(st.none(), st.integers(0, 500))))
            for k in draw(st.lists(st.sampled_from([0, 1]), max_size=2, unique=True))
        )
        vista = os.host_model_configurable
        forwarding = draw(st.booleans()) if vista else False
        nics.append(
            Interface(
                f"nic{n}",
                draw(st.sampled_from(["Ethernet", "NLB NIC", "Local Area Connection"])) + f" {n + 1}",
                f"s{n}",
                tuple(addresses),
                gateways,
                metric=draw(st.one_of(st.none(), st.integers(1, 9999))),
                speed=draw(st.sampled_from([10, 100, 1000, 10000, 40000])),
                weakhostsend=draw(st.booleans()) if vista else True,
                weakhostreceive=draw(st.booleans()) if vista else True,
                forwarding=forwarding,
                index=draw(st.one_of(st.none(), st.integers(2, 9999))),
            )
        )
    if not os.forwarding_per_interface and draw(st.booleans()):
        nics = [Interface(**{**i.__dict__, "forwarding": True}) for i in nics]
    indexes = [i.index for i in nics if i.index is not None]
    if len(set(indexes)) != len(indexes) or set(indexes) & {11 + n for n in range(count)}:
        nics = [Interface(**{**i.__dict__, "index": None}) for i in nics]
    routes = []
    for _ in range(draw(st.integers(0, 4))):
        nic = draw(st.sampled_from(nics))
        network = IPv4Network(
            (0xAC100000 + draw(st.integers(0, 255)) * 0x100, draw(st.sampled_from([16, 24]))), strict=False
        )
        hop = list(nic.addresses[0].network.hosts())[2]
        route = Route(network, hop, nic.key, draw(st.integers(1, 9999)), persistent=draw(st.booleans()))
        if all(r.destination != route.destination for r in routes):
            routes.append(route)
    return Node("srv", os, tuple(nics), tuple(routes))


@settings(max_examples=80, deadline=None)
@given(windows_nodes())
def test_generated_windows_nodes_round_trip(node):
    result = import_texts(outputs(node))
    assert shape(result.network.node("srv")) == shape(node)
