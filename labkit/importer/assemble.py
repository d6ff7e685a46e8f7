"""Outputs of one or more servers -> one network: the servers, one segment per subnet, each
gateway and next hop as a router, and the NLB clusters the outputs (or the admin) name.

Which output belongs to which server is read from the content: a route print belongs to the
ipconfig /all that holds every address in its Interface column; a netsh / Get-NetIPInterface
output to the server whose adapters carry its interface names (and, where route print gives
them, the same indexes). Only when two servers fit equally does the order of the files decide,
and the result says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Interface

from ..model import Cluster, ClusterMode, Interface, Network, Node, Role, interface_defaults, profile
from ..model.host import InterfaceRef
from ..model.nlb_cluster import NlbAffinity
from ..model.osprofile import DEFAULT_ROUTER_OS
from .build import ServerOutputs, build_node, with_switches
from .parsers import IpconfigAll, NicOutput, RoutePrint
from .text import ImportInputError

LOOPBACK = IPv4Address("127.0.0.1")


def dashed(value) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", str(value)).strip("-")


def group(parsed: list[tuple[object, str]]) -> tuple[list[ServerOutputs], list[str]]:
    """Sort parsed outputs (value, source), in the order given, into servers."""
    notes: list[str] = []
    position = {source: n for n, (_, source) in enumerate(parsed)}
    ipconfigs = [(v, s) for v, s in parsed if isinstance(v, IpconfigAll)]
    if not ipconfigs:
        sources = ", ".join(s for _, s in parsed)
        raise ImportInputError(
            sources, "no ipconfig /all among the outputs; labkit needs ipconfig /all and route print of each server"
        )
    routes: dict[int, tuple[RoutePrint, str]] = {}
    for value, source in parsed:
        if not isinstance(value, RoutePrint):
            continue
        used = {row.interface for row in value.active} - {LOOPBACK}
        fits = [n for n, (ip, _) in enumerate(ipconfigs) if used <= {a.ip for ad in ip.adapters for a in ad.addresses}]
        if not fits:
            raise ImportInputError(
                source,
                "this route print fits no ipconfig /all given (its interface addresses "
                f"{', '.join(sorted(map(str, used))) or 'none'} are not all on one "
                "server); expected route print from the same server",
            )
        n = _by_order(fits, source, position, ipconfigs, notes, "route print")
        if n in routes:
            raise ImportInputError(
                source,
                f"a second route print for {ipconfigs[n][0].host_name} "
                f"(the first is {routes[n][1]}); expected one per server",
            )
        routes[n] = (value, source)
    nics: dict[int, list[tuple[NicOutput, str]]] = {n: [] for n in range(len(ipconfigs))}
    for value, source in parsed:
        if isinstance(value, NicOutput):
            n = _server_for_nics(value, source, ipconfigs, routes, position, notes)
            nics[n].append((value, source))
    servers = []
    for n, (ipconfig, source) in enumerate(ipconfigs):
        if n not in routes:
            raise ImportInputError(
                source,
                f"no route print for {ipconfig.host_name}; expected route print "
                "from the same server beside its ipconfig /all",
            )
        servers.append(ServerOutputs(ipconfig, source, *routes[n], tuple(nics[n])))
    return servers, notes


def _by_order(fits: list[int], source: str, position: dict, ipconfigs, notes: list[str], what: str) -> int:
    if len(fits) == 1:
        return fits[0]
    before = [n for n in fits if position[ipconfigs[n][1]] < position[source]]
    chosen = before[-1] if before else fits[0]
    names = ", ".join(ipconfigs[n][0].host_name for n in fits)
    notes.append(
        f"{os.path.basename(source)}: this {what} fits {names} alike; it was taken as {ipconfigs[chosen][0].host_name}'s "
        "because of the order of the files"
    )
    return chosen


def _server_for_nics(output: NicOutput, source: str, ipconfigs, routes, position, notes) -> int:
    scores = {}
    for n, (ipconfig, _) in enumerate(ipconfigs):
        names = {a.name.lower(): a for a in ipconfig.adapters}
        listed = {i.mac: i.index for i in routes[n][0].interfaces} if n in routes else {}
        matched = 0
        for nic in output.nics:
            adapter = names.get(nic.name.lower())
            if adapter is None:
                continue
            index = listed.get(adapter.mac[:17]) if adapter.mac else None
            if index is not None and nic.index is not None and index != nic.index:
                matched = -1
                break
            matched += 1
        if matched > 0:
            scores[n] = matched
    if not scores:
        listed_names = ", ".join(f'"{nic.name}"' for nic in output.nics)
        raise ImportInputError(
            source,
            f"its interfaces ({listed_names}) are not the adapters of any ipconfig /all given; "
            "expected the output from the same server",
        )
    best = max(scores.values())
    return _by_order(
        [n for n, s in scores.items() if s == best], source, position, ipconfigs, notes, output.kind + " output"
    )


def node_name(host: str, taken: set[str]) -> str:
    name = dashed(host) or "server"
    while name in taken:
        name += "-2"
    taken.add(name)
    return name


def _segment(address: IPv4Interface) -> str:
    return "net-" + dashed(address.network)


def assemble(
    servers: list[ServerOutputs], cluster_ips: tuple[IPv4Address, ...] = (), title: str = ""
) -> tuple[Network, list[str]]:
    """The network of the imported servers, and the notes on what the outputs do not tell."""
    notes: list[str] = []
    taken: set[str] = set()
    nodes: list[Node] = []
    for outputs in servers:
        node, more = build_node(outputs, node_name(outputs.ipconfig.host_name, taken))
        node = replace(node, interfaces=tuple(replace(i, segment=_segment(i.addresses[0])) for i in node.interfaces))
        nodes.append(node)
        notes += [f"{node.name}: {note}" for note in more]
    routers = _routers(nodes, taken)
    if routers:
        names = ", ".join(r.name for r in routers)
        notes.append(
            f"routers ({names}): each is known only by the address the server uses; the far side of a "
            "router (the networks it reaches, its other interfaces) is not in the outputs, so a trace "
            "beyond it stops there. Add its interfaces to the scenario to follow packets further"
        )
    clusters, more = _clusters(nodes, servers, cluster_ips)
    notes += more
    notes.append(
        "not in these outputs at all: which addresses have SkipAsSource set (Get-NetIPAddress shows it) "
        "and the Adapters and Bindings order (it breaks ties between gateways on 2003 only)"
    )
    net = Network(
        tuple(nodes + routers),
        tuple(clusters),
        "imported-" + "-".join(n.name for n in nodes)[:60].lower(),
        title or "Imported: " + ", ".join(n.name for n in nodes),
        "Imported with labkit import from ipconfig /all and route print.",
    )
    return net, notes


def _routers(nodes: list[Node], taken: set[str]) -> list[Node]:
    owned = {a.ip for node in nodes for a in node.addresses}
    found: dict[IPv4Address, IPv4Interface] = {}
    for node in nodes:
        hops = [(i, g.address) for i in node.interfaces for g in i.gateways]
        hops += [(node.interface(r.interface), r.gateway) for r in node.routes if r.gateway is not None]
        for iface, hop in hops:
            subnet = next((a for a in iface.addresses if hop in a.network), None)
            if hop in owned or hop in found or subnet is None:
                continue
            found[hop] = IPv4Interface(f"{hop}/{subnet.network.prefixlen}")
    router_os = profile(DEFAULT_ROUTER_OS)
    return [
        Node(
            name=node_name(f"router-{dashed(hop)}", taken),
            os=router_os,
            role=Role.ROUTER,
            interfaces=(
                with_switches(
                    Interface("lan", "lan", _segment(address), (address,)), interface_defaults(router_os, Role.ROUTER)
                ),
            ),
        )
        for hop, address in found.items()
    ]


def _unicast_cluster_ip(mac: str) -> IPv4Address | None:
    """Unicast NLB gives the cluster NIC the MAC 02-BF-w-x-y-z, w.x.y.z being the cluster IP (KB 4494444)."""
    parts = mac.split("-")
    if len(parts) == 6 and parts[:2] == ["02", "BF"]:
        return IPv4Address(bytes(int(p, 16) for p in parts[2:]))
    return None


def _clusters(nodes: list[Node], servers: list[ServerOutputs], given: tuple[IPv4Address, ...]):
    notes: list[str] = []
    seen_mac: dict[IPv4Address, str] = {}
    for node, outputs in zip(nodes, servers):
        for adapter in outputs.ipconfig.adapters:
            ip = _unicast_cluster_ip(adapter.mac)
            if ip is not None and any(a.ip == ip for a in adapter.addresses):
                seen_mac[ip] = f'{node.name} "{adapter.name}"'
    clusters = []
    for ip in dict.fromkeys((*given, *seen_mac)):
        members = tuple(InterfaceRef(n.name, i.key) for n in nodes for i in n.interfaces if i.owns(ip))
        if not members:
            raise ImportInputError(
                f"--nlb {ip}",
                "no imported NIC holds this address; expected a cluster IP that ipconfig /all lists on the NLB NIC",
            )
        if ip in seen_mac:
            notes.append(
                f"NLB cluster {ip}: {seen_mac[ip]} carries the unicast cluster MAC "
                f"02-BF-{'-'.join(f'{b:02X}' for b in ip.packed)}, so it is taken as a unicast cluster"
            )
        else:
            notes.append(
                f"NLB cluster {ip}: you named it; the outputs do not show NLB's mode, so unicast "
                "(NLB's default) is assumed"
            )
        clusters.append(Cluster("nlb-" + dashed(ip), ip, members, NlbAffinity.SINGLE, ClusterMode.UNICAST))
    if not clusters:
        notes.append(
            "NLB: these outputs show no cluster (a unicast cluster's MAC 02-BF-… would show one); in the "
            "multicast modes NICs keep their own MAC, so membership cannot be seen: name cluster IPs with "
            "--nlb if there are any"
        )
    in_cluster = {(n, k) for c in clusters for n, k in c.members}
    for node in nodes:
        for iface in node.interfaces:
            if len(iface.addresses) > 1 and (node.name, iface.key) not in in_cluster:
                extra = ", ".join(str(a.ip) for a in iface.addresses[1:])
                notes.append(
                    f'{node.name}: "{iface.label}" holds more than one address ({extra} after the first); '
                    "the outputs do not show NLB membership. If one is an NLB cluster IP, import again "
                    "with --nlb ADDRESS (import_server(..., nlb=[...]))"
                )
    return clusters, notes
