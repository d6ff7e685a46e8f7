"""The kit's own errors share one base, so a caller (the CLI, a panel, a grader) can tell
"your input is wrong" from "labkit has a bug".

Every error the kit raises on purpose is a `LabkitError`; most are also a `ValueError`
(what they were before), so existing `except ValueError:` clauses keep working.
`str(error)` is one line naming what was wrong and what was expected.
"""

from __future__ import annotations

# Stdlib only: labkit.model (the pure core) imports this module.


class LabkitError(Exception):
    """Base of every error the kit raises about its input (a file, a command, a setting)."""

    show_traceback = False
    """True: a notebook shows the whole traceback an error report needs (the CLI's --debug)."""

    def _render_traceback_(self) -> list[str]:
        # IPython asks for this instead of printing the traceback: a learner's typo is one line
        # in a notebook, as it is at the command line.
        if LabkitError.show_traceback:
            import traceback

            return [line.rstrip("\n") for line in traceback.format_exception(self)]
        return [f"{type(self).__name__}: {self}", "(labkit.LabkitError.show_traceback = True shows where it came from)"]


def clip(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters: an error message never echoes a whole input."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else f"{text[: limit - 5]}…{text[-4:]}"


def shorten(value: object, limit: int = 60) -> str:
    """repr(value) on one line, cut to `limit` characters."""
    try:
        text = repr(value)
    except ValueError:  # an int of 4 300+ digits has no repr
        text = f"<a {type(value).__name__} too long to show>"
    return clip(text, limit)


__all__ = ["LabkitError", "clip", "shorten"]
