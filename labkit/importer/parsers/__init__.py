"""Reading the text of ipconfig /all, route print, netsh and Get-NetIPInterface into plain values,
one module per command: ipconfig.py, route_print.py, nic_settings.py (netsh and Get-NetIPInterface).

Layouts as Microsoft and real captures show them on Server 2003 to 2022 (docs/import-rules.md).
Each parser takes decoded text (labkit.importer.text.decode) and the source name for messages;
anything it cannot read raises ImportInputError naming the source, the line and what was expected.
"""

from .ipconfig import Adapter, IpconfigAll, parse_ipconfig_all
from .nic_settings import NicOutput, NicSettings, parse_net_ip_interface, parse_netsh_table, parse_netsh_verbose
from .route_print import ActiveRow, ListedInterface, PersistentRow, RoutePrint, parse_route_print

__all__ = [
    "ActiveRow",
    "Adapter",
    "IpconfigAll",
    "ListedInterface",
    "NicOutput",
    "NicSettings",
    "PersistentRow",
    "RoutePrint",
    "parse_ipconfig_all",
    "parse_net_ip_interface",
    "parse_netsh_table",
    "parse_netsh_verbose",
    "parse_route_print",
]
