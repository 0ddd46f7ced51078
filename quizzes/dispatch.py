"""Hand work to Celery after the current transaction commits, naming tasks by their names.

Services never import the task modules (tasks import services), so there is no import cycle;
the broker being down never fails a learner's request: the work stays recorded in the
database (a pending response, say) and a periodic sweeper sends it again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *calls: Sequence[Any]) -> None:
    """Send `task_name` once per argument list in `calls`, after the transaction commits."""
    batch = [list(args) for args in calls]
    if batch:
        transaction.on_commit(lambda: send_now(task_name, batch))


def send_now(task_name: str, calls: Sequence[Sequence[Any]]) -> bool:
    """Send the tasks now; False (and a warning) when the broker cannot take them."""
    app = current_app
    if app.conf.task_always_eager:
        # The demo without Redis runs tasks in-process.
        task = app.tasks[task_name]
        try:
            for args in calls:
                task.apply(args=tuple(args), throw=True)
        except Exception:
            logger.exception("Running %s in-process failed; it will be retried.", task_name)
            return False
        return True
    try:
        with app.producer_or_acquire() as producer:
            # One connection attempt: left alone, kombu retries for about 6 s on every
            # publish, and a learner's request must not wait out a broker outage.
            producer.connection.ensure_connection(max_retries=0)
            for args in calls:
                app.send_task(task_name, args=list(args), producer=producer, retry=False)
    except (KombuOperationalError, RedisError, OSError):
        logger.warning("Broker unreachable: %s %s left for the sweeper.", task_name, list(calls))
        return False
    return True
