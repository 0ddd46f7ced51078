"""Periodic jobs of the platform itself."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def purge_expired_tokens() -> int:
    from edu_platform import tokens

    return tokens.purge_expired_tokens(now=timezone.now())
