"""Daily review reminders by e-mail: at most one per learner per day."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from quizzes.models import LearnerSettings, ReviewCard, Status
from quizzes.reviews.days import review_day
from quizzes.reviews.learner_settings import learner_settings_for
from quizzes.reviews.queue import due_count, due_filter


def learners_to_remind(*, now: datetime) -> list[int]:
    """Active learners with an e-mail address, reviews due, e-mails on, not yet reminded today."""
    day = review_day(now)
    opted_out_or_done = LearnerSettings.objects.filter(
        Q(review_emails=False) | Q(last_reminder_on=day.today)
    ).values("learner_id")
    return list(
        ReviewCard.objects.filter(due_filter(now=now, day=day))
        .filter(learner__is_active=True, question__status=Status.PUBLISHED)
        .exclude(learner__email="")
        .exclude(learner_id__in=opted_out_or_done)
        .values_list("learner_id", flat=True)
        .distinct()
        .order_by("learner_id")
    )


@transaction.atomic
def send_review_reminder(*, learner_id: int, now: datetime) -> bool:
    """E-mail the learner how many reviews are due; at most once per day. True if sent.

    The day is claimed with a conditional update before sending, so a task run twice sends
    once; a failed send rolls the claim back and the retry sends.
    """
    learner = get_user_model().objects.filter(pk=learner_id, is_active=True).first()
    if learner is None or not learner.email:
        return False
    prefs = learner_settings_for(learner_id)
    due = due_count(learner=learner, now=now)
    if not prefs.review_emails or due == 0:
        return False
    day = review_day(now)
    claimed = (
        LearnerSettings.objects.filter(pk=prefs.pk, review_emails=True)
        .exclude(last_reminder_on=day.today)
        .update(last_reminder_on=day.today)
    )
    if not claimed:
        return False
    context = {
        "learner": learner,
        "due": due,
        "queue_url": settings.REVIEW_EMAIL_SITE_URL.rstrip("/") + reverse("review-queue"),
        "settings_url": settings.REVIEW_EMAIL_SITE_URL.rstrip("/") + reverse("learner-settings"),
    }
    subject = f"{due} review{'s' if due != 1 else ''} due today"
    send_mail(
        subject,
        render_to_string("emails/review_reminder.txt", context),
        None,
        [learner.email],
    )
    return True
