"""Where two paths part is worked out once (labkit.plot.comparison_picture.paths_part): the compare
panel's headline and ◆ and the side-by-side picture's headline and ◆ come from it and say the same."""

from conftest import without_static_routes
from labkit.model import trace
from labkit.plot.comparison_picture import PathsPart, comparison_picture, paths_part
from labkit.views import Flow


def test_the_compare_panel_and_the_side_by_side_picture_say_the_same_where_the_paths_part():
    from labkit.widgets import ComparePanel

    net = without_static_routes()
    before = trace(net, "pc1", "10.10.0.100", reply=True)
    member = before.last_hop.node
    panel = ComparePanel(net, member, Flow("pc1", "10.10.0.100"))
    assert panel.headline == "the two settings give the same path"
    panel.switches[("nlb", "weakhostsend")].value = True
    after = panel.view.trace
    assert panel.headline == "the reply paths part at hop R1 (◆)"
    picture = comparison_picture(net, before, panel.view.network, after)
    (headline,) = [label for label in picture.labels if label.id == "headline"]
    assert headline.lines == (f"Same flow, two settings: before vs after — {panel.headline}",)
    part = paths_part(before, after)
    assert part == PathsPart(on_reply=True, hop=0) and part.node(before) == part.node(after) == member
    assert [m for m in panel.picture.drawn.marks if m.id == "divergence"]


def test_the_same_path_has_no_parting_and_a_request_parting_has_no_r():
    net = without_static_routes()
    same = trace(net, "pc1", "10.10.0.100", reply=True)
    assert paths_part(same, same) == PathsPart(on_reply=True, hop=None)
    assert paths_part(same, same).words is None and paths_part(same, same).node(same) is None
    assert PathsPart(on_reply=False, hop=2).words == "the request paths part at hop 3 (◆)"
    assert PathsPart(on_reply=True, hop=9).node(same) is None  # past the path's end: no ◆
