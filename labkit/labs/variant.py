"""A challenge: one fault seeded into one learner's variant of a small network.

Randomness comes from sha256(kind + seed), never from Python's hash(), so the same seed
gives the same variant on every machine and an instructor can rebuild any learner's
variant from the learner's name.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import LabkitError
from ..model import Flow, FtpClientSettings, Network


def rng_for(kind: str, seed: object) -> random.Random:
    digest = hashlib.sha256(f"labkit-lab|{kind}|{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


@dataclass(frozen=True)
class Requirement:
    """What the network must keep doing, by name: carry a flow and its answer, run an FTP session,
    keep FTP encrypted, or keep a server strong-host without forwarding (a policy)."""

    name: str
    flow: Flow | None = None
    ftp: FtpClientSettings | None = None
    """For an FTP session: the client's settings (the network's ftp: section gives the rest)."""
    encrypted: bool = False
    """With `ftp`: the client must keep TLS on (transfers stay encrypted)."""
    strong_host: str | None = None
    """The node that must keep weakhostsend and forwarding off (the field notes' policy)."""


@dataclass(frozen=True, repr=False)
class Challenge:
    """Everything one learner's challenge needs; the grader reads only `healthy`-free fields."""

    kind: str
    seed: str
    title: str
    ticket: str
    """The symptom as a user reports it."""
    node: str
    """The server the learner works on (the console's node); '' for diagnosis-only kinds."""
    broken: Network | None
    flows: tuple[Requirement, ...]
    symptom: tuple[str, ...]
    """Names of the flows the fault breaks."""
    fix: tuple[str, ...]
    """The intended fix: the commands (or settings) a senior admin would use."""
    harmful: tuple[str, ...]
    """A fix that also breaks another flow (for the property tests and the instructor's key)."""
    needless: str
    """A change that is harmless but not needed (a superset of the fix is not minimal)."""
    cause: str
    lesson: str
    hints: tuple[str, ...]
    level: int
    shell: str = "cmd"
    settings: bool = False
    """The fix is made with settings (FTP server, firewall, client), not console commands."""
    extra: dict = field(default_factory=dict, compare=False)
    """Diagnosis-only kinds: the case and its expected answer."""
    open_console: Callable[[Network, str, str], object] | None = field(default=None, compare=False)
    """What `console()` opens: `labkit.challenge()` gives the console widget (labkit.console);
    the labs themselves import no view layer, so a challenge built here has none."""

    def __post_init__(self):
        for name in ("flows", "symptom", "fix", "harmful", "hints"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def key(self) -> str:
        """The progress key of this challenge."""
        return f"lab:{self.kind}"

    def console(self):
        """The simulated console on the broken server (a widget, for a challenge from labkit.challenge())."""
        if self.broken is None:
            raise LabkitError(f"{self.kind} is diagnosis only: it has no server to open a console on")
        if self.open_console is None:
            raise LabkitError(
                f"{self.kind}: this challenge has no console; one from labkit.challenge() has "
                "(or use labkit.console(lab.broken, lab.node))"
            )
        return self.open_console(self.broken, self.node, self.shell)

    def check(self, answer):
        """Grade the learner's fix (a list of command lines), record the attempt, print feedback."""
        from .grading import check_and_record

        return check_and_record(self, answer)

    def hint(self, attempts: int | None = None) -> str:
        from .grading import hint_for

        return hint_for(self, attempts)

    def __str__(self) -> str:
        return f"Ticket ({self.title}): {self.ticket}"

    def __repr__(self) -> str:
        # A notebook shows the repr of a bare `lab`: the ticket only, never the cause or the fix.
        return f"<challenge {self.kind!r} for {self.seed!r}: {self.ticket}>"
