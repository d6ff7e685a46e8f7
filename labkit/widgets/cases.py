"""Panels for the case files: the domain's state for the DCDIAG verdict; the attached disks
for the restore preflight. Thin over labkit.cases."""

from __future__ import annotations

import html

import ipywidgets as w

from ..cases.dcdiag import (
    DFSRMIG_STATES,
    DcdiagInputError,
    DcdiagReport,
    DomainState,
    FunctionalLevel,
    ReplicationSummary,
    Sysvol,
    judge,
)
from ..cases.restore import Layout, preflight_attached
from ..render.html import BAD, CAUTION, GOOD, verdict_colour
from .parts import MAIN, ROW, WRAP, pre
from .static import Panel

# Dropdown values for "nothing chosen": ipywidgets shows a None value as a blank choice.
NOT_STARTED = "not started"
NOT_GIVEN = "not given"

CASE_CONTROLS = w.Layout(width="410px", flex="0 0 410px")  # no picture: room for whole labels and choices


def _verdict(result, colour: str) -> str:
    """The verdict's first line in bold colour, as the host and FTP panels show theirs; the rest below."""
    headline, _, details = str(result).partition("\n")
    return (
        f"<div class='labkit-verdict' style='font-size:14px; line-height:1.35; font-weight:bold; "
        f"color:{colour}; {WRAP}'>{html.escape(headline)}</div>" + (pre(details) if details else "")
    )


def _settings_note(text: str) -> str:
    """A note about the chosen settings, not an error of the kit: an amber ⚠, never the red ✖."""
    return _verdict(f"⚠ These settings do not fit together: {text}", CAUTION)


def _side_by_side(controls: list, verdict: w.HTML) -> w.VBox:
    """Controls on the left, the verdict on the right: the layout of the other panels."""
    verdict.add_class("labkit-explanation")  # the headline and the why: the case panels' "picture"
    column = w.VBox(controls, layout=CASE_CONTROLS)
    column.add_class("labkit-controls")
    panel = w.VBox([w.HBox([column, w.VBox([verdict], layout=MAIN)], layout=ROW)])
    panel.add_class("labkit-panel")
    return panel


class DcdiagPanel(Panel):
    """Domain functional level, SYSVOL replication, dfsrmig state and replication health → verdict."""

    def __init__(self, report: DcdiagReport, clean: ReplicationSummary, failing: ReplicationSummary):
        self.report, self.summaries = report, {"clean (0 fails)": clean, "failing": failing, "not checked": None}
        wide = {"description_width": "165px"}
        fits = w.Layout(width="400px")
        self.level = w.Dropdown(
            options=[FunctionalLevel.W2003.value, FunctionalLevel.W2008.value, FunctionalLevel.W2008R2.value],
            value=FunctionalLevel.W2008R2.value,
            description="domain functional level",
            style=wide,
            layout=fits,
        )
        self.sysvol = w.Dropdown(
            options=Sysvol.values(), value=Sysvol.FRS.value, description="SYSVOL replicated by", style=wide, layout=fits
        )
        self.state = w.Dropdown(
            options=[("not started (no global state)", NOT_STARTED)]
            + [(f"{n} {name}", n) for n, (name, _) in DFSRMIG_STATES.items()],
            value=NOT_STARTED,
            description="dfsrmig global state",
            style=wide,
            layout=fits,
        )
        self.replication = w.Dropdown(
            options=list(self.summaries),
            value="clean (0 fails)",
            description="repadmin /replsummary",
            style=wide,
            layout=fits,
        )
        self.verdict = w.HTML()
        for control in (self.level, self.sysvol, self.state, self.replication):
            control.observe(lambda _c: self.update(), names="value")
        self.widget = _side_by_side([self.level, self.sysvol, self.state, self.replication], self.verdict)
        self.update()

    def update(self):
        try:
            state = None if self.state.value == NOT_STARTED else self.state.value
            result = judge(
                self.report,
                DomainState(self.level.value, self.sysvol.value, state, self.summaries[self.replication.value]),
            )
        except DcdiagInputError as err:  # a contradictory combination of the dropdowns
            self.verdict.value = _settings_note(str(err))
            return None
        self.verdict.value = _verdict(result, verdict_colour(result.kind))
        return result


class RestorePanel(Panel):
    """Tick which disks are attached to the target machine, pick the BIOS boot disk → will the restore work?"""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.attached = {d.name: w.Checkbox(value=True, description=d.name, indent=False) for d in layout.target}
        self.boot = w.Dropdown(
            options=[("not given", NOT_GIVEN)] + [(d.name, d.name) for d in layout.target],
            value=layout.bios_boot_disk or NOT_GIVEN,
            description="BIOS boot disk",
            style={"description_width": "110px"},
            layout=w.Layout(width="400px"),
        )
        self.verdict = w.HTML()
        for control in (*self.attached.values(), self.boot):
            control.observe(lambda _c: self.update(), names="value")
        self.widget = _side_by_side(
            [w.HTML("<b>disks attached to the target server</b>"), *self.attached.values(), self.boot], self.verdict
        )
        self.update()

    def update(self):
        attached = {name for name, box in self.attached.items() if box.value}
        result = preflight_attached(self.layout, attached, None if self.boot.value == NOT_GIVEN else self.boot.value)
        if isinstance(result, str):
            self.verdict.value = _settings_note(result)
            return None
        self.verdict.value = _verdict(result, GOOD if result.ok else BAD)
        return result
