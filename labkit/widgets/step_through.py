"""Packet Tracer style: a trace (and its reply) or an FTP session one step at a time."""

from __future__ import annotations

import ipywidgets as w

from ..model import Network
from ..render import step_items
from .parts import pre
from .static import Panel


class StepThrough(Panel):
    """Packet Tracer style: walk a trace (and its reply) or an FTP session one step at a time."""

    def __init__(self, net: Network, subject):
        self.net, self.subject = net, subject
        self.items = self._items(subject)
        self.slider = w.IntSlider(value=1, min=1, max=len(self.items), description="step")
        self.back = w.Button(description="◀ back")
        self.next = w.Button(description="next ▶")
        self.back.on_click(lambda _b: setattr(self.slider, "value", max(1, self.slider.value - 1)))
        self.next.on_click(lambda _b: setattr(self.slider, "value", min(len(self.items), self.slider.value + 1)))
        self.detail = w.HTML()
        self.slider.observe(lambda _c: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.back, self.slider, self.next]), self.detail])
        self.update()

    @staticmethod
    def _items(subject) -> list[str]:
        return step_items(subject)

    def update(self) -> str:
        text = self.items[self.slider.value - 1]
        self.detail.value = pre(text)
        return text
