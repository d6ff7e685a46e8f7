"""Remedies: the settings that would change a failed trace's outcome, with the Windows
commands that make them, each tried out on a copy of the network before it is offered."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network

from .commands import (
    CommandError,
    apply_command,
    forwarding_command,
    netsh_add_route,
    netsh_set_switch,
    route_exe_add,
    skip_as_source_commands,
)
from .flow import Protocol
from .host import Interface, Node
from .network import Network
from .nlb_cluster import ClusterMode, cluster_mac
from .routes import Route, RouteOrigin
from .trace import Hop, Outcome, Packet, Remedy, Trace


def cluster_source_remedies(net: Network, start: str, source: IPv4Address) -> list[Remedy]:
    """When a node's own connection uses an NLB cluster IP as its source: how to stop that."""
    if net.cluster_for(source) is None:
        return []
    node = net.node(start)
    owner = node.owner_of(source)
    if not node.os.ranked_source_selection:
        return [
            Remedy(
                f'list the dedicated address first on "{owner.label}" of {start}: '
                f"{node.os.display} sources from a NIC's first address"
            )
        ]
    cluster_ips = [a.ip for a in owner.addresses if net.cluster_for(a.ip) and a.ip not in owner.skip_as_source]
    return [
        Remedy(
            f"stop {start} from using the NLB cluster IP(s) {', '.join(map(str, cluster_ips))} as a "
            f'source: re-add them with skipassource on "{owner.label}" '
            f"({SKIP_AS_SOURCE_SUPPORT.get(node.os.name, SKIP_AS_SOURCE_BUILT_IN)})",
            (skip_as_source_commands(owner, cluster_ips),),
            start,
        ),
        Remedy(f"make the application on {start} bind to its dedicated address"),
    ]


SKIP_AS_SOURCE_SUPPORT = {
    "windows-2008": "netsh accepts skipassource on 2008 SP2 with the KB 975808 hotfix",
    "windows-2008r2": "netsh accepts skipassource on 2008 R2 SP1, or RTM with the KB 2386184 hotfix",
}
"""Where skipassource needs a service pack or hotfix (KB 975808; the MIB_UNICASTIPADDRESS_ROW
documentation names KB 2386184 and SP1 for 2008 R2)."""
SKIP_AS_SOURCE_BUILT_IN = "built in; PowerShell: Set-NetIPAddress -SkipAsSource $true"


def tried_remedies(net: Network, result: Trace, rerun, fixed) -> tuple[Remedy, ...]:
    """Keep the remedies whose commands work when tried on a copy of the network.

    Equivalent route suggestions (one per usable router) are cut to the first that works.
    Where none fixes it, the ones that change the outcome are kept, saying what then happens.
    Remedies without a command (bring a node up, bind an application) are kept as advice.
    """
    working, further, kept_route, tried = [], [], False, []
    for remedy in result.remedies:
        if not (remedy.node and remedy.commands):
            working.append(remedy)
            continue
        is_route = remedy.commands[0].startswith("route ")
        if is_route and kept_route:
            continue
        try:
            changed, _ = apply_command(net, remedy.node, remedy.commands[0])
        except CommandError:
            continue
        tried.append((remedy, changed))
        after = rerun(changed)
        if fixed(after):
            working.append(remedy)
            kept_route = kept_route or is_route
        elif after is not None and (after.outcome, after.last_hop.node) != (result.outcome, result.last_hop.node):
            outcome = (
                "ACCEPTED by the wrong node"
                if after.outcome is Outcome.ACCEPTED_BY_WRONG_NODE
                else after.disposition.value
            )
            further.append(
                replace(remedy, text=f"{remedy.text} (not enough alone: then {outcome} at {after.last_hop.node})")
            )
    if any(r.commands for r in working):
        return tuple(working)
    return tuple(_pairs_that_work(tried, rerun, fixed) + further + working)


def _pairs_that_work(tried, rerun, fixed) -> list[Remedy]:
    """When no single change fixes it, two together may (e.g. a route on one node and
    skipassource on another)."""
    found = []
    for i, (first, _) in enumerate(tried):
        for second, _ in tried[i + 1 :]:
            if (
                first.node == second.node
                and first.commands[0].startswith("route ")
                and second.commands[0].startswith("route ")
            ):
                continue
            try:
                changed, _ = apply_command(tried[i][1], second.node, second.commands[0])
            except CommandError:
                continue
            if fixed(rerun(changed)):
                found.append(Remedy(f"{first} together with {second}"))
    return found


def _routers_for(net: Network, node: Node, iface: Interface) -> list[IPv4Address]:
    """Addresses of forwarding neighbours on the interface's own subnets (usable gateways)."""
    found: list[IPv4Address] = []
    if iface.segment is None:
        return found
    for other, oi in net.segments.get(iface.segment, ()):
        if not oi.forwarding or other.down or other.name == node.name:
            continue
        found.extend(a.ip for a in oi.addresses if iface.on_link(a.ip) and a.ip not in found)
    return found


def _destination_network(net: Network, dst: IPv4Address) -> IPv4Network:
    """The subnet of the interface that holds the destination, else the narrowest subnet
    containing it, else the host /32."""
    containing = []
    for node in net.nodes:
        for addr in node.addresses:
            if addr.ip == dst and addr.network.prefixlen < 32:
                return addr.network
            if dst in addr.network and 0 < addr.network.prefixlen < 32:
                containing.append(addr.network)
    return max(containing, key=lambda n: n.prefixlen, default=IPv4Network(dst))


def _route_remedies(net: Network, node: Node, iface: Interface, dst: IPv4Address) -> list[Remedy]:
    if not node.os.is_windows:
        return []
    out = []
    for router in _routers_for(net, node, iface):
        route = Route(_destination_network(net, dst), router, iface.key, node.os.static_route_metric)
        commands = (route_exe_add(node, route),) + (
            (netsh_add_route(node, route),) if node.os.forwarding_per_interface else ()
        )
        out.append(
            Remedy(
                f'add a route to {route.destination} via {router} on "{iface.label}" of {node.name}',
                commands,
                node.name,
            )
        )
    return out


def strong_send_remedies(net: Network, node: Node, owner: Interface, dst: IPv4Address) -> list[Remedy]:
    return [
        Remedy(
            f'enable weakhostsend on "{owner.label}" of {node.name}',
            (netsh_set_switch(owner, "weakhostsend", True),),
            node.name,
        ),
        *_route_remedies(net, node, owner, dst),
        forwarding_remedy(node, owner),
    ]


def forwarding_remedy(node: Node, iface: Interface) -> Remedy:
    if not node.os.is_windows:
        return Remedy(f"enable IP forwarding on {node.name} (sysctl -w net.ipv4.ip_forward=1)")
    where = f'"{iface.label}" of {node.name}' if node.os.forwarding_per_interface else node.name
    return Remedy(f"enable forwarding on {where}", (forwarding_command(node, iface),), node.name)


def no_route_remedies(net: Network, node: Node, dst: IPv4Address) -> list[Remedy]:
    out = [r for iface in node.interfaces for r in _route_remedies(net, node, iface, dst)]
    return out or [Remedy(f"give {node.name} a route to {dst}: no router on its segments reaches it")]


def unreachable_remedies(net: Network, node: Node, route: Route, packet: Packet) -> list[Remedy]:
    hop = route.next_hop(packet.dst)
    out = node.interface(route.interface)
    if out.is_loopback_adapter:
        return [
            Remedy(
                f'keep {packet.dst} off the loopback adapter "{out.label}": give its address a '
                "/32 mask (a VIP needs no subnet), or a higher interface metric"
            )
        ]
    holders = net.holders(out.segment, hop)
    shared = holders and net.shared_unicast_mac((node.name, out.key), (holders[0][0].name, holders[0][1].key))
    if shared:
        return _unicast_remedies(shared, holders[0][0])
    if holders:
        fixes = [Remedy(f"bring {holders[0][0].name} ({hop}) back up")]
        gateways = [r for r in node.route_table if r.origin is RouteOrigin.GATEWAY]
        owner = node.owner_of(packet.src)
        if route.is_default and packet.proto == Protocol.TCP and len(gateways) < 2:
            fixes.append(
                Remedy(
                    f"configure a second, working default gateway on {node.name} "
                    "(dead gateway detection moves TCP connections to it)"
                )
            )
        elif (
            route.is_default
            and packet.proto == Protocol.TCP
            and owner is not None
            and any(g.interface != owner.key for g in gateways)
            and node.os.host_model_configurable
        ):
            fixes.append(
                Remedy(
                    f'enable weakhostsend on "{owner.label}" of {node.name}, so the connection '
                    "may fail over to a gateway on another NIC",
                    (netsh_set_switch(owner, "weakhostsend", True),),
                    node.name,
                )
            )
        return fixes
    return [Remedy(f"check the address {hop}: no interface on segment {out.segment} has it")]


def _unicast_remedies(cluster, peer: Node) -> list[Remedy]:
    """Host-to-host traffic in a unicast-mode cluster: use a second NIC, or multicast mode."""
    cluster_nics = {k for n, k in cluster.members if n == peer.name}
    other = [
        (i, a.ip)
        for i in peer.interfaces
        if i.key not in cluster_nics and not i.is_loopback_adapter
        for a in i.addresses
    ]
    second = (
        Remedy(
            f'talk to {peer.name} over its second NIC: {other[0][1]} ("{other[0][0].label}"), '
            "not its cluster NIC address"
        )
        if other
        else Remedy(f"give the members of cluster {cluster.name} a second NIC for host-to-host traffic")
    )
    # Advice, not a tried command: labkit's command interpreter has no NLB cmdlets.
    multicast = cluster_mac(cluster.ip, ClusterMode.MULTICAST)
    return [
        second,
        Remedy(
            f"switch cluster {cluster.name} to multicast mode, where each NIC keeps its own MAC "
            "(NLB Manager: Cluster Properties > Cluster Parameters, or Get-NlbCluster | "
            f"Set-NlbCluster -OperationMode Multicast); switches then need a static entry for "
            f"{cluster.ip} -> {multicast}"
        ),
    ]


def loop_remedies(hops: list[Hop], dst: IPv4Address) -> list[Remedy]:
    names = list(dict.fromkeys(h.node for h in hops))
    return [Remedy(f"check the routes for {dst} on {', '.join(names)}: they send it in a circle")]
