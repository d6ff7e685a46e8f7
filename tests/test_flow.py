"""Flow: one value type for the question a learner asks (labkit.model.flow), accepted by trace()."""

from ipaddress import IPv4Address

import pytest

import labkit
from labkit.errors import LabkitError
from labkit.model import Flow, FlowError, TraceError, trace


@pytest.fixture(scope="module")
def net():
    return labkit.load_scenario("nlb-intranet")


def test_a_flow_is_a_frozen_value_with_the_strings_made_typed():
    flow = Flow(" pc1 ", " 10.10.0.100 ", "10.20.5.5", "TCP", dport="443")
    assert (flow.source, flow.destination, flow.src, flow.proto, flow.dport) == (
        "pc1",
        "10.10.0.100",
        IPv4Address("10.20.5.5"),
        "tcp",
        443,
    )
    assert flow == Flow("pc1", "10.10.0.100", IPv4Address("10.20.5.5"), dport=443)
    assert hash(flow) == hash(Flow("pc1", "10.10.0.100", "10.20.5.5", dport=443))
    with pytest.raises(AttributeError):
        flow.dport = 80  # type: ignore[misc]


def test_ports_left_out_are_the_protocols_defaults():
    assert Flow("pc1", "10.10.0.100").ports == (49152, 80)
    assert Flow("pc1", "10.10.0.100", proto="udp").ports == (49152, 53)
    assert Flow("pc1", "10.10.0.100", proto="icmp").ports == (None, None)


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"destination": "10.10.0.999"}, "expected an IPv4 destination like 10.10.0.1, got '10.10.0.999'"),
        ({"destination": "10.10.0.100", "src": "1.2.3"}, "expected an IPv4 source like 10.10.0.1, got '1.2.3'"),
        ({"destination": "10.10.0.100", "proto": "gre"}, "protocol must be one of tcp, udp, icmp, got 'gre'"),
        ({"destination": "10.10.0.100", "dport": 0}, "destination port must be a number from 1 to 65535, got 0"),
        ({"destination": "10.10.0.100", "sport": "http"}, "source port must be a number from 1 to 65535, got 'http'"),
        ({"destination": "10.10.0.100", "dport": True}, "destination port must be a number from 1 to 65535, got True"),
        ({"destination": "10.10.0.100", "proto": "icmp", "dport": 7}, "ICMP has no ports"),
        ({"destination": "10.10.0.100", "reply": "yes"}, "reply must be true or false, got 'yes'"),
        ({"destination": "10.10.0.100\n" * 50}, "expected an IPv4 destination"),
    ],
)
def test_a_flow_from_bad_strings_is_a_one_line_labkit_error(kwargs, expected):
    with pytest.raises(FlowError) as caught:
        Flow("pc1", **kwargs)
    assert isinstance(caught.value, LabkitError) and isinstance(caught.value, ValueError)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_a_blank_sending_node_is_refused():
    with pytest.raises(FlowError, match="expected the name of the sending node"):
        Flow("  ", "10.10.0.100")


def test_trace_takes_a_flow_or_the_same_question_in_parts(net):
    by_parts = trace(net, "pc1", "10.10.0.100", dport=443, reply=True)
    by_flow = trace(net, Flow("pc1", "10.10.0.100", dport=443))
    assert by_flow == by_parts and by_flow.reply is not None
    assert trace(net, Flow("pc1", "10.10.0.100", reply=False)).reply is None
    assert trace(net, Flow("web1", "10.20.5.5", src="10.10.0.21", proto="udp")) == trace(
        net, "web1", "10.20.5.5", src="10.10.0.21", proto="udp", reply=True
    )


def test_a_destination_may_be_a_node_name(net):
    by_name = trace(net, Flow("pc1", "web1", reply=False))
    first = net.node("web1").addresses[0].ip
    assert by_name == trace(net, "pc1", str(first))


def test_trace_refuses_a_flow_and_parts_together(net):
    with pytest.raises(TraceError, match="a Flow or the flow's parts, not both"):
        trace(net, Flow("pc1", "10.10.0.100"), dport=80)


def test_bad_parts_given_to_trace_are_still_trace_errors(net):
    with pytest.raises(TraceError, match="expected an IPv4 destination"):
        trace(net, "pc1", "nowhere.example")
    with pytest.raises(TraceError, match="protocol must be one of"):
        trace(net, "pc1", "10.10.0.100", proto="gre")
    with pytest.raises(TraceError, match="no node 'pc9'"):
        trace(net, Flow("pc9", "10.10.0.100"))


def test_the_views_and_the_lab_use_the_one_flow_type():
    from labkit.labs import challenge
    from labkit.views import Flow as ViewFlow

    assert ViewFlow is Flow
    lab = challenge("missing-route", seed="ada")
    flows = [need.flow for need in lab.flows if need.flow is not None]
    assert flows and all(isinstance(f, Flow) for f in flows)


def test_a_bad_flow_typed_in_the_panel_keeps_the_last_good_picture():
    from labkit.widgets import HostPanel

    panel = HostPanel(labkit.load_scenario("nlb-intranet"), "web1", Flow("pc1", "10.10.0.100"))
    panel.flow_proto.value = "udp"
    good = (panel.trace_text.value, panel.picture.image.value)
    assert "UDP" in good[0]
    panel.flow_to.value = "10.10.0.999"
    assert "expected an IPv4 destination" in panel.flow_error.value
    assert (panel.trace_text.value, panel.picture.image.value) == good
    panel.flow_to.value = "10.20.5.5"
    assert panel.flow_error.value == "" and "10.20.5.5" in panel.trace_text.value
