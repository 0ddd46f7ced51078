"""The attempt lifecycle's rules, through both the browser views and the API: only a quiz is
submitted by its learner, results never show the key of an unanswered tutor question, an exam
allows its authored number of attempts, and a locked case stage is a 404 everywhere."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts
from quizzes.models import Attempt, AttemptKind, AttemptStatus, QuizMode, Response
from quizzes.reviews import queue
from tests.api.conftest import answer_and_grade, item_at, token_client
from tests.factories import make_case, make_question, make_quiz, start_case, start_quiz
from tests.quizzes.helpers import key_tokens

pytestmark = pytest.mark.django_db

EXPLANATION = "Because the tibial nerve gives off the medial calcaneal branches."


@pytest.fixture
def api(learner):
    return token_client(learner)


@pytest.fixture
def case_attempt(learner) -> Attempt:
    case = make_case([[make_question(explanation=EXPLANATION)], [make_question("true_false")]])
    return start_case(learner=learner, case=case).attempt


@pytest.fixture
def review_attempt(learner) -> Attempt:
    make_question(explanation=EXPLANATION)
    item = queue.next_review_item(learner=learner, now=timezone.now())
    assert item is not None
    return item.attempt


# --- Only quizzes are submitted by their learner --------------------------------------------------


def test_api_refuses_to_submit_a_case_attempt_and_reveals_no_key(api, case_attempt):
    response = api.post(f"/api/v1/attempts/{case_attempt.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_submittable"
    case_attempt.refresh_from_db()
    assert case_attempt.status == AttemptStatus.IN_PROGRESS
    results = api.get(f"/api/v1/attempts/{case_attempt.pk}/results/")
    assert results.status_code == 409
    assert EXPLANATION not in results.content.decode()


def test_api_refuses_to_submit_a_review_attempt(api, review_attempt):
    assert review_attempt.kind == AttemptKind.REVIEW
    response = api.post(f"/api/v1/attempts/{review_attempt.pk}/submit/")
    assert (response.status_code, response.json()["code"]) == (409, "not_submittable")
    review_attempt.refresh_from_db()
    assert review_attempt.status == AttemptStatus.IN_PROGRESS


@pytest.mark.parametrize("method", ["get", "post"])
def test_html_submit_of_a_case_attempt_is_a_404(learner_client, case_attempt, method):
    response = getattr(learner_client, method)(reverse("attempt-submit", args=[case_attempt.pk]))
    assert response.status_code == 404
    case_attempt.refresh_from_db()
    assert case_attempt.status == AttemptStatus.IN_PROGRESS


def test_the_service_refuses_to_submit_a_case_attempt(case_attempt):
    with pytest.raises(attempts.NotSubmittable):
        attempts.submit_attempt(attempt_id=case_attempt.pk)


# --- Results never show the key of an unanswered tutor question -----------------------------------


@pytest.fixture
def half_answered_tutor_attempt(learner) -> Attempt:
    quiz = make_quiz(
        [make_question(explanation="First why."), make_question(explanation=EXPLANATION)]
    )
    attempt = start_quiz(learner=learner, quiz=quiz)
    answer_and_grade(learner, item_at(attempt, 0))
    attempts.submit_attempt(attempt_id=attempt.pk)
    return attempt


def test_api_results_of_a_tutor_quiz_keep_the_key_of_an_unanswered_question(
    api, half_answered_tutor_attempt
):
    body = api.get(f"/api/v1/attempts/{half_answered_tutor_attempt.pk}/results/").json()
    answered, unanswered = body["items"]
    assert answered["key_visible"] is True
    assert answered["correct_answer"]
    assert unanswered["key_visible"] is False
    assert unanswered["correct_answer"] == []
    assert EXPLANATION not in str(body)


def test_html_results_of_a_tutor_quiz_keep_the_key_of_an_unanswered_question(
    learner_client, half_answered_tutor_attempt
):
    url = reverse("attempt-results", args=[half_answered_tutor_attempt.pk])
    page = learner_client.get(url).content.decode()
    assert "First why." in page
    assert EXPLANATION not in page


def test_a_submitted_exam_shows_the_key_of_an_unanswered_question(api, learner):
    quiz = make_quiz(
        [make_question(explanation=EXPLANATION)], mode=QuizMode.EXAM, time_limit_minutes=5
    )
    attempt = start_quiz(learner=learner, quiz=quiz)
    attempts.submit_attempt(attempt_id=attempt.pk)
    [item] = api.get(f"/api/v1/attempts/{attempt.pk}/results/").json()["items"]
    assert item["key_visible"] is True
    assert EXPLANATION in item["explanation"]


# --- The number of attempts is an authored setting ---------------------------------------------------


@pytest.fixture
def exam(db):
    return make_quiz([make_question()], mode=QuizMode.EXAM, time_limit_minutes=5)


def test_a_submitted_exam_cannot_be_started_again_by_default(api, learner, exam):
    first = start_quiz(learner=learner, quiz=exam)
    attempts.submit_attempt(attempt_id=first.pk)
    response = api.post(f"/api/v1/quizzes/{exam.key}/attempts/")
    assert (response.status_code, response.json()["code"]) == (409, "attempt_limit")
    assert Attempt.objects.filter(quiz=exam).count() == 1


def test_an_exam_that_ran_out_does_not_restart_with_a_fresh_deadline(api, learner, exam):
    first = start_quiz(learner=learner, quiz=exam)
    assert first.deadline is not None
    with time_machine.travel(first.deadline + timedelta(minutes=1)):
        response = api.post(f"/api/v1/quizzes/{exam.key}/attempts/")
    assert response.status_code == 409
    first.refresh_from_db()
    assert first.status == AttemptStatus.SUBMITTED


def test_html_start_of_a_used_up_exam_says_why(learner_client, learner, exam):
    attempts.submit_attempt(attempt_id=start_quiz(learner=learner, quiz=exam).pk)
    response = learner_client.post(reverse("quiz-start", args=[exam.key]), follow=True)
    assert "You have used your 1 attempt at this exam." in response.content.decode()
    assert Attempt.objects.filter(quiz=exam).count() == 1


def test_an_exam_allowing_two_attempts_starts_a_second(api, learner):
    exam = make_quiz(
        [make_question()], mode=QuizMode.EXAM, time_limit_minutes=5, attempts_allowed=2
    )
    attempts.submit_attempt(attempt_id=start_quiz(learner=learner, quiz=exam).pk)
    assert api.post(f"/api/v1/quizzes/{exam.key}/attempts/").status_code == 201
    attempts.submit_attempt(attempt_id=Attempt.objects.latest("started_at").pk)
    assert api.post(f"/api/v1/quizzes/{exam.key}/attempts/").status_code == 409


def test_a_tutor_quiz_has_no_limit(api, learner):
    quiz = make_quiz([make_question()])
    for _ in range(3):
        attempts.submit_attempt(attempt_id=start_quiz(learner=learner, quiz=quiz).pk)
    assert api.post(f"/api/v1/quizzes/{quiz.key}/attempts/").status_code == 201


# --- A locked case stage is a 404 -----------------------------------------------------------------


@pytest.mark.parametrize("view", ["attempt-feedback", "attempt-answer", "attempt-report"])
def test_html_parts_of_a_locked_case_stage_are_404(learner_client, case_attempt, view):
    url = reverse(view, args=[case_attempt.pk, 1])
    response = learner_client.get(url) if view == "attempt-feedback" else learner_client.post(url)
    assert response.status_code == 404
    assert "True" not in response.content.decode()  # the later stage's options
    assert not Response.objects.exists()


def test_feedback_partial_opens_once_the_stage_before_is_answered(
    learner, learner_client, case_attempt
):
    answer_and_grade(learner, item_at(case_attempt, 0))
    url = reverse("attempt-feedback", args=[case_attempt.pk, 1])
    assert learner_client.get(url).status_code == 200


def test_the_case_page_never_completes_the_case_on_a_get(learner, learner_client, case_attempt):
    for position in (0, 1):
        item = item_at(case_attempt, position)
        attempts.submit_answer(
            learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=uuid.uuid4()
        )
    learner_client.get(reverse("case-attempt", args=[case_attempt.pk]))
    case_attempt.refresh_from_db()
    # Not graded yet: the case completes when its last answer is graded, not on a page view.
    assert case_attempt.status == AttemptStatus.IN_PROGRESS
