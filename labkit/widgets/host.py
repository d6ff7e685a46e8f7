"""The host settings panel: per-NIC switches, default gateways and static routes of one node, the
Windows commands for them, and the flow's path redrawn on every change."""

from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets as w

from ..model import FlowError, Network, Node, Protocol, Role, Switch, Trace
from ..plot.network_labels import ending_words
from ..plot.network_picture import network_picture
from ..render.html import BAD, GOOD, MUTED, TEXT
from ..views import STALE, Flow, HostView, host_view
from .parts import CONTROLS, MAIN, ROW, WRAP, SvgPicture, error_note, pre, text_field, warning_note
from .static import Panel


def verdict_line(trace: Trace, label: str = "", why: bool = True, quiet: bool = False) -> str:
    """One line a learner reads first: how the request and the reply ended, in words, and why.
    `label` goes in front ("as written: …"); `quiet` draws it small and grey, like the grey
    flow as written in the compare picture."""
    parts = [ending_words(trace, "request")] + ([ending_words(trace.reply, "reply")] if trace.reply else [])
    failed = next((t for t in (trace, trace.reply) if t is not None and not t.succeeded), None)
    reason = f"<br><span style='font-weight:normal'>{html.escape(failed.reason)}</span>" if failed and why else ""
    colour = BAD if failed else GOOD
    look = f"font-size:13px; color:{MUTED}" if quiet else f"font-size:14px; font-weight:bold; color:{colour}"
    label = f"<span style='font-weight:normal; color:{TEXT}'>{html.escape(label)}:</span> " if label else ""
    return (
        f"<div class='labkit-verdict' style='{look}; line-height:1.35; {WRAP}'>"
        f"{label}{html.escape(' · '.join(parts))}{reason}</div>"
    )


def _refused(view) -> bool:
    """A value the panel could not use: the picture and trace keep the last valid settings (every
    error of a host view is such a refusal; its message ends in STALE to say so)."""
    return bool(view.errors)


class HostPanel(Panel):
    """Per-NIC switches, default gateways and static routes of one node, the Windows commands
    for them, and the flow's path redrawn on every change."""

    picture_width = 560  # fits beside the controls with JupyterLab's file browser open at 1366×768

    def __init__(self, net: Network, node: str, flow: Flow):
        self.net, self.node_name, self.good_flow = net, node, flow
        node_ = net.node(node)
        self.switches: dict[tuple[str, str], w.Checkbox] = {}
        self.gateways: dict[str, w.Text] = {}
        self.gateway_errors: dict[str, w.HTML] = {}
        groups = []  # one per NIC, then routes, then the flow: a column here, a row in ComparePanel
        for iface in node_.interfaces:
            boxes = []
            for switch in Switch:
                fixed = node_.role is Role.ROUTER or (
                    switch is not Switch.FORWARDING and not node_.os.host_model_configurable
                )
                box = w.Checkbox(
                    value=getattr(iface, switch),
                    description=switch.value,
                    indent=False,
                    disabled=fixed,
                    layout=w.Layout(width="auto", margin="0 10px 0 0"),
                )
                box.observe(self._changed, names="value")
                self.switches[(iface.key, switch)] = box
                boxes.append(box)
            gateway = text_field(
                value=", ".join(str(g.address) for g in iface.gateways),
                description="gateway",
                layout=w.Layout(width="285px"),
            )
            gateway.observe(self._changed, names="value")
            self.gateways[iface.key] = gateway
            self.gateway_errors[iface.key] = w.HTML()
            groups.append(
                [
                    w.HTML(f"<b>{html.escape(iface.label)}</b> ({', '.join(str(a) for a in iface.addresses)})"),
                    w.HBox(boxes, layout=w.Layout(flex_flow="row wrap")),
                    gateway,
                    self.gateway_errors[iface.key],
                ]
            )
        self.routes = w.Textarea(
            value="\n".join(
                f"{r.destination} via {r.gateway or 'on-link'} on {r.interface} metric {r.metric}" for r in node_.routes
            ),
            description="routes",
            placeholder=_route_example(node_) + "   (or: route -p add …)",
            continuous_update=False,
            layout=w.Layout(width="285px", height="56px"),
        )
        self.routes.observe(self._changed, names="value")
        self.routes_error = w.HTML()
        self.flow_from = w.Dropdown(
            options=[n.name for n in net.nodes],
            value=flow.source,
            description="from",
            layout=w.Layout(width="142px"),
            style={"description_width": "40px"},
        )
        self.flow_to = text_field(
            value=str(flow.destination),
            description="to",
            layout=w.Layout(width="142px"),
            style={"description_width": "25px"},
        )
        self.flow_src = text_field(
            value=str(flow.src or ""),
            description="source",
            placeholder="(Windows picks)",
            layout=w.Layout(width="178px"),
            style={"description_width": "50px"},
        )
        self.flow_proto = w.Dropdown(
            options=Protocol.values(),
            value=flow.proto.value,
            description="proto",
            layout=w.Layout(width="106px"),
            style={"description_width": "40px"},
        )
        for control in (self.flow_from, self.flow_to, self.flow_src, self.flow_proto):
            control.observe(self._changed, names="value")
        self.flow_error = w.HTML()
        self.settings_error = w.HTML()
        self.verdict = w.HTML()
        self.commands = w.HTML()
        self.trace_text = w.HTML()
        self.picture = SvgPicture()
        self.view: HostView | None = None
        groups += [
            [self.routes, self.routes_error],
            [
                w.HTML("<b>flow</b>"),
                w.HBox([self.flow_from, self.flow_to]),
                w.HBox([self.flow_src, self.flow_proto]),
                self.flow_error,
                self.settings_error,
            ],
        ]
        title = w.HTML(f"<b>{html.escape(node)}</b> ({html.escape(node_.os.display)})")
        self.widget = w.VBox(
            self._arrange(title, groups) + [w.HTML("<b>Windows commands</b>"), self.commands, self.trace_text]
        )
        self.widget.add_class("labkit-panel")
        self.update()

    def _arrange(self, title, groups) -> list:
        """Controls in a column on the left, the verdict line and the picture on the right."""
        controls = w.VBox([title] + [item for group in groups for item in group], layout=CONTROLS)
        controls.add_class("labkit-controls")
        return [w.HBox([controls, w.VBox([self.verdict, self.picture.image], layout=MAIN)], layout=ROW)]

    def settings(self) -> dict:
        return {
            "switches": {k: box.value for k, box in self.switches.items()},
            "gateways": {k: text.value for k, text in self.gateways.items()},
            "routes": self.routes.value,
        }

    def flow(self) -> Flow:
        return Flow(
            self.flow_from.value, self.flow_to.value.strip(), self.flow_src.value.strip() or None, self.flow_proto.value
        )

    def _changed(self, _change=None) -> None:
        self.update()

    def update(self) -> HostView:
        try:
            self.good_flow = flow = self.flow()
            flow_error = {}
        except FlowError as err:  # the fields stay as typed; the last good flow is traced
            flow, flow_error = self.good_flow, {"flow": str(err) + STALE}
        view = host_view(self.net, self.node_name, flow, **self.settings())
        view = replace(view, errors={**view.errors, **flow_error})

        def problems(name: str) -> str:
            return error_note(view.errors.get(name)) + warning_note(view.warnings.get(name))

        for key, label in self.gateway_errors.items():
            label.value = problems(f"gateway:{key}")
        self.routes_error.value = problems("routes")
        self.flow_error.value = problems("flow")
        self.settings_error.value = problems("settings")
        if view.trace is not None and not (_refused(view) and self.view is not None):
            # otherwise the last good picture, verdict and trace stay, as the error message says
            self._draw(view)  # first: the picture is what the learner waits for
            self.trace_text.value = pre(str(view.trace))
            self.view = view
        self.commands.value = pre("\n".join(view.commands) or "(nothing differs from a fresh install)")
        return view

    def _draw(self, view: HostView) -> None:
        assert view.trace is not None  # update() draws only a view with a trace
        self.picture.show(network_picture(view.network, view.trace, width=self.picture_width))
        self.verdict.value = verdict_line(view.trace)


def _route_example(node: Node) -> str:
    """A route line in the panel's own words, on this node's first NIC, via an address of its subnet."""
    iface = node.interfaces[0]
    if not iface.addresses:
        return "10.30.0.0/16 via GATEWAY on INTERFACE"
    gateway = next(iface.addresses[0].network.hosts(), iface.addresses[0].ip)
    name = iface.key if " " not in iface.key else f'"{iface.key}"'
    return f"10.30.0.0/16 via {gateway} on {name}"
