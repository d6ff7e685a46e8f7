"""What the catalogue's exercises share: shipped scenarios loaded once, and the commands grader."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def shipped(name: str):
    """A shipped scenario, loaded once per kernel (exercises only read it)."""
    from ...scenario import load_scenario

    return load_scenario(name)


def commands_grader(network: Callable, node: str | Callable[[], str], **how):
    """An Exercise.grader over labkit.checks.grade_commands: `network()` (and `node()` when it is
    computed) are only built when the learner first checks an answer."""

    def build():
        from ...checks import grade_commands

        net, where = network(), node() if callable(node) else node

        def grade(answer):
            result = grade_commands(net, where, answer, name="", **how)
            return result.passed, result.assessment

        return grade

    return build
