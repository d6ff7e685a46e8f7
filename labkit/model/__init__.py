"""The functional core: pure values and functions, no I/O, nothing graphical."""

from .commands import (CommandError, apply_command, split_command_line, netsh_show_interface, netsh_show_interfaces, netsh_show_route,
                       node_commands, registry_value, restart, route_print, run_command)
from .engine import PROTOCOLS, TraceError, choose_source, trace
from .flow import Flow, FlowError
from .ftp import FtpError, FtpResult, ftp_session
from .ftp_protocol import FtpClientSettings, FtpServerSettings
from .middlebox import Conntrack
from .host import SWITCHES, Gateway, Interface, Node, Role, interface_defaults
from .network import Cluster, ClusterMode, Dialog, Network, Problem, WindowsDialog, cluster_mac, validate_network
from .nlb import EVENT_18, ClusterShare, Connection, Difference, cluster_share, cluster_shares
from .osprofile import PROFILES, OsProfile, profile
from .routes import Route, RouteChoice, RouteOrigin, parse_destination, select_route
from .trace import Action, Disposition, Hop, Outcome, Remedy, Step, Trace

__all__ = [
    "Action", "Cluster", "ClusterMode", "ClusterShare", "Connection", "Conntrack", "Dialog", "Difference",
    "EVENT_18", "Flow", "FlowError", "WindowsDialog", "cluster_mac", "cluster_share", "cluster_shares", "FtpClientSettings", "FtpError", "FtpResult", "FtpServerSettings",
    "apply_command", "ftp_session", "split_command_line", "CommandError", "Disposition", "Gateway", "Hop", "Interface", "Network",
    "Node", "Outcome", "OsProfile", "PROFILES", "PROTOCOLS", "Problem", "Remedy", "Role", "Route",
    "RouteChoice", "RouteOrigin", "SWITCHES", "Step", "Trace", "TraceError", "choose_source",
    "interface_defaults", "netsh_show_interface", "netsh_show_interfaces", "netsh_show_route",
    "node_commands", "parse_destination", "profile", "registry_value", "restart", "route_print",
    "run_command", "select_route", "trace", "validate_network",
]
