"""Creating a learner's own test: the questions drawn, the attempt and its terms.

A created test is an attempt of kind "practice" with no quiz: tutor mode (feedback after each
answer) or timed (exam mode, a time per question stretched by the learner's accommodation).
It is answered, graded, scheduled for review and shown like any other attempt, and it always
asks for confidence and offers the exam-screen tools.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts
from quizzes.models import Attempt, AttemptKind, AttemptStatus, Question, QuizMode, Topic
from quizzes.practice.draw import draw
from quizzes.practice.models import PracticePool, PracticeTest
from quizzes.practice.pools import pool_candidates

DEFAULT_SECONDS_PER_QUESTION = 90


class NothingToDraw(Exception):
    """No question matches what the learner asked for; the message says so, for them."""


@dataclass(frozen=True)
class TestRequest:
    """What the learner asked for (validated by the form or the API serializer)."""

    __test__ = False  # not a pytest test class, despite its name

    topic_ids: list[int]
    pool: str
    count: int
    timed: bool
    difficulty: str = ""
    seconds_per_question: int = DEFAULT_SECONDS_PER_QUESTION


def _title(attempt: Attempt) -> str:
    count = int(attempt.max_score or 0)
    mode = "timed" if attempt.mode == QuizMode.EXAM else "tutor"
    return f"Your test: {count} question{'s' if count != 1 else ''}, {mode}"


def _history_url(attempt: Attempt) -> str:
    # No query: lists of many attempts link each one.
    if attempt.status == AttemptStatus.SUBMITTED:
        return reverse("attempt-results", args=[attempt.pk])
    return reverse("attempt-question", args=[attempt.pk, 0])


attempts.register_kind(
    attempts.AttemptBehaviour(
        kind=AttemptKind.PRACTICE,
        label="Your test",
        learner_submits=True,
        completes_when_answered=False,
        resume_url=attempts.first_unanswered_url,
        back_url=lambda attempt: None,
        history_url=_history_url,
        title=_title,
    )
)


@transaction.atomic
def build_test(*, learner: User, request: TestRequest, now: datetime | None = None) -> Attempt:
    """Draw the questions and start the learner's test; NothingToDraw when none match.

    The draw never repeats a question inside the test and spreads it over the chosen topics
    in proportion (quizzes.practice.draw); the test may hold fewer questions than asked for
    when fewer match.
    """
    now = now or timezone.now()
    candidates = pool_candidates(
        learner=learner,
        topic_ids=request.topic_ids,
        pool=request.pool,
        difficulty=request.difficulty,
    )
    chosen = draw(
        candidates, min(request.count, settings.PRACTICE_MAX_QUESTIONS), random.SystemRandom()
    )
    if not chosen:
        raise NothingToDraw(
            f"No questions of these topics are in “{PracticePool(request.pool).label}”"
            f"{' at this difficulty' if request.difficulty else ''}. Choose other topics or "
            "another pool."
        )
    questions = Question.objects.select_related("current_version").in_bulk(chosen)
    attempt = Attempt.objects.create(
        learner=learner,
        kind=AttemptKind.PRACTICE,
        mode=QuizMode.EXAM if request.timed else QuizMode.TUTOR,
        started_at=now,
        deadline=_deadline(learner, request, len(chosen), now) if request.timed else None,
        max_score=len(chosen),
    )
    test = PracticeTest.objects.create(
        attempt=attempt,
        pool=request.pool,
        difficulty=request.difficulty,
        requested=request.count,
        seconds_per_question=request.seconds_per_question if request.timed else None,
    )
    test.topics.set(Topic.objects.filter(pk__in=request.topic_ids))
    attempts.add_attempt_items(
        attempt=attempt,
        questions=[questions[question_id] for question_id in chosen],
        shuffle_options=True,
    )
    return attempt


def _deadline(learner: User, request: TestRequest, count: int, now: datetime) -> datetime:
    minutes = count * request.seconds_per_question / 60
    return now + timedelta(minutes=attempts.accommodated_minutes(minutes, learner=learner))
