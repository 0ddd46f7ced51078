"""How assignments join the question bank's rules, through its hooks (it never names this app):
an exam set for a class holds its results back until release, and the review queue serves
first the topics of the learner's upcoming assignments."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from cohorts.models import ASSIGNMENT_CONTEXT, Assignment, Release
from quizzes import learner_view
from quizzes.models import Topic
from quizzes.reviews import queue

# The review queue favours the topics of assignments due within this many days.
UPCOMING_DAYS = 14


def held_back_assignments(now: datetime) -> QuerySet[Assignment]:
    """Assignments whose results learners may not see now: released by hand and not yet
    released, or released at close and not closed (nor released early)."""
    return Assignment.objects.filter(released_at__isnull=True).filter(
        Q(release=Release.BY_HAND) | Q(release=Release.AT_CLOSE, closes_at__gt=now)
    )


def withheld_attempts(now: datetime) -> Q:
    return Q(
        context_kind=ASSIGNMENT_CONTEXT,
        context_id__in=held_back_assignments(now).values("pk"),
    )


def upcoming_topics(learner: User, now: datetime) -> QuerySet[Any]:
    """Topics of the open, not withdrawn assignments of the learner's cohorts due soon: the
    review target's topic, or the topics of the quiz's or case's questions."""
    upcoming = Assignment.objects.filter(
        cohort__memberships__learner=learner,
        withdrawn_at__isnull=True,
        opens_at__lte=now,
        due_at__gt=now,
        due_at__lte=now + timedelta(days=UPCOMING_DAYS),
    )
    return Topic.objects.filter(
        Q(assignments__in=upcoming)
        | Q(questions__quizzes__assignments__in=upcoming)
        | Q(cases__assignments__in=upcoming)
    ).values("pk")


def register() -> None:
    learner_view.register_withheld_attempts(withheld_attempts)
    queue.register_favoured_topics(upcoming_topics)
