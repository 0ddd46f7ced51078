"""API clients per persona, quizzes of every question type, and a learner mid-attempt."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from edu_platform.tokens import issue_token
from quizzes import attempts, pipeline
from quizzes.models import Attempt, AttemptItem, Response
from quizzes.qtypes import REGISTRY
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache (Redis): each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    token, _expiry = issue_token(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api(learner) -> APIClient:
    """The learner, authenticated by token."""
    return token_client(learner)


@pytest.fixture
def other_api(other_learner) -> APIClient:
    return token_client(other_learner)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()


@pytest.fixture
def tutor_quiz():
    """A published tutor quiz with one question of every type."""
    return make_quiz([make_question(t) for t in REGISTRY.names()], title="Every type")


@pytest.fixture
def exam_quiz():
    return make_quiz(
        [make_question(), make_question("multiple")],
        mode="exam",
        time_limit_minutes=10,
        title="Timed exam",
    )


@pytest.fixture
def tutor_attempt(learner, tutor_quiz) -> Attempt:
    return start_quiz(learner=learner, quiz=tutor_quiz)


@pytest.fixture
def exam_attempt(learner, exam_quiz) -> Attempt:
    return start_quiz(learner=learner, quiz=exam_quiz)


def item_at(attempt: Attempt, position: int = 0) -> AttemptItem:
    return attempt.items.select_related("version").get(position=position)


def item_url(attempt: Attempt, position: int = 0, action: str = "") -> str:
    suffix = f"{action}/" if action else ""
    return f"/api/v1/attempts/{attempt.pk}/items/{position}/{suffix}"


def answer_body(answer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"answer": answer, "idempotency_key": str(uuid.uuid4())} | extra


def save_answer(learner, item: AttemptItem, answer: dict[str, Any] | None = None) -> Response:
    """Answer through the service (the key unless told otherwise), as the browser would."""
    return attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=answer if answer is not None else key_tokens(item),
        idempotency_key=uuid.uuid4(),
    ).response


def answer_and_grade(learner, item: AttemptItem, answer: dict[str, Any] | None = None) -> Response:
    """Answer through the service and grade at once, as the worker would."""
    response = save_answer(learner, item, answer)
    return pipeline.grade_response(response_id=response.pk) or response
