"""Every exercise of the course, by key ('NN.k')."""

from __future__ import annotations

from ..exercise import Exercise
from . import start_here, strong_weak_host

EXERCISES: dict[str, Exercise] = {
    exercise.key: exercise
    for module in (start_here, strong_weak_host)
    for exercise in module.EXERCISES
}
