"""Work handed to Celery survives a broker outage (the outbox), and a frozen Redis never
freezes the site: bounded waits, a cache that misses, answers kept, the learner told.

Real processes: a throwaway `redis-server` of the test's own (never the shared one) that the
test stops, or freezes with SIGSTOP, and a prefork worker for the delivery path.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import dispatch, tasks
from quizzes.models import LearnerSettings, OutboxMessage, Response, ResponseStatus
from quizzes.reviews import learner_settings
from tests.api.conftest import item_at, token_client
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens
from tests.workers import RedisServer, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

RESCHEDULE = "quizzes.tasks.reschedule_learner_cards"


@contextmanager
def frozen(server: RedisServer) -> Iterator[None]:
    """Redis stopped with SIGSTOP: its port accepts connections, nothing ever answers."""
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_cache(broker: RedisServer, settings):
    """The cache on the test's own Redis too (so freezing it freezes the cache)."""
    settings.CACHES = {
        "default": settings.CACHES["default"] | {"LOCATION": broker.url.replace("/0", "/1")}
    }
    yield
    cache.clear()


def change_retention(learner) -> None:
    with transaction.atomic():
        learner_settings.update_learner_settings(
            learner=learner,
            desired_retention=0.85,
            daily_new_limit=20,
            daily_review_cap=200,
            review_emails=True,
        )


def test_a_retention_change_made_while_redis_is_down_is_delivered_when_it_returns(
    learner, broker: RedisServer, worker_process
):
    broker.stop()
    change_retention(learner)  # accepted: the reschedule waits in the outbox
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args, message.sent_at) == (RESCHEDULE, [learner.pk], None)
    assert LearnerSettings.objects.get(learner=learner).desired_retention == 0.85
    broker.start()
    worker_process.start()
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert tasks.deliver_outbox() == 1  # what beat runs every few seconds
    wait_until(
        lambda: worker_process.log().count(f"{RESCHEDULE}[") >= 2,  # received, succeeded
        30,
        "the worker ran the delivered reschedule",
    )
    assert OutboxMessage.objects.get().sent_at is not None
    assert tasks.deliver_outbox() == 0  # sent once


def test_a_message_sent_at_commit_is_marked_sent_and_not_sent_again(learner, broker, sent_tasks):
    change_retention(learner)
    assert sent_tasks == [(RESCHEDULE, [learner.pk])]
    assert OutboxMessage.objects.get().sent_at is not None
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert tasks.deliver_outbox() == 0
    assert len(sent_tasks) == 1


def test_a_change_rolled_back_leaves_no_message(learner, broker, sent_tasks):
    def change_then_fail() -> None:
        with transaction.atomic():
            change_retention(learner)
            raise RuntimeError("the change fails after its enqueue")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not OutboxMessage.objects.exists()
    assert sent_tasks == []


def test_an_answer_while_redis_is_frozen_is_saved_quickly_and_graded_later(
    learner, broker: RedisServer, redis_cache, settings
):
    settings.GRADING_DELAY_NOTICE_SECONDS = 0
    quiz = make_quiz([make_question()])
    item = item_at(start_quiz(learner=learner, quiz=quiz))
    api = token_client(learner)
    body = {"answer": key_tokens(item), "idempotency_key": str(uuid.uuid4())}
    with frozen(broker):
        started = time.monotonic()
        response = api.post(
            f"/api/v1/attempts/{item.attempt_id}/items/0/answer/", body, format="json"
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 201
        # Each Redis call gives up after settings.REDIS_REQUEST_TIMEOUT (0.5 s): the throttle's
        # read and write and one publish, never the minutes a frozen socket can hold.
        assert elapsed < 5, f"the answer took {elapsed:.1f} s with Redis frozen"
        assert Response.objects.get().status == ResponseStatus.PENDING
    # The learner's page says the answer is safe and marking delayed, not "being marked" forever.
    browser = Client()
    browser.force_login(learner)
    page = browser.get(reverse("attempt-question", args=[item.attempt_id, 0])).content.decode()
    assert "Marking is delayed" in page
    # The pending response is its own outbox record: the sweeper hands it to a worker later.
    Response.objects.update(submitted_at=timezone.now() - timedelta(minutes=5))
    assert tasks.sweep_pending_responses() >= 1


def test_pages_that_do_not_need_redis_stay_fast_while_it_is_frozen(
    learner_client, broker: RedisServer, redis_cache
):
    with frozen(broker):
        started = time.monotonic()
        assert learner_client.get(reverse("home")).status_code == 200
        assert learner_client.get(reverse("progress")).status_code == 200
        assert cache.get("anything", "a miss") == "a miss"
        assert time.monotonic() - started < 3


def test_an_unreachable_broker_leaves_the_message_unsent_with_its_attempts(
    learner, broker: RedisServer
):
    broker.stop()
    change_retention(learner)
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert tasks.deliver_outbox() == 0
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.attempts == 2  # at commit, and by the sweeper
    assert dispatch.unsent_message_ids(older_than=timezone.now()) == [message.pk]
