"""Celery tasks: thin wrappers that load ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

WORKER_HEARTBEAT_KEY = "worker-heartbeat"


@shared_task(ignore_result=True)
def record_worker_heartbeat(token: str = "") -> None:
    """Prove a worker is consuming the queue: the health page reads the time it last ran."""
    cache.set(WORKER_HEARTBEAT_KEY, {"at": timezone.now().isoformat(), "token": token}, None)
