"""Every exercise of the course, by key ('NN.k')."""

from __future__ import annotations

from ..exercise import Exercise
from . import (
    case_files,
    ftp_active_passive,
    ftp_nat_tls,
    gateway_selection,
    nlb_two_nics,
    start_here,
    strong_weak_host,
    troubleshooting_lab,
    your_own_server,
)

EXERCISES: dict[str, Exercise] = {
    exercise.key: exercise
    for module in (
        start_here,
        strong_weak_host,
        gateway_selection,
        nlb_two_nics,
        ftp_active_passive,
        ftp_nat_tls,
        case_files,
        your_own_server,
        troubleshooting_lab,
    )
    for exercise in module.EXERCISES
}
