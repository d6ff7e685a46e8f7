"""labkit: where a multi-NIC Windows server's packets really go.

`import labkit` loads only the pure model (stdlib only). Scenario files need
pydantic and PyYAML, which load on first use of `load_scenario`.
"""

from . import course
from .model import Disposition, Network, Trace, apply_command, ftp_session, route_print, trace
from .model.console import ConsoleResult, run_console, save_script

__version__ = "0.1.0"


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
    the seed; see labkit.labs."""
    from .labs import challenge as _challenge
    return _challenge(kind_or_level, seed)


def import_server(*sources, **options):
    """Import your own server from its saved ipconfig /all, route print (and netsh) outputs;
    see labkit.importer.import_server."""
    from .importer import import_server as _import
    return _import(*sources, **options)


def shipped_scenarios():
    """Names of the scenarios that come with the kit."""
    from .scenario import shipped_scenarios as _names
    return _names()


__all__ = ["ConsoleResult", "Disposition", "Network", "Trace", "apply_command", "challenge", "console", "course", "ftp_session",
           "import_server", "load_scenario", "route_print", "run_console", "save_script",
           "shipped_scenarios", "trace"]
