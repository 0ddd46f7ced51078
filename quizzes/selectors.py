"""Reads of the question bank and quizzes, with the joins each page needs."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet
from django.http import Http404

from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    ChosenPart,
    Question,
    Quiz,
    Response,
    ResponseStatus,
)


def published_quizzes() -> QuerySet[Quiz]:
    return Quiz.objects.filter(is_published=True).annotate(question_count=Count("quiz_questions"))


def quiz_for_learner(key: str) -> Quiz:
    """A published quiz, or 404: drafts do not exist for learners."""
    try:
        return published_quizzes().get(key=key)
    except Quiz.DoesNotExist as error:
        raise Http404("No such quiz.") from error


def quiz_questions_for_preview(quiz: Quiz) -> list[Question]:
    quiz_questions = quiz.quiz_questions.select_related("question__current_version")
    return [qq.question for qq in quiz_questions]


def stale_pending_response_ids(*, older_than: datetime, limit: int = 5000) -> list[int]:
    """Responses still waiting to be graded since before `older_than` (their enqueue was lost)."""
    return list(
        Response.objects.filter(status=ResponseStatus.PENDING, submitted_at__lt=older_than)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )


def overdue_attempt_ids(*, now: datetime, limit: int = 5000) -> list[int]:
    """Open timed attempts whose deadline has passed."""
    return list(
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:limit]
    )


PEER_STATS_MIN_LEARNERS = 5


def peer_choice_shares(version_id: int) -> dict[int, float] | None:
    """The share of learners who chose each option or region of a version, once at least
    PEER_STATS_MIN_LEARNERS learners have been graded on it (None before that)."""
    learners = (
        Response.objects.filter(version_id=version_id, status=ResponseStatus.GRADED)
        .values("learner_id")
        .distinct()
        .count()
    )
    if learners < PEER_STATS_MIN_LEARNERS:
        return None
    counts = (
        ChosenPart.objects.filter(version_id=version_id)
        .values("part_id")
        .annotate(learners=Count("response__learner_id", distinct=True))
    )
    return {row["part_id"]: row["learners"] / learners for row in counts}


def attempt_for_learner(learner: AbstractBaseUser, attempt_id: int) -> Attempt:
    """The learner's own attempt, or 404 (another learner's attempt does not exist for them)."""
    try:
        return Attempt.objects.select_related("quiz").get(pk=attempt_id, learner=learner)
    except Attempt.DoesNotExist as error:
        raise Http404("No such attempt.") from error


def item_for_learner(learner: AbstractBaseUser, attempt_id: int, position: int) -> AttemptItem:
    """One item of the learner's own attempt with its version and response, or 404."""
    try:
        return AttemptItem.objects.select_related("attempt__quiz", "version", "response").get(
            attempt_id=attempt_id, attempt__learner=learner, position=position
        )
    except AttemptItem.DoesNotExist as error:
        raise Http404("No such question in this attempt.") from error
