"""Checking a network before it is used: every error and warning, located by scenario key path."""

from __future__ import annotations

from ipaddress import IPv4Address

from .ftp_protocol import ServerSoftware, TlsMode
from .host import HOST_MODEL_SWITCHES, InterfaceRef, Node, Role, Switch, interface_defaults
from .network import Network
from .problems import Dialog, Location, Problem, ProblemTopic, Severity, WindowsDialog
from .routes import route_interface


def validate_network(net: Network) -> tuple[Problem, ...]:
    """Every error and warning, as scenario key paths; an empty tuple means usable."""
    problems: list[Problem] = []
    for node in net.nodes:
        problems.extend(_node_problems(node))
    problems.extend(_segment_problems(net))
    problems.extend(_cluster_problems(net))
    problems.extend(_middlebox_problems(net))
    return tuple(problems)


def _node_problems(node: Node) -> list[Problem]:
    out: list[Problem] = []
    keys = [i.key for i in node.interfaces]
    if node.binding_order and sorted(node.binding_order) != sorted(keys):
        out.append(
            Problem.at(
                Location(node.name, field="binding_order"), f"expected each interface exactly once ({', '.join(keys)})"
            )
        )
    defaults = interface_defaults(node.os, node.role)
    seen: dict[IPv4Address, str] = {}
    gateway_subnets = set()
    for iface in node.interfaces:
        for n, addr in enumerate(iface.addresses):
            if addr.ip in seen:
                out.append(
                    Problem.at(
                        Location(node.name, iface.key, "addresses", n),
                        f"{addr.ip} is already an address of interface {seen[addr.ip]}",
                    )
                )
            seen.setdefault(addr.ip, iface.key)
        for switch in HOST_MODEL_SWITCHES:
            if (
                getattr(iface, switch) != defaults[switch]
                and not node.os.host_model_configurable
                and node.role is Role.HOST
            ):
                out.append(
                    Problem.at(
                        Location(node.name, iface.key, switch),
                        f"{node.os.display} has no {switch} switch for IPv4 "
                        f"(always {'weak' if defaults[switch] else 'strong'} host); "
                        "remove the key",
                    )
                )
        if node.role is Role.ROUTER:
            for switch in Switch:
                if not getattr(iface, switch):
                    out.append(
                        Problem.at(
                            Location(node.name, iface.key, switch),
                            "a router forwards and is weak on every interface; use role: host for a node that is not",
                        )
                    )
        if iface.skip_as_source and not node.os.ranked_source_selection:
            out.append(
                Problem.at(
                    Location(node.name, iface.key, "skip_as_source"),
                    f"{node.os.display} has no skipassource; list the address to use first instead",
                )
            )
        for n, addr in enumerate(iface.addresses):
            if addr.network.prefixlen < 31 and addr.ip in (
                addr.network.network_address,
                addr.network.broadcast_address,
            ):
                out.append(
                    Problem.at(
                        Location(node.name, iface.key, "addresses", n),
                        f"{addr.ip} is the network or broadcast address of {addr.network}, not a host address",
                    )
                )
        for n, gw in enumerate(iface.gateways):
            if (
                gw.address.is_unspecified
                or gw.address.is_multicast
                or gw.address.is_loopback
                or gw.address == IPv4Address("255.255.255.255")
                or any(gw.address == a.network.broadcast_address for a in iface.addresses if a.network.prefixlen < 31)
            ):
                out.append(
                    Problem.at(
                        Location(node.name, iface.key, "gateways", n),
                        f"{gw.address} cannot be a gateway (expected a router's host address)",
                    )
                )
            elif not iface.on_link(gw.address):
                out.append(
                    Problem.at(
                        Location(node.name, iface.key, "gateways", n),
                        f"default gateway {gw.address} is not on the subnet of any address of "
                        f'"{iface.label}" (Windows warns that it is not on the same network segment; '
                        "it works only if something on the segment answers for it)",
                        Severity.WARNING,
                        Dialog(WindowsDialog.GATEWAY_OFF_SUBNET, (iface.label,)),
                        ProblemTopic.GATEWAY_OFF_SUBNET,
                    )
                )
            nets = {a.network for a in iface.addresses if gw.address in a.network}
            gateway_subnets.add(min(nets) if nets else gw.address)
    out.extend(_gateway_count_problems(node, gateway_subnets))
    for n, route in enumerate(node.routes):
        try:
            route_interface(node, route.gateway, route.interface)
        except ValueError as err:
            where = "gateway" if route.gateway is not None and node.has_interface(route.interface) else "interface"
            out.append(Problem.at(Location(node.name, field="routes", index=n, detail=where), str(err)))
    indexes: dict[int, str] = {}
    for iface in node.interfaces:
        index = node.if_index(iface.key)
        if index in indexes:
            out.append(
                Problem.at(
                    Location(node.name, iface.key, "index"),
                    f"index {index} is already used by interface {indexes[index]}",
                )
            )
        indexes.setdefault(index, iface.key)
        if iface.metric is not None and node.os.metric_table is None:
            out.append(
                Problem.at(
                    Location(node.name, iface.key, "metric"),
                    f"{node.os.display} has no interface metric; remove the key",
                )
            )
    if not node.os.forwarding_per_interface and len({i.forwarding for i in node.interfaces}) > 1:
        out.append(
            Problem.at(
                Location(node.name, field="interfaces"),
                f"{node.os.display} forwards on every interface or on none (the registry "
                "value IPEnableRouter); set forwarding the same on all its interfaces",
            )
        )
    return out


def _gateway_count_problems(node: Node, subnets: set) -> list[Problem]:
    """Gateways on several NICs: Windows shows its multiple-gateways dialog on saving each NIC after
    the first, on one subnet too; there it saves and works, across subnets only one gateway is used."""
    with_gateway = [i.label for i in node.interfaces if i.gateways]
    dialog = Dialog(WindowsDialog.MULTIPLE_GATEWAYS, tuple(with_gateway[1:])) if len(with_gateway) > 1 else None
    if len(subnets) > 1:
        return [
            Problem.at(
                Location(node.name, field="interfaces"),
                "default gateways on more than one subnet: Windows warns that several "
                "gateways give redundancy on one network and do not work across "
                "disjoint networks; " + _gateways_in_use(node),
                Severity.WARNING,
                dialog,
                ProblemTopic.SEVERAL_GATEWAYS,
            )
        ]
    if dialog is None:
        return []
    return [
        Problem.at(
            Location(node.name, field="interfaces"),
            f"default gateways on {len(with_gateway)} NICs, all on {next(iter(subnets))}: Windows "
            "still shows its multiple-gateways warning when you save the second; answer Yes and "
            "it saves and works; " + _gateways_in_use(node),
            Severity.WARNING,
            dialog,
            ProblemTopic.SEVERAL_GATEWAYS,
        )
    ]


def _segment_problems(net: Network) -> list[Problem]:
    out: list[Problem] = []
    cluster_ips = {c.ip for c in net.clusters}
    for segment, members in net.segments.items():
        first: dict[IPv4Address, InterfaceRef] = {}
        for node, iface in members:
            for n, addr in enumerate(iface.addresses):
                if addr.ip in cluster_ips:
                    continue
                where = InterfaceRef(node.name, iface.key)
                if addr.ip in first and first[addr.ip].node != node.name:
                    out.append(
                        Problem.at(
                            Location(node.name, iface.key, "addresses", n),
                            f"{addr.ip} is also used by {first[addr.ip]} on segment {segment} "
                            "(an IP address conflict; only an NLB cluster IP may be shared)",
                        )
                    )
                first.setdefault(addr.ip, where)
    return out


def _middlebox_problems(net: Network) -> list[Problem]:
    out: list[Problem] = []
    for node in net.nodes:
        keys = {i.key for i in node.interfaces}
        if node.firewall is not None:
            for n, rule in enumerate(node.firewall.rules):
                for key in ("in_interface", "out_interface"):
                    value = getattr(rule, key)
                    if value is not None and value not in keys:
                        out.append(
                            Problem.at(
                                Location(node.name, field="firewall.rules", index=n, detail=key),
                                f"expected one of {', '.join(sorted(keys))}, got {value!r}",
                            )
                        )
        if node.nat is not None:
            for n, key in enumerate(node.nat.masquerade):
                if key not in keys:
                    out.append(
                        Problem.at(
                            Location(node.name, field="nat.masquerade", index=n),
                            f"expected one of {', '.join(sorted(keys))}, got {key!r}",
                        )
                    )
            for n, forward in enumerate(node.nat.port_forwards):
                if forward.interface not in keys:
                    out.append(
                        Problem.at(
                            Location(node.name, field="nat.port_forwards", index=n, detail="interface"),
                            f"expected one of {', '.join(sorted(keys))}, got {forward.interface!r}",
                        )
                    )
        if (node.nat or node.load_balancer) and node.role is not Role.ROUTER:
            out.append(Problem.at(Location(node.name), "NAT and load balancers live on routers (role: router)"))
        if node.ftp_helper and node.role is not Role.ROUTER and node.firewall is None:
            out.append(
                Problem.at(
                    Location(node.name, field="ftp_helper"),
                    "on a host an FTP helper belongs to its firewall "
                    "(Windows Firewall's stateful FTP): add a firewall: section",
                )
            )
        for n, address in enumerate(node.load_balancer.snat if node.load_balancer else ()):
            if not node.owns(address):
                out.append(
                    Problem.at(
                        Location(node.name, field="load_balancer.snat", index=n),
                        f"{address} must be an address of {node.name}, or answers cannot come back",
                    )
                )
        if node.load_balancer is not None and not node.owns(node.load_balancer.vip):
            out.append(
                Problem.at(
                    Location(node.name, field="load_balancer.vip"),
                    f"{node.load_balancer.vip} must be an address of {node.name} (add it to an interface)",
                )
            )
        server = node.ftp_server
        if (
            server is not None
            and server.software is ServerSoftware.PYFTPDLIB
            and (server.ccc or server.tls is TlsMode.IMPLICIT)
        ):
            out.append(
                Problem.at(
                    Location(node.name, field="ftp_server"),
                    "pyftpdlib offers neither CCC nor implicit TLS (choose software: iis or vsftpd to model them)",
                )
            )
    setup = net.ftp
    if setup is not None:
        for key in ("client", "server"):
            name = getattr(setup, key)
            if not net.has_node(name):
                out.append(Problem(f"ftp.{key}", f"no node {name!r}"))
        if net.has_node(setup.server) and net.node(setup.server).ftp_server is None:
            out.append(Problem("ftp.server", f"{setup.server} has no ftp_server: section"))
    return out


def _cluster_problems(net: Network) -> list[Problem]:
    out: list[Problem] = []
    owners: dict[IPv4Address, str] = {}
    for cluster in net.clusters:
        base = f"clusters.{cluster.name}"
        if cluster.ip in owners:
            out.append(Problem(f"{base}.ip", f"{cluster.ip} is already the IP of cluster {owners[cluster.ip]}"))
            continue
        owners[cluster.ip] = cluster.name
        segments = set()
        for n, (node_name, key) in enumerate(cluster.members):
            path = f"{base}.members[{n}]"
            if (node_name, key) in cluster.members[:n]:
                out.append(Problem(path, f"{cluster.members[n]} is listed twice"))
                continue
            if not net.has_node(node_name):
                out.append(Problem(path, f"no node {node_name!r}"))
                continue
            node = net.node(node_name)
            if not node.has_interface(key):
                out.append(Problem(path, f"node {node_name!r} has no interface {key!r}"))
                continue
            iface = node.interface(key)
            if not iface.owns(cluster.ip):
                out.append(
                    Problem(
                        path,
                        f'"{iface.label}" of {node_name} does not have the cluster IP {cluster.ip} among its addresses',
                    )
                )
            segments.add(iface.segment)
        if len(segments) > 1:
            out.append(
                Problem(
                    f"{base}.members",
                    f"all members must be on one segment (found: {', '.join(sorted(map(str, segments)))})",
                )
            )
        for node in net.nodes:
            for iface in node.interfaces:
                if iface.owns(cluster.ip) and (node.name, iface.key) not in cluster.members:
                    out.append(
                        Problem(
                            f"{base}.members",
                            f"{InterfaceRef(node.name, iface.key)} holds the cluster IP {cluster.ip} but is "
                            "not listed as a member (add it, or remove the address)",
                        )
                    )
    out.extend(_several_cluster_nics_problems(net))
    return out


def _several_cluster_nics_problems(net: Network) -> list[Problem]:
    """The field notes' three-NIC warning: clusters on separate NICs plus gateways on several NICs."""
    out = []
    for node in net.nodes:
        clusters = [c.name for c in net.clusters if any(n == node.name for n, _ in c.members)]
        cluster_nics = {k for c in net.clusters for n, k in c.members if n == node.name}
        with_gateway = [f'"{i.label}"' for i in node.interfaces if i.gateways]
        if len(cluster_nics) > 1 and len(with_gateway) > 1:
            out.append(
                Problem.at(
                    Location(node.name, field="interfaces"),
                    f"NLB clusters {', '.join(clusters)} on separate NICs and default gateways on "
                    f"{', '.join(with_gateway)}: in this setup the field notes met event 18 (duplicate cluster "
                    "subnets), hosts stuck converging and 1 of x connections failing, changing with reboots, "
                    "even on one subnet; the kit does not model that. Keep one default gateway, on one NIC",
                    Severity.WARNING,
                    topic=ProblemTopic.SEVERAL_GATEWAYS,
                )
            )
    return out


def _gateways_in_use(node: Node) -> str:
    """Which of several default gateways carries what (the one-gateway rule has a 2008 half)."""
    if node.os.host_model_configurable:
        return (
            "connections the server opens itself use one of them at a time, while a reply or a "
            "socket bound to an address leaves by the gateway of the NIC that owns that address "
            "(strong host send, the default since 2008)"
        )
    return "only one of them is used at a time, whatever the source address"
