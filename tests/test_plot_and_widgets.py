"""Pictures checked through their parts (labels, lines, marks of the SVG picture), and widget
panels driven from Python (no display)."""

import pytest

from conftest import without_static_routes
from labkit.model import run_command, select_route, trace
from labkit.plot import comparison_picture, first_divergence, ftp_picture, lanes, network_picture, route_choice_rows
from labkit.scenario import load_scenario
from labkit.views import Flow, ftp_view, host_view

WEAK_SEND = 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled'


def ids(items, prefix):
    return [item.id for item in items if item.id.startswith(prefix)]


def text_of(picture, id_):
    return "\n".join(picture.label(id_).lines)


def test_topology_draws_the_path_in_order_and_marks_the_drop():
    net = without_static_routes()
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    pic = network_picture(net, result)
    member = result.last_hop.node
    assert ids(pic.lines, "hop:Q") == ["hop:Q1:pc1->core", f"hop:Q2:core->{member}"]
    assert ids(pic.labels, "hop-number:") == ["hop-number:1", "hop-number:2"]
    assert ids(pic.marks, "drop-marker:") == [f"drop-marker:reply:{member}"]
    ending = text_of(pic, f"ending:reply:{member}")
    assert "✖" in ending and "STRONG_SEND_BLOCKED" in ending  # a symbol and a word, not only a colour
    assert any("NLB NIC" in " ".join(lab.lines) for lab in pic.labels)
    assert any("10.10.0.100" in " ".join(lab.lines) for lab in pic.labels)


def test_reply_path_has_its_own_numbers_and_style():
    net = load_scenario("nlb-intranet")
    pic = network_picture(net, trace(net, "pc1", "10.10.0.100", reply=True))
    assert ids(pic.labels, "hop-number:R") == ["hop-number:R1", "hop-number:R2"]
    dash = {line.id.split(":")[1][0]: line.dash for line in pic.lines if line.id.startswith("hop:")}
    assert dash["Q"] != dash["R"] and dash["R"]  # the reply is dashed
    assert not ids(pic.marks, "drop-marker")


def test_comparison_marks_where_the_paths_part():
    net = without_static_routes()
    before = trace(net, "pc1", "10.10.0.100", reply=True)
    member = before.last_hop.node
    fixed = net.with_interface(member, "nlb", weakhostsend=True)
    after = trace(fixed, "pc1", "10.10.0.100", reply=True)
    assert first_divergence(before.reply, after.reply) == 0
    pic = comparison_picture(net, before, fixed, after)
    assert ids(pic.marks, "a:divergence") == ["a:divergence"] and ids(pic.marks, "b:divergence") == ["b:divergence"]


def test_ftp_diagram_shows_the_rewritten_227_and_the_failure():
    net = load_scenario("ftp-nat-seed")
    view = ftp_view(net, net.ftp.settings)
    result = view.result
    pic = ftp_picture(net, result)
    assert [lab.lines[0] for lab in pic.labels if lab.id.startswith("lane:")] == ["client", "fw", "ftpsrv"]
    pasv = next(n for n, s in enumerate(result.steps, 1) if s.sent.startswith("227"))
    assert ids(pic.labels, "rewrite:") == [f"rewrite:{pasv}:fw"]
    received = text_of(pic, f"received:{pasv}")
    assert "(193,211,10,27,203,8)" in received and "(192,168,1,32,203,8)" in received
    failed = ftp_view(net, net.ftp.settings.__class__(tls="explicit", trust_pasv_address=True)).result
    pic = ftp_picture(net, failed)
    assert ids(pic.marks, "failed:") == [f"failed:{failed.failed_step}"]
    assert "192.168.1.32:51976" in text_of(pic, "outcome")
    assert result.succeeded


def test_route_choice_table_says_why_the_winner_won():
    net = load_scenario("nlb-same-subnet")
    node = net.node("web1")
    rows = route_choice_rows(node, select_route(node, __import__("ipaddress").IPv4Address("10.20.5.5")))
    assert rows[0]["verdict"].startswith("WINNER (tie")
    assert rows[1]["verdict"] == "tie"


# --- widgets ----------------------------------------------------------------------------------


def test_host_panel_weakhostsend_turns_the_blocked_reply_into_accepted():
    from labkit.widgets import HostPanel

    net = without_static_routes()
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    panel = HostPanel(net, member, Flow("pc1", "10.10.0.100"))
    assert panel.view.trace.reply.disposition.value == "STRONG_SEND_BLOCKED"
    assert "STRONG_SEND_BLOCKED" in panel.trace_text.value
    first_picture = panel.picture.image.value
    panel.switches[("nlb", "weakhostsend")].value = True
    assert panel.view.trace.reply.disposition.value == "ACCEPTED"
    assert "=&gt; ACCEPTED" in panel.trace_text.value.split("reply:")[1]
    assert WEAK_SEND in panel.commands.value.replace("&quot;", '"')
    assert panel.picture.image.value != first_picture
    # the same result from the pure function a plain cell can print
    view = host_view(net, member, Flow("pc1", "10.10.0.100"), switches={("nlb", "weakhostsend"): True})
    assert str(view.trace) == str(panel.view.trace)
    assert view.commands == panel.view.commands


def test_host_panel_keeps_the_last_good_picture_on_bad_input():
    from labkit.widgets import HostPanel

    net = without_static_routes()
    panel = HostPanel(net, "web1", Flow("pc1", "10.10.0.100"))
    good = panel.picture.image.value
    panel.gateways["private"].value = "10.0.0.300"
    assert (
        "expected an IPv4 gateway like 10.10.0.1, got &#x27;10.0.0.300&#x27;" in panel.gateway_errors["private"].value
    )
    panel.flow_to.value = "10.10.0.999"
    assert "expected an IPv4 destination" in panel.flow_error.value
    assert panel.picture.image.value == good
    panel.routes.value = "10.20.0.0/16 via 10.99.0.1"
    assert "gateway 10.99.0.1 is on no subnet of web1" in panel.routes_error.value
    panel.flow_to.value = "10.10.0.100"
    panel.routes.value = "route -p add 10.20.0.0 mask 255.255.0.0 10.10.0.1"
    assert panel.routes_error.value == "" and "route -p add 10.20.0.0" in panel.commands.value


def test_ftp_explorer_shows_the_rewrite_then_the_tls_failure():
    from labkit.widgets import FtpExplorer

    explorer = FtpExplorer(load_scenario("ftp-nat-seed"))
    assert explorer.view.result.succeeded and "✔ SUCCESS" in explorer.outcome.value
    assert "(193,211,10,27,203,8)" in explorer.text.value
    explorer.tls.value = "explicit"
    explorer.trust.value = True
    result = explorer.view.result
    assert not result.succeeded and "✖ FAILURE" in explorer.outcome.value
    assert "192.168.1.32:51976" in explorer.outcome.value and "TLS-encrypted 227" in explorer.outcome.value
    assert "PRESENT" in explorer.risks.value
    explorer.external.value = "193.211.10.999"
    assert "expected an IPv4 address" in explorer.errors["external_address"].value
    explorer.external.value = "193.211.10.27"
    explorer.forward.value = True
    assert explorer.view.result.succeeded


def test_step_through_walks_hops_one_at_a_time():
    from labkit.widgets import StepThrough

    net = without_static_routes()
    stepper = StepThrough(net, trace(net, "pc1", "10.10.0.100", reply=True))
    assert stepper.update().startswith("request hop 1: pc1")
    stepper.next.click()
    assert stepper.slider.value == 2 and "request hop 2: core" in stepper.detail.value
    stepper.slider.value = stepper.slider.max
    assert "STRONG_SEND_BLOCKED" in stepper.detail.value
    stepper.back.click()
    assert stepper.slider.value == stepper.slider.max - 1


def test_compare_panel_draws_both_sides():
    from labkit.widgets import ComparePanel

    net = without_static_routes()
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    panel = ComparePanel(net, member, Flow("pc1", "10.10.0.100"))
    panel.switches[("nlb", "weakhostsend")].value = True
    assert panel.base_trace.reply.disposition.value == "STRONG_SEND_BLOCKED"
    assert panel.view.trace.reply.disposition.value == "ACCEPTED"
    lines = {line.id.split(":")[0] + ":" + line.id.split(":")[1][0] for line in panel.picture.drawn.lines}
    assert {"ghost:Q", "hop:R"} <= lines  # the path as written (thin grey) and the reply with the settings
    ending = next(lab for lab in panel.picture.drawn.labels if lab.id.startswith("ghost-ending:reply"))
    assert ending.lines == (f"as written: ✖ reply at {member}", "STRONG_SEND_BLOCKED")


def test_the_command_a_panel_shows_does_what_the_panel_did():
    from labkit.widgets import HostPanel

    net = without_static_routes()
    panel = HostPanel(net, "web1", Flow("pc1", "10.10.0.100"))
    panel.switches[("nlb", "weakhostsend")].value = True
    shown = next(line for line in panel.view.commands if "weakhostsend" in line)
    node, _ = run_command(net.node("web1"), shown)
    assert node == panel.view.network.node("web1")


def test_gateway_field_warns_like_windows_and_refuses_impossible_gateways():
    net = without_static_routes()
    off = host_view(net, "web1", Flow("pc1", "10.10.0.100"), gateways={"private": "99.99.99.99"})
    # a warning, not a refusal: kept apart from the errors (issue 10: a warning looks different)
    assert "gateway:private" not in off.errors
    assert off.warnings["gateway:private"].startswith("default gateway 99.99.99.99 is not on the subnet")
    assert "Windows warns that it is not on the same network segment" in off.warnings["gateway:private"]
    broadcast = host_view(net, "web1", Flow("pc1", "10.10.0.100"), gateways={"private": "255.255.255.255"})
    assert "cannot be a gateway" in broadcast.errors["gateway:private"]
    assert broadcast.network == net  # refused: the last valid settings stay


@pytest.mark.parametrize(
    "line,expected",
    [
        ('netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled', "this box takes static routes"),
        ("route print", "this box takes static routes"),
        ("10.20.0.0/16 via 10.10.0.1 metric x", "metric must be a number from 1 to 9999, got 'x'"),
        ("10.20.0.0/16 via 10.10.0.1 metric -5", "metric must be a number from 1 to 9999"),
        ("10.20.0.0/16 via 10.10.0.1 on NLB NIC", 'an interface name with spaces needs quotes: on "NLB NIC"'),
        ("10.20.0.0/16 via 10.10.0.1 on WAN", "no interface 'WAN'"),
    ],
)
def test_routes_box_messages(line, expected):
    view = host_view(without_static_routes(), "web1", Flow("pc1", "10.10.0.100"), routes=line)
    assert expected in view.errors["routes"], view.errors


def test_routes_box_accepts_the_nic_label_in_quotes():
    view = host_view(
        without_static_routes(), "web1", Flow("pc1", "10.10.0.100"), routes='10.20.0.0/16 via 10.10.0.1 on "NLB NIC"'
    )
    assert not view.errors and view.network.node("web1").routes[0].interface == "nlb"


def test_router_switches_are_not_offered():
    from labkit.widgets import HostPanel

    panel = HostPanel(load_scenario("nlb-intranet"), "core", Flow("pc1", "10.10.0.100"))
    assert all(box.disabled for box in panel.switches.values())


def test_ftp_explorer_settings_reach_every_backend_and_ccc_needs_tls():
    from labkit.widgets import FtpExplorer

    explorer = FtpExplorer(load_scenario("ftp-load-balancer"))
    explorer.passive.value = "60000-60009"
    assert "229" not in explorer.text.value and "(203,0,113,80,234,96)" in explorer.text.value  # 60000 = 234*256+96
    assert explorer.ccc.disabled is False
    explorer.tls.value = "none"
    assert explorer.ccc.disabled is True
    explorer.passive.value = "1-"
    assert "expected a port range like 51976-51999" in explorer.errors["passive_range"].value


def test_ftp_explorer_forward_box_starts_as_the_scenario_is_and_can_undo_it():
    from labkit.widgets import FtpExplorer

    explorer = FtpExplorer(load_scenario("ftp-nat-ftps-fixed"))
    assert explorer.forward.value is True and explorer.view.result.succeeded
    explorer.forward.value = False
    assert not explorer.view.result.succeeded


def test_ftp_diagram_ends_a_dropped_connection_where_it_was_dropped():
    net = load_scenario("ftp-nat-ftps")
    result = __import__("labkit").ftp_session(net)
    assert lanes(net, result) == ["client", "isp", "fw", "ftpsrv"]
    pic = ftp_picture(net, result)
    lane = pic.label("lane:isp")
    lane_x = lane.x + lane.size_px[0] / 2
    marker = next(m for m in pic.marks if m.id == f"failed:{result.failed_step}")
    assert abs(marker.x - lane_x) < 1


def test_compare_panel_marks_where_the_reply_paths_part():
    from labkit.plot.picture import boxes_overlap
    from labkit.widgets import ComparePanel

    net = without_static_routes()
    member = trace(net, "pc1", "10.10.0.100").last_hop.node
    panel = ComparePanel(net, member, Flow("pc1", "10.10.0.100"))
    panel.switches[("nlb", "weakhostsend")].value = True
    drawn = panel.picture.drawn
    assert "the reply paths part at hop R1" in " ".join(drawn.label("title").lines)
    marks = {m.id: m for m in drawn.marks}
    assert boxes_overlap(marks["divergence"].box, marks[f"node:{member}"].box)
