from pathlib import Path

import pytest

from labkit.scenario import load_scenario

DATA = Path(__file__).parent / "data"


@pytest.fixture
def topology_n():
    return load_scenario(DATA / "topology-n.yaml")


@pytest.fixture
def topology_r():
    return load_scenario(DATA / "topology-r.yaml")
