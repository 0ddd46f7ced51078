"""Bad input is a 4xx in the API's error shape and changes nothing: never a server error."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from quizzes import attempts
from quizzes.grading import AnswerError
from quizzes.models import Response
from tests.api.conftest import item_at, item_url
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens

pytestmark = pytest.mark.django_db

ERROR_SHAPE = {"detail", "code", "errors"}


def test_deeply_nested_json_is_a_400_parse_error(api, tutor_attempt):
    body = '{"answer": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api.generic(
        "POST", item_url(tutor_attempt, 0, "answer"), body, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert not Response.objects.exists()


def test_an_idempotency_key_that_is_a_number_is_refused(api, tutor_attempt):
    item = item_at(tutor_attempt)
    body = {"answer": key_tokens(item), "idempotency_key": 12345}
    response = api.post(item_url(tutor_attempt, 0, "answer"), body, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["idempotency_key"])
    assert not Response.objects.exists()


def test_a_body_over_the_size_limit_is_a_400_in_the_error_shape(api, tutor_attempt, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    body = '{"answer": {"text": "' + "x" * 3_000_000 + '"}}'
    response = api.generic(
        "POST", item_url(tutor_attempt, 0, "answer"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == ERROR_SHAPE
    assert not Response.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/attempts/x/", "/api/v1/"])
def test_an_unknown_api_url_is_a_404_in_the_error_shape(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


def test_an_html_form_with_a_save_number_beyond_a_bigint_is_refused(learner_client, learner):
    quiz = make_quiz([make_question()], mode="exam", time_limit_minutes=10)
    attempt = start_quiz(learner=learner, quiz=quiz)
    item = attempt.items.get()
    data = {"idempotency_key": str(uuid.uuid4()), "client_seq": str(2**63), **key_tokens(item)}
    response = learner_client.post(reverse("attempt-answer", args=[attempt.pk, 0]), data)
    assert response.status_code == 400
    assert "save number is not valid" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_idempotency_key_sent_at_once_to_two_questions_saves_one_and_refuses_the_other(
    learner,
):
    quiz_a, quiz_b = make_quiz([make_question()]), make_quiz([make_question()])
    items = [start_quiz(learner=learner, quiz=quiz).items.get() for quiz in (quiz_a, quiz_b)]
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(item):
        try:
            barrier.wait()
            attempts.submit_answer(
                learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=key
            )
            outcomes.append("saved")
        except AnswerError as error:
            outcomes.append(error.field)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert sorted(outcomes) == ["idempotency_key", "saved"]
    assert Response.objects.count() == 1
