"""The Celery app talks to real Redis and a real worker runs its tasks."""

import time
import uuid

import pytest
from django.core.cache import cache

from edu_platform.celery import app
from quizzes import tasks
from tests.celery_worker import running_worker


def test_celery_is_configured_for_safe_redelivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]
    assert conf.broker_url.startswith("redis://")


@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_redis_and_a_real_worker(redis_url):
    token = uuid.uuid4().hex
    cache.delete(tasks.WORKER_HEARTBEAT_KEY)
    with running_worker():
        tasks.record_worker_heartbeat.delay(token)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            beat = cache.get(tasks.WORKER_HEARTBEAT_KEY)
            if beat and beat["token"] == token:
                break
            time.sleep(0.05)
    assert cache.get(tasks.WORKER_HEARTBEAT_KEY)["token"] == token
