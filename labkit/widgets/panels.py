"""The panels. Thin on purpose: settings go to labkit.panels, pictures come from labkit.plot."""

from __future__ import annotations

import html
import io
from dataclasses import replace

import ipywidgets as w

from ..model import SWITCHES, FtpClientSettings, Network, Trace
from ..model.ftp import FtpResult
from ..panels import Flow, FtpView, HostView, ftp_view, host_view
from ..plot import draw_comparison, draw_ftp_sequence, draw_network, draw_topology, draw_trace

DPI = 72


def _pre(text: str) -> str:
    return f"<pre style='font-size:11px; line-height:1.25; white-space:pre-wrap'>{html.escape(text)}</pre>"


def _error(message: str | None) -> str:
    return f"<span style='color:#b3261e'>✖ {html.escape(message)}</span>" if message else ""


class _Picture:
    """One reused matplotlib Figure rendered into a widgets.Image.

    `show_layers` draws the network once and only the packet's layer on each change
    (matplotlib blitting): text rendering is what costs time, and most text never changes.
    """

    def __init__(self, size=(10, 6.5), dpi=DPI):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        self.figure = Figure(figsize=size, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        # width set, height auto: the picture keeps its proportions in any notebook width
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width="1000px", height="auto"))
        self._key, self._background, self._ax = None, None, None

    def show(self, draw) -> None:
        self._key = None
        self.figure.clear()
        draw(self.figure)
        self.canvas.draw()
        self._publish()

    def show_layers(self, key, background, overlay) -> None:
        if key != self._key:
            self.figure.clear()
            self._ax = self.figure.add_axes((0.02, 0.02, 0.96, 0.9))
            background(self._ax)
            self.canvas.draw()
            self._background, self._key = self.canvas.copy_from_bbox(self.figure.bbox), key
        else:
            self.canvas.restore_region(self._background)
        artists = overlay(self._ax)
        for artist in artists:
            self._ax.draw_artist(artist)
        self._publish()
        for artist in artists:
            artist.remove()

    def _publish(self) -> None:
        from PIL import Image
        width, height = self.canvas.get_width_height()
        frame = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        frame.save(buffer, format="PNG", compress_level=1)
        self.image.value = buffer.getvalue()


class HostPanel:
    """Per-NIC switches, default gateways and static routes of one node, the Windows commands
    for them, and the flow's path redrawn on every change."""

    def __init__(self, net: Network, node: str, flow: Flow):
        self.net, self.node_name = net, node
        node_ = net.node(node)
        self.switches: dict[tuple[str, str], w.Checkbox] = {}
        self.gateways: dict[str, w.Text] = {}
        self.gateway_errors: dict[str, w.HTML] = {}
        rows = [w.HTML(f"<b>{html.escape(node)}</b> ({html.escape(node_.os.display)})")]
        for iface in node_.interfaces:
            boxes = []
            for switch in SWITCHES:
                fixed = node_.role.value == "router" or (switch != "forwarding" and not node_.os.host_model_configurable)
                box = w.Checkbox(value=getattr(iface, switch), description=switch, indent=False,
                                 disabled=fixed, layout=w.Layout(width="150px"))
                box.observe(self._changed, names="value")
                self.switches[(iface.key, switch)] = box
                boxes.append(box)
            gateway = w.Text(value=", ".join(str(g.address) for g in iface.gateways),
                             description="gateway", layout=w.Layout(width="260px"))
            gateway.observe(self._changed, names="value")
            self.gateways[iface.key] = gateway
            self.gateway_errors[iface.key] = w.HTML()
            rows.append(w.HTML(f"<b>{html.escape(iface.label)}</b> "
                               f"({', '.join(str(a) for a in iface.addresses)})"))
            rows.append(w.HBox(boxes))
            rows.append(w.HBox([gateway, self.gateway_errors[iface.key]]))
        self.routes = w.Textarea(value="\n".join(
            f"{r.destination} via {r.gateway or 'on-link'} on {r.interface} metric {r.metric}" for r in node_.routes),
            description="routes", placeholder="10.30.0.0/16 via 10.10.0.1 on nlb   (or: route -p add …)",
            layout=w.Layout(width="480px", height="70px"))
        self.routes.observe(self._changed, names="value")
        self.routes_error = w.HTML()
        self.flow_from = w.Dropdown(options=[n.name for n in net.nodes], value=flow.source, description="from")
        self.flow_to = w.Text(value=str(flow.dst), description="to", layout=w.Layout(width="220px"))
        self.flow_src = w.Text(value=flow.src or "", description="source", placeholder="(chosen by Windows)",
                               layout=w.Layout(width="220px"))
        self.flow_proto = w.Dropdown(options=["tcp", "udp", "icmp"], value=flow.proto, description="protocol")
        for control in (self.flow_from, self.flow_to, self.flow_src, self.flow_proto):
            control.observe(self._changed, names="value")
        self.flow_error = w.HTML()
        self.settings_error = w.HTML()
        self.commands = w.HTML()
        self.trace_text = w.HTML()
        self.picture = _Picture(dpi=90)
        self.view: HostView | None = None
        controls = w.VBox(rows + [w.HBox([self.routes, self.routes_error]),
                                  w.HTML("<b>flow</b>"), w.HBox([self.flow_from, self.flow_to]),
                                  w.HBox([self.flow_src, self.flow_proto]), self.flow_error,
                                  self.settings_error, w.HTML("<b>Windows commands</b>"), self.commands])
        self.widget = w.VBox([controls, self.picture.image, self.trace_text])
        self.update()

    def settings(self) -> dict:
        return {"switches": {k: box.value for k, box in self.switches.items()},
                "gateways": {k: text.value for k, text in self.gateways.items()},
                "routes": self.routes.value}

    def flow(self) -> Flow:
        return Flow(self.flow_from.value, self.flow_to.value.strip(), self.flow_src.value.strip() or None,
                    self.flow_proto.value)

    def _changed(self, _change=None) -> None:
        self.update()

    def update(self) -> HostView:
        view = host_view(self.net, self.node_name, self.flow(), **self.settings())
        for key, label in self.gateway_errors.items():
            label.value = _error(view.errors.get(f"gateway:{key}"))
        self.routes_error.value = _error(view.errors.get("routes"))
        self.flow_error.value = _error(view.errors.get("flow"))
        self.settings_error.value = _error(view.errors.get("settings"))
        self.commands.value = _pre("\n".join(view.commands) or "(nothing differs from a fresh install)")
        if view.trace is not None:  # otherwise keep the last good picture and text
            self.trace_text.value = _pre(str(view.trace))
            self._draw(view)
        self.view = view
        return view

    def _draw(self, view: HostView) -> None:
        self.picture.show_layers(_look(view.network), lambda ax: draw_network(ax, view.network),
                                 lambda ax: draw_trace(ax, view.network, view.trace))

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


def _look(net: Network) -> tuple:
    """What the network part of the picture shows (switches and routes do not change it)."""
    return tuple((n.name, n.down, n.x, n.y, tuple((i.label, i.segment, i.addresses) for i in n.interfaces))
                 for n in net.nodes)


class ComparePanel(HostPanel):
    """The same flow before (the scenario as written) and after (the panel's settings)."""

    def __init__(self, net: Network, node: str, flow: Flow):
        self.base_trace: Trace | None = None
        super().__init__(net, node, flow)

    def _draw(self, view: HostView) -> None:
        self.base_trace = host_view(self.net, self.node_name, self.flow()).trace
        self.picture.figure.set_size_inches(15, 6.5)
        self.picture.show(lambda fig: draw_comparison(self.net, self.base_trace, view.network, view.trace,
                                                      ("as written", "with your settings"), fig=fig))


class FtpExplorer:
    """Mode, TLS, PROT, CCC, external address, passive range, helper, trust in 227, balancer
    affinity: the sequence diagram, the outcome and the risk table redrawn on every change."""

    def __init__(self, net: Network):
        self.net = net
        s = net.ftp.settings
        server = net.node(net.ftp.server).ftp_server
        self.mode = w.Dropdown(options=["passive", "active", "epsv", "eprt"], value=s.mode, description="mode")
        self.tls = w.Dropdown(options=["none", "explicit", "implicit"], value=s.tls, description="TLS")
        self.prot = w.Dropdown(options=["P", "C"], value=s.prot, description="PROT")
        self.ccc = w.Checkbox(value=s.ccc, description="CCC after login", indent=False)
        self.trust = w.Checkbox(value=s.trust_pasv_address, description="client trusts the 227 address",
                                indent=False)
        wide = {"description_width": "initial"}
        self.external = w.Text(value=str(server.external_address or ""), description="external IP",
                               placeholder="(none)", style=wide)
        self.passive = w.Text(value="" if server.passive_ports is None else
                              f"{server.passive_ports[0]}-{server.passive_ports[1]}", description="passive ports",
                              placeholder="(any)", style=wide)
        forwarded = server.passive_ports is not None and any(
            pf.ports == server.passive_ports for n in net.nodes if n.nat for pf in n.nat.port_forwards)
        self.forward = w.Checkbox(value=forwarded, description="forward the passive range on the NAT", indent=False)
        self.helper = w.Checkbox(value=any(n.ftp_helper for n in net.nodes if n.nat), description="FTP helper on NAT",
                                 indent=False)
        self.affinity = w.Dropdown(options=["none", "client-ip"], description="LB affinity",
                                   value=next((n.load_balancer.affinity for n in net.nodes if n.load_balancer), "none"))
        self.errors = {name: w.HTML() for name in ("external_address", "passive_range")}
        self.outcome = w.HTML()
        self.risks = w.HTML()
        self.text = w.HTML()
        self.picture = _Picture((11, 8), dpi=64)  # text-heavy: 64 dpi keeps a redraw under 150 ms
        self.view: FtpView | None = None
        for control in (self.mode, self.tls, self.prot, self.ccc, self.trust, self.external, self.passive,
                        self.forward, self.helper, self.affinity):
            control.observe(lambda _c: self.update(), names="value")
        controls = w.VBox([self.mode, self.tls, self.prot, self.ccc, self.trust,
                           w.HBox([self.external, self.errors["external_address"]]),
                           w.HBox([self.passive, self.errors["passive_range"]]), self.forward, self.helper,
                           self.affinity, self.outcome, self.risks])
        self.widget = w.VBox([controls, self.picture.image, self.text])
        self.update()

    def settings(self) -> FtpClientSettings:
        return replace(self.net.ftp.settings, mode=self.mode.value, tls=self.tls.value, prot=self.prot.value,
                       ccc=self.ccc.value and self.tls.value != "none", trust_pasv_address=self.trust.value)

    def update(self) -> FtpView:
        has_lb = any(n.load_balancer for n in self.net.nodes)
        self.ccc.disabled = self.tls.value == "none"  # CCC ends TLS: nothing to end without it
        view = ftp_view(self.net, self.settings(), external_address=self.external.value,
                        passive_range=self.passive.value, forward_range=self.forward.value,
                        helper=self.helper.value, affinity=self.affinity.value if has_lb else None)
        for name, label in self.errors.items():
            message = view.errors.get(name)
            label.value = _error(message + " (the picture still shows the last valid settings)" if message else None)
        if view.result is not None:
            result: FtpResult = view.result
            mark = "✔ SUCCESS" if result.succeeded else f"✖ FAILURE at step {result.failed_step}"
            self.outcome.value = (f"<b>{mark}</b>: {html.escape(result.reason)}<br><i>hint:</i> "
                                  f"{html.escape(result.hint)}")
            self.risks.value = "<table>" + "".join(
                f"<tr><td>{'⚠ PRESENT' if r.present else '✔ handled'}</td><td>{html.escape(r.risk)}</td>"
                f"<td>{html.escape(r.mitigation)}</td></tr>" for r in result.risks) + "</table>"
            self.text.value = _pre(str(result))
            self.picture.show(lambda fig: draw_ftp_sequence(view.network, result, fig.add_axes((0.01, 0.01, 0.98, 0.9))))
        self.view = view
        return view

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


class StepThrough:
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
        if isinstance(subject, FtpResult):
            out = []
            for n, step in enumerate(subject.steps, 1):
                text = f"{n}. [{step.channel}] {step.sender} → {step.receiver}: {step.sent}"
                if step.received != step.sent:
                    text += f"\n   received: {step.received}"
                text += "".join(f"\n   note: {note}" for note in step.notes)
                if step.trace is not None:
                    text += "\n" + "\n".join(step.trace.lines("   "))
                out.append(text)
            return out
        out = []
        for name, t in (("request", subject), ("reply", subject.reply)):
            if t is None:
                continue
            for n, hop in enumerate(t.hops, 1):
                where = ", ".join(f"{k}: {v}" for k, v in (("in", hop.in_iface), ("out", hop.out_iface)) if v)
                text = f"{name} hop {n}: {hop.node}" + (f" ({where})" if where else "")
                text += "".join(f"\n   {s.action.value}: {s.text}" for s in hop.steps)
                if n == len(t.hops):
                    text += f"\n=> {t.disposition.value}: {t.reason}\n   hint: {t.hint}"
                out.append(text)
        return out

    def update(self) -> str:
        text = self.items[self.slider.value - 1]
        self.detail.value = _pre(text)
        return text

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)
