"""Celery tasks of the cohorts app: each takes ids, calls one service; all safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone


@shared_task
def send_assignment_reminders() -> int:
    """Queue a reminder for every (assignment, learner) due one soon (beat, hourly)."""
    from cohorts import reminders

    return reminders.queue_reminders(now=timezone.now())


@shared_task(
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_assignment_reminder(assignment_id: int, learner_id: int) -> bool:
    # OSError covers SMTP failures (smtplib.SMTPException is one).
    from cohorts import reminders

    return reminders.send_assignment_reminder(
        assignment_id=assignment_id, learner_id=learner_id, now=timezone.now()
    )
