"""API tokens: each login its own, expiring, revoked by logout and by a password change, listed
and revoked by their owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def user(db):
    user = UserFactory(username="learner")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client: APIClient) -> dict:
    response = client.post(
        "/api/v1/auth/token/", {"username": "learner", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_each_login_gets_its_own_token_with_an_expiry(user):
    first, second = log_in(APIClient()), log_in(APIClient())
    assert first["token"] != second["token"]
    assert first["expiry"] is not None
    assert AuthToken.objects.filter(user=user).count() == 2


def test_tokens_are_stored_only_as_digests(user):
    token = log_in(APIClient())["token"]
    assert not AuthToken.objects.filter(digest=token).exists()
    assert token not in str(list(AuthToken.objects.values_list("digest", "token_key")))


def test_a_token_stops_working_when_it_expires(user, settings):
    token = log_in(APIClient())["token"]
    assert with_token(token).get("/api/v1/attempts/").status_code == 200
    lifetime = settings.REST_KNOX["TOKEN_TTL"]
    with time_machine.travel(timezone.now() + lifetime + timedelta(minutes=1)):
        assert with_token(token).get("/api/v1/attempts/").status_code == 401


def test_a_password_change_revokes_every_token(user):
    token = log_in(APIClient())["token"]
    user.set_password("a new and long passphrase")
    user.save()
    assert with_token(token).get("/api/v1/attempts/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_changing_the_password_on_the_page_revokes_every_token(user, client):
    token = log_in(APIClient())["token"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new and long passphrase",
            "new_password2": "a new and long passphrase",
        },
    )
    assert response.status_code == 302
    assert with_token(token).get("/api/v1/attempts/").status_code == 401


def test_logging_out_of_the_site_revokes_every_token(user, client):
    token = log_in(APIClient())["token"]
    client.force_login(user)
    client.post(reverse("logout"))
    assert with_token(token).get("/api/v1/attempts/").status_code == 401


def test_api_logout_revokes_the_token_used_and_no_other(user):
    kept, ended = log_in(APIClient())["token"], log_in(APIClient())["token"]
    assert with_token(ended).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(ended).get("/api/v1/attempts/").status_code == 401
    assert with_token(kept).get("/api/v1/attempts/").status_code == 200


def test_a_learner_lists_their_tokens_and_sees_which_is_current(user):
    log_in(APIClient())
    current = log_in(APIClient())["token"]
    listed = with_token(current).get("/api/v1/auth/tokens/").json()
    assert len(listed) == 2
    assert [row["current"] for row in listed] == [True, False]
    assert all(current not in str(row) for row in listed)


def test_a_learner_revokes_one_of_their_tokens(user):
    other = log_in(APIClient())["token"]
    current = with_token(log_in(APIClient())["token"])
    other_id = next(t["id"] for t in current.get("/api/v1/auth/tokens/").json() if not t["current"])
    assert current.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 204
    assert with_token(other).get("/api/v1/attempts/").status_code == 401


def test_another_learners_token_cannot_be_revoked(user, other_learner):
    log_in(APIClient())
    theirs = token_client(other_learner)
    mine = AuthToken.objects.get(user=user)
    assert theirs.delete(f"/api/v1/auth/tokens/{mine.token_key}/").status_code == 404
    assert AuthToken.objects.filter(user=user).exists()


def test_the_tokens_page_lists_and_revokes(user, client):
    log_in(APIClient())
    client.force_login(user)
    page = client.get(reverse("account-tokens")).content.decode()
    token = AuthToken.objects.get(user=user)
    assert token.token_key[:8] in page
    client.post(reverse("account-tokens"), {"token": token.token_key})
    assert not AuthToken.objects.filter(user=user).exists()
