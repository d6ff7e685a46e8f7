"""Panels for the case files: the domain's state for the DCDIAG verdict; the attached disks
for the restore preflight. Thin over labkit.cases."""

from __future__ import annotations

import html

import ipywidgets as w

from ..cases.dcdiag import DFSRMIG_STATES, DcdiagInputError, DcdiagReport, DomainState, ReplicationSummary, judge
from ..cases.restore import Layout, preflight_attached
from .static import Panel


# Dropdown values for "nothing chosen": ipywidgets shows a None value as a blank choice.
NOT_STARTED = "not started"
NOT_GIVEN = "not given"


def _pre(text: str) -> str:
    return f"<pre style='font-size:12px; white-space:pre-wrap; overflow-wrap:normal'>{html.escape(text)}</pre>"


def _settings_note(text: str) -> str:
    """A note about the chosen settings, not an error of the kit: a plain ⚠, never the red ✖."""
    return _pre(f"⚠ These settings do not fit together: {text}")


class DcdiagPanel(Panel):
    """Domain functional level, SYSVOL replication, dfsrmig state and replication health → verdict."""

    def __init__(self, report: DcdiagReport, clean: ReplicationSummary, failing: ReplicationSummary):
        self.report, self.summaries = report, {"clean (0 fails)": clean, "failing": failing, "not checked": None}
        wide = {"description_width": "initial"}
        self.level = w.Dropdown(options=["2003", "2008", "2008R2"], value="2008R2",
                                description="domain functional level", style=wide)
        self.sysvol = w.Dropdown(options=["frs", "dfsr"], value="frs", description="SYSVOL replicated by", style=wide)
        self.state = w.Dropdown(options=[("not started (no global state)", NOT_STARTED)] +
                                [(f"{n} {name}", n) for n, (name, _) in DFSRMIG_STATES.items()],
                                value=NOT_STARTED, description="dfsrmig global state", style=wide)
        self.replication = w.Dropdown(options=list(self.summaries), value="clean (0 fails)",
                                      description="repadmin /replsummary", style=wide)
        self.verdict = w.HTML()
        for control in (self.level, self.sysvol, self.state, self.replication):
            control.observe(lambda _c: self.update(), names="value")
        self.widget = w.VBox([self.level, self.sysvol, self.state, self.replication, self.verdict])
        self.update()

    def update(self):
        try:
            state = None if self.state.value == NOT_STARTED else self.state.value
            result = judge(self.report, DomainState(self.level.value, self.sysvol.value, state,
                                                    self.summaries[self.replication.value]))
        except DcdiagInputError as err:  # a contradictory combination of the dropdowns
            self.verdict.value = _settings_note(str(err))
            return None
        self.verdict.value = _pre(str(result))
        return result


class RestorePanel(Panel):
    """Tick which disks are attached to the target machine, pick the BIOS boot disk → will the restore work?"""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.attached = {d.name: w.Checkbox(value=True, description=d.name, indent=False) for d in layout.target}
        self.boot = w.Dropdown(options=[("not given", NOT_GIVEN)] + [(d.name, d.name) for d in layout.target],
                               value=layout.bios_boot_disk or NOT_GIVEN, description="BIOS boot disk",
                               style={"description_width": "initial"})
        self.verdict = w.HTML()
        for control in (*self.attached.values(), self.boot):
            control.observe(lambda _c: self.update(), names="value")
        self.widget = w.VBox([w.HTML("<b>disks attached to the target server</b>"), *self.attached.values(),
                              self.boot, self.verdict])
        self.update()

    def update(self):
        attached = {name for name, box in self.attached.items() if box.value}
        result = preflight_attached(self.layout, attached, None if self.boot.value == NOT_GIVEN else self.boot.value)
        if isinstance(result, str):
            self.verdict.value = _settings_note(result)
            return None
        self.verdict.value = _pre(str(result))
        return result
