"""The browser's attempt pages through the Django client: ownership, answers, no leaks."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import pipeline
from quizzes.models import Attempt, ProblemReport, Response
from tests.factories import make_case, make_question, make_quiz, start_case, start_quiz
from tests.quizzes.helpers import key_tokens

pytestmark = pytest.mark.django_db

EXPLANATION = "The medial calcaneal nerve is usually a branch of the tibial nerve."


@pytest.fixture
def quiz():
    return make_quiz([make_question(), make_question("multiple")])


@pytest.fixture
def attempt(learner, quiz):
    return start_quiz(learner=learner, quiz=quiz)


def question_url(attempt, position=0, name="attempt-question"):
    return reverse(name, args=[attempt.pk, position])


def post_choice(client, attempt, item, headers=None, **fields):
    data = {"idempotency_key": str(uuid.uuid4()), "choice": key_tokens(item)["choice"]} | fields
    url = question_url(attempt, item.position, "attempt-answer")
    return client.post(url, data, headers=headers or {})


@pytest.mark.parametrize(
    "name",
    ["attempt-question", "attempt-feedback", "attempt-answer", "attempt-flag", "attempt-report"],
)
def test_other_learner_gets_404_on_every_item_page(client, other_learner, attempt, name):
    client.force_login(other_learner)
    method = client.get if name in ("attempt-question", "attempt-feedback") else client.post
    assert method(question_url(attempt, 0, name)).status_code == 404


@pytest.mark.parametrize("name", ["attempt-submit", "attempt-results"])
def test_other_learner_gets_404_on_attempt_pages(client, other_learner, attempt, name):
    client.force_login(other_learner)
    assert client.get(reverse(name, args=[attempt.pk])).status_code == 404


def test_other_learner_gets_404_on_a_case_attempt(client, learner, other_learner):
    case_attempt = start_case(learner=learner, case=make_case([[make_question()]]))
    client.force_login(other_learner)
    assert client.get(reverse("case-attempt", args=[case_attempt.attempt_id])).status_code == 404


def test_draft_quiz_is_a_404_for_learners(learner_client):
    quiz = make_quiz([make_question()], is_published=False)
    assert learner_client.get(reverse("quiz-detail", args=[quiz.key])).status_code == 404
    assert learner_client.post(reverse("quiz-start", args=[quiz.key])).status_code == 404


def test_starting_a_quiz_opens_its_first_question(learner_client, quiz):
    response = learner_client.post(reverse("quiz-start", args=[quiz.key]))
    attempt = Attempt.objects.get()
    assert response["Location"] == question_url(attempt, 0)


def test_question_page_shows_no_key_before_the_answer(learner_client, attempt):
    page = learner_client.get(question_url(attempt)).content.decode()
    assert "Question 1" in page
    assert EXPLANATION not in page
    assert "Feedback on" not in page
    assert "Correct option" not in page


def test_plain_form_answer_is_saved_and_redirects_back(learner_client, attempt):
    item = attempt.items.get(position=0)
    response = post_choice(learner_client, attempt, item)
    assert response.status_code == 302
    assert Response.objects.get().status == "pending"
    page = learner_client.get(question_url(attempt)).content.decode()
    assert "Your answer is saved." in page


def test_feedback_follows_once_graded(learner_client, attempt):
    item = attempt.items.get(position=0)
    post_choice(learner_client, attempt, item)
    pipeline.grade_response(response_id=Response.objects.get().pk)
    page = learner_client.get(question_url(attempt)).content.decode()
    assert "Correct" in page
    assert EXPLANATION in page


def test_htmx_answer_swaps_in_the_answer_area(learner_client, attempt):
    item = attempt.items.get(position=0)
    response = post_choice(learner_client, attempt, item, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<section id="answer-area"')
    assert "Answer saved. Marking it." in html


def test_empty_answer_shows_an_error_and_saves_nothing(learner_client, attempt):
    url = question_url(attempt, 0, "attempt-answer")
    response = learner_client.post(url, {"idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "Choose an answer." in response.content.decode()
    assert not Response.objects.exists()


def test_invalid_multiple_answer_keeps_what_was_ticked(learner_client, attempt):
    item = attempt.items.get(position=1)
    token = item.presentation["choices"][0][0]
    url = question_url(attempt, 1, "attempt-answer")
    response = learner_client.post(
        url, {"idempotency_key": str(uuid.uuid4()), "choices": [token, "forged"]}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'value="{token}" checked' in html
    assert not Response.objects.exists()


def test_double_submit_of_one_form_gives_one_response(learner_client, attempt):
    item = attempt.items.get(position=0)
    key = str(uuid.uuid4())
    post_choice(learner_client, attempt, item, idempotency_key=key)
    post_choice(learner_client, attempt, item, idempotency_key=key)
    assert Response.objects.count() == 1


def test_exam_page_shows_no_feedback_before_submission(learner_client, learner):
    quiz = make_quiz([make_question()], mode="exam", time_limit_minutes=10)
    attempt = start_quiz(learner=learner, quiz=quiz)
    item = attempt.items.get()
    post_choice(learner_client, attempt, item)
    page = learner_client.get(question_url(attempt)).content.decode()
    assert EXPLANATION not in page
    assert "Time left" in page


def test_exam_answer_after_the_deadline_is_refused_with_a_clear_message(learner_client, learner):
    quiz = make_quiz([make_question()], mode="exam", time_limit_minutes=10)
    attempt = start_quiz(learner=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    item = attempt.items.get()
    data = {"idempotency_key": str(uuid.uuid4()), "choice": key_tokens(item)["choice"]}
    response = learner_client.post(question_url(attempt, 0, "attempt-answer"), data, follow=True)
    assert "Time is up" in response.content.decode()
    assert not Response.objects.exists()


def test_opening_an_overdue_exam_submits_it(learner_client, learner):
    quiz = make_quiz([make_question()], mode="exam", time_limit_minutes=10)
    attempt = start_quiz(learner=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = learner_client.get(question_url(attempt))
    attempt.refresh_from_db()
    assert response["Location"] == reverse("attempt-results", args=[attempt.pk])
    assert (attempt.status, attempt.auto_submitted) == ("submitted", True)


def test_submit_page_names_the_unanswered_questions(learner_client, attempt):
    page = learner_client.get(reverse("attempt-submit", args=[attempt.pk])).content.decode()
    assert "2 not answered" in page


def test_results_show_key_and_explanation_after_submission(learner_client, attempt):
    item = attempt.items.get(position=0)
    post_choice(learner_client, attempt, item)
    pipeline.grade_response(response_id=Response.objects.get().pk)
    learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    page = learner_client.get(reverse("attempt-results", args=[attempt.pk])).content.decode()
    assert "Score:" in page
    assert EXPLANATION in page


def test_report_a_problem_after_answering(learner_client, attempt):
    item = attempt.items.get(position=0)
    post_choice(learner_client, attempt, item)
    url = question_url(attempt, 0, "attempt-report")
    learner_client.post(url, {"text": "Option B has a typo."})
    assert ProblemReport.objects.get().text == "Option B has a typo."


def test_report_before_answering_is_a_404(learner_client, attempt):
    url = question_url(attempt, 0, "attempt-report")
    assert learner_client.post(url, {"text": "Something is off."}).status_code == 404


def test_case_stage_opens_only_after_the_previous_is_answered(learner_client, learner):
    case = make_case([[make_question()], [make_question("true_false")]])
    learner_client.post(reverse("case-start", args=[case.key]))
    attempt = Attempt.objects.get()
    locked = learner_client.get(question_url(attempt, 1))
    assert locked.status_code == 302
    player = learner_client.get(reverse("case-attempt", args=[attempt.pk])).content.decode()
    assert "locked" in player
    post_choice(learner_client, attempt, attempt.items.get(position=0))
    assert learner_client.get(question_url(attempt, 1)).status_code == 200


def test_answer_to_a_locked_stage_is_refused(learner_client, learner):
    case = make_case([[make_question()], [make_question()]])
    learner_client.post(reverse("case-start", args=[case.key]))
    attempt = Attempt.objects.get()
    post_choice(learner_client, attempt, attempt.items.get(position=1))
    assert not Response.objects.exists()


def test_finished_case_shows_the_debrief(
    learner_client, learner, django_capture_on_commit_callbacks, tasks_run_inline
):
    case = make_case([[make_question()]])
    learner_client.post(reverse("case-start", args=[case.key]))
    attempt = Attempt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        post_choice(learner_client, attempt, attempt.items.get())
    page = learner_client.get(reverse("case-attempt", args=[attempt.pk])).content.decode()
    assert "Debrief" in page
    assert "Recognise medial calcaneal nerve entrapment." in page


def test_home_offers_to_continue_an_unfinished_attempt(learner_client, attempt):
    page = learner_client.get(reverse("home")).content.decode()
    assert "Continue where you left off" in page
    assert attempt.quiz.title in page
