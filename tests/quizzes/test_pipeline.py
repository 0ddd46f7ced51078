"""The grading pipeline under faults, with a real prefork worker on a real (throwaway) Redis.

Never `task_always_eager`: each test publishes through Redis and a separate `celery worker`
process grades on its own database connection, so the tests use committed data
(`transaction=True`). Every wait polls with a timeout.
"""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from quizzes import attempts, tasks
from quizzes.models import Attempt, AttemptItem, ChosenPart, Response, ResponseStatus
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key
from tests.workers import CeleryWorker, RedisServer, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

GRADING_TIMEOUT = 15.0
KEY_CHOICES = 3  # the key of make_question("multiple") ticks three options


def submit_key(learner, item: AttemptItem) -> Response:
    """The learner answers with the key, in a transaction whose commit enqueues grading."""
    with transaction.atomic():
        result = attempts.submit_answer(
            learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
        )
    return result.response


def all_graded(*response_ids: int) -> bool:
    graded = Response.objects.filter(pk__in=response_ids, status=ResponseStatus.GRADED)
    return graded.count() == len(response_ids)


def wait_until_graded(*response_ids: int) -> None:
    wait_until(
        lambda: all_graded(*response_ids),
        GRADING_TIMEOUT,
        f"the worker grades responses {list(response_ids)}",
    )


def chosen_part_ids(response: Response) -> set[int]:
    return set(ChosenPart.objects.filter(response=response).values_list("pk", flat=True))


def sessions_waiting_on_a_lock() -> int:
    """Database sessions of this test database (the worker's) waiting for a lock."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing its first snapshot of pg_stat_activity.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def grading_tasks(worker: CeleryWorker, event: str) -> list[str]:
    """Ids of the grade_response tasks the worker logged as `event` ("received", "succeeded")."""
    return re.findall(rf"Task quizzes\.tasks\.grade_response\[(\S+)\] {event}", worker.log())


@pytest.fixture
def item(learner) -> AttemptItem:
    quiz = make_quiz([make_question("multiple")])
    return start_quiz(learner=learner, quiz=quiz).items.get()


def test_answer_is_graded_end_to_end_by_a_real_worker(learner, item, worker_process):
    worker_process.start()
    response = submit_key(learner, item)
    wait_until_graded(response.pk)
    response.refresh_from_db()
    assert (response.score, response.correct) == (1.0, True)
    assert ChosenPart.objects.filter(response=response).count() == KEY_CHOICES


def test_grading_task_delivered_twice_grades_once(learner, item, worker_process):
    worker_process.start()
    response = submit_key(learner, item)  # the first delivery, enqueued on commit
    wait_until_graded(response.pk)
    first = Response.objects.get(pk=response.pk)
    first_parts = chosen_part_ids(response)
    duplicate = tasks.grade_response.delay(response.pk)
    wait_until(
        lambda: worker_process.succeeded(duplicate.id),
        GRADING_TIMEOUT,
        "the worker has run the duplicate grading task",
    )
    again = Response.objects.get(pk=response.pk)
    assert (again.graded_at, again.score, again.result) == (first.graded_at, 1.0, first.result)
    assert chosen_part_ids(response) == first_parts
    assert len(first_parts) == KEY_CHOICES
    assert len(grading_tasks(worker_process, "succeeded")) == 2


def test_worker_killed_mid_task_has_it_redelivered_and_graded_once(learner, item, worker_process):
    response = submit_key(learner, item)  # queued in Redis; no worker consumes it yet
    with transaction.atomic():
        # While this test holds the row lock, the worker's grade_response waits inside its task.
        Response.objects.select_for_update().get(pk=response.pk)
        worker_process.start()
        wait_until(
            lambda: sessions_waiting_on_a_lock() == 1,
            GRADING_TIMEOUT,
            "the worker's grading task waits on the locked response",
        )
        children = worker_process.pool_children()
        assert len(children) == 1, f"expected one prefork pool child, found {children}"
        os.kill(children[0], signal.SIGKILL)
        wait_until(
            lambda: len(grading_tasks(worker_process, "received")) == 2,
            GRADING_TIMEOUT,
            "the worker receives the task again after the SIGKILL",
        )
        assert Response.objects.get(pk=response.pk).status == ResponseStatus.PENDING
    wait_until_graded(response.pk)
    assert ChosenPart.objects.filter(response=response).count() == KEY_CHOICES
    first, again = grading_tasks(worker_process, "received")
    assert again == first  # the same message, redelivered (not a new task)
    assert "WorkerLostError" in worker_process.log()
    assert children[0] not in worker_process.pool_children()


def test_answers_submitted_while_redis_is_down_are_graded_after_it_returns(
    learner, broker: RedisServer, worker_process
):
    quiz = make_quiz([make_question("multiple") for _ in range(3)])
    items = list(start_quiz(learner=learner, quiz=quiz).items.all())
    worker_process.start()  # it lives through the outage, as a deployed worker would
    broker.stop()
    responses = []
    for item in items:
        started = time.monotonic()
        responses.append(submit_key(learner, item))
        elapsed = time.monotonic() - started
        assert elapsed < 2, f"submit_answer took {elapsed:.1f} s: it waited out the broker outage"
    response_ids = [response.pk for response in responses]
    assert set(Response.objects.values_list("pk", "status")) == {
        (pk, ResponseStatus.PENDING) for pk in response_ids
    }
    broker.start()
    stale = timezone.now() - timedelta(seconds=settings.PENDING_RESPONSE_SWEEP_AFTER + 1)
    Response.objects.update(submitted_at=stale)
    assert tasks.sweep_pending_responses() == len(response_ids)
    wait_until_graded(*response_ids)
    assert ChosenPart.objects.count() == KEY_CHOICES * len(response_ids)
    assert tasks.sweep_pending_responses() == 0


def test_overdue_exam_is_submitted_by_the_beat_task_and_graded_by_a_worker(learner, worker_process):
    quiz = make_quiz(
        [make_question(), make_question("multiple")], mode="exam", time_limit_minutes=10
    )
    attempt = start_quiz(learner=learner, quiz=quiz)
    for item in attempt.items.all():
        submit_key(learner, item)  # exam answers are saved, not graded, until submission
    assert not Response.objects.exclude(status=ResponseStatus.SAVED).exists()
    # The worker runs on the real clock, so the exam's time runs out by moving its deadline.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    worker_process.start()
    tasks.submit_overdue_attempts.delay()  # what beat sends every 15 s
    wait_until(
        lambda: Attempt.objects.filter(pk=attempt.pk, score__isnull=False).exists(),
        GRADING_TIMEOUT,
        "the overdue attempt is submitted, graded and scored",
    )
    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted, attempt.score) == ("submitted", True, 2.0)
    assert attempt.submitted_at == attempt.deadline
    assert all_graded(*Response.objects.values_list("pk", flat=True))
