"""Break-fix labs: a fault seeded into a variant of a small network, one variant per learner.

    lab = labkit.challenge("missing-route", seed="Alice")   # or a level: 1, 2, 3
    print(lab)                 # the ticket
    lab.console()              # investigate and fix on the broken server
    lab.check(["route -p add …"])

Every variant is proved at build time to be broken as intended (the ticket's flows fail, after
a restart) and fixed by the intended fix (it passes the same check a learner's fix must pass).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import LabkitError
from .variant import Challenge, Requirement, rng_for

if TYPE_CHECKING:
    from .faults import Kind

__all__ = ["Challenge", "ChallengeError", "KINDS", "Requirement", "challenge", "kinds"]


class ChallengeError(LabkitError, ValueError):
    """A kind or level that does not exist, or a variant that failed its build-time proof."""


def _library() -> dict[str, Kind]:
    from .faults import LIBRARY

    return LIBRARY


KINDS = (
    "missing-route",
    "wrong-metric",
    "lost-after-reboot",
    "inconsistent-node",
    "gateway-on-nlb-nic",
    "weakhostsend-wrong-nic",
    "dead-gateway-udp",
    "ftp-external-address",
    "ftp-passive-range",
    "two-gateways",
    "skipassource",
    "forwarding",
    "ftp-trusting-client",
    "ftp-lb-affinity",
    "case-dcdiag",
    "case-restore",
)
FIX_KINDS = tuple(k for k in KINDS if not k.startswith("case-"))


def kinds() -> dict[str, str]:
    """Every fault kind and what it is."""
    library = _library()
    return {name: f"level {library[name].level}: {library[name].summary}" for name in KINDS}


def _kind_for(kind_or_level, seed: str) -> str:
    library = _library()
    if isinstance(kind_or_level, int) and not isinstance(kind_or_level, bool):
        pool = [k for k in FIX_KINDS if library[k].level == kind_or_level]
        if not pool:
            raise ChallengeError(f"level {kind_or_level}: expected 1, 2 or 3")
        return rng_for(f"level{kind_or_level}", seed).choice(pool)
    if kind_or_level not in library:
        raise ChallengeError(f"unknown kind {kind_or_level!r}: expected a level (1, 2, 3) or one of {', '.join(KINDS)}")
    return kind_or_level


DEFAULT_LEARNER = "learner"


def learner() -> str:
    """The seed of this learner's variants: their name when the workshop set LABKIT_LEARNER, else a
    fixed default (so a notebook read on its own gives everyone the same variant)."""
    import os

    return os.environ.get("LABKIT_LEARNER", "").strip() or DEFAULT_LEARNER


def challenge(kind_or_level, seed="learner") -> Challenge:
    """The learner's variant of a fault kind (or of a kind picked for that level), rebuilt exactly
    from the seed on any machine."""
    seed = str(seed).strip() or "learner"
    return _build(_kind_for(kind_or_level, seed), seed)


@lru_cache(maxsize=512)
def _build(kind: str, seed: str) -> Challenge:
    built = replace(_library()[kind].build(rng_for(kind, seed), seed), seed=seed)
    if built.broken is not None:  # nothing the learner can read names the fault
        built = replace(built, broken=replace(built.broken, name="lab", title=built.title, description=built.ticket))
    problem = proof(built)
    if problem:
        raise ChallengeError(f"{kind} for seed {seed!r}: the variant failed its build-time proof: {problem}")
    return built


def proof(lab: Challenge) -> str | None:
    """Why this variant is not broken as intended or not fixed by its fix; None when it is sound."""
    from .grading import State, grade, outcomes

    if lab.broken is None:
        return None if lab.fix and lab.fix[0] in lab.extra.get("answers", ()) else "no expected answer"
    before = outcomes(lab, State(lab.broken))
    if not lab.symptom:
        return "no flow shows the symptom"
    working = [n for n in lab.symptom if before[n][0]]
    if working:
        return f"the ticket's flow {working[0]!r} works before any fix"
    result = grade(lab, list(lab.fix))
    if not result.passed:
        return f"the intended fix does not pass: {result.message}"
    return None
