"""Reads of the question bank and quizzes, with the joins each page needs."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet
from django.http import Http404

from quizzes.models import Attempt, AttemptStatus, Question, Quiz, Response, ResponseStatus


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
