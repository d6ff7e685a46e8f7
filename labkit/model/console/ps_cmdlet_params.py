"""The parameter tables of the NetTCPIP cmdlets the console models, as their Get-Help pages list
them: names, types, aliases, accepted values, and which parameters the kit does not model."""

from __future__ import annotations

from .ps_parse import Cmdlet, Param

# The cmdlets' parameter tables (one Get-Help page each) read best as written.
# fmt: off
ON_OFF = ("Disabled", "Enabled")
FAMILY = Param("AddressFamily", "enum", "AddressFamily", ("IPv4", "IPv6"))
INDEX = Param("InterfaceIndex", "uint", "System.UInt32[]", aliases=("ifIndex",))
ALIAS = Param("InterfaceAlias", "strings", "System.String[]", aliases=("ifAlias",))
STORE = Param("PolicyStore", "string")
COMMON = (Param("CimSession", modelled=False), Param("ThrottleLimit", "uint", modelled=False),
          Param("AsJob", "switch", modelled=False))


def _switch(name: str) -> Param:
    return Param(name, "enum", f"Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetIPInterface.{name}", ON_OFF)


GET_NET_IP_INTERFACE = Cmdlet("Get-NetIPInterface", (
    INDEX, ALIAS, FAMILY, _switch("Forwarding"), _switch("WeakHostSend"), _switch("WeakHostReceive"),
    _switch("AutomaticMetric"), Param("InterfaceMetric", "uint", "System.UInt32[]"),
    Param("ConnectionState", "enum", "ConnectionState", ("Connected", "Disconnected")), _switch("Dhcp"),
    STORE, Param("IncludeAllCompartments", "switch"), *COMMON), ("InterfaceAlias",), "MSFT_NetIPInterface")
GET_NET_IP_ADDRESS = Cmdlet("Get-NetIPAddress", (
    Param("IPAddress", "strings", "System.String[]", aliases=("LocalAddress",)), INDEX, ALIAS, FAMILY,
    Param("PrefixLength", "uint", "System.Byte[]"), STORE, *COMMON), ("IPAddress",), "MSFT_NetIPAddress")
GET_NET_ROUTE = Cmdlet("Get-NetRoute", (
    Param("DestinationPrefix", "strings", "System.String[]"), INDEX, ALIAS, FAMILY,
    Param("NextHop", "strings", "System.String[]"), Param("RouteMetric", "uint", "System.UInt16[]"), STORE,
    *COMMON), ("DestinationPrefix",), "MSFT_NetRoute")
GET_NET_IP_CONFIGURATION = Cmdlet("Get-NetIPConfiguration", (
    Param("InterfaceAlias", "string"), Param("InterfaceIndex", "uint", "System.Int32", aliases=("ifIndex",)),
    Param("All", "switch"), Param("Detailed", "switch", modelled=False), *COMMON), ("InterfaceAlias",))
SET_NET_IP_INTERFACE = Cmdlet("Set-NetIPInterface", (
    INDEX, ALIAS, FAMILY, _switch("Forwarding"), _switch("WeakHostSend"), _switch("WeakHostReceive"),
    Param("InterfaceMetric", "uint", "System.UInt32"), _switch("AutomaticMetric"),
    Param("NlMtuBytes", "uint", "System.UInt32", modelled=False),
    Param("Dhcp", "enum", "Dhcp", ON_OFF, modelled=False), STORE,
    Param("PassThru", "switch"), Param("Confirm", "switch"), Param("WhatIf", "switch"), *COMMON),
    ("InterfaceAlias",), "MSFT_NetIPInterface")
NEW_NET_ROUTE = Cmdlet("New-NetRoute", (
    Param("DestinationPrefix", "string"), Param("InterfaceAlias", "string", aliases=("ifAlias",)),
    Param("InterfaceIndex", "uint", "System.UInt32", aliases=("ifIndex",)), Param("NextHop", "string"),
    Param("RouteMetric", "uint", "System.UInt16"), FAMILY, STORE,
    Param("Publish", "enum", "Publish", ("No", "Age", "Yes"), modelled=False),
    Param("ValidLifetime", modelled=False), Param("PreferredLifetime", modelled=False),
    Param("Confirm", "switch"), Param("WhatIf", "switch"), *COMMON), ("DestinationPrefix",), "MSFT_NetRoute")
REMOVE_NET_ROUTE = Cmdlet("Remove-NetRoute", (
    Param("DestinationPrefix", "strings", "System.String[]"), INDEX, ALIAS,
    Param("NextHop", "strings", "System.String[]"), FAMILY, STORE, Param("PassThru", "switch"),
    Param("Confirm", "switch"), Param("WhatIf", "switch"), *COMMON), ("DestinationPrefix",), "MSFT_NetRoute")
# fmt: on
