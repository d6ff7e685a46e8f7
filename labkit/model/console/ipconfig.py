"""`ipconfig` and `ipconfig /all` as Windows Server 2003 and 2008-2022 print them.

Layout: a label of exactly 36 characters ending in `: `, indented 3 spaces (8 on 2003);
further values of a field on their own lines under the first value. The kit models IPv4
only: adapters appear as with IPv6 unbound from them (no link-local line).
"""

from __future__ import annotations

from ..cmdline import CommandError
from ..host import Node
from .layout import description, mac_ipconfig, yes_no

# Label strings are fixed texts in ipconfig (the dot spacing is irregular): copied, not computed.
LABELS = {
    "host": "Host Name . . . . . . . . . . . . : ",
    "suffix": "Primary Dns Suffix  . . . . . . . : ",
    "node_type": "Node Type . . . . . . . . . . . . : ",
    "routing": "IP Routing Enabled. . . . . . . . : ",
    "wins_proxy": "WINS Proxy Enabled. . . . . . . . : ",
    "dns_suffix": "Connection-specific DNS Suffix  . : ",
    "description": "Description . . . . . . . . . . . : ",
    "mac": "Physical Address. . . . . . . . . : ",
    "dhcp": "DHCP Enabled. . . . . . . . . . . : ",
    "autoconf": "Autoconfiguration Enabled . . . . : ",
    "ipv4": "IPv4 Address. . . . . . . . . . . : ",
    "mask": "Subnet Mask . . . . . . . . . . . : ",
    "gateway": "Default Gateway . . . . . . . . . : ",
    "netbios": "NetBIOS over Tcpip. . . . . . . . : ",
}
LABELS_2003 = {**LABELS, "ipv4": "IP Address. . . . . . . . . . . . : ", "dhcp": "Dhcp Enabled. . . . . . . . . . . : "}

USAGE = (
    "USAGE:\n    ipconfig [/allcompartments] [/? | /all |\n"
    "                                 /renew [adapter] | /release [adapter] |\n"
    "                                 /renew6 [adapter] | /release6 [adapter] |\n"
    "                                 /flushdns | /displaydns | /registerdns |\n"
    "                                 /showclassid adapter |\n"
    "                                 /setclassid adapter [classid] |\n"
    "                                 /showclassid6 adapter |\n"
    "                                 /setclassid6 adapter [classid] ]"
)
NOT_MODELLED = (
    "/renew",
    "/release",
    "/renew6",
    "/release6",
    "/flushdns",
    "/displaydns",
    "/registerdns",
    "/showclassid",
    "/setclassid",
    "/showclassid6",
    "/setclassid6",
    "/allcompartments",
)


def _field(indent: str, label: str, values: list[str]) -> list[str]:
    first, *more = values or [""]
    pad = " " * (len(indent) + len(label))
    return [f"{indent}{label}{first}".rstrip()] + [pad + v for v in more]


def _routing_enabled(node: Node) -> bool:
    """IP Routing Enabled reflects IPEnableRouter, the machine-wide switch: on 2003 the kit's
    forwarding is that switch; from 2008 on, per-interface forwarding leaves it at No."""
    return not node.os.forwarding_per_interface and any(i.forwarding for i in node.interfaces)


def ipconfig(node: Node, full: bool) -> str:
    """`ipconfig` (full=False) or `ipconfig /all`."""
    old = not node.os.forwarding_per_interface  # Windows Server 2003
    labels, indent = (LABELS_2003, " " * 8) if old else (LABELS, " " * 3)
    preferred = "" if old else "(Preferred)"
    lines = ["", "Windows IP Configuration", ""]
    if full:
        lines += _field(indent, labels["host"], [node.name])
        lines += _field(indent, labels["suffix"], [])
        lines += _field(indent, labels["node_type"], ["Unknown" if old else "Hybrid"])
        lines += _field(indent, labels["routing"], [yes_no(_routing_enabled(node))])
        lines += _field(indent, labels["wins_proxy"], ["No"])
    lines.append("")
    for iface in node.interfaces:
        lines += [f"Ethernet adapter {iface.label}:", ""]
        lines += _field(indent, labels["dns_suffix"], [])
        if full:
            lines += _field(indent, labels["description"], [description(iface)])
            lines += _field(indent, labels["mac"], [mac_ipconfig(node, iface)])
            lines += _field(indent, labels["dhcp"], ["No"])
            if not old:
                lines += _field(indent, labels["autoconf"], ["Yes"])
        for addr in iface.addresses:
            lines += _field(indent, labels["ipv4"], [f"{addr.ip}{preferred if full else ''}"])
            lines += _field(indent, labels["mask"], [str(addr.netmask)])
        lines += _field(indent, labels["gateway"], [str(g.address) for g in iface.gateways])
        if full and not old:
            lines += _field(indent, labels["netbios"], ["Enabled"])
        lines.append("")
    return "\n".join(lines[:-1])


def run_ipconfig(node: Node, args: list[str]) -> str:
    """ipconfig's switches: none or /all (also -all); the others are Windows's but not modelled."""
    lowered = [a.lower() for a in args]
    if not lowered:
        return ipconfig(node, full=False)
    if lowered in (["/all"], ["-all"]):
        return ipconfig(node, full=True)
    if ("/" + lowered[0][1:]) in NOT_MODELLED:
        raise CommandError(
            f"ipconfig {args[0]}: not modelled by labkit (the kit's addresses are static)",
            "labkit models ipconfig and ipconfig /all",
        )
    return f"\nError: unrecognized or incomplete command line.\n\n{USAGE}"
