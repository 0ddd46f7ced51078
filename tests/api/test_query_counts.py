"""Endpoints run a fixed number of queries, whatever the number of questions, options or rows."""

from __future__ import annotations

import pytest

from quizzes import attempts
from quizzes.models import Option
from quizzes.versioning import record_version
from tests.api.conftest import answer_and_grade, item_at, item_url
from tests.factories import QuestionFactory, UserFactory, make_question, make_quiz, start_quiz

pytestmark = pytest.mark.django_db

SIZES = [1, 15]


def wide_question(options: int):
    question = QuestionFactory(type="single")
    for position in range(options):
        Option.objects.create(
            question=question,
            text=f"Option {position}",
            is_correct=position == 0,
            position=position,
        )
    record_version(question=question)
    question.refresh_from_db()
    return question


@pytest.mark.parametrize("options", SIZES)
def test_question_queries_do_not_grow_with_options(
    api, learner, options, django_assert_max_num_queries
):
    attempt = start_quiz(learner=learner, quiz=make_quiz([wide_question(options + 1)]))
    with django_assert_max_num_queries(3):  # token user, item (+ its case-stage check)
        assert api.get(item_url(attempt, 0)).status_code == 200


@pytest.mark.parametrize("options", SIZES)
def test_graded_question_with_peer_shares_queries_do_not_grow_with_options(
    api, learner, options, django_assert_max_num_queries
):
    quiz = make_quiz([wide_question(options + 1)])
    for number in range(5):
        peer = UserFactory(username=f"peer{number}")
        answer_and_grade(peer, item_at(start_quiz(learner=peer, quiz=quiz)))
    attempt = start_quiz(learner=learner, quiz=quiz)
    answer_and_grade(learner, item_at(attempt))
    with django_assert_max_num_queries(5):  # token user, item, stage check, peer shares (2)
        body = api.get(item_url(attempt, 0)).json()
    assert len(body["peer_shares"]) == options + 1


@pytest.mark.parametrize("questions", SIZES)
def test_attempt_queries_do_not_grow_with_questions(
    api, learner, questions, django_assert_max_num_queries
):
    attempt = start_quiz(
        learner=learner, quiz=make_quiz([make_question() for _ in range(questions)])
    )
    with django_assert_max_num_queries(3):  # token user, attempt, items
        assert len(api.get(f"/api/v1/attempts/{attempt.pk}/").json()["items"]) == questions


@pytest.mark.parametrize("questions", SIZES)
def test_start_resume_queries_do_not_grow_with_questions(
    api, learner, questions, django_assert_max_num_queries
):
    quiz = make_quiz([make_question() for _ in range(questions)])
    start_quiz(learner=learner, quiz=quiz)
    with django_assert_max_num_queries(
        7
    ):  # token user, quiz, open attempt, items (and serializers)
        assert api.post(f"/api/v1/quizzes/{quiz.key}/attempts/").status_code == 200


@pytest.mark.parametrize("questions", SIZES)
def test_results_queries_do_not_grow_with_questions(
    api, learner, questions, django_assert_max_num_queries
):
    attempt = start_quiz(
        learner=learner, quiz=make_quiz([make_question() for _ in range(questions)])
    )
    for item in attempt.items.select_related("version"):
        answer_and_grade(learner, item)
    attempts.close_attempt(attempt_id=attempt.pk)
    with django_assert_max_num_queries(3):  # token user, attempt, items with responses
        assert len(api.get(f"/api/v1/attempts/{attempt.pk}/results/").json()["items"]) == questions


@pytest.mark.parametrize("attempts", SIZES)
def test_attempt_list_queries_do_not_grow_with_attempts(
    api, learner, attempts, django_assert_max_num_queries
):
    for _ in range(attempts):
        start_quiz(learner=learner, quiz=make_quiz([make_question()]))
    with django_assert_max_num_queries(3):  # token user, count, page
        assert api.get("/api/v1/attempts/").json()["count"] == attempts
