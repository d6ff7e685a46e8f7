"""Issue 13, item 1 and "done when": every fault kind, for 50 seeds each, is broken as intended,
the intended fix passes the check, a fix that breaks another flow fails naming that flow, and a
superset of the fix is called not minimal. Each variant is built once (cached) and kept small."""

from __future__ import annotations

import pytest

import labkit
from labkit.labs import FIX_KINDS, KINDS, kinds
from labkit.labs.grading import State, grade, outcomes

SEEDS = [f"learner-{n}" for n in range(50)]


def test_the_library_has_every_kind_the_issue_names():
    assert len(FIX_KINDS) >= 14
    assert {"case-dcdiag", "case-restore"} <= set(KINDS)
    for name, summary in kinds().items():
        lab = labkit.challenge(name, seed="library")
        assert lab.ticket and lab.cause and lab.lesson and lab.fix and len(lab.hints) >= 3, name
        assert summary.startswith(f"level {lab.level}")


@pytest.mark.parametrize("kind", FIX_KINDS)
def test_every_variant_is_broken_as_intended_and_graded_like_a_senior_admin(kind):
    for seed in SEEDS:
        lab = labkit.challenge(kind, seed=seed)
        before = outcomes(lab, State(lab.broken))
        assert lab.symptom and not any(before[n][0] for n in lab.symptom), (kind, seed)

        intended = grade(lab, list(lab.fix))
        assert intended.passed, (kind, seed, intended.message)

        harmful = grade(lab, list(lab.harmful))
        assert not harmful.passed and harmful.broken, (kind, seed, harmful.message)
        assert all(name in harmful.message for name in harmful.broken)
        assert all(before[name][0] for name in harmful.broken)  # it worked before the change

        superset = grade(lab, list(lab.fix) + [lab.needless])
        assert not superset.passed and "not minimal" in superset.message, (kind, seed, superset.message)
        assert superset.not_needed == (lab.needless,) and repr(lab.needless) in superset.message


@pytest.mark.parametrize("kind", ["case-dcdiag", "case-restore"])
def test_the_case_files_are_diagnosis_only_and_judged_by_their_own_judge(kind):
    for seed in SEEDS[:10]:
        lab = labkit.challenge(kind, seed=seed)
        assert lab.broken is None and lab.fix[0] in lab.extra["answers"]
        assert grade(lab, lab.fix[0]).passed
        wrong = next(a for a in lab.extra["answers"] if a != lab.fix[0])
        assert not grade(lab, wrong).passed
        assert "is not one of" in grade(lab, "no idea").message
