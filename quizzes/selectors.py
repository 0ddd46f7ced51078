"""Reads of the question bank and quizzes, with the joins each page needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Count, Exists, Model, OuterRef, QuerySet
from django.http import Http404

from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    ChosenPart,
    Question,
    QuestionStats,
    Quiz,
    Response,
    ResponseStatus,
)

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The row of a lookup on a unique key, or None: `.first()` without its ORDER BY.

    One row has no order to choose, and compiling the ordering was a fifth of such a query's
    CPU in the grading task's and the answer POST's profiles (bench/results.md).
    """
    rows = list(queryset[:1])
    return rows[0] if rows else None


def published_quizzes(topic: str | None = None) -> QuerySet[Quiz]:
    """Published quizzes with their question counts; with `topic`, those with a question in it."""
    quizzes = Quiz.objects.filter(is_published=True)
    if topic:
        quizzes = quizzes.filter(
            pk__in=Quiz.objects.filter(quiz_questions__question__topics__slug=topic).values("pk")
        )
    return quizzes.annotate(question_count=Count("quiz_questions"))


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


def attempt_for_learner(learner: User, attempt_id: int) -> Attempt:
    """The learner's own attempt, or 404 (another learner's attempt does not exist for them)."""
    try:
        return Attempt.objects.select_related("quiz").get(pk=attempt_id, learner=learner)
    except Attempt.DoesNotExist as error:
        raise Http404("No such attempt.") from error


def item_for_learner(learner: User, attempt_id: int, position: int) -> AttemptItem:
    """One item of the learner's own attempt with its version and response, or 404."""
    try:
        return AttemptItem.objects.select_related(
            "attempt__quiz", "version", "response", "tools"
        ).get(attempt_id=attempt_id, attempt__learner=learner, position=position)
    except AttemptItem.DoesNotExist as error:
        raise Http404("No such question in this attempt.") from error


@dataclass(frozen=True)
class ItemStatus:
    """One attempt item as navigators, stage lists and the submit page show it."""

    id: int
    attempt_id: int
    position: int
    section: int
    flagged: bool
    answered: bool

    @property
    def pk(self) -> int:
        return self.id


def item_to_answer(learner: User, attempt_id: int, position: int) -> AttemptItem:
    """One item of the learner's own attempt with its version, or 404: what answering needs.

    submit_answer locks and reads the attempt and the response itself, so the answer POST does
    not join them here (item_for_learner's five-table join was a quarter of that request's
    profile, bench/results.md).
    """
    try:
        return AttemptItem.objects.select_related("version").get(
            attempt_id=attempt_id, attempt__learner=learner, position=position
        )
    except AttemptItem.DoesNotExist as error:
        raise Http404("No such question in this attempt.") from error


def items_with_status(attempt: Attempt) -> list[ItemStatus]:
    """The attempt's items in order, each with `answered` (one query, whatever their number).

    Plain rows rather than model instances: on the question page of a 60-question attempt,
    building the instances cost more than the query (bench/results.md, question page profile).
    """
    rows = attempt.items.annotate(
        answered=Exists(Response.objects.filter(item_id=OuterRef("pk")))
    ).values_list("id", "attempt_id", "position", "section", "flagged", "answered")
    return [ItemStatus(*row) for row in rows]


def items_for_results(attempt: Attempt) -> QuerySet[AttemptItem]:
    return attempt.items.select_related("version", "response", "question", "tools")


def open_attempts_for(learner: User) -> QuerySet[Attempt]:
    """The learner's unfinished quiz attempts, most recent first (for "continue")."""
    return (
        Attempt.objects.filter(
            learner=learner, status=AttemptStatus.IN_PROGRESS, kind=AttemptKind.QUIZ
        )
        .select_related("quiz")
        .annotate(
            answered=Count("items__response"),
            total=Count("items", distinct=True),
        )
        .order_by("-started_at")
    )


def item_statistics_rows(question: Question) -> list[dict[str, Any]]:
    """Each version's statistics with its options' shares, for the question admin."""
    rows = []
    stats_by_version = {
        stats.version_id: stats
        for stats in QuestionStats.objects.filter(question=question).select_related("version")
    }
    for version in question.versions.order_by("-number"):
        stats = stats_by_version.get(version.pk)
        if stats is None:
            continue
        parts = [
            *[(str(c["id"]), c["text"]) for c in version.content.get("choices", [])],
            *[
                (str(r["id"]), r["label"])
                for r in (version.content.get("figure") or {}).get("regions", [])
            ],
        ]
        total = stats.responses or 1
        rows.append(
            {
                "version": version,
                "stats": stats,
                "options": [
                    (
                        text,
                        stats.option_counts.get(part_id, 0),
                        stats.option_counts.get(part_id, 0) / total,
                    )
                    for part_id, text in parts
                ],
            }
        )
    return rows
