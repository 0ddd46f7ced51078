"""Query-count ceilings of the question page and of saving an answer.

Each page is measured on a small and a large attempt (more questions) and on a question with
few and many options: the count must not grow with either, and is pinned with a ceiling.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import attempts, pipeline
from quizzes.models import Attempt, AttemptItem, Option, Question, QuizMode
from quizzes.versioning import record_version
from tests.factories import QuestionFactory, UserFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 40
FEW_OPTIONS, MANY_OPTIONS = 3, 40

# Measured, not guessed: raise one only with a reason (a new feature's query), never for a loop.
# The question page: +1 for the lab-values panel of the exam-screen tools.
QUESTION_PAGE_CEILING = 5
FEEDBACK_PAGE_CEILING = 7  # +1 as the question page
ANSWER_CEILING = 13
EXAM_AUTOSAVE_CEILING = 11


def single_with_options(count: int) -> Question:
    """A single-best-answer question with `count` options, the first one correct."""
    question = QuestionFactory(type="single")
    for position in range(count):
        Option.objects.create(
            question=question, text=f"Option {position}", is_correct=position == 0,
            position=position, feedback=f"About option {position}.",
        )  # fmt: skip
    record_version(question=question)
    question.refresh_from_db()
    return question


def attempt_with(learner, questions: list[Question], mode: str = QuizMode.TUTOR) -> Attempt:
    time_limit = 30 if mode == QuizMode.EXAM else None
    quiz = make_quiz(questions, mode=mode, time_limit_minutes=time_limit)
    return start_quiz(learner=learner, quiz=quiz)


def sized_attempts(learner, mode: str = QuizMode.TUTOR) -> dict[str, Attempt]:
    """Attempts that differ in one dimension each: question count, then option count."""
    return {
        "few questions": attempt_with(learner, [make_question() for _ in range(SMALL)], mode),
        "many questions": attempt_with(learner, [make_question() for _ in range(LARGE)], mode),
        "few options": attempt_with(learner, [single_with_options(FEW_OPTIONS)], mode),
        "many options": attempt_with(learner, [single_with_options(MANY_OPTIONS)], mode),
    }


def count_queries(request: Callable[[], HttpResponseBase]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in (200, 201), response
    return len(captured.captured_queries)


def first_item(attempt: Attempt) -> AttemptItem:
    return attempt.items.get(position=0)


def answer_first_item(learner, attempt: Attempt) -> None:
    item = first_item(attempt)
    attempts.submit_answer(
        learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
    )


def answer_form(item: AttemptItem, **extra: str) -> dict[str, str]:
    return {**key_tokens(item), "idempotency_key": str(new_key()), **extra}


def assert_same_counts(counts: dict[str, int]) -> None:
    assert counts["few questions"] == counts["many questions"], counts
    assert counts["few options"] == counts["many options"], counts


def test_question_page_queries_do_not_grow_with_questions_or_options(
    learner, learner_client: Client, django_assert_max_num_queries
):
    attempts = sized_attempts(learner)
    urls = {name: reverse("attempt-question", args=[a.pk, 0]) for name, a in attempts.items()}

    assert_same_counts(
        {name: count_queries(partial(learner_client.get, url)) for name, url in urls.items()}
    )
    with django_assert_max_num_queries(QUESTION_PAGE_CEILING):
        learner_client.get(urls["many questions"])


def test_feedback_page_queries_do_not_grow_with_questions_or_options(
    learner, learner_client: Client, django_assert_max_num_queries
):
    attempts = sized_attempts(learner)
    for attempt in attempts.values():
        answer_first_item(learner, attempt)
        pipeline.grade_response(response_id=first_item(attempt).response.pk)
    # Enough other learners for the peer statistics to show on the many-options question.
    many = first_item(attempts["many options"]).question
    few = first_item(attempts["few options"]).question
    for n in range(5):
        peer = UserFactory(username=f"peer{n}")
        for question in (few, many):
            peer_attempt = attempt_with(peer, [question])
            answer_first_item(peer, peer_attempt)
            pipeline.grade_response(response_id=first_item(peer_attempt).response.pk)
    urls = {name: reverse("attempt-question", args=[a.pk, 0]) for name, a in attempts.items()}

    counts = {name: count_queries(partial(learner_client.get, url)) for name, url in urls.items()}

    assert_same_counts(counts)
    with django_assert_max_num_queries(FEEDBACK_PAGE_CEILING):
        learner_client.get(urls["many options"])


def test_saving_an_answer_takes_queries_independent_of_questions_or_options(
    learner, learner_client: Client, django_assert_max_num_queries
):
    attempts = sized_attempts(learner)
    attempts["ceiling"] = attempt_with(learner, [single_with_options(MANY_OPTIONS)])

    def post(attempt: Attempt):
        return learner_client.post(
            reverse("attempt-answer", args=[attempt.pk, 0]),
            answer_form(first_item(attempt)),
            headers={"HX-Request": "true"},
        )

    counts = {
        name: count_queries(partial(post, attempt))
        for name, attempt in attempts.items()
        if name != "ceiling"
    }

    assert_same_counts(counts)
    with django_assert_max_num_queries(ANSWER_CEILING):
        response = post(attempts["ceiling"])
    assert response.status_code == 200
    assert first_item(attempts["ceiling"]).response is not None


def test_exam_autosave_takes_queries_independent_of_questions_or_options(
    learner, learner_client: Client, django_assert_max_num_queries
):
    attempts = sized_attempts(learner, mode=QuizMode.EXAM)

    def autosave(attempt: Attempt, seq: int):
        # The exam page autosaves through the API, with the browser's session.
        return learner_client.post(
            reverse("api-item-answer", args=[attempt.pk, 0]),
            {
                "answer": key_tokens(first_item(attempt)),
                "idempotency_key": str(new_key()),
                "client_seq": seq,
            },
            content_type="application/json",
        )

    first = {name: count_queries(partial(autosave, a, 1)) for name, a in attempts.items()}
    again = {name: count_queries(partial(autosave, a, 2)) for name, a in attempts.items()}

    assert_same_counts(first)
    assert_same_counts(again)
    with django_assert_max_num_queries(EXAM_AUTOSAVE_CEILING):
        response = autosave(attempts["many questions"], 3)
    assert (response.status_code, response.json()["client_seq"]) == (201, 3)
