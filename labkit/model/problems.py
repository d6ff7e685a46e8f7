"""What is wrong (or worth a warning) in a network, and the dialogs Windows itself shows for it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .vocabulary import Vocabulary


class Severity(Vocabulary):
    ERROR = "error"
    """The network cannot be used as written."""
    WARNING = "warning"
    """Usable, but worth knowing (often Windows warns too)."""


class WindowsDialog(StrEnum):
    """The "Microsoft TCP/IP" warnings Windows shows when NIC settings are saved (texts as the
    field notes captured them on Server 2008 R2); both offer Yes and No, and Yes saves."""

    MULTIPLE_GATEWAYS = (
        "Warning – Multiple default gateways are intended to provide redundancy to a single network "
        "(such as an intranet or the Internet). They will not function properly when the gateways are "
        "on two separate, disjoint networks (such as one on your intranet and one on the Internet). "
        "Do you want to save this configuration?"
    )
    GATEWAY_OFF_SUBNET = (
        "Warning – The default gateway is not on the same network segment (subnet) that is defined by "
        "the IP address and subnet mask. Do you want to save this configuration?"
    )


@dataclass(frozen=True)
class Dialog:
    """A Windows dialog, and the NICs whose settings make Windows show it."""

    text: WindowsDialog
    nics: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(f'"{n}"' for n in self.nics)
        return f"Windows, on saving {where}: [Microsoft TCP/IP] {self.text.value} [Yes] [No]"


class ProblemTopic(StrEnum):
    """What a warning is about, for code that explains it further (labkit.importer.lint)."""

    SEVERAL_GATEWAYS = "default gateways on several NICs or subnets"
    GATEWAY_OFF_SUBNET = "a default gateway off its NIC's subnets"


@dataclass(frozen=True)
class Location:
    """Where on a node a problem is, as validation knows it: the node, its interface (key), the
    scenario key (`field`, e.g. "gateways", "routes", "firewall.rules"), the item's index in that
    list and the key inside the item (`detail`). Code routes a problem by these, not by its path."""

    node: str
    interface: str | None = None
    field: str | None = None
    index: int | None = None
    detail: str | None = None

    @property
    def path(self) -> str:
        """The scenario key path, e.g. `nodes.H.interfaces.slow.gateways[0]`."""
        path = f"nodes.{self.node}"
        if self.interface is not None:
            path += f".interfaces.{self.interface}"
        if self.field is not None:
            path += f".{self.field}"
        if self.index is not None:
            path += f"[{self.index}]"
        if self.detail is not None:
            path += f".{self.detail}"
        return path


@dataclass(frozen=True)
class Problem:
    """Something wrong (or worth a warning) in a network, located by its scenario key path
    (and, for a problem on a node, by its typed `location`)."""

    path: str
    message: str
    severity: Severity = Severity.ERROR
    dialog: Dialog | None = None
    """The warning Windows itself shows for this, if it shows one."""
    topic: ProblemTopic | None = None
    location: Location | None = None

    @classmethod
    def at(
        cls,
        location: Location,
        message: str,
        severity: Severity = Severity.ERROR,
        dialog: Dialog | None = None,
        topic: ProblemTopic | None = None,
    ) -> Problem:
        """A problem on a node, its path made from `location`."""
        return cls(location.path, message, severity, dialog, topic, location)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
