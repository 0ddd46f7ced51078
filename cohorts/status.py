"""Where a learner stands with one assignment, and whether its results are out: pure rules,
`now` passed in, shared by "Set for you", the class dashboard, the gradebook and the API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class WorkStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    LATE = "late"  # submitted after the due date (accepted until the close)
    OVERDUE = "overdue"  # the due date passed and nothing is submitted

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    WorkStatus.NOT_STARTED: "Not started",
    WorkStatus.IN_PROGRESS: "In progress",
    WorkStatus.SUBMITTED: "Submitted",
    WorkStatus.LATE: "Submitted late",
    WorkStatus.OVERDUE: "Overdue",
}


def work_status(
    *, now: datetime, due_at: datetime, started: bool, submitted_at: datetime | None
) -> WorkStatus:
    """The status of a learner's work: `submitted_at` is their first submission (None: none).

    Submitted on or before the due date: submitted; after it: late. Nothing submitted and the
    due date passed: overdue (late work is still accepted until the close).
    """
    if submitted_at is not None:
        return WorkStatus.LATE if submitted_at > due_at else WorkStatus.SUBMITTED
    if now > due_at:
        return WorkStatus.OVERDUE
    return WorkStatus.IN_PROGRESS if started else WorkStatus.NOT_STARTED


def results_released(
    *, release: str, released_at: datetime | None, closes_at: datetime, now: datetime
) -> bool:
    """Whether learners see scores and keys now (the SQL twin is cohorts.hooks)."""
    if released_at is not None or release == "submission":
        return True
    return release == "close" and now >= closes_at
