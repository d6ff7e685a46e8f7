"""The compare view: the host panel with the scenario as written drawn thin and grey under your settings."""

from __future__ import annotations

from ..model import Network, Trace
from ..plot.comparison_picture import paths_part
from ..plot.network_picture import network_picture
from ..views import Flow, HostView, host_view
from .host import HostPanel, verdict_line


class ComparePanel(HostPanel):
    """The same flow before (the scenario as written) and after (the panel's settings): one picture,
    the paths with your settings in colour over the paths as written in thin grey, ◆ where they part.
    (Two pictures side by side would not fit beside the controls on a 1366×768 screen.)"""

    def __init__(self, net: Network, node: str, flow: Flow):
        self.base_trace: Trace | None = None
        self._base_key: Flow | None = None
        self.headline = ""
        super().__init__(net, node, flow)

    def _draw(self, view: HostView) -> None:
        if self._base_key != self.good_flow:  # the scenario as written changes only with the flow
            self.base_trace = host_view(self.net, self.node_name, self.good_flow).trace
            self._base_key = self.good_flow
        base, trace = self.base_trace, view.trace
        assert base is not None and trace is not None  # update() draws only a view with a trace
        part = paths_part(base, trace)
        self.headline = part.words or "the two settings give the same path"
        self.picture.show(
            network_picture(
                view.network,
                trace,
                ghost=base,
                divergence=part.node(trace),
                width=self.picture_width,
                title=f"{self.net.title or self.net.name}\n{trace.flow}: {self.headline}",
            )
        )
        # where the paths part is the picture's title, right under these two lines
        self.verdict.value = verdict_line(base, "as written", why=False, quiet=True) + verdict_line(
            trace, "your settings", why=False
        )
