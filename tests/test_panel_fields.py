"""Item: text fields apply on Enter or on leaving the field, not on every keystroke, and a bad
value keeps the last good picture and the last good trace (driven from Python, no browser)."""

import ipywidgets as w

from conftest import without_static_routes
from labkit.model import trace
from labkit.scenario import load_scenario
from labkit.views import Flow


def host_panel():
    from labkit.widgets import HostPanel

    net = without_static_routes()
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    return HostPanel(net, member, Flow("pc1", "10.10.0.100"))


def text_fields(widget):
    """Every Text and Textarea inside a widget tree."""
    found = []

    def walk(node):
        if isinstance(node, (w.Text, w.Textarea)):
            found.append(node)
        for child in getattr(node, "children", ()):
            walk(child)

    walk(widget)
    return found


def test_every_text_field_applies_on_enter_not_on_each_keystroke():
    from labkit.widgets import ComparePanel, FtpExplorer

    net = without_static_routes()
    panels = [
        host_panel(),
        ComparePanel(net, "web1", Flow("pc1", "10.10.0.100")),
        FtpExplorer(load_scenario("ftp-nat-seed")),
    ]
    for panel in panels:
        fields = text_fields(panel.widget)
        assert fields, type(panel).__name__
        assert all(field.continuous_update is False for field in fields), type(panel).__name__


def test_a_bad_gateway_keeps_the_last_good_picture_and_trace():
    panel = host_panel()
    panel.switches[("nlb", "weakhostsend")].value = True  # the last good settings: a changed panel
    good_picture, good_trace, good_verdict = (panel.picture.image.value, panel.trace_text.value, panel.verdict.value)
    assert "ACCEPTED" in good_trace
    panel.gateways["nlb"].value = "10.0.0.300"  # typed, then Enter: the value arrives once, whole
    assert "expected an IPv4 gateway" in panel.gateway_errors["nlb"].value
    assert "last valid settings" in panel.gateway_errors["nlb"].value
    assert (panel.picture.image.value, panel.trace_text.value, panel.verdict.value) == (
        good_picture,
        good_trace,
        good_verdict,
    )
    panel.gateways["nlb"].value = ""
    assert panel.gateway_errors["nlb"].value == ""


def test_a_bad_destination_or_route_keeps_the_last_good_picture_and_trace():
    panel = host_panel()
    good = (panel.picture.image.value, panel.trace_text.value)
    panel.flow_to.value = "10.10.0.999"
    assert "expected an IPv4 destination" in panel.flow_error.value
    assert (panel.picture.image.value, panel.trace_text.value) == good
    panel.flow_to.value = "10.10.0.100"
    panel.routes.value = "10.20.0.0/16 via 10.99.0.1"
    assert "10.99.0.1" in panel.routes_error.value
    assert (panel.picture.image.value, panel.trace_text.value) == good


def test_a_good_value_after_a_bad_one_redraws():
    panel = host_panel()
    first = panel.trace_text.value
    panel.flow_to.value = "10.10.0.999"
    panel.flow_to.value = "10.20.0.11"
    assert panel.flow_error.value == "" and panel.trace_text.value != first
    assert "10.20.0.11" in panel.trace_text.value


def test_a_bad_ftp_field_keeps_the_last_good_diagram_and_text():
    from labkit.widgets import FtpExplorer

    explorer = FtpExplorer(load_scenario("ftp-nat-seed"))
    explorer.tls.value = "explicit"
    good = (explorer.picture.image.value, explorer.text.value, explorer.outcome.value)
    explorer.passive.value = "51976-"
    assert "expected a port range" in explorer.errors["passive_range"].value
    explorer.external.value = "193.211.10.270"
    assert "expected an IPv4 address" in explorer.errors["external_address"].value
    assert (explorer.picture.image.value, explorer.text.value, explorer.outcome.value) == good
