"""Reads of the cohorts app for learners: what is set for them, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from cohorts.models import ASSIGNMENT_CONTEXT, Assignment, AssignmentKind
from cohorts.status import WorkStatus, results_released, work_status
from quizzes.models import Attempt, AttemptStatus, Question, ReviewLog, Status

# "Set for you" keeps work that closed this many days ago.
RECENT_DAYS = 14


def _attempts_of(learner_field: Any) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        context_kind=ASSIGNMENT_CONTEXT, context_id=OuterRef("pk"), learner=learner_field
    )


def _scalar(queryset: QuerySet[Any], output: Any) -> Subquery:
    return Subquery(queryset.order_by().values("learner").annotate(v=output).values("v")[:1])


def with_learner_work(assignments: QuerySet[Assignment], learner: User) -> QuerySet[Assignment]:
    """Annotate each assignment with the learner's work at it, in the same query: `started`,
    `in_progress`, `first_submitted_at`, `best` (best submitted score, 0-1), `open_attempt_id`,
    and for a review target `reviewed` and `to_review` (the topic's published questions the
    learner answered since it opened, and all of them)."""
    mine = _attempts_of(learner.pk)
    submitted = mine.filter(status=AttemptStatus.SUBMITTED)
    reviewed = (
        ReviewLog.objects.filter(
            learner=learner,
            question__topics=OuterRef("topic_id"),
            question__status=Status.PUBLISHED,
            reviewed_at__gte=OuterRef("opens_at"),
        )
        .order_by()
        .values("learner")
        .annotate(n=Count("question", distinct=True))
        .values("n")[:1]
    )
    to_review = (
        Question.objects.filter(topics=OuterRef("topic_id"), status=Status.PUBLISHED)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return assignments.annotate(
        started=Exists(mine),
        open_attempt_id=Subquery(
            mine.filter(status=AttemptStatus.IN_PROGRESS).order_by("-started_at").values("pk")[:1]
        ),
        first_submitted_at=_scalar(submitted, Min("submitted_at")),
        last_submitted_id=Subquery(submitted.order_by("-submitted_at").values("pk")[:1]),
        best=_scalar(
            submitted.filter(score__isnull=False, max_score__gt=0),
            Max(Cast(F("score"), FloatField()) / F("max_score")),
        ),
        attempts_used=Coalesce(_scalar(mine, Count("pk")), Value(0), output_field=IntegerField()),
        reviewed=Coalesce(Subquery(reviewed), Value(0), output_field=IntegerField()),
        to_review=Coalesce(Subquery(to_review), Value(0), output_field=IntegerField()),
    )


@dataclass(frozen=True)
class SetWork:
    """One assignment as its learner sees it."""

    assignment: Assignment
    status: WorkStatus
    is_open: bool
    score: float | None  # best submitted score (0-1), only once released
    released: bool
    url: str | None  # where to start or continue; None when closed or not yet open
    results_url: str | None  # the latest submitted attempt's results (quiz) or debrief (case)
    review_progress: tuple[int, int] | None  # (reviewed, to review) of a review target
    continuing: bool = False  # an attempt is open: the button continues it


def status_of(assignment: Any, *, now: datetime) -> WorkStatus:
    """A learner's status at an annotated assignment (`with_learner_work`)."""
    if assignment.kind == AssignmentKind.REVIEW:
        done = assignment.to_review and assignment.reviewed >= assignment.to_review
        if done:
            return WorkStatus.SUBMITTED
        return work_status(
            now=now, due_at=assignment.due_at, started=assignment.reviewed > 0, submitted_at=None
        )
    return work_status(
        now=now,
        due_at=assignment.due_at,
        started=assignment.started,
        submitted_at=assignment.first_submitted_at,
    )


def set_for_learner(learner: User, *, now: datetime) -> list[SetWork]:
    """The work set for the learner in all their cohorts: open and upcoming assignments, and
    those closed in the last RECENT_DAYS days, soonest due first. One query."""
    assignments = with_learner_work(
        Assignment.objects.filter(
            cohort__memberships__learner=learner,
            withdrawn_at__isnull=True,
            closes_at__gt=now - timedelta(days=RECENT_DAYS),
        )
        .select_related("quiz", "case", "topic", "cohort")
        .order_by("due_at", "pk"),
        learner,
    )
    result = []
    for assignment in assignments:
        released = results_released(
            release=assignment.release,
            released_at=assignment.released_at,
            closes_at=assignment.closes_at,
            now=now,
        )
        is_open = assignment.opens_at <= now < assignment.closes_at
        review = assignment.kind == AssignmentKind.REVIEW
        result.append(
            SetWork(
                assignment=assignment,
                status=status_of(assignment, now=now),
                is_open=is_open,
                score=assignment.best if released and not review else None,  # type: ignore[attr-defined]
                released=released,
                url=_work_url(assignment) if is_open else None,
                results_url=_results_url(assignment),
                continuing=assignment.open_attempt_id is not None,  # type: ignore[attr-defined]
                review_progress=(assignment.reviewed, assignment.to_review) if review else None,  # type: ignore[attr-defined]
            )
        )
    return result


def _results_url(assignment: Any) -> str | None:
    attempt_id = assignment.last_submitted_id
    if attempt_id is None:
        return None
    if assignment.kind == AssignmentKind.CASE:
        return reverse("case-attempt", args=[attempt_id])
    return reverse("attempt-results", args=[attempt_id])


def _work_url(assignment: Any) -> str:
    if assignment.kind == AssignmentKind.REVIEW:
        return reverse("review-queue")
    return reverse("assignment-start", args=[assignment.pk])
