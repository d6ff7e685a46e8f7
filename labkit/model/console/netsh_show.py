"""`netsh interface ipv4 show config` and `show addresses`: a block per interface, labels
left-aligned in 38 columns after a 4-space indent, the loopback last.

The scenario holds no DNS or WINS servers: the kit prints what a static interface without
them shows (`None`, `Primary only`).
"""

from __future__ import annotations

from ..host import Interface, Node
from ..routes import LOOPBACK_LABEL


def _line(label: str, value: str) -> str:
    return f"    {label:<38}{value}"


def _interface_block(node: Node, iface: Interface, dns: bool) -> list[str]:
    lines = ["", f'Configuration for interface "{iface.label}"', _line("DHCP enabled:", "No")]
    for addr in iface.addresses:
        lines += [_line("IP Address:", str(addr.ip)),
                  _line("Subnet Prefix:", f"{addr.network} (mask {addr.netmask})")]
    for gw in iface.gateways:
        # An automatic gateway metric shows as 0 (the interface metric is added on top).
        lines += [_line("Default Gateway:", str(gw.address)),
                  _line("Gateway Metric:", str(gw.metric if gw.metric is not None else 0))]
    lines.append(_line("InterfaceMetric:", str(node.interface_metric(iface.key))))
    if dns:
        lines += [_line("Statically Configured DNS Servers:", "None"),
                  _line("Register with which suffix:", "Primary only"),
                  _line("Statically Configured WINS Servers:", "None")]
    return lines


def _loopback_block(node: Node, dns: bool) -> list[str]:
    lines = ["", f'Configuration for interface "{LOOPBACK_LABEL}"', _line("DHCP enabled:", "No"),
             _line("IP Address:", "127.0.0.1"), _line("Subnet Prefix:", "127.0.0.0/8 (mask 255.0.0.0)"),
             _line("InterfaceMetric:", str(node.os.loopback_metric))]
    if dns:
        lines += [_line("Statically Configured DNS Servers:", "None"),
                  _line("Register with which suffix:", "None"),
                  _line("Statically Configured WINS Servers:", "None")]
    return lines


def netsh_show_config(node: Node, only: Interface | None = None, dns: bool = True) -> str:
    """`show config` (dns=True) or `show addresses` (dns=False), for one interface or all."""
    lines: list[str] = []
    for iface in node.interfaces if only is None else (only,):
        lines += _interface_block(node, iface, dns)
    if only is None:
        lines += _loopback_block(node, dns)
    return "\n".join(lines + [""])
