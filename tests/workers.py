"""Real processes for the fault-tolerance tests: a throwaway Redis and a prefork Celery worker.

The Redis here is never the shared one: each test gets its own `redis-server` on a free port, so
stopping it (a broker outage) or leaving messages in it cannot touch anyone else's queue. The
worker is a separate `celery worker` process with a real prefork pool, so a pool child can be
killed with SIGKILL the way the kernel's OOM killer or a crashed node would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import redis as redis_lib
from django.conf import settings
from django.db import connection

from edu_platform.celery import app

T = TypeVar("T")

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def wait_until(
    predicate: Callable[[], T], timeout: float, message: str, interval: float = 0.05
) -> T:
    """Poll `predicate` until it returns something truthy, and return that; fail after `timeout` s.

    `message` says what was awaited, so a timeout reads as a sentence in the test report.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:g} s waiting until {message}.")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop_process_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal the group of a process started in its own session, wait for it, then kill the rest."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
    # Prefork children outlive a parent that died first; the group is theirs too.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


class RedisServer:
    """A `redis-server` of our own on a free port, with nothing persisted; stop() is an outage."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.process is None, "this Redis is already running"
        process = self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_until(
            lambda: process.poll() is not None or self.ping(),
            STARTUP_TIMEOUT,
            f"redis-server answers on port {self.port}",
        )
        assert process.poll() is None, f"redis-server on port {self.port} exited"

    def stop(self) -> None:
        if self.process is not None:
            _stop_process_group(self.process)
            self.process = None

    def ping(self) -> bool:
        client = redis_lib.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis_lib.RedisError:
            return False
        finally:
            client.close()

    def client(self) -> redis_lib.Redis:
        return redis_lib.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)


def worker_database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test_<name> database)."""
    params = connection.settings_dict
    user = quote(params["USER"], safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


class CeleryWorker:
    """`celery worker --pool prefork --concurrency N` on `broker_url` and the test database."""

    def __init__(self, broker_url: str, log_path: Path, concurrency: int = 1) -> None:
        self.broker_url = broker_url
        self.log_path = log_path
        self.concurrency = concurrency
        self.name = f"pipeline-{uuid.uuid4().hex[:8]}@%h"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.process is None, "this worker is already running"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": worker_database_url(),
            "TEST_CELERY_BROKER_URL": self.broker_url,
            "PYTHONUNBUFFERED": "1",
        }
        with self.log_path.open("ab") as log:
            process = self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "edu_platform", "worker",
                 "--pool", "prefork", "--concurrency", str(self.concurrency),
                 "--loglevel", "INFO",
                 "--hostname", self.name,
                 # A lone worker: no handshake with, or heartbeats to, other workers.
                 "--without-mingle", "--without-gossip", "--without-heartbeat"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until(
            lambda: process.poll() is not None or " ready." in self.log(),
            STARTUP_TIMEOUT,
            "the Celery worker is ready",
        )
        assert process.poll() is None, f"the Celery worker exited:\n{self.log()}"

    def stop(self) -> None:
        """Kill the worker and its pool children at once.

        Nothing is in flight when a test ends, and a Celery shutdown (warm or cold) takes
        seconds to wind the pool down.
        """
        if self.process is not None:
            _stop_process_group(self.process, signal.SIGKILL)
            self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def pool_children(self) -> list[int]:
        """Pids of the prefork pool's child processes (the ones that run tasks)."""
        assert self.process is not None
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError):
                # The fields after the parenthesised command name: state, then the parent pid.
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid and fields[0] != "Z":
                    children.append(int(stat.parent.name))
        return children

    def succeeded(self, task_id: str) -> bool:
        return f"[{task_id}] succeeded" in self.log()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker, and back on exit.

    The app caches connection and producer pools keyed by the broker it first used, so both are
    dropped on the way in and on the way out.
    """
    previous = app.conf.broker_url

    def switch(to: str) -> None:
        app.conf["broker_url"] = to
        app.close()
        # The cached producer pool is private to Celery, so celery-types does not declare it.
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    switch(url)
    try:
        yield
    finally:
        switch(previous)
