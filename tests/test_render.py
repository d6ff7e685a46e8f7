"""One renderer (labkit.render) for traces, FTP sessions, route choices and the case verdicts:
print() shows its text, a notebook cell that ends in a result shows its HTML (escaped, inline
styles only) and the repr is one short line."""

import re
from html import escape
from html.parser import HTMLParser
from ipaddress import IPv4Address

from labkit import render
from labkit.cases.dcdiag import DomainState, judge, parse_dcdiag, parse_replsummary
from labkit.cases.files import load_layout, read_text
from labkit.cases.restore import Preflight, preflight
from labkit.model import Outcome, ftp_session, select_route, trace
from labkit.scenario import DATA_DIR, load_scenario, parse_scenario

CASES = DATA_DIR / "cases"

HOSTILE = """
name: hostile-labels
nodes:
  H:
    interfaces:
      lan: {label: "<script>alert(1)</script>", segment: a, addresses: [10.0.0.5/24], gateways: [10.0.0.1]}
  R:
    role: router
    interfaces:
      a: {label: "A & <b>B</b>", segment: a, addresses: [10.0.0.1/24]}
"""


class _Tags(HTMLParser):
    """The tags and text of an HTML fragment."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _verdict():
    clean = parse_replsummary(read_text(CASES / "replsummary-clean.txt"))
    return judge(parse_dcdiag(read_text(CASES / "dcdiag-seed.txt")), DomainState("2008R2", "frs", 0, clean))


def _results():
    net = load_scenario("nlb-intranet")
    return [
        trace(net, "pc1", "10.10.0.21", reply=True),
        ftp_session(load_scenario("ftp-nat-ftps")),
        select_route(net.node("web1"), IPv4Address("10.20.5.5")),
        _verdict(),
        preflight(load_layout(CASES / "restore-boot-disk-too-small.yaml")),
    ]


def test_the_text_of_a_trace_is_the_renderers():
    net = load_scenario("nlb-intranet")
    result = trace(net, "pc1", "10.10.0.100", reply=True)
    assert str(result) == render.trace_text(result)
    assert result.lines("  ") == render.trace_lines(result, "  ")
    assert str(result).splitlines()[-len(result.reply.lines("  ")) :] == result.reply.lines("  ")


def test_step_through_pages_and_the_trace_share_hop_and_step_lines():
    from test_edge_cases import SAME_SUBNET_WITH_MONITOR

    from labkit.widgets import StepThrough

    net = parse_scenario(SAME_SUBNET_WITH_MONITOR)
    result = trace(net, "web1", "10.10.0.98", reply=True)
    pages = StepThrough(net, result).items
    assert pages == render.step_items(result)
    text = str(result)
    for t in (result, result.reply):
        for hop in t.hops:
            assert render.hop_heading(hop) in text
            for step in hop.steps:
                assert render.step_line(step) in text and render.step_line(step) in "\n".join(pages)
    # the reply that reached the wrong NLB member reads the same in both
    assert result.reply.outcome is Outcome.ACCEPTED_BY_WRONG_NODE
    assert "=> ACCEPTED, but by the wrong node: " in pages[-1] and "=> ACCEPTED, but by the wrong node: " in text


def test_html_escapes_what_scenarios_contain_and_shows_the_disposition():
    net = parse_scenario(HOSTILE)
    result = trace(net, "H", "10.50.0.1", reply=True)
    markup = result._repr_html_()
    assert "<script" not in markup and "<b>B</b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    page = _Tags(markup)
    assert {tag for tag, _ in page.tags} <= {"div", "span", "b", "ol", "ul", "li"}
    shown = "".join(page.text)
    assert result.disposition.value == "NO_ROUTE" and "NO_ROUTE" in shown
    assert "<script>alert(1)</script>" in shown  # the learner reads the label as typed
    for step in (s for hop in result.hops for s in hop.steps):
        assert str(step.detail) in shown


def test_html_has_no_stylesheet_or_script_and_fits_a_laptop_screen():
    for result in _results():
        markup = result._repr_html_()
        page = _Tags(markup)
        assert not re.search(r"<(script|link|style|iframe|img)\b", markup)
        assert all("url(" not in attrs.get("style", "") for _, attrs in page.tags)
        assert "max-width:1200px" in markup  # readable at 1366 px: the box never runs past the screen
        assert markup.count("<div") == markup.count("</div>")


def test_each_result_kind_shows_its_outcome_in_html():
    result, session, choice, verdict, restore = _results()
    assert escape(f"{result.flow}: ACCEPTED, reply ACCEPTED") in result._repr_html_()
    assert "FAILURE at step" in session._repr_html_()
    assert "route lookup for 10.20.5.5" in choice._repr_html_()
    assert "EXPECTED FALSE POSITIVE" in verdict._repr_html_()
    assert "RESTORE WILL FAIL" in restore._repr_html_() and "0x80042407" in restore._repr_html_()


def test_reprs_are_one_short_line():
    result, session, choice, verdict, restore = _results()
    assert repr(result) == "<Trace TCP 10.20.5.5:49152 -> 10.10.0.21:80 ACCEPTED, 3 hops; reply ACCEPTED, 3 hops>"
    assert repr(choice) == "<RouteChoice 10.20.5.5: 10.20.0.0/16 via 10.10.0.1 on nlb, metric 11; 2 candidates>"
    assert repr(session).startswith("<FtpResult client -> 193.211.10.27 (ftpsrv), mode passive, TLS explicit")
    assert repr(session).endswith(": FAILURE at step 17 of 17>")
    assert repr(verdict).startswith("<Verdict EXPECTED FALSE POSITIVE: domain functional level 2008R2")
    assert repr(restore).startswith("<Preflight fails 0x80042407: the BIOS boots SSD (new)")
    for value in _results():
        line = repr(value)
        assert "\n" not in line and len(line) <= 200 and line.startswith("<") and line.endswith(">")


def test_texts_of_ftp_verdict_and_preflight_are_the_renderers():
    result, session, _, verdict, restore = _results()
    assert str(session) == render.ftp_text(session)
    assert str(verdict) == render.verdict_text(verdict)
    assert str(restore) == render.preflight_text(restore)
    made_up = Preflight("fails", "<0x1>", "a cause with <b>markup</b>", fixes=("fix & go",))
    assert "&lt;b&gt;markup&lt;/b&gt;" in made_up._repr_html_() and "<b>markup" not in made_up._repr_html_()
    assert "fix &amp; go" in made_up._repr_html_()


def test_route_choice_text_with_the_node_uses_its_labels():
    net = load_scenario("nlb-intranet")
    node = net.node("web1")
    choice = select_route(node, IPv4Address("10.20.5.5"))
    text = render.route_choice_text(choice, node)
    assert text.splitlines()[1].strip() == choice.why(node)
    assert 'winner  10.20.0.0/16 via 10.10.0.1 on "NLB NIC", metric 11' in text


def test_import_labkit_does_not_load_the_renderer():
    import subprocess
    import sys

    code = "import sys, labkit; labkit.trace; print('labkit.render' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
