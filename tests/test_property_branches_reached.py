"""The property tests reach their assertions (issue 11 item 9): in a fixed (derandomized) run of each
test's own strategy, every branch that holds an assertion comes up, and the rare ones come up often
enough to matter. A strategy change that starves a branch fails here, not silently."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cases import (
    dcdiag_like_text,
    parsed_or_refused,
    shuffled_dcdiag_lines,
    verdict_on_shuffled_lines,
    verdict_on_text_in_the_test_block,
)
from test_properties import addresses, listing_order_outcome, routed_hosts

RUNS = 200


def branches(strategy, outcome) -> Counter:
    """How often each branch came up in RUNS examples of the strategy (the same examples every run)."""
    seen: Counter = Counter()

    @settings(
        max_examples=RUNS,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(strategy)
    def run(args):
        result = outcome(*args)
        seen.update(result if isinstance(result, list) else [result])

    run()
    return seen


def test_shuffled_dcdiag_lines_reach_the_false_positive_branch_often():
    seen = branches(st.tuples(shuffled_dcdiag_lines), verdict_on_shuffled_lines)
    assert seen["verdict: expected false positive"] >= RUNS // 5, seen
    assert seen["verdict: real problem"] and seen["verdict: needs more data"], seen


def test_text_inside_the_test_block_reaches_every_verdict_and_the_contradiction():
    strategy = st.tuples(
        dcdiag_like_text, st.booleans(), st.sampled_from(["2003", "2008R2"]), st.sampled_from([None, 0, 1, 3])
    )
    seen = branches(strategy, verdict_on_text_in_the_test_block)
    # At most one example in eight can be a false positive (seed problem, level 2008R2, state None or 0).
    assert seen["verdict: expected false positive"] >= RUNS // 50, seen
    for branch in ("verdict: real problem", "verdict: nothing to explain", "settings contradict: input error"):
        assert seen[branch], (branch, seen)


def test_the_parsers_reach_reports_with_problems_and_summaries_with_attempts():
    heads = st.sampled_from(["", "Starting test: VerifyEnterpriseReferences\n", "Source DSA  largest delta\n"])
    seen = branches(st.tuples(dcdiag_like_text, heads), parsed_or_refused)
    for branch in ("DcdiagReport: problems", "ReplicationSummary: attempts"):
        assert seen[branch] >= RUNS // 20, (branch, seen)
    for branch in ("DcdiagReport: refused", "ReplicationSummary: refused"):
        assert seen[branch], (branch, seen)


def test_route_listing_order_reaches_ties_often():
    seen = branches(st.tuples(routed_hosts(), st.randoms(use_true_random=False), addresses), listing_order_outcome)
    assert seen["tie"] >= RUNS // 5 and seen["no tie"] >= RUNS // 5, seen
