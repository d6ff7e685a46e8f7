"""What a panel looks like where it cannot run: a course page, a notebook read without a kernel.

A panel shows itself as the live widget, and beside it, for any reader that cannot show widgets,
the same controls, verdict and picture as static HTML in their first state. JupyterLab picks
the live widget; a course page (tools/build_course.py drops the widget view) shows the HTML.
"""

from __future__ import annotations

import html

import ipywidgets as w

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_html(widget: w.Widget) -> str:
    """The widget tree as plain HTML: controls with their values, HTML widgets as they are."""
    if isinstance(widget, w.Box):
        row = isinstance(widget, w.HBox)
        inner = "".join(static_html(child) for child in widget.children)
        style = "display:flex; gap:12px; align-items:flex-start" if row else "display:block"
        return f"<div style='{style}'>{inner}</div>"
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        return f"<div>{widget.value}</div>"
    if isinstance(widget, w.Checkbox):
        return f"<div>{'☑' if widget.value else '☐'} {html.escape(widget.description)}</div>"
    if isinstance(widget, (w.Dropdown, w.RadioButtons, w.ToggleButtons, w.Select)):
        return f"<div>{html.escape(widget.description)}: <b>{html.escape(str(widget.label))}</b></div>"
    if isinstance(widget, w.Textarea):
        return f"<div>{html.escape(widget.description)}<pre>{html.escape(widget.value)}</pre></div>"
    if isinstance(widget, (w.Text, w.IntSlider, w.IntText, w.FloatText)):
        return f"<div>{html.escape(widget.description)}: <code>{html.escape(str(widget.value))}</code></div>"
    if isinstance(widget, w.Label):
        return f"<div>{html.escape(widget.value)}</div>"
    return ""  # buttons and the like: nothing to read in a page


class Panel:
    """A panel: `self.widget` is its live widget tree."""

    widget: w.Widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = (
            "<div class='labkit-static-panel'><p><i>The panel in its first state (run the "
            "notebook in JupyterLab to change it):</i></p>"
            f"{static_html(self.widget)}</div>"
        )
        return bundle
