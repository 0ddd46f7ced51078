"""Reminder e-mails before an assignment is due: at most one per assignment per learner.

Beat finds the (assignment, learner) pairs to remind and hands one task per pair to Celery
through the outbox (quizzes.dispatch), so a broker outage loses none; each task claims its pair
with a unique row before sending, so a task run twice sends once, and a failed send rolls the
claim back for the retry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    ASSIGNMENT_CONTEXT,
    Assignment,
    AssignmentKind,
    AssignmentReminder,
    Membership,
)
from quizzes import dispatch
from quizzes.models import Attempt, AttemptStatus

SEND_TASK = "cohorts.tasks.send_assignment_reminder"


def _window(now: datetime) -> tuple[datetime, datetime]:
    return now, now + timedelta(hours=settings.ASSIGNMENT_REMINDER_HOURS)


def pairs_to_remind(*, now: datetime, limit: int = 20000) -> list[tuple[int, int]]:
    """(assignment id, learner id) of open quiz and case assignments due within the reminder
    window, for active learners with an e-mail address who have submitted nothing for it and
    were not reminded of it yet. One query."""
    start, end = _window(now)
    submitted = Attempt.objects.filter(
        context_kind=ASSIGNMENT_CONTEXT,
        context_id=OuterRef("cohort__assignments__pk"),
        learner_id=OuterRef("learner_id"),
        status=AttemptStatus.SUBMITTED,
    )
    reminded = AssignmentReminder.objects.filter(
        assignment_id=OuterRef("cohort__assignments__pk"), learner_id=OuterRef("learner_id")
    )
    # One filter() call: every condition on the cohort's assignments is on the same join.
    rows = (
        Membership.objects.filter(
            ~Exists(submitted),
            ~Exists(reminded),
            learner__is_active=True,
            cohort__assignments__withdrawn_at__isnull=True,
            cohort__assignments__kind__in=[AssignmentKind.QUIZ, AssignmentKind.CASE],
            cohort__assignments__opens_at__lte=now,
            cohort__assignments__due_at__gt=start,
            cohort__assignments__due_at__lte=end,
        )
        .exclude(learner__email="")
        .values_list("cohort__assignments__pk", "learner_id")
        .order_by("cohort__assignments__pk", "learner_id")[:limit]
    )
    return list(rows)


@transaction.atomic
def queue_reminders(*, now: datetime) -> int:
    """One outbox message per pair to remind (sent after commit, or by the outbox sweeper)."""
    pairs = pairs_to_remind(now=now)
    dispatch.enqueue_on_commit(SEND_TASK, *[[a, learner] for a, learner in pairs])
    return len(pairs)


@transaction.atomic
def send_assignment_reminder(*, assignment_id: int, learner_id: int, now: datetime) -> bool:
    """E-mail one learner that an assignment is due soon; at most once. True if sent."""
    assignment = (
        Assignment.objects.filter(pk=assignment_id, withdrawn_at__isnull=True)
        .select_related("quiz", "case", "topic", "cohort")
        .first()
    )
    learner = get_user_model().objects.filter(pk=learner_id, is_active=True).first()
    if assignment is None or learner is None or not learner.email or assignment.due_at <= now:
        return False
    if not Membership.objects.filter(cohort_id=assignment.cohort_id, learner=learner).exists():
        return False
    if Attempt.objects.filter(
        context_kind=ASSIGNMENT_CONTEXT,
        context_id=assignment.pk,
        learner=learner,
        status=AttemptStatus.SUBMITTED,
    ).exists():
        return False
    try:
        with transaction.atomic():
            AssignmentReminder.objects.create(assignment=assignment, learner=learner, sent_at=now)
    except IntegrityError:
        return False  # already reminded (or a twin task is sending it now)
    site = settings.REVIEW_EMAIL_SITE_URL.rstrip("/")
    context = {
        "learner": learner,
        "assignment": assignment,
        "due": timezone.localtime(assignment.due_at),
        "home_url": site + reverse("home"),
    }
    send_mail(
        f"Due {timezone.localtime(assignment.due_at):%a %-d %b}: {assignment.display_title}",
        render_to_string("emails/assignment_reminder.txt", context),
        None,
        [learner.email],
    )
    return True
