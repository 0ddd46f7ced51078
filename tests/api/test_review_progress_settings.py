"""The review queue, one's review cards, the progress summary and review settings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizzes.models import LearnerSettings, ReviewCard
from tests.api.conftest import answer_and_grade, answer_body, item_at
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, wrong_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_card(learner, tutor_attempt) -> ReviewCard:
    item = item_at(tutor_attempt)
    answer_and_grade(learner, item, wrong_tokens(item))
    return ReviewCard.objects.get(learner=learner, question=item.question)


def test_review_queue_offers_new_questions(api):
    make_question()
    body = api.get("/api/v1/review/").json()
    assert body["new_available"] is True
    assert body["can_start"] is True
    assert body["recent"] == []


def test_review_next_serves_a_question_to_answer_at_its_item_endpoint(api, learner):
    make_question()
    served = api.post("/api/v1/review/next/").json()
    assert served["done"] is False
    attempt_id, position = served["attempt_id"], served["position"]
    question = api.get(f"/api/v1/attempts/{attempt_id}/items/{position}/")
    assert question.status_code == 200
    assert question.json()["feedback"] is None
    item = item_at(learner.attempts.get(pk=attempt_id), position)
    answered = api.post(
        f"/api/v1/attempts/{attempt_id}/items/{position}/answer/",
        answer_body(key_tokens(item)),
        format="json",
    )
    assert answered.status_code == 201


def test_review_next_says_done_when_nothing_is_left(api):
    assert api.post("/api/v1/review/next/").json() == {
        "done": True,
        "attempt_id": None,
        "position": None,
    }


def test_recent_reviews_are_listed_after_a_graded_answer(api, reviewed_card):
    recent = api.get("/api/v1/review/").json()["recent"]
    assert [row["card_id"] for row in recent] == [reviewed_card.pk]
    assert recent[0]["correct"] is False


def test_review_card_shows_its_state_and_reviews(api, reviewed_card):
    body = api.get(f"/api/v1/review/cards/{reviewed_card.pk}/").json()
    assert body["id"] == reviewed_card.pk
    assert body["reps"] == 1
    assert len(body["logs"]) == 1
    assert 0 <= body["recall"] <= 1


def test_other_learner_gets_404_on_review_card(other_api, reviewed_card):
    response = other_api.get(f"/api/v1/review/cards/{reviewed_card.pk}/")
    assert response.status_code == 404


def test_other_learner_gets_404_on_review_attempt_items(api, other_api, learner):
    make_question()
    served = api.post("/api/v1/review/next/").json()
    url = f"/api/v1/attempts/{served['attempt_id']}/items/{served['position']}/"
    assert other_api.get(url).status_code == 404
    assert (
        other_api.post(f"{url}answer/", answer_body({"choice": "x"}), format="json").status_code
        == 404
    )


def test_progress_summarises_the_learners_own_work_only(
    api, other_api, learner, reviewed_card, tutor_quiz
):
    body = api.get("/api/v1/progress/").json()
    assert body["cards"] == 1
    assert [row["answered"] for row in body["history"]] == [1]
    assert body["streak"]["studied_today"] is True
    assert body["transfer"] == {"total": 0, "hits": 0, "rate": None}
    assert body["true_retention"]["total"] == 0
    others = other_api.get("/api/v1/progress/").json()
    assert others["cards"] == 0
    assert others["history"] == []


def test_settings_show_the_defaults_first(api):
    assert api.get("/api/v1/settings/").json() == {
        "desired_retention": 0.9,
        "daily_new_limit": 20,
        "daily_review_cap": 200,
        "review_emails": True,
    }


def test_settings_put_saves_them_for_this_learner_only(api, learner, other_learner):
    body = {
        "desired_retention": 0.85,
        "daily_new_limit": 5,
        "daily_review_cap": 50,
        "review_emails": False,
    }
    response = api.put("/api/v1/settings/", body, format="json")
    assert response.status_code == 200
    assert response.json() == body
    assert LearnerSettings.objects.get(learner=learner).daily_new_limit == 5
    assert not LearnerSettings.objects.filter(learner=other_learner).exists()


def test_settings_patch_changes_only_what_is_sent(api, learner):
    response = api.patch("/api/v1/settings/", {"daily_new_limit": 7}, format="json")
    assert response.json()["daily_new_limit"] == 7
    assert response.json()["desired_retention"] == 0.9


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"desired_retention": 0.99}, "desired_retention"),
        ({"desired_retention": "high"}, "desired_retention"),
        ({"daily_new_limit": -1}, "daily_new_limit"),
        ({"review_emails": "yes"}, "review_emails"),
    ],
)
def test_bad_settings_are_400_naming_the_field_and_save_nothing(api, learner, body, field):
    response = api.patch("/api/v1/settings/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not LearnerSettings.objects.filter(learner=learner).exists()


def test_settings_put_needs_every_field(api):
    response = api.put("/api/v1/settings/", {"daily_new_limit": 7}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "desired_retention",
        "daily_review_cap",
        "review_emails",
    }


def test_progress_queries_do_not_grow_with_attempts(api, learner):
    def run(count: int) -> int:
        for _ in range(count):
            attempt = start_quiz(learner=learner, quiz=make_quiz([make_question()]))
            answer_and_grade(learner, item_at(attempt))
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/progress/").status_code == 200
        return len(queries)

    assert run(1) == run(10)


def test_review_queue_queries_do_not_grow_with_reviews(api, learner):
    def run(count: int) -> int:
        for _ in range(count):
            attempt = start_quiz(learner=learner, quiz=make_quiz([make_question()]))
            answer_and_grade(learner, item_at(attempt))
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/review/").status_code == 200
        return len(queries)

    assert run(1) == run(10)


def test_session_settings_change_needs_csrf(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.put(
        "/api/v1/settings/", {"daily_new_limit": 7}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not LearnerSettings.objects.filter(learner=learner).exists()
