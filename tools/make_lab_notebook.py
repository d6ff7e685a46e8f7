"""Writes notebooks/08-troubleshooting-lab.ipynb (then run tools/execute_notebooks.py on it)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbgen import code, md, solution, widget, write  # noqa: E402

from labkit.course.catalogue.troubleshooting_lab import CHALLENGES  # noqa: E402
from labkit.labs import (
    DEFAULT_LEARNER,  # noqa: E402
    challenge,  # noqa: E402
)

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "08-troubleshooting-lab.ipynb"


def fix(key):
    return repr(list(challenge(CHALLENGES[key], DEFAULT_LEARNER).fix))


SETUPS = {
    "08.1": (
        "Setup: two Windows Server 2008 R2 web servers in an NLB cluster, each with an NLB NIC and a "
        "private NIC. Design: the default gateway on the private NIC, persistent routes on the NLB NIC."
    ),
    "08.2": "Setup: the same web farm design; a monitoring server sits on a management network behind the private router.",
    "08.3": (
        "Setup: the farm now faces the internet: the default gateway belongs on the NLB NIC, and the private "
        "NIC reaches the management network by a persistent route."
    ),
}
INVESTIGATE = {"08.1": "route print", "08.2": "ipconfig /all", "08.3": "route print"}

cells = [
    md("""
# 08 · Troubleshooting lab: break, investigate, fix

A refresher runs on practice. Each challenge below is a **ticket**: a user's words, not the cause.
You investigate on the broken server with the simulated console, using the tools of the trade
(`ipconfig /all`, `route print`, `netsh interface ipv4 show interfaces`, `ping`, `tracert`), and fix
it with real Windows commands. Then the check grades your fix like a senior admin would:

- the symptom is gone, **after a restart** (a route without `-p` does not count);
- everything else that worked still works (no collateral damage: the check names what you broke);
- every change was needed (the check names the change you could leave out);
- every command would run on that server (a PowerShell cmdlet Windows Server 2008 R2 lacks does not).

Your variant is your own: addresses, names and the broken node come from your name, so your
neighbour's answer will not fit. Nothing here sends a packet; it is all simulated.
"""),
    md(
        "Setup: load the kit and your name (the workshop sets `LABKIT_LEARNER`; without it everyone gets the same variant)."
    ),
    code("""
import labkit

print("Your variants are built from the seed:", labkit.learner())
"""),
]
difficulty = {"08.1": "warm-up", "08.2": "one change, well aimed", "08.3": "two changes, both needed"}
for key, kind in CHALLENGES.items():
    n = key.split(".")[1]
    lab = challenge(kind, DEFAULT_LEARNER)
    cells += [
        md(f"## Challenge {n} ({difficulty[key]})\n\n{SETUPS[key]}"),
        code(
            f'import labkit\n\nlab{n} = labkit.challenge("{kind}", seed=labkit.learner())\nprint(lab{n})\n'
            f'print("Work on:", lab{n}.node)'
        ),
        md(
            f"The console of the broken server: type commands and press Enter. Your changes stay in this console "
            f"(`console{n}.network`); `console{n}.script()` shows them as a script."
        ),
        widget(f"console{n} = lab{n}.console()\nconsole{n}"),
        md(
            f"The same console function, printed here so this page shows what `{INVESTIGATE[key]}` says on your server:"
        ),
        code(f'print(labkit.run_console(lab{n}.broken, lab{n}.node, "{INVESTIGATE[key]}").output)'),
        md(
            f"**Your fix.** Put the commands you used in a list (or write `answer_{n} = console{n}` to hand in "
            f"what you typed in the console). Stuck after a try? `print(lab{n}.hint())` gives one more step per attempt."
        ),
        solution(f"answer_{n} = {fix(key)}"),
        code(f'import labkit\nprint(labkit.course.check("{key}", answer_{n}))'),
    ]
cells += [
    md("""
## What you trained

Each check ends with the lesson of the field notes behind the fault. Your attempts, the time from
the first try to the fix, and the commands that fixed it are in this folder's `.labkit-progress.json`;
the instructor's `labkit workshop report` reads them. More kinds: `labkit.challenge_kinds()`.
"""),
    code(
        'from labkit import challenge_kinds\nfor name, what in challenge_kinds().items():\n    print(f"{name:<24} {what}")'
    ),
]
write(OUT, cells)
print("wrote", OUT)
