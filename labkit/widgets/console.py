"""`labkit.console(net, "web1")`: a simulated Windows console in a notebook.

A prompt (`C:\\>` or `PS C:\\>`), the session so far in a fixed-width font, a history of
typed lines (Up/Down in the box is the browser's; the dropdown recalls a line), and a
button that saves the learner's changes as a .cmd or .ps1 script next to the notebook.
Every line is answered by the pure function `labkit.run_console`.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from ..model.console import run_console, save_script
from ..model.console.dispatch import ConsoleError, ConsoleResult, Shell
from .static import Panel

MAX_SHOWN = 400
"""Lines of session text kept on screen (older ones scroll away, as in a console window)."""


class Console(Panel):
    """One node's console. `.network` is the network after the changes typed so far."""

    def __init__(self, net, node: str, shell: str = "cmd"):
        if not net.has_node(node):
            raise ValueError(f"no node {node!r} (nodes: {', '.join(n.name for n in net.nodes)})")
        self.network, self.node = net, node
        self.results: list[ConsoleResult] = []
        self.history: list[str] = []
        self.transcript: list[str] = []
        self.shell = w.ToggleButtons(options=[(s.label, s.value) for s in Shell], value=shell, description="shell")
        self.prompt = w.HTML()
        self.line = w.Text(
            placeholder="type a command, e.g. ipconfig /all, then Enter",
            continuous_update=False,
            layout=w.Layout(width="70%"),
        )
        self.recall = w.Dropdown(options=[("history", None)], value=None, layout=w.Layout(width="25%"))
        self.screen = w.HTML()
        self.dialect = w.Dropdown(
            options=[(".cmd", "cmd"), (".ps1", "ps1")], value="cmd", layout=w.Layout(width="80px")
        )
        self.save = w.Button(description="save my changes as a script")
        self.saved = w.HTML()
        self.line.observe(lambda change: self._submit(change["new"]), names="value")
        self.recall.observe(self._recalled, names="value")
        self.shell.observe(lambda _c: self._draw(), names="value")
        self.save.on_click(lambda _b: self.write_script())
        self.widget = w.VBox(
            [
                self.shell,
                self.screen,
                w.HBox([self.prompt, self.line, self.recall]),
                w.HBox([self.save, self.dialect, self.saved]),
            ]
        )
        self._draw()

    def run(self, line: str) -> str:
        """Run one line as if typed; returns what the console printed."""
        try:
            result = run_console(self.network, self.node, line, self.shell.value)
        except ConsoleError as err:
            output = str(err)
        else:
            output = result.output
            self.network = result.network
            self.results.append(result)
        self.history.append(line)
        blank = [""] if self.shell.value == Shell.CMD else []  # cmd.exe prints an empty line before its prompt
        self.transcript += [f"{Shell(self.shell.value).prompt}{line}", *output.splitlines(), *blank]
        self.transcript = self.transcript[-MAX_SHOWN:]
        self.recall.options = [("history", None)] + [(h[:60], h) for h in reversed(self.history[-30:])]
        self._draw()
        return output

    def script(self, dialect: str = "cmd") -> str:
        """The changes made in this console as a .cmd or .ps1 script."""
        return save_script(self.results, dialect)

    def write_script(self, folder: str | Path = ".") -> Path:
        """Save the script next to the notebook (the working directory) and say where."""
        dialect = self.dialect.value
        path = Path(folder) / f"labkit-{self.node}-changes.{dialect}"
        path.write_bytes(self.script(dialect).encode("utf-8"))
        self.saved.value = f"saved <code>{html.escape(str(path))}</code>"
        return path

    def _submit(self, line: str) -> None:
        if line:
            self.run(line)
            self.line.value = ""

    def _recalled(self, change) -> None:
        """Picking a line from the history runs it again."""
        if change["new"]:
            line = change["new"]
            self.recall.value = None
            self.run(line)

    def _draw(self) -> None:
        self.prompt.value = f"<pre style='margin:0'>{html.escape(Shell(self.shell.value).prompt)}</pre>"
        text = "\n".join(self.transcript) or f"({self.node}: type a Windows command below)"
        self.screen.value = (
            '<pre style=\'font-family:Consolas,"Courier New",monospace; font-size:12px; '
            "background:#0c0c0c; color:#cccccc; padding:6px; max-height:420px; overflow:auto; "
            f"white-space:pre'>{html.escape(text)}</pre>"
        )
