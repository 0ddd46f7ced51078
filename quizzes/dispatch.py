"""Hand work to Celery after the current transaction commits, durably, naming tasks by name.

`enqueue_on_commit` records an outbox row (OutboxMessage) in the caller's transaction and sends
it once that transaction commits. If the broker is down or frozen, the row stays unsent and the
outbox sweeper (`quizzes.tasks.deliver_outbox`, every few seconds from beat) sends it later: an
accepted change never loses its follow-up work. Grading is the one exception, by design: a
pending response is already its own durable record, which the pending-response sweeper resends,
so the answer path writes no second row (`durable=False`).

Services never import the task modules (tasks import services), so there is no import cycle.
Publishing from a web request uses short socket timeouts (settings.BROKER_PUBLISH_TIMEOUT), so a
frozen Redis costs a learner's request a fraction of a second, never the default minutes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from quizzes.models import OutboxMessage

logger = logging.getLogger(__name__)

BROKER_ERRORS = (KombuOperationalError, RedisError, OSError)


def enqueue_on_commit(task_name: str, *calls: Sequence[Any], durable: bool = True) -> None:
    """Send `task_name` once per argument list in `calls`, after the transaction commits.

    Durable by default: the outbox rows commit (or roll back) with the caller's change.
    """
    batch = [list(args) for args in calls]
    if not batch:
        return
    if not durable:
        transaction.on_commit(lambda: send_now(task_name, batch))
        return
    rows = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task_name=task_name, args=args) for args in batch]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: deliver(ids))


def deliver(message_ids: Sequence[int]) -> int:
    """Send the unsent outbox messages among `message_ids`; mark each one sent. Returns how
    many were sent. A message the broker refuses stays unsent for the sweeper."""
    messages = list(
        OutboxMessage.objects.filter(pk__in=list(message_ids), sent_at__isnull=True).order_by("pk")
    )
    sent: list[int] = []
    for message in messages:
        if not send_now(message.task_name, [message.args]):
            break  # the broker is down: the rest would wait out the same timeout
        sent.append(message.pk)
    now = timezone.now()
    if sent:
        OutboxMessage.objects.filter(pk__in=sent, sent_at__isnull=True).update(sent_at=now)
    pending = [m.pk for m in messages if m.pk not in sent]
    if pending:
        OutboxMessage.objects.filter(pk__in=pending).update(
            attempts=F("attempts") + 1, last_error="broker unreachable"
        )
    return len(sent)


def unsent_message_ids(*, older_than: datetime, limit: int = 1000) -> list[int]:
    """Outbox messages still unsent since before `older_than`, oldest first."""
    return list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lt=older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def purge_sent(*, before: datetime) -> int:
    """Delete messages sent before `before` (kept a while for diagnosis)."""
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=before).delete()
    return deleted


_local = threading.local()


def _publishing_connection() -> Connection:
    """This thread's broker connection for publishing, with the short request-path timeouts."""
    connection: Connection | None = getattr(_local, "connection", None)
    url = current_app.conf.broker_url
    if connection is None or getattr(_local, "url", None) != url:
        timeout = settings.BROKER_PUBLISH_TIMEOUT
        connection = current_app.connection_for_write(
            transport_options={
                **(current_app.conf.broker_transport_options or {}),
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
            }
        )
        _local.connection, _local.url = connection, url
    return connection


def _drop_connection() -> None:
    connection = getattr(_local, "connection", None)
    _local.connection = None
    if connection is not None:
        try:
            connection.release()
        except Exception:  # a broken connection may fail to close; it is dropped either way
            logger.debug("Dropping a broken broker connection failed.", exc_info=True)


def send_now(task_name: str, calls: Sequence[Sequence[Any]]) -> bool:
    """Send the tasks now; False (and a warning) when the broker cannot take them."""
    app = current_app
    if app.conf.task_always_eager:
        # The demo without Redis runs tasks in-process (importing the task modules first).
        app.loader.import_default_modules()
        task = app.tasks[task_name]
        try:
            for args in calls:
                task.apply(args=tuple(args), throw=True)
        except Exception:
            logger.exception("Running %s in-process failed; it will be retried.", task_name)
            return False
        return True
    try:
        connection = _publishing_connection()
        # One connection attempt: left alone, kombu retries the connection for seconds on
        # every publish, and a learner's request must not wait out a broker outage.
        connection.ensure_connection(max_retries=0)
        producer = connection.Producer()
        for args in calls:
            app.send_task(task_name, args=list(args), producer=producer, retry=False)
    except BROKER_ERRORS:
        _drop_connection()
        logger.warning("Broker unreachable: %s %s left for the sweeper.", task_name, list(calls))
        return False
    return True


def sweep_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_SWEEP_AFTER)
