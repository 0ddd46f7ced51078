"""Fixtures of the grading-pipeline tests: a throwaway Redis broker and a real worker process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.workers import CeleryWorker, RedisServer, celery_broker


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of this test's own, which this process publishes tasks to; stop() is an outage."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        with celery_broker(server.url):
            yield server
    finally:
        server.stop()


@pytest.fixture
def worker_process(
    transactional_db: None, broker: RedisServer, tmp_path: Path
) -> Iterator[CeleryWorker]:
    """A prefork Celery worker on `broker` and the test database, started by the test.

    Stopped (and its pool children with it) before the database is flushed; its log is printed
    at teardown, which pytest shows only when the test failed.
    """
    worker = CeleryWorker(broker.url, tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()
        print(f"--- Celery worker log ---\n{worker.log()[-20_000:]}")
