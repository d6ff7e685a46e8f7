"""The FTP sequence diagram: one lane per party, one arrow per message or connection."""

from __future__ import annotations

import textwrap

from ..model import FtpResult, Network

CONTROL = {"color": "#1f5fa8", "linestyle": "-", "linewidth": 1.4}
DATA = {"color": "#6a3d9a", "linestyle": (0, (6, 3)), "linewidth": 2.4}


def lanes(net: Network, result: FtpResult) -> list[str]:
    """Client, then (in path order) the middleboxes the session's connections crossed, the
    nodes where a connection ended, and other FTP servers; the server last."""
    order: list[str] = []
    for step in result.steps:
        if step.trace is None:
            continue
        for n, hop in enumerate(step.trace.hops):
            node = net.node(hop.node)
            boxed = any((node.firewall, node.nat, node.ftp_helper, node.load_balancer, node.ftp_server))
            ended = n == len(step.trace.hops) - 1
            if hop.node not in (result.client, result.server) and (boxed or ended) and hop.node not in order:
                order.append(hop.node)
    control = [h.node for h in result.steps[0].trace.hops] if result.steps and result.steps[0].trace else []
    first = {name: n for n, name in enumerate(order)}
    order.sort(key=lambda name: (control.index(name) if name in control else len(control), first[name]))
    return [result.client, *order, result.server]


def _receiver(step, x: dict) -> str:
    """Where an arrow ends: a connection ends where its packet did."""
    if step.trace is not None and step.trace.last_hop.node in x and (
            not step.trace.accepted or step.trace.last_hop.node != step.sender):
        return step.trace.last_hop.node
    return step.receiver


def draw_ftp_sequence(net: Network, result: FtpResult, ax=None):
    """Draw the session; returns the Figure."""
    from matplotlib.figure import Figure
    names = lanes(net, result)
    height = max(4.0, 0.42 * len(result.steps) + 2)
    if ax is None:
        ax = Figure(figsize=(11, height), layout="constrained").add_subplot()
    x = {name: n * 3.0 for n, name in enumerate(names)}
    bottom = -len(result.steps) - 1
    for name, lx in x.items():
        ax.plot([lx, lx], [0.6, bottom], color="#d0d0d0", linewidth=1, zorder=1)  # light: text stays readable
        ax.text(lx, 0.8, name, ha="center", va="bottom", fontsize=9, fontweight="bold", gid=f"lane:{name}")
    for n, step in enumerate(result.steps, 1):
        y = -n
        sender = step.sender if step.sender in x else names[0]
        receiver = _receiver(step, x)
        receiver = receiver if receiver in x else names[-1]
        style = DATA if step.channel == "data" else CONTROL
        failed = n == result.failed_step
        ax.annotate("", xy=(x[receiver], y), xytext=(x[sender], y), zorder=3,
                    arrowprops={"arrowstyle": "-|>", "shrinkA": 2, "shrinkB": 2, **style}).set_gid(
            f"step:{n}:{step.channel}")
        label = f"{n}. {step.sent}"
        if step.rewrites:
            nodes = ", ".join(r.node for r in step.rewrites)
            ax.text((x[sender] + x[receiver]) / 2, y - 0.1, f"✎ {nodes} rewrote it; received: {step.received}",
                    ha="center", va="top", fontsize=7, color="#b35900", gid=f"received:{n}", zorder=6)
            for rewrite in step.rewrites:
                if rewrite.node in x:
                    ax.text(x[rewrite.node], y - 0.05, "✎", ha="center", va="top", fontsize=11,
                            color="#b35900", zorder=4, gid=f"rewrite:{n}:{rewrite.node}",
                            bbox={"boxstyle": "circle,pad=0.1", "facecolor": "white", "edgecolor": "#b35900"})
        elif step.channel == "data":
            label += f"  [{step.received}]"
        mid = (x[sender] + x[receiver]) / 2
        ax.text(mid, y + 0.1, textwrap.shorten(label, 120), ha="center", va="bottom", fontsize=7,
                gid=f"label:{n}", color="#b3261e" if failed else "black", zorder=6,
                fontweight="bold" if failed else "normal")
        if failed:
            ax.text(x[receiver], y, "✖", ha="center", va="center", fontsize=18, color="#b3261e",
                    zorder=5, gid=f"failed:{n}")
    verdict = "✔ SUCCESS" if result.succeeded else f"✖ FAILURE at step {result.failed_step}"
    ax.text(x[names[0]], bottom + 0.2, f"{verdict}: " + textwrap.fill(result.reason, 120), ha="left",
            va="top", fontsize=8, gid="outcome", color="#1b7a3a" if result.succeeded else "#b3261e")
    s = result.settings
    ax.set_title(f"FTP {s.mode}, TLS {s.tls}" + (f" PROT {s.prot}" if s.tls != "none" else "")
                 + f": {result.client} → {result.address} ({result.server}) — {result.outcome}\n"
                 "solid: control channel · dashed: data connection · ✎ rewritten by an FTP helper", fontsize=9)
    ax.set_xlim(-1.5, x[names[-1]] + 1.5)
    ax.set_ylim(bottom - 1.2, 1.6)
    ax.axis("off")
    return ax.figure
