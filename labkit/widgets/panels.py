"""The panels. Thin on purpose: settings go to labkit.views, pictures (SVG) come from labkit.plot."""

from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets as w

from ..model import (
    PROTOCOLS,
    SWITCHES,
    FlowError,
    FtpClientSettings,
    FtpMode,
    LbAffinity,
    Network,
    Prot,
    Role,
    TlsMode,
    Trace,
)
from ..model.ftp import FtpResult
from ..plot.comparison_picture import paths_part_at
from ..plot.ftp_picture import ftp_picture
from ..plot.network_labels import ending_words
from ..plot.network_picture import network_picture
from ..plot.picture import Picture
from ..plot.svg import to_svg
from ..render import step_items
from ..views import STALE, Flow, FtpView, HostView, ftp_view, host_view
from .static import Panel

# Side by side on a 1366×768 screen: controls on the left, the verdict line and the picture on the
# right, the longer texts (Windows commands, trace) underneath.
CONTROLS = w.Layout(width="296px", flex="0 0 296px")  # narrow: every px goes to the picture
MAIN = w.Layout(flex="1 1 480px", min_width="420px", overflow="hidden")
ROW = w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%")


# Wrap long lines between words ("NLB NIC", never "NLB NI" / "C"); a word longer than the whole
# line (a long path) may still break. JupyterLab breaks output text anywhere (word-break: break-all).
WRAP = "white-space:pre-wrap; word-break:normal; overflow-wrap:break-word"
NOTE = "font-size:13px; line-height:1.35;"  # a message under a field (not the widgets' 28 px rows)


def _pre(text: str) -> str:
    return f"<pre style='font-size:12px; line-height:1.3; {WRAP}'>{html.escape(text)}</pre>"


def _error(message: str | None) -> str:
    """A value the panel refused: red ✖."""
    return f"<div style='color:#b3261e; {NOTE} {WRAP}'>✖ {html.escape(message)}</div>" if message else ""


def _warning(message: str | None) -> str:
    """Settings taken but worth a warning: an amber ⚠ on a pale ground, never the red ✖ of an error."""
    return (
        (
            f"<div class='labkit-warning' style='color:#7a4a00; background:#fff4d6; padding:1px 4px; {NOTE} {WRAP}'>"
            f"⚠ warning: {html.escape(message)}</div>"
        )
        if message
        else ""
    )


def _verdict(trace: Trace, label: str = "", why: bool = True, quiet: bool = False) -> str:
    """One line a learner reads first: how the request and the reply ended, in words, and why.
    `label` goes in front ("as written: …"); `quiet` draws it small and grey, like the grey
    flow as written in the compare picture."""
    parts = [ending_words(trace, "request")] + ([ending_words(trace.reply, "reply")] if trace.reply else [])
    failed = next((t for t in (trace, trace.reply) if t is not None and not t.succeeded), None)
    why = f"<br><span style='font-weight:normal'>{html.escape(failed.reason)}</span>" if failed and why else ""
    colour = "#b3261e" if failed else "#1b7a3a"
    look = "font-size:13px; color:#5a5a5a" if quiet else f"font-size:14px; font-weight:bold; color:{colour}"
    label = f"<span style='font-weight:normal; color:#333'>{html.escape(label)}:</span> " if label else ""
    return (
        f"<div class='labkit-verdict' style='{look}; line-height:1.35; {WRAP}'>"
        f"{label}{html.escape(' · '.join(parts))}{why}</div>"
    )


def _text(**kwargs) -> w.Text:
    """A text field that applies on Enter or on leaving it, not on every keystroke."""
    return w.Text(continuous_update=False, **kwargs)


def _refused(view) -> bool:
    """A value the panel could not use: the picture and trace keep the last valid settings (every
    error of a host view is such a refusal; its message ends in STALE to say so)."""
    return bool(view.errors)


class SvgPicture:
    """A picture as inline SVG in an HTML widget: crisp at any zoom, text selectable, nothing to encode."""

    def __init__(self):
        self.image = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        self.image.add_class("labkit-picture")
        self.image.add_class("tex2jax_ignore")  # no maths in a picture: spare the typesetter the walk
        self.drawn: Picture | None = None  # what is on screen, as data a test can read

    def show(self, picture: Picture) -> None:
        self.drawn = picture
        # contained: a new picture relays out only itself, not the whole notebook
        self.image.value = f"<div style='contain: content'>{to_svg(picture)}</div>"


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
            for switch in SWITCHES:
                fixed = node_.role is Role.ROUTER or (switch != "forwarding" and not node_.os.host_model_configurable)
                box = w.Checkbox(
                    value=getattr(iface, switch),
                    description=switch,
                    indent=False,
                    disabled=fixed,
                    layout=w.Layout(width="auto", margin="0 10px 0 0"),
                )
                box.observe(self._changed, names="value")
                self.switches[(iface.key, switch)] = box
                boxes.append(box)
            gateway = _text(
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
            placeholder="10.30.0.0/16 via 10.10.0.1 on nlb   (or: route -p add …)",
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
        self.flow_to = _text(
            value=str(flow.destination),
            description="to",
            layout=w.Layout(width="142px"),
            style={"description_width": "25px"},
        )
        self.flow_src = _text(
            value=str(flow.src or ""),
            description="source",
            placeholder="(chosen by Windows)",
            layout=w.Layout(width="178px"),
            style={"description_width": "50px"},
        )
        self.flow_proto = w.Dropdown(
            options=PROTOCOLS,
            value=flow.proto,
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
            return _error(view.errors.get(name)) + _warning(view.warnings.get(name))

        for key, label in self.gateway_errors.items():
            label.value = problems(f"gateway:{key}")
        self.routes_error.value = problems("routes")
        self.flow_error.value = problems("flow")
        self.settings_error.value = problems("settings")
        if view.trace is not None and not (_refused(view) and self.view is not None):
            # otherwise the last good picture, verdict and trace stay, as the error message says
            self._draw(view)  # first: the picture is what the learner waits for
            self.trace_text.value = _pre(str(view.trace))
            self.view = view
        self.commands.value = _pre("\n".join(view.commands) or "(nothing differs from a fresh install)")
        return view

    def _draw(self, view: HostView) -> None:
        self.picture.show(network_picture(view.network, view.trace, width=self.picture_width))
        self.verdict.value = _verdict(view.trace)


class ComparePanel(HostPanel):
    """The same flow before (the scenario as written) and after (the panel's settings): one picture,
    the paths with your settings in colour over the paths as written in thin grey, ◆ where they part.
    (Two pictures side by side would not fit beside the controls on a 1366×768 screen.)"""

    def __init__(self, net: Network, node: str, flow: Flow):
        self.base_trace: Trace | None = None
        self._base_key, self.headline = None, ""
        super().__init__(net, node, flow)

    def _draw(self, view: HostView) -> None:
        if self._base_key != self.good_flow:  # the scenario as written changes only with the flow
            self.base_trace = host_view(self.net, self.node_name, self.good_flow).trace
            self._base_key = self.good_flow
        on_reply, split = paths_part_at(self.base_trace, view.trace)
        self.headline = (
            "the two settings give the same path"
            if split is None
            else f"the {'reply' if on_reply else 'request'} paths part at hop {'R' if on_reply else ''}{split + 1} (◆)"
        )
        shown = view.trace.reply if on_reply else view.trace
        node = shown.hops[split].node if split is not None and split < len(shown.hops) else None
        self.picture.show(
            network_picture(
                view.network,
                view.trace,
                ghost=self.base_trace,
                divergence=node,
                width=self.picture_width,
                title=f"{self.net.title or self.net.name}\n{view.trace.flow}: {self.headline}",
            )
        )
        # where the paths part is the picture's title, right under these two lines
        self.verdict.value = _verdict(self.base_trace, "as written", why=False, quiet=True) + _verdict(
            view.trace, "your settings", why=False
        )


class FtpExplorer(Panel):
    """Mode, TLS, PROT, CCC, external address, passive range, helper, trust in 227, balancer
    affinity: the sequence diagram, the outcome and the risk table redrawn on every change."""

    def __init__(self, net: Network):
        self.net = net
        s = net.ftp.settings
        server = net.node(net.ftp.server).ftp_server
        narrow = {"layout": w.Layout(width="288px"), "style": {"description_width": "100px"}}
        self.mode = w.Dropdown(options=FtpMode.values(), value=s.mode.value, description="mode", **narrow)
        self.tls = w.Dropdown(options=TlsMode.values(), value=s.tls.value, description="TLS", **narrow)
        self.prot = w.Dropdown(options=Prot.values(), value=s.prot.value, description="PROT", **narrow)
        self.ccc = w.Checkbox(value=s.ccc, description="CCC after login", indent=False)
        self.trust = w.Checkbox(value=s.trust_pasv_address, description="client trusts the 227 address", indent=False)
        self.external = _text(
            value=str(server.external_address or ""), description="external IP", placeholder="(none)", **narrow
        )
        self.passive = _text(
            value="" if server.passive_ports is None else str(server.passive_ports),
            description="passive ports",
            placeholder="(any)",
            **narrow,
        )
        forwarded = server.passive_ports is not None and any(
            pf.ports == server.passive_ports for n in net.nodes if n.nat for pf in n.nat.port_forwards
        )
        self.forward = w.Checkbox(value=forwarded, description="forward the passive range on the NAT", indent=False)
        self.helper = w.Checkbox(
            value=any(n.ftp_helper for n in net.nodes if n.nat), description="FTP helper on NAT", indent=False
        )
        self.affinity = w.Dropdown(
            options=LbAffinity.values(),
            description="LB affinity",
            **narrow,
            value=next((n.load_balancer.affinity.value for n in net.nodes if n.load_balancer), LbAffinity.NONE.value),
        )
        self.errors = {name: w.HTML() for name in ("external_address", "passive_range")}
        self.outcome = w.HTML()
        self.risks = w.HTML()
        self.text = w.HTML()
        self.picture = SvgPicture()
        self.view: FtpView | None = None
        for control in (
            self.mode,
            self.tls,
            self.prot,
            self.ccc,
            self.trust,
            self.external,
            self.passive,
            self.forward,
            self.helper,
            self.affinity,
        ):
            control.observe(lambda _c: self.update(), names="value")
        controls = w.VBox(
            [
                self.mode,
                self.tls,
                self.prot,
                self.ccc,
                self.trust,
                self.external,
                self.errors["external_address"],
                self.passive,
                self.errors["passive_range"],
                self.forward,
                self.helper,
                self.affinity,
            ],
            layout=CONTROLS,
        )
        controls.add_class("labkit-controls")
        main = w.VBox([self.outcome, self.picture.image], layout=MAIN)
        self.widget = w.VBox([w.HBox([controls, main], layout=ROW), self.risks, self.text])
        self.widget.add_class("labkit-panel")
        self.update()

    def settings(self) -> FtpClientSettings:
        return replace(
            self.net.ftp.settings,
            mode=self.mode.value,
            tls=self.tls.value,
            prot=self.prot.value,
            ccc=self.ccc.value and self.tls.value != TlsMode.NONE,
            trust_pasv_address=self.trust.value,
        )

    def update(self) -> FtpView:
        has_lb = any(n.load_balancer for n in self.net.nodes)
        self.ccc.disabled = self.tls.value == TlsMode.NONE  # CCC ends TLS: nothing to end without it
        view = ftp_view(
            self.net,
            self.settings(),
            external_address=self.external.value,
            passive_range=self.passive.value,
            forward_range=self.forward.value,
            helper=self.helper.value,
            affinity=self.affinity.value if has_lb else None,
        )
        for name, label in self.errors.items():
            message = view.errors.get(name)
            label.value = _error(message + STALE if message else None)
        if view.result is not None:
            result: FtpResult = view.result
            self.picture.show(ftp_picture(view.network, result))  # first: what the learner waits for
            mark = "✔ SUCCESS" if result.succeeded else f"✖ FAILURE at step {result.failed_step}"
            colour = "#1b7a3a" if result.succeeded else "#b3261e"
            self.outcome.value = (
                f"<div class='labkit-verdict' style='font-size:14px; line-height:1.35; color:{colour}; "
                f"{WRAP}'><b>{mark}</b>: {html.escape(result.reason)}</div>"
                f"<div style='font-size:13px; line-height:1.35; {WRAP}'><i>hint:</i> "
                f"{html.escape(result.hint)}</div>"
            )
            self.risks.value = (
                "<table>"
                + "".join(
                    f"<tr><td>{'⚠ PRESENT' if r.present else '✔ handled'}</td><td>{html.escape(r.risk)}</td>"
                    f"<td>{html.escape(r.mitigation)}</td></tr>"
                    for r in result.risks
                )
                + "</table>"
            )
            self.text.value = _pre(str(result))
            self.view = view
        return view


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
        self.detail.value = _pre(text)
        return text
