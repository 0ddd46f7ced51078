"""A learner's review settings: desired retention, daily limits, reminder e-mails."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from quizzes import dispatch
from quizzes.models import LearnerSettings
from quizzes.reviews import personal, scheduling
from quizzes.selectors import one_or_none

RESCHEDULE_TASK = "quizzes.tasks.reschedule_learner_cards"


def learner_settings_for(learner_id: int) -> LearnerSettings:
    """The learner's review settings, created with the site's defaults on first use."""
    prefs, _ = LearnerSettings.objects.get_or_create(
        learner_id=learner_id,
        defaults={
            "daily_new_limit": settings.REVIEW_DAILY_NEW_LIMIT,
            "daily_review_cap": settings.REVIEW_DAILY_REVIEW_CAP,
        },
    )
    return prefs


def current_settings(learner: User) -> LearnerSettings:
    """The learner's settings, or the site's defaults (unsaved) if they never changed them."""
    return settings_or_defaults(learner.pk)


def settings_or_defaults(learner_id: int) -> LearnerSettings:
    # Read-only on purpose: the grading path must not insert rows another transaction may be
    # inserting too.
    prefs = one_or_none(LearnerSettings.objects.filter(learner_id=learner_id))
    if prefs is not None:
        return prefs
    return LearnerSettings(
        learner_id=learner_id,
        daily_new_limit=settings.REVIEW_DAILY_NEW_LIMIT,
        daily_review_cap=settings.REVIEW_DAILY_REVIEW_CAP,
    )


def scheduler_config(
    prefs: LearnerSettings, *, desired_retention: float | None = None
) -> scheduling.SchedulerConfig:
    """How the learner's cards are scheduled: their retention (or `desired_retention`), the
    site's maximum interval and their FSRS parameters (personal once adopted, quizzes.reviews.
    personal)."""
    return scheduling.SchedulerConfig(
        desired_retention=prefs.desired_retention
        if desired_retention is None
        else desired_retention,
        maximum_interval_days=settings.REVIEW_MAX_INTERVAL_DAYS,
        parameters=personal.parameters_for(prefs.learner_id),
    )


@transaction.atomic
def update_learner_settings(
    *,
    learner: User,
    desired_retention: float,
    daily_new_limit: int,
    daily_review_cap: int,
    review_emails: bool,
) -> LearnerSettings:
    """Save the learner's review settings.

    A changed desired retention reschedules the learner's cards in a Celery task, enqueued only
    once this transaction commits. Raises IntegrityError for a retention outside 0.70-0.97
    (the form refuses it first).
    """
    prefs = learner_settings_for(learner.pk)
    prefs = LearnerSettings.objects.select_for_update().get(pk=prefs.pk)
    retention_changed = prefs.desired_retention != desired_retention
    prefs.desired_retention = desired_retention
    prefs.daily_new_limit = daily_new_limit
    prefs.daily_review_cap = daily_review_cap
    prefs.review_emails = review_emails
    prefs.save()
    if retention_changed:
        learner_id = learner.pk
        dispatch.enqueue_on_commit(RESCHEDULE_TASK, [learner_id])
    return prefs
