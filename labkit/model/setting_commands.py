"""The Windows commands the kit writes for a node's settings: netsh and route.exe lines,
the IPEnableRouter registry command of Windows 2003, and KB 975808's skipassource steps.

What Windows prints (route print, netsh's show commands) is in labkit.model.console;
reading the commands a learner types is in commands.py, route_exe.py, netsh.py and reg_exe.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address

from .host import HOST_MODEL_SWITCHES, Interface, Node, Route, interface_defaults
from .routes import interface_for_gateway

__all__ = [
    "IP_ENABLE_ROUTER",
    "forwarding_command",
    "netsh_add_route",
    "netsh_set_switch",
    "node_commands",
    "registry_value",
    "route_exe_add",
    "skip_as_source_commands",
]

IP_ENABLE_ROUTER = r"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"


def netsh_set_switch(iface: Interface, switch: str, enabled: bool) -> str:
    state = "enabled" if enabled else "disabled"
    return f"netsh interface ipv4 set interface {iface.quoted} {switch}={state}"


def forwarding_command(node: Node, iface: Interface, enabled: bool = True) -> str:
    """Vista+: per interface with netsh; 2003: the machine-wide IPEnableRouter value."""
    if node.os.forwarding_per_interface:
        return netsh_set_switch(iface, "forwarding", enabled)
    return f"reg add {IP_ENABLE_ROUTER} /v IPEnableRouter /t REG_DWORD /d {int(enabled)} /f"


def route_exe_add(node: Node, route: Route) -> str:
    """`route -p add DEST mask MASK GATEWAY metric N [if IDX]`."""
    p = "-p " if route.persistent else ""
    dest = route.destination
    gateway = route.gateway if route.gateway is not None else IPv4Address("0.0.0.0")
    text = f"route {p}add {dest.network_address} mask {dest.netmask} {gateway} metric {route.metric}"
    inferred = interface_for_gateway(node, route.gateway) if route.gateway is not None else None
    if inferred != route.interface:
        text += f" if {node.if_index(route.interface)}"
    return text


def netsh_add_route(node: Node, route: Route) -> str:
    """`netsh interface ipv4 add route PREFIX "NAME" NEXTHOP metric=N` (persistent by default)."""
    iface = node.interface(route.interface)
    text = f"netsh interface ipv4 add route {route.destination} {iface.quoted}"
    if route.gateway is not None:
        text += f" {route.gateway}"
    text += f" metric={route.metric}"
    if not route.persistent:
        text += " store=active"
    return text


def node_commands(node: Node) -> list[str]:
    """The commands that give a freshly installed node of this OS the node's settings."""
    out: list[str] = []
    if not node.os.is_windows:
        return out
    defaults = interface_defaults(node.os, node.role)
    # 2003 has the older 'netsh interface ip' context, which spells the address addr=.
    context, addr = ("ipv4", "address") if node.os.forwarding_per_interface else ("ip", "addr")
    for iface in node.interfaces:
        first, *more = iface.addresses
        gateways = list(iface.gateways)
        command = (
            f"netsh interface {context} set address name={iface.quoted} source=static "
            f"{addr}={first.ip} mask={first.netmask}"
        )
        if gateways:
            gw = gateways.pop(0)
            command += f" gateway={gw.address}" + ("" if gw.metric is None else f" gwmetric={gw.metric}")
        out.append(command)
        out += [
            f"netsh interface {context} add address name={iface.quoted} {addr}={a.ip} mask={a.netmask}" for a in more
        ]
        out += [
            f"netsh interface {context} add address name={iface.quoted} gateway={gw.address}"
            + ("" if gw.metric is None else f" gwmetric={gw.metric}")
            for gw in gateways
        ]
        if iface.skip_as_source:
            out.append(skip_as_source_commands(iface, iface.skip_as_source))
        if iface.metric is not None:
            out.append(
                f"netsh interface ipv4 set interface {iface.quoted} metric={iface.metric}"
                if node.os.forwarding_per_interface
                else f"rem set the interface metric of {iface.quoted} to {iface.metric} in its Advanced "
                "TCP/IP Settings (Windows 2003 has no command for it)"
            )
        for switch in HOST_MODEL_SWITCHES:
            if getattr(iface, switch) != defaults[switch]:
                out.append(netsh_set_switch(iface, switch, getattr(iface, switch)))
        if iface.forwarding != defaults["forwarding"] and node.os.forwarding_per_interface:
            out.append(forwarding_command(node, iface, iface.forwarding))
    if not node.os.forwarding_per_interface and any(i.forwarding for i in node.interfaces):
        out.append(forwarding_command(node, node.interfaces[0]))
    for route in node.routes:
        out.append(route_exe_add(node, route))
        if node.os.forwarding_per_interface:  # netsh interface ipv4 arrived with Vista
            out.append(netsh_add_route(node, route))
    return out


def registry_value(route: Route) -> str:
    """The PersistentRoutes value name route -p writes: dest,mask,gateway,metric."""
    gw = route.gateway if route.gateway is not None else "0.0.0.0"
    return f"{route.destination.network_address},{route.destination.netmask},{gw},{route.metric}"


def skip_as_source_commands(iface: Interface, addresses: Iterable[IPv4Address]) -> str:
    """KB 975808's procedure: remove each address and add it back with skipassource=true."""
    steps = []
    for address in addresses:
        addr = next(a for a in iface.addresses if a.ip == address)
        steps += [
            f"netsh interface ipv4 delete address {iface.quoted} {addr.ip}",
            f"netsh interface ipv4 add address {iface.quoted} {addr.ip} {addr.netmask} skipassource=true",
        ]
    return " && ".join(steps)
