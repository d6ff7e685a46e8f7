"""Operating-system profiles: the defaults a node's OS gives its interfaces.

Sources (see docs/model-rules.md): Windows 2003 is weak host for IPv4 and has no
switch for it; Vista/2008 and later are strong host on every interface, per
interface configurable; automatic interface metrics follow KB 299540 (XP SP2 to
2012 R2) and the Windows 10 table (2016 and later).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LabkitError, shorten

# (lowest speed in Mb/s that earns the metric, metric), fastest first.
# XP SP2 .. 2012 R2 use strict ">" thresholds, Windows 10+ uses ">=".
_XP_SP2_TABLE = ((2000, 5, True), (200, 10, False), (80, 20, False), (20, 25, False), (4, 30, False), (0.5, 40, False))
_WIN10_TABLE = (
    (100_000, 5, True),
    (40_000, 10, True),
    (10_000, 15, True),
    (2000, 20, True),
    (200, 25, True),
    (80, 35, True),
    (20, 45, True),
    (4, 55, True),
    (0.5, 65, True),
)
_SLOWEST = {"xp-sp2": 50, "windows-10": 75}
_TABLES = {"xp-sp2": _XP_SP2_TABLE, "windows-10": _WIN10_TABLE}


@dataclass(frozen=True)
class OsProfile:
    """What an operating system does by default on every interface."""

    name: str
    display: str
    weak_host: bool
    """Default for weakhostsend and weakhostreceive."""
    host_model_configurable: bool
    """False where the OS has no per-interface switch (2003 IPv4, Linux here)."""
    metric_table: str | None
    """Automatic interface-metric table, or None where interfaces have no metric."""
    adds_interface_metric: bool
    """Vista+: the metric compared is route metric + interface metric."""
    system_route_metric: int | None
    """Metric of on-link routes the stack creates; None = the interface metric (XP/2003)."""
    static_gateway_metric: int | None
    """Route metric of a default gateway on 'Automatic metric'; None = the interface metric."""
    static_route_metric: int
    """Route metric of a static route added without METRIC."""
    loopback_metric: int
    binding_order_breaks_ties: bool
    """XP/2003: among equal default gateways the adapter first in binding order wins."""
    ranked_source_selection: bool
    """Vista+: KB 969029's rules pick among a NIC's addresses; before, the first address."""
    forwarding_per_interface: bool
    """Vista+: forwarding=enabled per interface; 2003: IPEnableRouter for the whole machine."""
    is_windows: bool = True

    def automatic_metric(self, speed_mbps: float) -> int:
        """Interface metric Windows picks for a link of this speed."""
        if self.metric_table is None:
            return 0
        for threshold, metric, inclusive in _TABLES[self.metric_table]:
            if speed_mbps > threshold or (inclusive and speed_mbps == threshold):
                return metric
        return _SLOWEST[self.metric_table]


def _vista_plus(name: str, display: str, table: str, loopback: int) -> OsProfile:
    return OsProfile(
        name=name,
        display=display,
        weak_host=False,
        host_model_configurable=True,
        metric_table=table,
        adds_interface_metric=True,
        system_route_metric=256,
        static_gateway_metric=256,
        static_route_metric=1,
        loopback_metric=loopback,
        binding_order_breaks_ties=False,
        ranked_source_selection=True,
        forwarding_per_interface=True,
    )


PROFILES: dict[str, OsProfile] = {
    "windows-2003": OsProfile(
        name="windows-2003",
        display="Windows Server 2003",
        weak_host=True,
        host_model_configurable=False,
        metric_table="xp-sp2",
        adds_interface_metric=False,
        system_route_metric=None,
        static_gateway_metric=None,
        static_route_metric=1,
        loopback_metric=1,
        binding_order_breaks_ties=True,
        ranked_source_selection=False,
        forwarding_per_interface=False,
    ),
    **{
        p.name: p
        for p in (
            _vista_plus("windows-2008", "Windows Server 2008", "xp-sp2", 50),
            _vista_plus("windows-2008r2", "Windows Server 2008 R2", "xp-sp2", 50),
            _vista_plus("windows-2012", "Windows Server 2012", "xp-sp2", 50),
            _vista_plus("windows-2012r2", "Windows Server 2012 R2", "xp-sp2", 50),
            _vista_plus("windows-2016", "Windows Server 2016", "windows-10", 75),
            _vista_plus("windows-2019", "Windows Server 2019", "windows-10", 75),
            _vista_plus("windows-2022", "Windows Server 2022", "windows-10", 75),
        )
    },
    "linux": OsProfile(
        name="linux",
        display="Linux",
        weak_host=True,
        host_model_configurable=False,
        metric_table=None,
        adds_interface_metric=False,
        system_route_metric=0,
        static_gateway_metric=0,
        static_route_metric=0,
        loopback_metric=0,
        binding_order_breaks_ties=False,
        ranked_source_selection=False,
        forwarding_per_interface=True,
        is_windows=False,
    ),
}

DEFAULT_HOST_OS = "windows-2008r2"
DEFAULT_ROUTER_OS = "linux"


class UnknownOsError(LabkitError, ValueError):
    """An OS name that is not one of PROFILES."""


def profile(name: str) -> OsProfile:
    """The profile named `name` ("windows-2008r2"); UnknownOsError lists the names."""
    try:
        return PROFILES[name]
    except (KeyError, TypeError):
        raise UnknownOsError(f"unknown os {shorten(name)} (expected one of: {', '.join(PROFILES)})") from None
