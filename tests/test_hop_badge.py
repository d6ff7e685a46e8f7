"""The legend's badges are the path's own hop-number badges (one hop_badge for both): same size, shape
and colour per path."""

from dataclasses import replace

from labkit.model import trace
from labkit.plot import network_picture
from labkit.scenario import load_scenario


def test_the_legend_shows_the_badges_the_legs_carry():
    net = load_scenario("nlb-intranet")
    labels = {label.id: label for label in network_picture(net, trace(net, "pc1", "10.10.0.100", reply=True)).labels}
    for leg, legend in (("hop-number:1", "legend-badge:request"), ("hop-number:R1", "legend-badge:reply")):
        on_leg, in_legend = labels[leg], labels[legend]
        assert replace(in_legend, id=leg, x=on_leg.x, y=on_leg.y) == on_leg
    assert labels["hop-number:1"].fill != labels["hop-number:R1"].fill
