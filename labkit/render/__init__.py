"""One place that turns the kit's results into text and HTML: traces (with their replies),
FTP sessions, route choices, the dcdiag verdict, the restore preflight and graders' feedback.

The model's `__str__`, `__repr__` and `_repr_html_` call these (importing them only when
asked), so a notebook cell that ends in a result shows it well without `print()`, and the
widgets show the same words. Standard library only.
"""

from .html import feedback_html, ftp_html, preflight_html, route_choice_html, trace_html, verdict_html
from .text import (
    ftp_repr,
    ftp_text,
    hop_heading,
    preflight_repr,
    preflight_text,
    route_choice_repr,
    route_choice_text,
    step_items,
    step_line,
    trace_lines,
    trace_repr,
    trace_text,
    verdict_repr,
    verdict_text,
    verdict_words,
)

__all__ = [
    "feedback_html",
    "ftp_html",
    "ftp_repr",
    "ftp_text",
    "hop_heading",
    "preflight_html",
    "preflight_repr",
    "preflight_text",
    "route_choice_html",
    "route_choice_repr",
    "route_choice_text",
    "step_items",
    "step_line",
    "trace_html",
    "trace_lines",
    "trace_repr",
    "trace_text",
    "verdict_html",
    "verdict_repr",
    "verdict_text",
    "verdict_words",
]
