"""Personas and service fixtures shared by the whole suite."""

from __future__ import annotations

import os
from typing import Any

import pytest
import redis as redis_lib
from django.conf import settings

from tests.factories import EducatorFactory, UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="other")


@pytest.fixture
def educator(db):
    return EducatorFactory(username="educator")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def educator_client(client, educator):
    client.force_login(educator)
    return client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The shared Redis the suite runs against; a missing Redis fails the test, never skips it."""
    url = os.environ.get("REDIS_URL", settings.REDIS_URL)
    try:
        redis_lib.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis_lib.RedisError as error:
        pytest.fail(f"Redis is required at {url} (make test starts it): {error}")
    return url


@pytest.fixture
def sent_tasks(monkeypatch):
    """Tasks the services hand to Celery, as (task name, arguments), instead of sending them."""
    from quizzes import dispatch

    sent: list[tuple[str, list]] = []

    def record(task_name, calls):
        sent.extend((task_name, list(args)) for args in calls)
        return True

    monkeypatch.setattr(dispatch, "send_now", record)
    return sent


@pytest.fixture
def tasks_run_inline(monkeypatch):
    """Tasks the services hand to Celery run at once, in this process (after commit)."""
    from celery import current_app

    from quizzes import dispatch

    current_app.loader.import_default_modules()

    def run(task_name, calls):
        for args in calls:
            current_app.tasks[task_name].apply(args=tuple(args), throw=True)
        return True

    monkeypatch.setattr(dispatch, "send_now", run)


@pytest.fixture(scope="session", autouse=True)
def _educator_permissions(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Remember the Educators group's permissions before any test can flush them away."""
    from django.contrib.auth.models import Group

    from tests import factories

    with django_db_blocker.unblock():
        group = Group.objects.get(name="Educators")
        factories.EDUCATOR_PERMISSIONS[:] = list(
            group.permissions.values_list("content_type__app_label", "codename")
        )
