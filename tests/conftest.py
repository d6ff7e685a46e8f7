from pathlib import Path

import pytest

import yaml

from labkit.scenario import SCENARIO_DIR, load_scenario, parse_scenario

DATA = Path(__file__).parent / "data"


@pytest.fixture
def topology_n():
    return load_scenario(DATA / "topology-n.yaml")


@pytest.fixture
def topology_r():
    return load_scenario(DATA / "topology-r.yaml")


def without_static_routes(name: str = "nlb-intranet"):
    """A shipped scenario with every node's static routes removed (the broken copy)."""
    raw = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text())
    for node in raw["nodes"].values():
        node.pop("routes", None)
    return parse_scenario(yaml.safe_dump(raw), f"{name}-copy.yaml")
