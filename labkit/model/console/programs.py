"""The diagnostic programs as cmd.exe and PowerShell both start them (ipconfig, ping,
tracert), and PowerShell's Find-NetRoute and Test-NetConnection: reading their switches
and handing the question to the writers. route, netsh and reg go to the one interpreter
in labkit.model.commands.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from ..addressing import parse_ipv4
from ..cmdline import CommandError
from ..engine import TraceError
from .layout import ps_error
from .probes import find_net_route, ping, test_net_connection, test_net_connection_fields, tracert
from .ps_objects import as_list
from .ps_parse import BoundValue, Cmdlet, Param, PsError, Token, bind, not_modelled

if TYPE_CHECKING:
    from ..network import Network

MAX_PING_COUNT = 100
"""ping -n accepts up to 4294967295; the kit prints at most this many probes."""

PING_USAGE = (
    "Usage: ping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]\n"
    "            [-r count] [-s count] [[-j host-list] | [-k host-list]]\n"
    "            [-w timeout] [-R] [-S srcaddr] [-c compartment] [-p]\n"
    "            [-4] [-6] target_name"
)
TRACERT_USAGE = (
    "Usage: tracert [-d] [-h maximum_hops] [-j host-list] [-w timeout]\n"
    "               [-R] [-S srcaddr] [-4] [-6] target_name"
)


def _target(text: str, program: str) -> IPv4Address | None:
    try:
        return parse_ipv4(text, "address")
    except ValueError:
        return None


def _number(value: str | None, switch: str, low: int, high: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise CommandError(f"Bad value for option {switch}, valid range is from {low} to {high}.")
    return number


def run_ping(net: Network, node_name: str, args: list[str]) -> str:
    count, size = 4, 32
    source: IPv4Address | None = None
    target: str | None = None
    node = net.node(node_name)
    i = 0
    while i < len(args):
        word = args[i]
        switch = word[1:].lower() if word[:1] in "-/" and len(word) > 1 else None
        value = args[i + 1] if i + 1 < len(args) else None
        if switch in ("n", "l", "s", "w", "i"):
            if value is None:
                raise CommandError(f"Value must be supplied for option {word}.")
            if switch == "n":
                count = _number(value, word, 1, 4294967295)
                if count > MAX_PING_COUNT:
                    raise CommandError(f"labkit: ping -n {count}: the kit sends at most {MAX_PING_COUNT} probes")
            elif switch == "l":
                size = _number(value, word, 0, 65500)
            elif switch == "s" and word[1:] == "S":
                if not node.os.forwarding_per_interface:
                    raise CommandError(
                        f"labkit: {node.os.display}'s ping takes -S for IPv6 only", "drop -S: the kit models IPv4"
                    )
                source = _target(value, "ping")
                if source is None or not node.owns(source):
                    raise CommandError(
                        f"ping -S {value}: {node_name} has no such address "
                        f"(its addresses: {', '.join(str(a.ip) for a in node.addresses)})",
                        own_wording=True,
                    )
            elif switch in ("s", "i"):
                raise CommandError(
                    f"labkit: ping {word} is not modelled",
                    "labkit models ping [-n count] [-l size] [-S srcaddr] [-4] target",
                )
            i += 2
            continue
        if switch in ("4", "a"):
            i += 1
            continue
        if switch == "t":
            raise CommandError("labkit: ping -t (until Ctrl+C) is not modelled", "use -n count")
        if switch is not None:
            return f"Bad option {word}.\n\n\n{PING_USAGE}"
        if target is not None:
            return f"Bad parameter {word}."
        target = word
        i += 1
    if target is None:
        return f"IP address must be specified.\n\n{PING_USAGE}" if not args else PING_USAGE
    address = _target(target, "ping")
    if address is None:
        return f"Ping request could not find host {target}. Please check the name and try again."
    return ping(net, node_name, address, source, count, size)


def run_tracert(net: Network, node_name: str, args: list[str]) -> str:
    hops = 30
    target: str | None = None
    i = 0
    while i < len(args):
        word = args[i]
        switch = word[1:].lower() if word[:1] in "-/" and len(word) > 1 else None
        if switch in ("h", "w"):
            if i + 1 >= len(args):
                raise CommandError(f"A value must be supplied for option {word}.")
            if switch == "h":
                hops = _number(args[i + 1], word, 1, 255)
            i += 2
            continue
        if switch in ("d", "4"):
            i += 1
            continue
        if switch is not None:
            return f"Bad option {word}.\n\n{TRACERT_USAGE}"
        target, i = word, i + 1
    if target is None:
        return TRACERT_USAGE
    address = _target(target, "tracert")
    if address is None:
        return f"Unable to resolve target system name {target}."
    return tracert(net, node_name, address, hops)


# --- PowerShell ------------------------------------------------------------------------------

TEST_NET_CONNECTION = Cmdlet(
    "Test-NetConnection",
    (
        Param("ComputerName", aliases=("RemoteAddress", "cn")),
        Param("Port", "uint", "System.Int32", aliases=("RemotePort",)),
        Param("CommonTCPPort", "enum", "System.String", ("HTTP", "RDP", "SMB", "WINRM")),
        Param("InformationLevel", "enum", "System.String", ("Quiet", "Detailed")),
        Param("TraceRoute", "switch", modelled=False),
        Param("Hops", "uint", "System.Int32", modelled=False),
        Param("DiagnoseRouting", "switch", modelled=False),
        Param("ConstrainSourceAddress", modelled=False),
        Param("ConstrainInterface", "uint", modelled=False),
    ),
    ("ComputerName",),
)
FIND_NET_ROUTE = Cmdlet(
    "Find-NetRoute",
    (
        Param("RemoteIPAddress"),
        Param("LocalIPAddress"),
        Param("InterfaceIndex", "uint", "System.UInt32", aliases=("ifIndex",), modelled=False),
    ),
    (),
)
COMMON_PORTS = {"HTTP": 80, "RDP": 3389, "SMB": 445, "WINRM": 5985}


def _check_modelled(cmdlet: Cmdlet, bound: dict[str, BoundValue]) -> None:
    skipped = not_modelled(cmdlet, bound)
    if skipped:
        raise CommandError(
            f"labkit: {cmdlet.name} -{skipped[0]} is not modelled",
            "labkit models " + ", ".join(f"-{p.name}" for p in cmdlet.params if p.modelled),
        )


def run_test_net_connection(net: Network, node_name: str, line: str, tokens: list[Token]) -> str:
    bound = bind(line, TEST_NET_CONNECTION, tokens)
    _check_modelled(TEST_NET_CONNECTION, bound)
    if bound.get("InformationLevel") == "Detailed":
        raise CommandError(
            "labkit: Test-NetConnection -InformationLevel Detailed is not modelled",
            "leave it out, or use -InformationLevel Quiet",
        )
    target = str(bound.get("ComputerName", "internetbeacon.msedge.net"))
    given = bound.get("Port")  # a uint parameter: bound as a number
    port = given if isinstance(given, int) else COMMON_PORTS.get(str(bound.get("CommonTCPPort")))
    if port is not None and not 1 <= port <= 65535:
        raise PsError(
            ps_error(
                line,
                "Test-NetConnection",
                f"Cannot validate argument on parameter 'Port'. "
                f"The {port} argument is greater than the maximum allowed range of 65535. Supply "
                "an argument that is less than or equal to 65535 and then try the command again.",
                "InvalidData: (:) [Test-NetConnection], ParameterBindingValidationException",
                "ParameterArgumentValidationError,Test-NetConnection",
            )
        )
    address = _target(target, "Test-NetConnection")
    if address is None:
        text = (
            f"WARNING: Name resolution of {target} failed\n\nComputerName   : {target}\nRemoteAddress  :\n"
            "InterfaceAlias :\nSourceAddress  :\nPingSucceeded  : False\n\n"
        )
        return "False" if bound.get("InformationLevel") == "Quiet" else text
    if bound.get("InformationLevel") == "Quiet":
        _, fields = test_net_connection_fields(net, node_name, target, address, port)
        return dict(fields)["TcpTestSucceeded" if port is not None else "PingSucceeded"]
    return test_net_connection(net, node_name, target, address, port)


def run_find_net_route(net: Network, node_name: str, line: str, tokens: list[Token]) -> str:
    bound = bind(line, FIND_NET_ROUTE, tokens)
    _check_modelled(FIND_NET_ROUTE, bound)
    if "RemoteIPAddress" not in bound:
        raise CommandError(
            "Find-NetRoute needs -RemoteIPAddress (PowerShell would prompt for it)",
            "Find-NetRoute -RemoteIPAddress 10.30.5.5",
            own_wording=True,
        )
    remote = _target(str(bound["RemoteIPAddress"]), "Find-NetRoute")
    local = _target(str(bound["LocalIPAddress"]), "Find-NetRoute") if "LocalIPAddress" in bound else None
    if remote is None or ("LocalIPAddress" in bound and local is None):
        bad = bound["RemoteIPAddress"] if remote is None else bound["LocalIPAddress"]
        raise PsError(
            ps_error(
                line,
                "Find-NetRoute",
                "The parameter is incorrect.",
                "InvalidArgument: (MSFT_NetRoute:ROOT/StandardCimv2/MSFT_NetRoute) [Find-NetRoute], CimException",
                "Windows System Error 87,Find-NetRoute",
                1,
                len(line.strip()),
            )
            + f"[labkit: {bad!r} is not an IPv4 address]"
        )
    try:
        found = find_net_route(net, node_name, remote, local)
    except TraceError as err:
        raise CommandError(f"Find-NetRoute: {err}", own_wording=True) from None
    if found is None:
        raise PsError(
            ps_error(
                line,
                "Find-NetRoute",
                "The network location cannot be reached. For information "
                "about network troubleshooting, see Windows Help.",
                "NotSpecified: (MSFT_NetRoute:ROOT/StandardCimv2/MSFT_NetRoute) [Find-NetRoute], CimException",
                "Windows System Error 1231,Find-NetRoute",
                1,
                len(line.strip()),
            )
        )
    address, route = found
    return as_list([address]) + as_list([route])
