"""The functional core: pure values and functions, no I/O, nothing graphical."""

from .commands import (
    CommandError,
    apply_command,
    netsh_show_interface,
    netsh_show_interfaces,
    netsh_show_route,
    node_commands,
    registry_value,
    restart,
    route_print,
    run_command,
    split_command_line,
)
from .engine import TraceError, choose_source, trace
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
from .trace import Action, Disposition, Hop, Outcome, Remedy, Step, Trace
from .validation import validate_network
from .vocabulary import ChoiceError, Vocabulary

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
