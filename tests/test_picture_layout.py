"""Item: no overlapping text. Every label's box (measured with the DejaVu Sans metric the SVG pins
with textLength) is checked against every other label, every node and marker, and every line, in
every shipped scenario, in the single and the compare view, and in the FTP diagrams."""

import pytest

from labkit.bench import flows
from labkit.model import FtpClientSettings, ftp_session, trace
from labkit.plot.collisions import collisions
from labkit.plot.comparison_picture import comparison_picture, paths_part
from labkit.plot.fontmetric import text_width
from labkit.plot.ftp_picture import ftp_picture
from labkit.plot.network_picture import network_picture
from labkit.plot.picture import Label, Picture, Placer, boxes_overlap
from labkit.plot.svg import to_svg
from labkit.scenario import load_scenario, shipped_scenarios


def questions(net, limit=12):
    """Flows a learner asks about: every host to every address, spread over the list."""
    every = flows(net)
    step = max(1, len(every) // limit)
    return every[::step]


def with_other_settings(net, node):
    """The same network with the node's NICs switched to the weak host model (a visible change)."""
    for iface in net.node(node).interfaces:
        net = net.with_interface(node, iface.key, weakhostsend=True, weakhostreceive=True)
    return net


@pytest.mark.parametrize("name", shipped_scenarios())
def test_no_label_overlaps_anything_in_the_single_view(name):
    net = load_scenario(name)
    for source, dst in questions(net):
        picture = network_picture(net, trace(net, source, dst, reply=True))
        assert collisions(picture) == [], f"{name}: {source} -> {dst}"


@pytest.mark.parametrize("name", shipped_scenarios())
def test_no_label_overlaps_anything_in_the_compare_view(name):
    net = load_scenario(name)
    for source, dst in questions(net, 6):
        before = trace(net, source, dst, reply=True)
        changed = with_other_settings(net, before.last_hop.node)
        after = trace(changed, source, dst, reply=True)
        # the compare panel's view: your settings over the flow as written; and the two side by side
        overlay = network_picture(changed, after, ghost=before, divergence=paths_part(before, after).node(after))
        side_by_side = comparison_picture(net, before, changed, after, ("as written", "with your settings"))
        assert collisions(overlay) == [], f"{name}: {source} -> {dst}"
        assert collisions(side_by_side) == [], f"{name}: {source} -> {dst}"


@pytest.mark.parametrize("name", [n for n in shipped_scenarios() if load_scenario(n).ftp is not None])
@pytest.mark.parametrize("tls", ["none", "explicit"])
def test_no_label_overlaps_anything_in_the_ftp_diagram(name, tls):
    net = load_scenario(name)
    result = ftp_session(net, settings=FtpClientSettings(tls=tls, trust_pasv_address=True))
    assert collisions(ftp_picture(net, result)) == []


def test_the_overlap_check_finds_overlaps():
    crowded = Picture(labels=[Label("one", ("10.10.0.21/24",), 0, 0), Label("two", ("H",), 20, 4)])
    assert collisions(crowded) == ["label one overlaps label two"]


def test_placement_moves_a_label_off_a_taken_spot():
    picture = Picture(labels=[])
    placer = Placer(picture)
    first = placer.place(Label("first", ("10.10.0.21/24",), 0, 0), [(0, 0)])
    second = placer.place(Label("second", ("10.10.0.100/24",), 0, 0), [(0, 0), (0, 0)])
    assert not boxes_overlap(first.box, second.box)


def test_the_svg_pins_each_line_to_its_measured_width():
    picture = Picture(labels=[Label("nic", ("NLB NIC", "10.10.0.21/24"), 5, 5, 12)])
    svg = to_svg(picture)
    assert f'textLength="{text_width("10.10.0.21/24", 12):.1f}"'.replace('.0"', '"') in svg
    assert 'font-size="12"' in svg and "<text" in svg


def test_text_is_at_least_11_px():
    net = load_scenario("ftp-nat-seed")
    pictures = [ftp_picture(net, ftp_session(net)), network_picture(net, trace(net, "client", "193.211.10.27"))]
    assert min(label.size for p in pictures for label in p.labels) >= 11


def test_the_legend_names_request_reply_and_endings_not_only_by_colour():
    net = load_scenario("nlb-intranet")
    picture = network_picture(net, trace(net, "pc1", "10.10.0.100", reply=True))
    words = {lab.id: " ".join(lab.lines) for lab in picture.labels}
    assert "request" in words["legend:request-words"] and "(solid)" in words["legend:request-words"]
    assert "R1" in words["legend-badge:reply"] and "(dashed)" in words["legend:reply-words"]
    assert "✔ ACCEPTED" in words["legend:endings"] and "✖ WORD" in words["legend:endings"]
    lines = {line.id.split(":")[1][0]: line for line in picture.lines if line.id.startswith("hop:")}
    assert lines["Q"].dash != lines["R"].dash  # solid and dashed, not only blue and orange
    endings = [text for key, text in words.items() if key.startswith("ending:")]
    assert endings and all(text[0] in "✔✖" and ("ACCEPTED" in text or "BLOCKED" in text) for text in endings)


def test_the_rewritten_227_is_the_loudest_thing_in_the_ftp_diagram():
    net = load_scenario("ftp-nat-seed")
    result = ftp_session(net)
    picture = ftp_picture(net, result)
    pasv = next(n for n, s in enumerate(result.steps, 1) if s.rewrites)
    rewrite = picture.label(f"received:{pasv}")
    assert rewrite.lines[1].endswith(result.steps[pasv - 1].sent)  # as sent
    assert rewrite.lines[2].endswith(result.steps[pasv - 1].received)  # as received
    assert "(192,168,1,32,203,8)" in rewrite.lines[1] and "(193,211,10,27,203,8)" in rewrite.lines[2]
    others = [lab for lab in picture.labels if lab.id.startswith("label:")]
    assert rewrite.bold and rewrite.fill and all(rewrite.size > lab.size for lab in others)


def test_panels_draw_svg_not_images():
    from labkit.views import Flow
    from labkit.widgets import ComparePanel, FtpExplorer, HostPanel

    net = load_scenario("nlb-intranet")
    for panel in (
        HostPanel(net, "web1", Flow("pc1", "10.10.0.100")),
        ComparePanel(net, "web1", Flow("pc1", "10.10.0.100")),
        FtpExplorer(load_scenario("ftp-nat-seed")),
    ):
        value = panel.picture.image.value
        assert "<svg" in value and "<image" not in value and "data:image" not in value


def _gap(a, b):
    dx = max(a[0] - b[2], b[0] - a[2], 0)
    dy = max(a[1] - b[3], b[1] - a[3], 0)
    return (dx * dx + dy * dy) ** 0.5


@pytest.mark.parametrize("name", shipped_scenarios())
def test_each_name_is_nearer_its_own_node_than_any_other(name):
    net = load_scenario(name)
    for source, dst in questions(net, 4):
        picture = network_picture(net, trace(net, source, dst, reply=True))
        nodes = {m.id[5:]: m.box for m in picture.marks if m.id.startswith("node:")}
        for label in picture.labels:
            if label.id.startswith("node-label:"):
                own = label.id[len("node-label:") :]
                nearest = min(nodes, key=lambda n: (_gap(label.box, nodes[n]), n != own))
                assert nearest == own, f"{name}: {source} -> {dst}: the name {own} sits nearest {nearest}"
