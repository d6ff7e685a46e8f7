"""labkit/model/network.py split by concept (issue 11, item 4): the Network value, NLB clusters,
problems with Windows's own dialogs, and validation each live in their own module, and every
public name stays importable from labkit.model."""

import pytest

import labkit.model as model
from labkit.model import network, nlb_cluster, problems, validation
from labkit.model.console import ps_cmdlet_params, ps_cmdlets
from labkit.model.console.ps_parse import Cmdlet

HOMES = {
    network: ("Network",),
    nlb_cluster: ("ClusterMode", "NlbAffinity", "Cluster", "cluster_mac"),
    problems: ("Severity", "WindowsDialog", "Dialog", "ProblemTopic", "Problem"),
    validation: ("validate_network",),
}


@pytest.mark.parametrize("module, names", HOMES.items(), ids=lambda v: getattr(v, "__name__", ""))
def test_each_concept_is_defined_in_its_own_module(module, names):
    for name in names:
        assert getattr(module, name).__module__ == module.__name__, name


@pytest.mark.parametrize("name", [n for names in HOMES.values() for n in names if n != "ProblemTopic"])
def test_the_moved_names_stay_importable_from_labkit_model(name):
    home = next(m for m, names in HOMES.items() if name in names)
    assert getattr(model, name) is getattr(home, name) and name in model.__all__


def test_the_network_module_holds_only_the_network_value():
    defined = {n for n, v in vars(network).items() if getattr(v, "__module__", None) == network.__name__}
    assert defined == {"Network", "UnknownNodeError"}  # the value and the error of its lookup


def test_the_cmdlet_parameter_tables_live_apart_from_the_cmdlets():
    tables = {n: v for n, v in vars(ps_cmdlets).items() if isinstance(v, Cmdlet)}
    assert len(tables) == 7 and all(v is getattr(ps_cmdlet_params, n) for n, v in tables.items())
    assert {"get_net_route", "new_net_route"} <= set(vars(ps_cmdlets)) and "get_net_route" not in vars(ps_cmdlet_params)
