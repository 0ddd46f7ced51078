"""Who reaches what: another learner's objects are 404, CSRF on session writes, tokens, login."""

from __future__ import annotations

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from quizzes import attempts
from quizzes.models import AttemptItem, Response
from tests.api.conftest import answer_and_grade, answer_body, item_at, item_url, token_client
from tests.factories import start_quiz
from tests.quizzes.helpers import key_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_attempt(other_learner, tutor_quiz):
    """Another learner's attempt, answered and graded on its first item."""
    attempt = start_quiz(learner=other_learner, quiz=tutor_quiz)
    answer_and_grade(other_learner, item_at(attempt, 0))
    return attempt


LEARNER_OBJECTS = [
    ("get", "/api/v1/attempts/{a}/"),
    ("post", "/api/v1/attempts/{a}/submit/"),
    ("get", "/api/v1/attempts/{a}/results/"),
    ("get", "/api/v1/attempts/{a}/items/0/"),
    ("get", "/api/v1/attempts/{a}/items/0/feedback/"),
    ("post", "/api/v1/attempts/{a}/items/0/flag/"),
    ("post", "/api/v1/attempts/{a}/items/1/answer/"),
]


@pytest.mark.parametrize(("method", "url"), LEARNER_OBJECTS)
def test_other_learner_gets_404_on_in_progress_attempt(api, others_attempt, method, url):
    body = {"flagged": True} if url.endswith("flag/") else answer_body({"choice": "x"})
    response = getattr(api, method)(url.format(a=others_attempt.pk), body, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    others_attempt.refresh_from_db()
    assert others_attempt.status == "in_progress"
    assert not AttemptItem.objects.filter(attempt=others_attempt, flagged=True).exists()
    assert Response.objects.count() == 1


@pytest.mark.parametrize(("method", "url"), LEARNER_OBJECTS)
def test_other_learner_gets_404_on_submitted_attempt(api, others_attempt, method, url):
    attempts.close_attempt(attempt_id=others_attempt.pk)
    body = {"flagged": True} if url.endswith("flag/") else answer_body({"choice": "x"})
    response = getattr(api, method)(url.format(a=others_attempt.pk), body, format="json")
    assert response.status_code == 404
    assert "Tibial" not in response.content.decode()


def test_other_learners_attempts_are_not_listed(api, others_attempt):
    assert api.get("/api/v1/attempts/").json()["count"] == 0


def test_no_credentials_is_401_with_a_token_challenge(anonymous_api, tutor_attempt):
    response = anonymous_api.get(f"/api/v1/attempts/{tutor_attempt.pk}/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_invalid_token_is_401(anonymous_api):
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = anonymous_api.get("/api/v1/quizzes/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_token_authenticates_without_csrf(learner, tutor_attempt):
    client = token_client(learner)
    client.enforce_csrf_checks = True
    item = item_at(tutor_attempt)
    response = client.post(
        item_url(tutor_attempt, 0, "answer"), answer_body(key_tokens(item)), format="json"
    )
    assert response.status_code == 201


@pytest.fixture
def session_client(learner) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    return client


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie secret and a token for the header, as a page render would issue."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


def test_session_write_without_csrf_token_is_403_and_saves_nothing(session_client, tutor_attempt):
    item = item_at(tutor_attempt)
    response = session_client.post(
        item_url(tutor_attempt, 0, "answer"),
        answer_body(key_tokens(item)),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Response.objects.exists()


def test_session_write_with_csrf_token_is_accepted(session_client, tutor_attempt):
    cookie, token = csrf_pair()
    session_client.cookies["csrftoken"] = cookie
    item = item_at(tutor_attempt)
    response = session_client.post(
        item_url(tutor_attempt, 0, "answer"),
        answer_body(key_tokens(item)),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_session_start_and_submit_need_csrf_too(session_client, tutor_quiz, tutor_attempt):
    assert session_client.post(f"/api/v1/quizzes/{tutor_quiz.key}/attempts/").status_code == 403
    assert session_client.post(f"/api/v1/attempts/{tutor_attempt.pk}/submit/").status_code == 403
    tutor_attempt.refresh_from_db()
    assert tutor_attempt.status == "in_progress"


def test_session_reads_need_no_csrf(session_client, tutor_attempt):
    assert session_client.get(f"/api/v1/attempts/{tutor_attempt.pk}/").status_code == 200


# --- Obtaining a token ----------------------------------------------------------------------------

TOKEN_URL = "/api/v1/auth/token/"


def test_token_login_returns_a_working_token(anonymous_api, learner):
    response = anonymous_api.post(
        TOKEN_URL, {"username": "learner", "password": "correct horse battery"}, format="json"
    )
    assert response.status_code == 200
    anonymous_api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert anonymous_api.get("/api/v1/attempts/").status_code == 200


def test_token_login_accepts_a_form_post_as_curl_d_sends_it(anonymous_api, learner):
    response = anonymous_api.post(
        TOKEN_URL,
        "username=learner&password=correct+horse+battery",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


def test_token_login_with_a_wrong_password_is_400(anonymous_api, learner):
    response = anonymous_api.post(
        TOKEN_URL, {"username": "learner", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]
    assert "token" not in response.json()


def test_token_login_without_a_password_is_400_naming_it(anonymous_api, learner):
    response = anonymous_api.post(TOKEN_URL, {"username": "learner"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


def test_repeated_failed_token_logins_lock_the_account_out(anonymous_api, learner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        anonymous_api.post(TOKEN_URL, {"username": "learner", "password": "wrong"}, format="json")
    locking = anonymous_api.post(
        TOKEN_URL, {"username": "learner", "password": "wrong"}, format="json"
    )
    assert locking.status_code == 429
    assert locking.json()["code"] == "locked_out"
    right = anonymous_api.post(
        TOKEN_URL, {"username": "learner", "password": "correct horse battery"}, format="json"
    )
    assert right.status_code == 429
    assert "locked" in right.json()["detail"].lower()


def test_token_login_is_throttled(anonymous_api, learner, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "token", "2/minute")
    for _ in range(2):
        anonymous_api.post(TOKEN_URL, {"username": "nobody", "password": "x"}, format="json")
    throttled = anonymous_api.post(
        TOKEN_URL, {"username": "learner", "password": "correct horse battery"}, format="json"
    )
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"


def test_educators_have_no_write_api_for_authored_content(educator, tutor_quiz):
    client = token_client(educator)
    assert client.post("/api/v1/quizzes/", {"title": "New"}, format="json").status_code == 405
    assert (
        client.put(
            f"/api/v1/quizzes/{tutor_quiz.key}/", {"title": "New"}, format="json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/v1/quizzes/{tutor_quiz.key}/").status_code == 405
