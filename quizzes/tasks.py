"""Celery tasks: each takes ids, calls one service, and owns its retries; all safe to run twice.

Services are imported inside the task bodies: services never import tasks (they enqueue by
task name, quizzes.dispatch), and tasks import no service at module level, so there is no
import cycle whatever imports first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

WORKER_HEARTBEAT_KEY = "worker-heartbeat"


class RetryOptions(TypedDict):
    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool
    retry_backoff_max: int
    max_retries: int


RETRY: RetryOptions = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


def fan_out(task_name: str, ids: list[int]) -> None:
    """One small task per id, through the outbox: a broker failure half-way loses none."""
    from quizzes import dispatch

    with transaction.atomic():
        dispatch.enqueue_on_commit(task_name, *[[pk] for pk in ids])


@shared_task(**RETRY)
def grade_response(response_id: int) -> None:
    from quizzes import pipeline

    pipeline.grade_response(response_id=response_id)


@shared_task(**RETRY)
def close_attempt(attempt_id: int, auto: bool = False) -> None:
    from quizzes import attempts

    attempts.close_attempt(attempt_id=attempt_id, auto=auto)


@shared_task(**RETRY)
def repair_attempt(attempt_id: int) -> bool:
    from quizzes import attempts

    return attempts.repair_attempt(attempt_id=attempt_id)


@shared_task
def sweep_pending_responses() -> int:
    """Re-enqueue responses pending for too long (the broker was down when they were saved),
    and repair attempts a lost race left unscored or uncompleted."""
    from quizzes import attempts, selectors

    older_than = timezone.now() - timedelta(seconds=settings.PENDING_RESPONSE_SWEEP_AFTER)
    response_ids = selectors.stale_pending_response_ids(older_than=older_than)
    for response_id in response_ids:
        grade_response.delay(response_id)
    attempt_ids = attempts.unfinished_attempt_ids(older_than=older_than)
    for attempt_id in attempt_ids:
        repair_attempt.delay(attempt_id)
    return len(response_ids) + len(attempt_ids)


@shared_task
def deliver_outbox() -> int:
    """Send outbox messages left unsent (the broker was down when their change committed)."""
    from quizzes import dispatch

    older_than = timezone.now() - dispatch.sweep_after()
    sent = dispatch.deliver(dispatch.unsent_message_ids(older_than=older_than))
    dispatch.purge_sent(before=timezone.now() - timedelta(days=7))
    return sent


@shared_task
def submit_overdue_attempts() -> int:
    """Submit every exam whose time has run out, one small task per attempt."""
    from quizzes import selectors

    attempt_ids = selectors.overdue_attempt_ids(now=timezone.now())
    for attempt_id in attempt_ids:
        close_attempt.delay(attempt_id, auto=True)
    return len(attempt_ids)


@shared_task(ignore_result=True)
def record_worker_heartbeat(token: str = "") -> None:
    """Prove a worker is consuming the queue: the health page reads the time it last ran."""
    cache.set(WORKER_HEARTBEAT_KEY, {"at": timezone.now().isoformat(), "token": token}, None)


@shared_task
def recompute_item_statistics() -> int:
    from quizzes import statistics

    return statistics.recompute_item_statistics(now=timezone.now())


# Spaced repetition: reschedule after a settings change, daily reminders, mastery snapshots.


@shared_task(**RETRY)
def reschedule_learner_cards(learner_id: int) -> int:
    from quizzes.reviews import cards

    return cards.reschedule_cards(learner_id=learner_id)


@shared_task
def reschedule_exam_plans() -> int:
    """Daily: move the cards of every learner with an exam ahead to today's retention on the
    plan's ramp, one small task per learner."""
    from quizzes.reviews import planning

    learner_ids = planning.learners_with_plans(day=timezone.localdate())
    fan_out("quizzes.tasks.reschedule_learner_cards", learner_ids)
    return len(learner_ids)


@shared_task
def send_review_reminders() -> int:
    """E-mail every learner with reviews due, one small task per learner."""
    from quizzes.reviews import reminders

    learner_ids = reminders.learners_to_remind(now=timezone.now())
    fan_out("quizzes.tasks.send_review_reminder", learner_ids)
    return len(learner_ids)


@shared_task(
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_review_reminder(learner_id: int) -> bool:
    # OSError covers SMTP failures (smtplib.SMTPException is one).
    from quizzes.reviews import reminders

    return reminders.send_review_reminder(learner_id=learner_id, now=timezone.now())


@shared_task
def snapshot_mastery() -> int:
    """Record every learner's per-topic mastery for today, one small task per learner."""
    from quizzes.reviews import progress

    learner_ids = progress.learners_with_cards()
    fan_out("quizzes.tasks.snapshot_learner_mastery", learner_ids)
    return len(learner_ids)


@shared_task(**RETRY)
def snapshot_learner_mastery(learner_id: int) -> int:
    from quizzes.reviews import progress

    return progress.snapshot_mastery(learner_id=learner_id, now=timezone.now())


# Personal FSRS parameters (quizzes.reviews.personal): monthly for everyone, or on demand.


@shared_task
def fit_all_learner_parameters() -> int:
    """Fit every learner with enough reviews, one small task per learner."""
    from quizzes.reviews import personal

    learner_ids = personal.learners_to_fit()
    fan_out("quizzes.tasks.fit_learner_parameters", learner_ids)
    return len(learner_ids)


@shared_task(**RETRY)
def fit_learner_parameters(learner_id: int) -> bool:
    """Fit one learner's parameters; True if the fit was adopted."""
    from quizzes.reviews import personal

    return personal.fit_personal_parameters(learner_id=learner_id).adopted


@shared_task(**RETRY)
def replay_learner_reviews(learner_id: int) -> int:
    """Rebuild one learner's cards from their review logs (quizzes.reviews.replay)."""
    from quizzes.reviews import replay

    return replay.replay_reviews(learner_id=learner_id).cards


@shared_task
def replay_all_reviews() -> int:
    """Rebuild everyone's cards, one small task per learner with reviews."""
    from quizzes.reviews import replay

    learner_ids = replay.learners_with_reviews()
    fan_out("quizzes.tasks.replay_learner_reviews", learner_ids)
    return len(learner_ids)
