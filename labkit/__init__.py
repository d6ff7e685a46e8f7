"""labkit: where a multi-NIC Windows server's packets really go.

Start here:
    net = labkit.load_scenario("nlb-intranet")      # labkit.shipped_scenarios() lists them all
    labkit.trace(net, "pc1", "10.10.0.100", reply=True)   # one packet, hop by hop, and its answer
    labkit.route_print(net.node("web1"))            # what route print shows on that server
    labkit.console(net, "web1")                     # a console to type route / netsh commands into
    labkit.ftp_session(labkit.load_scenario("ftp-nat-seed"))   # an FTP session through NAT
    labkit.challenge(1)                             # a broken network to fix

Everything a notebook uses is a name here (`from labkit import trace, Flow, HostPanel`); each
loads its part of the kit on first use, so `import labkit` itself is instant.
"""

import importlib
from typing import TYPE_CHECKING

from .errors import LabkitError

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and editors
    from . import course
    from .capture import KERNEL_SEED_CAPTURE, ftp_lines
    from .cases.dcdiag import DFSRMIG_STATES, WHY_MIGRATE, DomainState, judge
    from .cases.dcdiag_parse import parse_dcdiag, parse_replsummary
    from .cases.files import load_layout
    from .cases.restore import preflight
    from .checks import run_checks
    from .live import local_ftp_server, run_client, transcript_codes
    from .model import (
        EVENT_18,
        ClusterMode,
        Disposition,
        Flow,
        FtpClientSettings,
        FtpMode,
        Gateway,
        Location,
        Network,
        Outcome,
        Protocol,
        Switch,
        TlsMode,
        Trace,
        apply_command,
        cluster_mac,
        cluster_share,
        cluster_shares,
        ftp_session,
        node_commands,
        profile,
        restart,
        route_print,
        run_command,
        select_route,
        trace,
        validate_network,
    )
    from .model.console import ConsoleResult, run_console, save_script
    from .plot import route_choice_rows
    from .views import ftp_view, host_view
    from .widgets import ComparePanel, DcdiagPanel, FtpExplorer, HostPanel, RestorePanel

__version__ = "0.1.0"

# Public name -> the module it comes from, imported when the name is first used. These are the
# names the notebooks use (tests/test_public_api.py checks that they import nothing else).
_LAZY = {
    "ClusterMode": ".model",
    "Disposition": ".model",
    "EVENT_18": ".model",
    "Flow": ".model",
    "FtpClientSettings": ".model",
    "FtpMode": ".model",
    "Gateway": ".model",
    "Location": ".model",
    "Network": ".model",
    "Outcome": ".model",
    "Protocol": ".model",
    "Switch": ".model",
    "TlsMode": ".model",
    "Trace": ".model",
    "apply_command": ".model",
    "cluster_mac": ".model",
    "cluster_share": ".model",
    "cluster_shares": ".model",
    "ftp_session": ".model",
    "node_commands": ".model",
    "profile": ".model",
    "restart": ".model",
    "route_print": ".model",
    "run_command": ".model",
    "select_route": ".model",
    "trace": ".model",
    "validate_network": ".model",
    "ConsoleResult": ".model.console",
    "run_console": ".model.console",
    "save_script": ".model.console",
    "ftp_view": ".views",
    "host_view": ".views",
    "ComparePanel": ".widgets",
    "DcdiagPanel": ".widgets",
    "FtpExplorer": ".widgets",
    "HostPanel": ".widgets",
    "RestorePanel": ".widgets",
    "run_checks": ".checks",
    "DFSRMIG_STATES": ".cases.dcdiag",
    "DomainState": ".cases.dcdiag",
    "WHY_MIGRATE": ".cases.dcdiag",
    "judge": ".cases.dcdiag",
    "parse_dcdiag": ".cases.dcdiag_parse",
    "parse_replsummary": ".cases.dcdiag_parse",
    "load_layout": ".cases.files",
    "preflight": ".cases.restore",
    "route_choice_rows": ".plot",
    "local_ftp_server": ".live",
    "run_client": ".live",
    "transcript_codes": ".live",
    "KERNEL_SEED_CAPTURE": ".capture",
    "ftp_lines": ".capture",
}


def load_scenario(source):
    """Load a scenario: a path to a YAML file, or the name of a shipped scenario."""
    from .scenario import load_scenario as _load

    return _load(source)


def console(net, node: str, shell: str = "cmd"):
    """A simulated Windows console on one node of `net` (a widget: prompt, history, output).

    The same pure function, `run_console`, answers each line; `.network` is the network
    after the learner's changes and `.script("cmd" or "ps1")` the changes as a script.
    """
    from .widgets.console import Console

    return Console(net, node, shell)


def challenge(kind_or_level, seed="learner"):
    """A break-fix lab: the learner's variant of a fault kind (or a level 1-3), rebuilt exactly from
    the seed; see labkit.labs. Its `.console()` is the console widget on the broken server."""
    from dataclasses import replace

    from .labs import challenge as _challenge

    return replace(_challenge(kind_or_level, seed), open_console=console)


def challenge_kinds() -> dict[str, str]:
    """Every break-fix fault kind and what it is (labkit.labs.kinds)."""
    from .labs import kinds

    return kinds()


def as_built_by_kernel_lab(net, server: str):
    """The network the kernel lab really builds: `server` becomes pyftpdlib with one passive port
    (so the model is asked about the server the real capture came from)."""
    from .kernel_lab.lab import as_built

    return as_built(net, server)


def learner() -> str:
    """The seed of this learner's break-fix variants (LABKIT_LEARNER, set by the workshop)."""
    from .labs import learner as _learner

    return _learner()


def import_server(*sources, **options):
    """Import your own server from its saved ipconfig /all, route print (and netsh) outputs;
    see labkit.importer.import_server."""
    from .importer import import_server as _import

    return _import(*sources, **options)


def load_checks(source):
    """The network and the exercise checks declared under `checks:` in a scenario file."""
    from .scenario import load_checks as _load

    return _load(source)


def warnings(net):
    """What Windows would warn about in `net` (it still works as modelled): a list of problems,
    each with `.path` (the scenario key), `.message` and, where Windows shows one, `.dialog`."""
    from .scenario import warnings as _warnings

    return _warnings(net)


def shipped_file(*parts: str):
    """A file or folder that comes with the kit, e.g. shipped_file("cases", "dcdiag-seed.txt") or
    shipped_file("imports", "nlb-web") (the samples of notebooks 06 and 07)."""
    from .scenario import DATA_DIR

    path = DATA_DIR.joinpath(*parts)
    if ".." in parts or not path.exists():
        raise LabkitError(f"no shipped file {'/'.join(parts)!r} (see the folders in {DATA_DIR})")
    return path


_SUBPACKAGES = {"scenario", "checks", "views", "widgets", "cases", "importer", "plot", "live", "capture", "course"}


def __getattr__(name: str):
    """`labkit.trace`, `labkit.scenario.…`, `labkit.views.…` work after a bare `import labkit`
    (loaded on first use)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # looked up once
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'labkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*__all__, *_SUBPACKAGES})


def shipped_scenarios():
    """Names of the scenarios that come with the kit."""
    from .scenario import shipped_scenarios as _names

    return _names()


__all__ = [
    "ClusterMode",
    "ComparePanel",
    "ConsoleResult",
    "DFSRMIG_STATES",
    "DcdiagPanel",
    "Disposition",
    "DomainState",
    "EVENT_18",
    "Flow",
    "FtpClientSettings",
    "FtpExplorer",
    "FtpMode",
    "Gateway",
    "HostPanel",
    "KERNEL_SEED_CAPTURE",
    "LabkitError",
    "Location",
    "Network",
    "Outcome",
    "Protocol",
    "RestorePanel",
    "Switch",
    "TlsMode",
    "Trace",
    "WHY_MIGRATE",
    "apply_command",
    "as_built_by_kernel_lab",
    "challenge",
    "challenge_kinds",
    "cluster_mac",
    "cluster_share",
    "cluster_shares",
    "console",
    "course",
    "ftp_lines",
    "ftp_session",
    "ftp_view",
    "host_view",
    "import_server",
    "judge",
    "learner",
    "load_checks",
    "load_layout",
    "load_scenario",
    "local_ftp_server",
    "node_commands",
    "parse_dcdiag",
    "parse_replsummary",
    "preflight",
    "profile",
    "restart",
    "route_choice_rows",
    "route_print",
    "run_checks",
    "run_client",
    "run_command",
    "run_console",
    "save_script",
    "select_route",
    "shipped_file",
    "shipped_scenarios",
    "trace",
    "transcript_codes",
    "validate_network",
    "warnings",
]
