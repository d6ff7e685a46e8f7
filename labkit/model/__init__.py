"""The functional core: pure values and functions, no I/O, nothing graphical.

Each public name loads its own module on first use (`labkit.model.trace` loads the engine, not the
command interpreter, the console writers or the FTP session), so a learner's first trace starts
fast; `make bench` shows the figure and tests/test_model_import.py what a name loads.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Loaded at once: a trace is what the model is first asked for, and the function `trace` must be
# bound before anything loads the submodule labkit.model.trace (which would take its name).
from .engine import TraceError, choose_source, trace

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and editors
    from .commands import (
        CommandError,
        apply_command,
        node_commands,
        registry_value,
        restart,
        run_command,
        split_command_line,
    )
    from .flow import Flow, FlowError, Protocol
    from .ftp import FtpError, FtpResult, ftp_session
    from .ftp_protocol import (
        Certificate,
        FtpClientSettings,
        FtpMode,
        FtpServerSettings,
        OnCccRefused,
        Prot,
        ServerSoftware,
        TlsMode,
    )
    from .ftp_result import FtpChannel, FtpOutcome
    from .host import Gateway, Interface, Node, Role, Switch, interface_defaults
    from .middlebox import Conntrack, Direction, LbAffinity, RuleAction
    from .network import Network
    from .nlb import EVENT_18, ClusterShare, Connection, Difference, cluster_share, cluster_shares
    from .nlb_cluster import Cluster, ClusterMode, NlbAffinity, cluster_mac
    from .osprofile import PROFILES, OsProfile, profile
    from .problems import Dialog, Location, Problem, Severity, WindowsDialog
    from .routes import Route, RouteChoice, RouteOrigin, parse_destination, select_route
    from .trace import Action, Disposition, Hop, Outcome, Remedy, RemedyKind, Step, Trace
    from .validation import validate_network
    from .vocabulary import ChoiceError, Vocabulary

# Module -> the public names it gives, imported when one of them is first used.
_MODULES = {
    "commands": (
        "CommandError",
        "apply_command",
        "node_commands",
        "registry_value",
        "restart",
        "run_command",
        "split_command_line",
    ),
    "console.netsh_show": ("netsh_show_interface", "netsh_show_interfaces", "netsh_show_route"),
    "console.route_print": ("route_print",),
    "flow": ("Flow", "FlowError", "Protocol"),
    "ftp": ("FtpError", "FtpResult", "ftp_session"),
    "ftp_protocol": (
        "Certificate",
        "FtpClientSettings",
        "FtpMode",
        "FtpServerSettings",
        "OnCccRefused",
        "Prot",
        "ServerSoftware",
        "TlsMode",
    ),
    "ftp_result": ("FtpChannel", "FtpOutcome"),
    "host": ("Gateway", "Interface", "Node", "Role", "Switch", "interface_defaults"),
    "middlebox": ("Conntrack", "Direction", "LbAffinity", "RuleAction"),
    "network": ("Network",),
    "nlb": ("EVENT_18", "ClusterShare", "Connection", "Difference", "cluster_share", "cluster_shares"),
    "nlb_cluster": ("Cluster", "ClusterMode", "NlbAffinity", "cluster_mac"),
    "osprofile": ("PROFILES", "OsProfile", "profile"),
    "problems": ("Dialog", "Location", "Problem", "Severity", "WindowsDialog"),
    "routes": ("Route", "RouteChoice", "RouteOrigin", "parse_destination", "select_route"),
    "trace": ("Action", "Disposition", "Hop", "Outcome", "Remedy", "RemedyKind", "Step", "Trace"),
    "validation": ("validate_network",),
    "vocabulary": ("ChoiceError", "Vocabulary"),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    """`labkit.model.trace`, `from labkit.model import Network`, `labkit.model.ftp_protocol`: each
    loads its module on first use."""
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # looked up once
        return value
    if not name.startswith("_"):  # a submodule (IPython asks for _repr_html_ and the like)
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as missing:
            if missing.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Action",
    "Cluster",
    "ClusterMode",
    "ClusterShare",
    "Connection",
    "Conntrack",
    "Dialog",
    "Difference",
    "EVENT_18",
    "Flow",
    "FlowError",
    "WindowsDialog",
    "cluster_mac",
    "cluster_share",
    "cluster_shares",
    "FtpClientSettings",
    "FtpError",
    "FtpResult",
    "FtpServerSettings",
    "apply_command",
    "ftp_session",
    "split_command_line",
    "CommandError",
    "Disposition",
    "Gateway",
    "Hop",
    "Interface",
    "Network",
    "Node",
    "Outcome",
    "OsProfile",
    "PROFILES",
    "Protocol",
    "Location",
    "Problem",
    "Remedy",
    "RemedyKind",
    "Role",
    "Route",
    "RouteChoice",
    "RouteOrigin",
    "Switch",
    "Step",
    "Trace",
    "TraceError",
    "choose_source",
    "interface_defaults",
    "netsh_show_interface",
    "netsh_show_interfaces",
    "netsh_show_route",
    "node_commands",
    "parse_destination",
    "profile",
    "registry_value",
    "restart",
    "route_print",
    "run_command",
    "select_route",
    "trace",
    "validate_network",
    "Certificate",
    "ChoiceError",
    "Direction",
    "FtpChannel",
    "FtpMode",
    "FtpOutcome",
    "LbAffinity",
    "NlbAffinity",
    "OnCccRefused",
    "Prot",
    "RuleAction",
    "ServerSoftware",
    "Severity",
    "TlsMode",
    "Vocabulary",
]
