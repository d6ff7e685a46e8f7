"""A chain of changes typed on one line is one change, checked once at its end (as --run does)."""

import labkit

SKIP_CLUSTER_IP = (
    'netsh interface ipv4 delete address "NLB NIC" 10.10.0.200 && '
    'netsh interface ipv4 add address "NLB NIC" 10.10.0.200 255.255.255.0 skipassource=true'
)


def test_kb_975808_delete_and_add_with_skipassource_runs_in_the_console():
    net = labkit.load_scenario("nlb-source-address")
    result = labkit.run_console(net, "web1", SKIP_CLUSTER_IP)
    assert result.output == "Ok.\nOk." and result.changed
    assert result.change.commands == tuple(SKIP_CLUSTER_IP.split(" && "))
    via_run, _ = labkit.apply_command(net, "web1", SKIP_CLUSTER_IP)
    assert result.network == via_run
    assert labkit.trace(net, "web1", "10.30.0.10").to_dict()["src"] == "10.10.0.200"
    assert labkit.trace(result.network, "web1", "10.30.0.10").to_dict()["src"] != "10.10.0.200"  # not the VIP


def test_the_delete_alone_is_still_refused():
    net = labkit.load_scenario("nlb-source-address")
    result = labkit.run_console(net, "web1", SKIP_CLUSTER_IP.split(" && ")[0])
    assert "would leave the network inconsistent" in result.output and not result.changed
