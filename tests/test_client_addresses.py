"""Client addresses: X-Forwarded-For is believed only from our own proxies, so nobody escapes a
rate limit or locks another learner out by writing the header themselves."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from edu_platform.clients import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    user = UserFactory(username="learner", email="learner@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def request_from(remote: str, forwarded: str = ""):
    meta: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_a_forwarded_header_from_a_stranger_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_our_proxy_is_believed_about_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from("10.0.0.2", "198.51.100.7, 203.0.113.9")
    # The client may have written 198.51.100.7 itself; our proxy saw 203.0.113.9.
    assert client_address(request) == "203.0.113.9"


def test_a_chain_of_our_proxies_is_walked_past(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    request = request_from("10.0.0.2", "203.0.113.9, 192.0.2.10")
    assert client_address(request) == "203.0.113.9"


def test_a_spoofed_forwarded_header_does_not_escape_the_token_login_throttle(settings, user):
    settings.TRUSTED_PROXIES = []
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"answers": "120/minute", "token": "3/minute"}
    }
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses[-1] == 429


def test_behind_our_proxy_a_locked_out_attacker_does_not_lock_out_the_learner(
    settings, user, client
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("login"), {"username": "learner", "password": "wrong"}, **attacker)
    learner_there = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    response = client.post(
        reverse("login"), {"username": "learner", "password": PASSWORD}, **learner_there
    )
    assert response.status_code == 302  # logged in: the lock is the attacker's address only


def test_password_reset_requests_are_limited_per_address(settings, client, user):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 100
    for number in range(3):
        response = client.post(reverse("password_reset"), {"email": f"x{number}@example.org"})
    assert "Too many password reset requests" in response.content.decode()


def test_password_reset_e_mails_are_limited_per_address_of_the_account(settings, client, user):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 100
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    for number in range(4):
        client.post(
            reverse("password_reset"),
            {"email": "learner@example.org"},
            REMOTE_ADDR=f"203.0.113.{number}",
        )
    assert len(mail.outbox) == 2
