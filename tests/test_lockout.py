"""Login lockout (django-axes): a warning before the attempt that locks, and a lock page that
says when the lock ends, whom to ask, and leads back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
WARNING = re.compile(r"1 attempt left before a (\d+)-minute lock")


@pytest.fixture
def user(db):
    user = UserFactory(username="learner")
    user.set_password(PASSWORD)
    user.save()
    return user


def _fail(client):
    return client.post(reverse("login"), {"username": "learner", "password": "wrong"})


def test_no_warning_while_several_attempts_are_left(settings, client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        response = _fail(client)
        assert response.status_code == 200
        assert not WARNING.search(response.content.decode())


def test_warning_before_the_last_attempt_names_the_lock_length(settings, client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _fail(client)
    assert response.status_code == 200
    found = WARNING.search(response.content.decode())
    assert found is not None
    assert int(found.group(1)) == round(settings.AXES_COOLOFF_TIME * 60)  # hours in settings


def test_lock_page_says_when_it_ends_whom_to_ask_and_leads_back(settings, client, user):
    settings.LOGIN_HELP_CONTACT = "it-desk@example.org"
    before = timezone.now()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _fail(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-ins" in page
    ends = re.search(r'<time datetime="([^"]+)">(\d\d:\d\d)</time>', page)
    assert ends is not None
    ends_at = datetime.fromisoformat(ends.group(1))
    lock = timedelta(hours=settings.AXES_COOLOFF_TIME)
    assert before + lock <= ends_at <= timezone.now() + lock
    assert "ask your course administrator" in page
    assert '<a href="mailto:it-desk@example.org">it-desk@example.org</a>' in page
    assert f'href="{reverse("login")}"' in page
    assert f'href="{reverse("home")}"' in page
    # And the lock holds, even with the right password.
    locked = client.post(reverse("login"), {"username": "learner", "password": PASSWORD})
    assert locked.status_code == 429
