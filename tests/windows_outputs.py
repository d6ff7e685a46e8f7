"""Test data: `ipconfig /all` of a kit node, written from the documented layout (2008 and later:
3-space indent, 36-character labels, `(Preferred)`; 2003: 8-space indent, `IP Address`), so the
importer can be round-tripped before the simulated console exists. MACs follow the kit's own
`route print` Interface List so the two outputs describe the same adapters."""

from __future__ import annotations

LABELS = {
    "host": "Host Name . . . . . . . . . . . . : ",
    "suffix": "Primary Dns Suffix  . . . . . . . : ",
    "node": "Node Type . . . . . . . . . . . . : ",
    "routing": "IP Routing Enabled. . . . . . . . : ",
    "wins": "WINS Proxy Enabled. . . . . . . . : ",
    "conn": "Connection-specific DNS Suffix  . : ",
    "desc": "Description . . . . . . . . . . . : ",
    "mac": "Physical Address. . . . . . . . . : ",
    "dhcp": "DHCP Enabled. . . . . . . . . . . : ",
    "auto": "Autoconfiguration Enabled . . . . : ",
    "ipv4": "IPv4 Address. . . . . . . . . . . : ",
    "mask": "Subnet Mask . . . . . . . . . . . : ",
    "gw": "Default Gateway . . . . . . . . . : ",
    "netbios": "NetBIOS over Tcpip. . . . . . . . : ",
}
LEGACY = {"ipv4": "IP Address. . . . . . . . . . . . : ", "dhcp": "Dhcp Enabled. . . . . . . . . . . : "}


def kit_mac(node, iface) -> str:
    index = node.if_index(iface.key)
    return f"00-15-5D-00-{index >> 8 & 0xFF:02X}-{index & 0xFF:02X}"


def ipconfig_all(node, crlf: bool = False) -> str:
    legacy = node.os.name == "windows-2003"
    indent = " " * (8 if legacy else 3)
    labels = {**LABELS, **(LEGACY if legacy else {})}
    routing = "Yes" if legacy and any(i.forwarding for i in node.interfaces) else "No"
    lines = [
        "",
        "Windows IP Configuration",
        "",
        f"{indent}{labels['host']}{node.name}",
        f"{indent}{labels['suffix']}",
        f"{indent}{labels['node']}Hybrid",
        f"{indent}{labels['routing']}{routing}",
        f"{indent}{labels['wins']}No",
        "",
    ]
    for iface in node.interfaces:
        lines += [
            f"Ethernet adapter {iface.label}:",
            "",
            f"{indent}{labels['conn']}",
            f"{indent}{labels['desc']}{iface.label}",
            f"{indent}{labels['mac']}{kit_mac(node, iface)}",
            f"{indent}{labels['dhcp']}No",
        ]
        if not legacy:
            lines.append(f"{indent}{labels['auto']}Yes")
        for address in iface.addresses:
            lines += [
                f"{indent}{labels['ipv4']}{address.ip}{'' if legacy else '(Preferred)'}",
                f"{indent}{labels['mask']}{address.netmask}",
            ]
        gateways = [str(g.address) for g in iface.gateways] or [""]
        lines.append(f"{indent}{labels['gw']}{gateways[0]}")
        lines += [" " * (len(indent) + 36) + g for g in gateways[1:]]
        if not legacy:
            lines.append(f"{indent}{labels['netbios']}Enabled")
        lines.append("")
    text = "\n".join(lines)
    return text.replace("\n", "\r\n") if crlf else text
