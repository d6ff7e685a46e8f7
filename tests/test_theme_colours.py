"""The results' HTML and the panels read in JupyterLab's Dark theme as well as in the light one:
every colour is a CSS variable with the light colour as its fallback (so an output shown outside
JupyterLab looks as before), the kit's stylesheet gives each --labkit-* variable a dark value that
reaches WCAG contrast 4.5 on the dark background, and the FTP session's outcome is at the top."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import labkit
from labkit.model import ftp_session
from labkit.render import html as render_html
from labkit.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "jupyter" / "custom" / "custom.css").read_text()
DARK_BACKGROUND = "#111111"  # JupyterLab Dark's --jp-layout-color0
DARK_TEXT = "#ffffff"  # JupyterLab Dark's --jp-content-font-color1
COLOUR_SOURCES = [
    ROOT / "labkit" / "render" / "html.py",
    *(ROOT / "labkit" / "widgets" / n for n in ("cases.py", "host.py", "ftp_explorer.py", "parts.py")),
]
# A hex colour not directly inside "var(--name, " is a colour the theme cannot change.
BARE_HEX = re.compile(r"(?<!, )#[0-9a-fA-F]{3,6}\b")
LABKIT_VAR = re.compile(r"var\((--labkit-[a-z-]+), (#[0-9a-fA-F]{3,6})\)")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _dark_values() -> dict[str, str]:
    block = re.search(r'body\[data-jp-theme-light="false"\]\s*\{([^}]*)\}', CSS)
    assert block, "custom.css has no rule for JupyterLab's dark theme"
    return dict(re.findall(r"(--labkit-[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", block.group(1)))


def _used_labkit_vars() -> dict[str, str]:
    return {name: fallback for p in COLOUR_SOURCES for name, fallback in LABKIT_VAR.findall(p.read_text())}


def test_the_wcag_formula_matches_known_values():
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("source", COLOUR_SOURCES, ids=lambda p: p.name)
def test_every_colour_in_the_html_is_a_variable_with_a_fallback(source):
    code = source.read_text()
    assert not BARE_HEX.findall(code), f"{source.name}: a colour without var(--…, fallback)"
    for fallback in re.findall(r"var\(--[a-z0-9-]+, ([^)]*)\)", code):
        assert re.fullmatch(r"#[0-9a-fA-F]{3,6}", fallback), f"{source.name}: fallback {fallback!r}"


def test_the_rendered_html_names_its_colours_by_variable():
    session = ftp_session(load_scenario("ftp-nat-ftps"))
    net = load_scenario("nlb-intranet")
    for markup in (session._repr_html_(), labkit.trace(net, "pc1", "10.10.0.21", reply=True)._repr_html_()):
        for colour in re.findall(r"(?:color|background|solid)\s*:?\s*([^;'\"]+)", markup):
            assert not colour.strip().startswith("#"), colour


def test_the_stylesheet_defines_every_labkit_variable_for_the_dark_theme():
    used, dark = _used_labkit_vars(), _dark_values()
    assert {"--labkit-good", "--labkit-bad", "--labkit-caution", "--labkit-failed-bg", "--labkit-warning-bg"} <= set(
        used
    )
    assert set(used) <= set(dark), f"missing in custom.css: {set(used) - set(dark)}"


def test_the_dark_colours_reach_contrast_4_5_on_the_dark_background():
    dark = _dark_values()
    for name, value in dark.items():
        if name.endswith("-bg"):  # a ground: the theme's white text and the colours drawn on it must read
            assert _contrast(DARK_TEXT, value) >= 4.5, (name, value)
        else:
            assert _contrast(value, DARK_BACKGROUND) >= 4.5, (name, value, round(_contrast(value, DARK_BACKGROUND), 2))
    assert _contrast(dark["--labkit-caution"], dark["--labkit-warning-bg"]) >= 4.5  # the ⚠ warning note
    assert _contrast(dark["--labkit-bad"], dark["--labkit-failed-bg"]) >= 4.5


def test_the_light_fallbacks_still_reach_contrast_4_5():
    used = _used_labkit_vars()
    for name in ("--labkit-good", "--labkit-bad"):
        assert _contrast(used[name], "#ffffff") >= 4.5, name
    assert _contrast(used["--labkit-caution"], used["--labkit-warning-bg"]) >= 4.5


def test_the_widgets_take_their_colours_from_the_renderer():
    for source in COLOUR_SOURCES[1:]:
        code = source.read_text()
        assert "--labkit-" not in code, f"{source.name} spells a colour the renderer names"
    assert render_html.BAD.endswith("#b3261e)")  # the light red stays (an error note is asserted on it)


class _FirstText(HTMLParser):
    def __init__(self, markup: str):
        super().__init__()
        self.blocks: list[str] = []
        self.feed(markup)

    def handle_data(self, data):
        if data.strip():
            self.blocks.append(data.strip())


@pytest.mark.parametrize("name", ["ftp-nat-ftps", "ftp-lan"])
def test_the_ftp_html_says_the_outcome_first(name):
    result = ftp_session(load_scenario(name))
    first = _FirstText(result._repr_html_()).blocks[0]
    expected = "FAILURE at step 17" if name == "ftp-nat-ftps" else "SUCCESS"
    assert expected in first and result.client in first, first
    lines = str(result).splitlines()  # the text keeps its order: settings first, the outcome after the steps
    assert lines[0].startswith("FTP: ") and "=>" not in lines[0]
    assert any(line.startswith("=> ") for line in lines[1:])
