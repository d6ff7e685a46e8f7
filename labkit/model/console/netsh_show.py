"""What `netsh interface ipv4 show …` prints: `route`, `interfaces` (the table), `interface`
(the verbose parameter block, per Windows version), `config` and `addresses`.

The scenario holds no DNS or WINS servers: `show config` prints what a static interface
without them shows (`None`, `Primary only`).
"""

from __future__ import annotations

from ..host import Interface, Node
from ..routes import LOOPBACK, LOOPBACK_LABEL, RouteOrigin, interface_label
from .layout import LINK_MTU, if_luid, reachable_time_ms
from .route_print import table_order


def route_if_index(node: Node, key: str) -> int:
    return 1 if key == LOOPBACK else node.if_index(key)


def netsh_show_route(node: Node) -> str:
    """`netsh interface ipv4 show route`: Met is the route metric alone."""
    lines = [
        "",
        "Publish  Type      Met  Prefix                    Idx  Gateway/Interface Name",
        "-------  --------  ---  ------------------------  ---  ------------------------",
    ]
    for r in sorted(node.route_table, key=lambda r: table_order(node, r)):
        idx, name = route_if_index(node, r.interface), interface_label(node, r.interface)
        kind = "System" if r.origin in (RouteOrigin.SYSTEM, RouteOrigin.LOOPBACK) else "Manual"
        last = name if r.gateway is None else str(r.gateway)
        lines.append(f"No       {kind:<8}  {r.metric:<3}  {str(r.destination):<24}  {idx:>3}  {last}")
    return "\n".join(lines)


def netsh_show_interfaces(node: Node, only: Interface | None = None) -> str:
    """`netsh interface ipv4 show interfaces` (level=normal): the table."""
    lines = [
        "",
        "Idx     Met         MTU          State                Name",
        "---  ----------  ----------  ------------  ---------------------------",
    ]
    if only is None:
        lines.append(f"  1  {node.os.loopback_metric:>10}  4294967295  connected     Loopback Pseudo-Interface 1")
    for iface in node.interfaces if only is None else (only,):
        lines.append(
            f"{node.if_index(iface.key):>3}  {node.interface_metric(iface.key):>10}"
            f"  {LINK_MTU:>10}  {'connected':<12}  {iface.label}"
        )
    return "\n".join(lines)


# Which later fields a version prints: 2008 stops at Ignore Default Routes and has a
# Compartment Id line, 2008 R2 adds the router and wake-up lines, 2012 ECN, 2019 two more.
_VERBOSE_GENERATION = {
    "windows-2008": 0,
    "windows-2008r2": 1,
    "windows-2012": 2,
    "windows-2012r2": 2,
    "windows-2016": 2,
    "windows-2019": 3,
    "windows-2022": 3,
}


def _state(flag: bool) -> str:
    return "enabled" if flag else "disabled"


def _verbose_fields(node: Node, iface: Interface) -> list[tuple[str, str]]:
    """The fields of one interface's verbose block: modelled values and Windows's defaults."""
    generation = _VERBOSE_GENERATION.get(node.os.name, 3)
    fields = [("IfLuid", if_luid(node, iface)), ("IfIndex", str(node.if_index(iface.key)))]
    if generation == 0:
        fields.append(("Compartment Id", "1"))
    fields += [
        ("State", "connected"),
        ("Metric", str(node.interface_metric(iface.key))),
        ("Link MTU", f"{LINK_MTU} bytes"),
        ("Reachable Time", f"{reachable_time_ms(node, iface)} ms"),
        ("Base Reachable Time", "30000 ms"),
        ("Retransmission Interval", "1000 ms"),
        ("DAD Transmits", "3"),
        ("Site Prefix Length", "64"),
        ("Site Id", "1"),
        ("Forwarding", _state(iface.forwarding)),
        ("Advertising", "disabled"),
        ("Neighbor Discovery", "enabled"),
        ("Neighbor Unreachability Detection", "enabled"),
        ("Router Discovery", "dhcp"),
        ("Managed Address Configuration", "enabled"),
        ("Other Stateful Configuration", "enabled"),
        ("Weak Host Sends", _state(iface.weakhostsend)),
        ("Weak Host Receives", _state(iface.weakhostreceive)),
        ("Use Automatic Metric", _state(iface.metric is None)),
        ("Ignore Default Routes", "disabled"),
    ]
    if generation >= 1:
        fields += [
            ("Advertised Router Lifetime", "1800 seconds"),
            ("Advertise Default Route", "disabled"),
            ("Current Hop Limit", "0"),
            ("Force ARPND Wake up patterns", "disabled"),
            ("Directed MAC Wake up patterns", "disabled"),
        ]
    if generation >= 2:
        fields.append(("ECN capability", "application"))
    if generation >= 3:
        fields += [("RA Based DNS Config (RFC 6106)", "disabled"), ("DHCP/Static IP coexistence", "disabled")]
    return fields


def netsh_show_interface(node: Node, key: str | None = None) -> str:
    """`netsh interface ipv4 show interface "NAME"` or `… show interface l=verbose` (every
    interface): a parameter block per interface, label in 35 columns, then `: value`."""
    lines = []
    for iface in node.interfaces if key is None else (node.interface(key),):
        lines += ["", f"Interface {iface.label} Parameters", "-" * 46]
        lines += [f"{label:<35}: {value}" for label, value in _verbose_fields(node, iface)]
    return "\n".join(lines + [""])


# --- show config / show addresses ------------------------------------------------------------


def _line(label: str, value: str) -> str:
    return f"    {label:<38}{value}"


def _interface_block(node: Node, iface: Interface, dns: bool) -> list[str]:
    lines = ["", f'Configuration for interface "{iface.label}"', _line("DHCP enabled:", "No")]
    for addr in iface.addresses:
        lines += [_line("IP Address:", str(addr.ip)), _line("Subnet Prefix:", f"{addr.network} (mask {addr.netmask})")]
    for gw in iface.gateways:
        # An automatic gateway metric shows as 0 (the interface metric is added on top).
        lines += [
            _line("Default Gateway:", str(gw.address)),
            _line("Gateway Metric:", str(gw.metric if gw.metric is not None else 0)),
        ]
    lines.append(_line("InterfaceMetric:", str(node.interface_metric(iface.key))))
    if dns:
        lines += [
            _line("Statically Configured DNS Servers:", "None"),
            _line("Register with which suffix:", "Primary only"),
            _line("Statically Configured WINS Servers:", "None"),
        ]
    return lines


def _loopback_block(node: Node, dns: bool) -> list[str]:
    lines = [
        "",
        f'Configuration for interface "{LOOPBACK_LABEL}"',
        _line("DHCP enabled:", "No"),
        _line("IP Address:", "127.0.0.1"),
        _line("Subnet Prefix:", "127.0.0.0/8 (mask 255.0.0.0)"),
        _line("InterfaceMetric:", str(node.os.loopback_metric)),
    ]
    if dns:
        lines += [
            _line("Statically Configured DNS Servers:", "None"),
            _line("Register with which suffix:", "None"),
            _line("Statically Configured WINS Servers:", "None"),
        ]
    return lines


def netsh_show_config(node: Node, only: Interface | None = None, dns: bool = True) -> str:
    """`show config` (dns=True) or `show addresses` (dns=False), for one interface or all."""
    lines: list[str] = []
    for iface in node.interfaces if only is None else (only,):
        lines += _interface_block(node, iface, dns)
    if only is None:
        lines += _loopback_block(node, dns)
    return "\n".join(lines + [""])
