"""pytest settings for the whole checkout (tests/ and the notebooks nbval runs)."""

import os
import tempfile
from pathlib import Path

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Each notebook's kernel (started when its first cell is set up) and each test get a fresh,
    private progress file: a learner's `.labkit-progress.json` is never touched, and a notebook's
    progress cell shows only that notebook's own checks, as in a fresh copy."""
    parent = item.parent
    if getattr(parent, "_labkit_progress", None) is None:
        parent._labkit_progress = str(Path(tempfile.mkdtemp(prefix="labkit-progress-")) / "progress.json")
    os.environ["LABKIT_PROGRESS"] = parent._labkit_progress
