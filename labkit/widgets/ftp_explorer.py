"""The FTP explorer: the client's and the network's FTP settings, the sequence diagram, the outcome
and the risk table."""

from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets as w

from ..errors import LabkitError
from ..model import FtpClientSettings, FtpMode, LbAffinity, Network, Prot, TlsMode
from ..model.ftp import FtpResult
from ..plot.ftp_picture import ftp_picture
from ..render.html import BAD, GOOD
from ..views import STALE, FtpView, ftp_view
from .parts import CONTROLS, MAIN, ROW, WRAP, SvgPicture, error_note, pre, text_field
from .static import Panel


class FtpExplorer(Panel):
    """Mode, TLS, PROT, CCC, external address, passive range, helper, trust in 227, balancer
    affinity: the sequence diagram, the outcome and the risk table redrawn on every change."""

    def __init__(self, net: Network):
        self.net = net
        setup, server = net.ftp, net.ftp and net.node(net.ftp.server).ftp_server
        if setup is None or not server:
            raise LabkitError(f"scenario {net.name} has no ftp: section with an FTP server: nothing to explore")
        s = self.settings_at_start = setup.settings
        narrow = {"layout": w.Layout(width="288px"), "style": {"description_width": "100px"}}
        self.mode = w.Dropdown(options=FtpMode.values(), value=s.mode.value, description="mode", **narrow)
        self.tls = w.Dropdown(options=TlsMode.values(), value=s.tls.value, description="TLS", **narrow)
        self.prot = w.Dropdown(options=Prot.values(), value=s.prot.value, description="PROT", **narrow)
        self.ccc = w.Checkbox(value=s.ccc, description="CCC after login", indent=False)
        self.trust = w.Checkbox(value=s.trust_pasv_address, description="client trusts the 227 address", indent=False)
        self.external = text_field(
            value=str(server.external_address or ""), description="external IP", placeholder="(none)", **narrow
        )
        self.passive = text_field(
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
        fields = (
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
        )
        for control in fields:
            control.observe(lambda _c: self.update(), names="value")
        # a field's error shows right under it
        under = {id(self.external): self.errors["external_address"], id(self.passive): self.errors["passive_range"]}
        controls = w.VBox(
            [shown for field in fields for shown in (field, under.get(id(field))) if shown is not None],
            layout=CONTROLS,
        )
        controls.add_class("labkit-controls")
        main = w.VBox([self.outcome, self.picture.image], layout=MAIN)
        self.widget = w.VBox([w.HBox([controls, main], layout=ROW), self.risks, self.text])
        self.widget.add_class("labkit-panel")
        self.update()

    def settings(self) -> FtpClientSettings:
        return replace(
            self.settings_at_start,
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
            label.value = error_note(message + STALE if message else None)
        if view.result is not None:
            result: FtpResult = view.result
            self.picture.show(ftp_picture(view.network, result))  # first: what the learner waits for
            mark = "✔ SUCCESS" if result.succeeded else f"✖ FAILURE at step {result.failed_step}"
            colour = GOOD if result.succeeded else BAD
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
            self.text.value = pre(str(result))
            self.view = view
        return view
