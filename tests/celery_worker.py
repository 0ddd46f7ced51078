"""A real Celery worker on real Redis for the task-path tests (never task_always_eager)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker

from edu_platform.celery import app


@contextmanager
def running_worker(concurrency: int = 1) -> Iterator[None]:
    """An in-process worker thread consuming the test broker, stopped on exit."""
    with start_worker(
        app,
        pool="threads",
        concurrency=concurrency,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    ):
        yield
