"""Scenario files (YAML) <-> the model.

The schema (`schema.py`) is declared with pydantic; unknown keys are errors (typo protection)
and every error names the file, the key path and what was expected, in one line (`read.py`).
`build.py` turns a checked file into a Network, `write.py` a Network back into a file.
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from pathlib import Path

from ..model import Network, Problem, Severity, validate_network
from .build import build_network, dialled_address_problems
from .read import MAX_TEXT, ScenarioError, load_yaml, validate_yaml
from .schema import ScenarioSpec, StrictSpec
from .write import to_dict, to_yaml

DATA_DIR = Path(os.environ.get("LABKIT_DATA") or str(files("labkit") / "data"))
"""The data shipped inside the package: scenarios/, cases/, imports/, captures/."""
SCENARIO_DIR = DATA_DIR / "scenarios"
_SHIPPED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def shipped_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def resolve(source: str | os.PathLike) -> Path:
    """A path to a scenario file, or the name of a shipped one (looked up inside the package only)."""
    path = Path(source)
    try:
        if path.is_file():
            return path
        exists = path.exists()
    except (OSError, ValueError) as err:  # a name too long for the file system, a NUL byte
        raise ScenarioError(_shown(source), [f"not a usable file name ({type(err).__name__})"]) from None
    if exists:
        raise ScenarioError(_shown(source), ["expected a scenario file, found a folder"])
    name = str(source)
    if _SHIPPED_NAME.fullmatch(name) and (SCENARIO_DIR / f"{name}.yaml").is_file():
        return SCENARIO_DIR / f"{name}.yaml"
    raise ScenarioError(
        _shown(source),
        [f"no such file, and no shipped scenario by that name (shipped: {', '.join(shipped_scenarios()) or 'none'})"],
    )


def _shown(source) -> str:
    from ..errors import clip

    return clip(source, 120)


def read_source(source: str | os.PathLike) -> tuple[str, str]:
    """(text, name to show) of a scenario file or a shipped scenario."""
    path = resolve(source)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_TEXT + 1)
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), [f"cannot read the file: {getattr(err, 'strerror', None) or err}"]) from None
    return text, str(path)


def load_scenario(source: str | os.PathLike) -> Network:
    """Read, validate and build a scenario. Raises ScenarioError with a one-line message."""
    text, shown = read_source(source)
    return parse_scenario(text, shown)


def load_checks(source: str | os.PathLike):
    """The network and the checks declared under `checks:` in a scenario file."""
    text, shown = read_source(source)
    spec, net = _parse(text, shown)
    checks = [c.check() for c in spec.checks]
    return net, checks


def parse_scenario(text: str, source: str = "<scenario>") -> Network:
    return _parse(text, source)[1]


def _parse(text: str, source: str) -> tuple[ScenarioSpec, Network]:
    spec = validate_yaml(text, source, ScenarioSpec, "a mapping with at least 'name' and 'nodes'")
    net, problems = build_network(spec)
    problems += [p for p in validate_network(net) if p.severity is Severity.ERROR]
    problems += dialled_address_problems(net)
    problems += [
        Problem(f"checks[{n}].from", f"no node {c.from_!r}")
        for n, c in enumerate(spec.checks)
        if getattr(c, "from_", None) is not None and not net.has_node(c.from_)
    ]
    if problems:
        raise ScenarioError(source, [str(p) for p in problems])
    return spec, net


def warnings(net: Network) -> list[Problem]:
    """What Windows would warn about in this network (it still works as modelled): each a Problem
    with `.path` (the scenario key), `.message` and, where Windows shows one itself, `.dialog`."""
    return [p for p in validate_network(net) if p.severity is Severity.WARNING]


__all__ = [
    "DATA_DIR",
    "SCENARIO_DIR",
    "ScenarioError",
    "StrictSpec",
    "load_checks",
    "load_scenario",
    "load_yaml",
    "parse_scenario",
    "resolve",
    "shipped_scenarios",
    "to_dict",
    "to_yaml",
    "validate_yaml",
    "warnings",
]
