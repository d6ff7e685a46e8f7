"""Issue 13, item 2: variants are deterministic from the seed on any machine, differ between
seeds, and never name their fault where the learner can read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import labkit
from labkit.labs import FIX_KINDS, ChallengeError
from labkit.scenario import to_dict

ROOT = Path(__file__).resolve().parents[1]


def _fingerprint(kind: str, seed: str) -> str:
    lab = labkit.challenge(kind, seed=seed)
    return json.dumps([to_dict(lab.broken), lab.node, list(lab.fix), lab.ticket], sort_keys=True, default=str)


@pytest.mark.parametrize("kind", FIX_KINDS)
def test_two_seeds_give_different_variants(kind):
    assert _fingerprint(kind, "Alice") != _fingerprint(kind, "Bob")


def test_the_same_seed_gives_the_same_variant_whatever_pythonhashseed():
    code = (
        "import hashlib, json, labkit\nfrom labkit.labs import FIX_KINDS\nfrom labkit.scenario import to_dict\n"
        "out = [json.dumps([to_dict(labkit.challenge(k, seed='Zoë').broken), list(labkit.challenge(k, seed='Zoë').fix)],"
        " sort_keys=True, default=str) for k in FIX_KINDS]\n"
        "print(hashlib.sha256('\\n'.join(out).encode()).hexdigest())"
    )
    digests = set()
    for hashseed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": str(ROOT)}
        digests.add(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=300
            ).stdout.strip()
        )
    assert len(digests) == 1


def test_variants_keep_private_ranges_and_hide_the_fault_label():
    for kind in FIX_KINDS:
        lab = labkit.challenge(kind, seed="Carol")
        net = lab.broken
        assert (net.name, net.title, net.description) == ("lab", lab.title, lab.ticket)
        names = [n.name for n in net.nodes] + [i.label for n in net.nodes for i in n.interfaces]
        assert not any(word in name.lower() for name in names for word in ("broken", "fault", kind)), kind
        for node in lab.broken.nodes:
            for address in node.addresses:
                ip = address.ip
                assert ip.is_private or str(ip).startswith(("198.51.100.", "203.0.113.")), (kind, ip)
        if lab.node:
            for line in ("ipconfig /all", "route print", "netsh interface ipv4 show interfaces"):
                shown = labkit.run_console(lab.broken, lab.node, line).output
                assert kind not in shown and "break-fix" not in shown.lower() and "Ticket" not in shown


def test_a_level_picks_a_kind_of_that_level_and_bad_input_says_what_was_expected():
    assert labkit.challenge(1, seed="Dan").level == 1
    assert labkit.challenge(3, seed="Dan").level == 3
    with pytest.raises(ChallengeError, match="expected a level"):
        labkit.challenge("no-such-kind", seed="x")
    with pytest.raises(ChallengeError, match="expected 1, 2 or 3"):
        labkit.challenge(7, seed="x")


def test_a_bare_lab_in_a_cell_shows_the_ticket_not_the_fix():
    lab = labkit.challenge("missing-route", seed="Hal")
    for shown in (repr(lab), str(lab)):
        assert lab.ticket in shown
        assert lab.fix[0] not in shown and lab.cause not in shown
