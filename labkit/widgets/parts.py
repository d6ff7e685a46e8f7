"""What every panel is made of: the side-by-side layout, the notes under a field (✖ refused, ⚠
warning), preformatted text, a text field that applies on Enter, and the picture as inline SVG."""

from __future__ import annotations

import html

import ipywidgets as w

from ..plot.picture import Picture
from ..plot.svg import to_svg
from ..render.html import BAD, CAUTION, WARNING_BG

# Side by side on a 1366×768 screen: controls on the left, the verdict line and the picture on the
# right, the longer texts (Windows commands, trace) underneath.
CONTROLS = w.Layout(width="296px", flex="0 0 296px")  # narrow: every px goes to the picture
MAIN = w.Layout(flex="1 1 480px", min_width="420px", overflow="hidden")
ROW = w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%")


# Wrap long lines between words ("NLB NIC", never "NLB NI" / "C"); a word longer than the whole
# line (a long path) may still break. JupyterLab breaks output text anywhere (word-break: break-all).
WRAP = "white-space:pre-wrap; word-break:normal; overflow-wrap:break-word"
NOTE = "font-size:13px; line-height:1.35;"  # a message under a field (not the widgets' 28 px rows)


def pre(text: str) -> str:
    return f"<pre style='font-size:12px; line-height:1.3; {WRAP}'>{html.escape(text)}</pre>"


def error_note(message: str | None) -> str:
    """A value the panel refused: red ✖."""
    return f"<div style='color:{BAD}; {NOTE} {WRAP}'>✖ {html.escape(message)}</div>" if message else ""


def warning_note(message: str | None) -> str:
    """Settings taken but worth a warning: an amber ⚠ on a pale ground, never the red ✖ of an error."""
    return (
        (
            f"<div class='labkit-warning' style='color:{CAUTION}; background:{WARNING_BG}; padding:1px 4px; {NOTE} {WRAP}'>"
            f"⚠ warning: {html.escape(message)}</div>"
        )
        if message
        else ""
    )


def text_field(**kwargs) -> w.Text:
    """A text field that applies on Enter or on leaving it, not on every keystroke."""
    return w.Text(continuous_update=False, **kwargs)


class SvgPicture:
    """A picture as inline SVG in an HTML widget: crisp at any zoom, text selectable, nothing to encode."""

    def __init__(self) -> None:
        self.image = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        self.image.add_class("labkit-picture")
        self.image.add_class("tex2jax_ignore")  # no maths in a picture: spare the typesetter the walk
        self.drawn: Picture | None = None  # what is on screen, as data a test can read

    def show(self, picture: Picture) -> None:
        self.drawn = picture
        # contained: a new picture relays out only itself, not the whole notebook
        self.image.value = f"<div style='contain: content'>{to_svg(picture)}</div>"
