"""Answering through the API: saved once, replayed safely, bad input refused by field."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from quizzes import attempts, pipeline
from quizzes.content import QuestionContent
from quizzes.models import Response, ResponseStatus
from quizzes.qtypes import REGISTRY
from tests.api.conftest import answer_and_grade, answer_body, item_at, item_url, save_answer
from tests.factories import UserFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_payload, key_tokens, wrong_tokens

pytestmark = pytest.mark.django_db


def post_answer(api, attempt, position, body, **kwargs):
    return api.post(item_url(attempt, position, "answer"), body, format="json", **kwargs)


@pytest.mark.parametrize("question_type", REGISTRY.names())
def test_key_in_tokens_is_saved_pending_with_201(api, learner, question_type):
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question(question_type)]))
    item = item_at(attempt)
    response = post_answer(api, attempt, 0, answer_body(key_tokens(item), confidence="sure"))
    assert response.status_code == 201
    body = response.json()
    assert body["response_status"] == "pending"
    assert body["answer"] == key_tokens(item)
    assert body["confidence"] == "sure"
    assert Response.objects.get().status == ResponseStatus.PENDING


def test_same_idempotency_key_twice_gives_one_response_and_the_same_reply(api, tutor_attempt):
    body = answer_body(key_tokens(item_at(tutor_attempt)))
    first = post_answer(api, tutor_attempt, 0, body)
    second = post_answer(api, tutor_attempt, 0, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert Response.objects.count() == 1


def test_idempotency_key_of_another_question_is_400(api, tutor_attempt):
    body = answer_body(key_tokens(item_at(tutor_attempt, 0)))
    post_answer(api, tutor_attempt, 0, body)
    reused = post_answer(
        api, tutor_attempt, 1, body | {"answer": key_tokens(item_at(tutor_attempt, 1))}
    )
    assert reused.status_code == 400
    assert list(reused.json()["errors"]) == ["idempotency_key"]
    assert Response.objects.count() == 1


def test_option_of_another_question_is_400_naming_the_field_and_saves_nothing(api, tutor_attempt):
    single = item_at(tutor_attempt, 0)
    other_token = item_at(tutor_attempt, 2).presentation["choices"][0][0]
    response = post_answer(
        api, tutor_attempt, single.position, answer_body({"choice": other_token})
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "That is not one of this question's options.",
        "code": "invalid",
        "errors": {"answer.choice": ["That is not one of this question's options."]},
    }
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": {}}, "idempotency_key"),
        ({"idempotency_key": str(uuid.uuid4())}, "answer"),
        ({"answer": "Tibial nerve", "idempotency_key": str(uuid.uuid4())}, "answer"),
        (answer_body({}), "answer.choice"),
        (answer_body({"colour": "red"}), "answer.colour"),
        (answer_body({"choice": 3}), "answer.choice"),
        ({"answer": {"choice": "x"}, "idempotency_key": "not-a-uuid"}, "idempotency_key"),
        (answer_body({"choice": "x"}, confidence="certain"), "confidence"),
        (answer_body({"choice": "x"}, client_seq=-1), "client_seq"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(api, tutor_attempt, body, field):
    response = post_answer(api, tutor_attempt, 0, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert all(isinstance(m, str) and m for m in response.json()["errors"][field])
    assert not Response.objects.exists()


def test_malformed_json_is_400(api, tutor_attempt):
    response = api.post(
        item_url(tutor_attempt, 0, "answer"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Response.objects.exists()


def test_form_encoded_answer_is_415(api, tutor_attempt):
    response = api.post(item_url(tutor_attempt, 0, "answer"), {"answer": "x"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_empty_short_answer_is_400_on_its_text(api, learner):
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question("short_answer")]))
    response = post_answer(api, attempt, 0, answer_body({"text": "   "}))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answer.text"]


def test_tutor_second_answer_keeps_the_first(api, tutor_attempt):
    item = item_at(tutor_attempt)
    post_answer(api, tutor_attempt, 0, answer_body(wrong_tokens(item)))
    again = post_answer(api, tutor_attempt, 0, answer_body(key_tokens(item)))
    assert again.status_code == 200
    assert again.json()["answer"] == wrong_tokens(item)


def test_exam_answer_replaces_the_saved_one_and_a_stale_save_is_ignored(api, exam_attempt):
    item = item_at(exam_attempt)
    post_answer(api, exam_attempt, 0, answer_body(wrong_tokens(item), client_seq=5))
    newer = post_answer(api, exam_attempt, 0, answer_body(key_tokens(item), client_seq=6))
    assert newer.json()["response_status"] == "saved"
    stale = post_answer(api, exam_attempt, 0, answer_body(wrong_tokens(item), client_seq=4))
    assert stale.status_code == 200
    assert (stale.json()["answer"], stale.json()["applied"]) == (key_tokens(item), False)


def test_exam_autosave_with_the_browsers_millisecond_clock_is_saved(api, exam_attempt):
    item = item_at(exam_attempt)
    first = post_answer(
        api, exam_attempt, 0, answer_body(wrong_tokens(item), client_seq=1_764_662_400_000)
    )
    assert (first.status_code, first.json()["applied"]) == (201, True)
    later = post_answer(
        api, exam_attempt, 0, answer_body(key_tokens(item), client_seq=1_764_662_400_750)
    )
    assert (later.status_code, later.json()["client_seq"]) == (201, 1_764_662_400_750)
    assert Response.objects.get().answer["choice"] == key_payload_choice(item)


def test_a_save_older_than_the_one_on_record_says_it_was_not_applied(api, learner, exam_attempt):
    item = item_at(exam_attempt)
    # The page saved with the browser's clock; a client counting from 1 must not be fooled.
    post_answer(api, exam_attempt, 0, answer_body(key_tokens(item), client_seq=1_764_662_400_000))
    stale = post_answer(api, exam_attempt, 0, answer_body(wrong_tokens(item), client_seq=2))
    assert (stale.status_code, stale.json()["applied"]) == (200, False)
    assert stale.json()["client_seq"] == 1_764_662_400_000


def test_a_client_seq_beyond_a_bigint_is_400_and_saves_nothing(api, exam_attempt):
    item = item_at(exam_attempt)
    body = answer_body(key_tokens(item), client_seq=2**63)
    response = post_answer(api, exam_attempt, 0, body)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["client_seq"])
    assert not Response.objects.exists()


def key_payload_choice(item) -> int:
    return key_payload(QuestionContent.from_dict(item.version.content))["choice"]


def test_feedback_is_null_while_grading_then_shows_the_key(api, learner, tutor_attempt):
    item = item_at(tutor_attempt)
    response = save_answer(learner, item)
    pending = api.get(item_url(tutor_attempt, 0, "feedback")).json()
    assert pending == {
        "position": 0,
        "response_status": "pending",
        "feedback": None,
        "peer_shares": None,
    }
    pipeline.grade_response(response_id=response.pk)
    graded = api.get(item_url(tutor_attempt, 0, "feedback")).json()
    assert graded["feedback"]["correct"] is True
    assert graded["feedback"]["correct_answer"] == ["Tibial nerve"]


def test_question_after_a_graded_answer_shows_answer_feedback_and_peer_shares(
    api, learner, tutor_quiz, tutor_attempt
):
    for number in range(5):
        peer = UserFactory(username=f"peer{number}")
        peer_item = item_at(start_quiz(learner=peer, quiz=tutor_quiz))
        answer_and_grade(peer, peer_item)
    item = item_at(tutor_attempt)
    answer_and_grade(learner, item)
    body = api.get(item_url(tutor_attempt, 0)).json()
    assert body["answer"] == key_tokens(item)
    assert body["feedback"]["score"] == 1.0
    tokens = [token for token, _ in item.presentation["choices"]]
    assert [share["id"] for share in body["peer_shares"]] == tokens
    assert sum(share["share"] for share in body["peer_shares"]) == pytest.approx(1.0)


def test_exam_feedback_stays_hidden_until_submission(api, learner, exam_attempt):
    item = item_at(exam_attempt)
    save_answer(learner, item)
    before = api.get(item_url(exam_attempt, 0)).json()
    assert before["answer"] == key_tokens(item)
    assert before["feedback"] is None
    attempts.close_attempt(attempt_id=exam_attempt.pk)
    pipeline.grade_response(response_id=Response.objects.get().pk)
    after = api.get(item_url(exam_attempt, 0)).json()
    assert after["feedback"]["correct"] is True


def test_answers_are_throttled_per_learner(api, tutor_attempt, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "answers", "2/minute")
    for position in (0, 1):
        assert (
            post_answer(
                api,
                tutor_attempt,
                position,
                answer_body(key_tokens(item_at(tutor_attempt, position))),
            ).status_code
            == 201
        )
    throttled = post_answer(
        api, tutor_attempt, 2, answer_body(key_tokens(item_at(tutor_attempt, 2)))
    )
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert "Retry-After" in throttled.headers
    assert Response.objects.count() == 2


def test_answer_is_saved_when_the_throttle_cache_is_down(api, tutor_attempt, monkeypatch):
    def unreachable(*args, **kwargs):
        raise redis.ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", unreachable)
    response = post_answer(api, tutor_attempt, 0, answer_body(key_tokens(item_at(tutor_attempt))))
    assert response.status_code == 201
    assert Response.objects.count() == 1
