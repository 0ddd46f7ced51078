"""Starting, reading, flagging, submitting attempts and reading their results."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from quizzes import attempts, pipeline
from quizzes.models import Attempt, AttemptStatus, Response
from quizzes.qtypes import REGISTRY
from tests.api.conftest import answer_and_grade, answer_body, item_at, item_url, save_answer
from tests.factories import make_case, make_question, make_quiz, start_case, start_quiz
from tests.quizzes.helpers import key_tokens, wrong_tokens

pytestmark = pytest.mark.django_db


def test_start_creates_an_attempt_with_its_items(api, tutor_quiz):
    response = api.post(f"/api/v1/quizzes/{tutor_quiz.key}/attempts/")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["quiz"] == {"key": tutor_quiz.key, "title": tutor_quiz.title}
    assert [item["position"] for item in body["items"]] == list(range(len(REGISTRY.names())))
    assert all(not item["answered"] and not item["flagged"] for item in body["items"])


def test_start_again_resumes_the_open_attempt_with_200(api, tutor_quiz):
    first = api.post(f"/api/v1/quizzes/{tutor_quiz.key}/attempts/").json()
    again = api.post(f"/api/v1/quizzes/{tutor_quiz.key}/attempts/")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Attempt.objects.count() == 1


def test_exam_attempt_carries_its_deadline(api, exam_quiz):
    body = api.post(f"/api/v1/quizzes/{exam_quiz.key}/attempts/").json()
    assert body["mode"] == "exam"
    assert body["deadline"] is not None


def test_start_on_a_draft_quiz_is_404(api):
    draft = make_quiz([make_question()], is_published=False)
    assert api.post(f"/api/v1/quizzes/{draft.key}/attempts/").status_code == 404
    assert not Attempt.objects.exists()


def test_attempt_shows_answered_and_flagged_items(api, learner, exam_attempt):
    save_answer(learner, item_at(exam_attempt, 0))
    attempts.set_flag(item=item_at(exam_attempt, 1), flagged=True)
    items = api.get(f"/api/v1/attempts/{exam_attempt.pk}/").json()["items"]
    assert items == [
        {"position": 0, "flagged": False, "answered": True, "response_status": "saved"},
        {"position": 1, "flagged": True, "answered": False, "response_status": None},
    ]


def test_attempt_list_shows_own_attempts_only(api, learner, other_learner, tutor_quiz):
    mine = start_quiz(learner=learner, quiz=tutor_quiz)
    start_quiz(learner=other_learner, quiz=tutor_quiz)
    body = api.get("/api/v1/attempts/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]


def test_attempt_list_filters_by_status_and_refuses_an_unknown_one(api, learner, tutor_quiz):
    start_quiz(learner=learner, quiz=tutor_quiz)
    assert api.get("/api/v1/attempts/", {"status": "submitted"}).json()["count"] == 0
    refused = api.get("/api/v1/attempts/", {"status": "done"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["status"]


def test_flag_and_unflag_an_item(api, exam_attempt):
    url = item_url(exam_attempt, 1, "flag")
    assert api.post(url, {"flagged": True}, format="json").json() == {
        "position": 1,
        "flagged": True,
    }
    assert item_at(exam_attempt, 1).flagged
    api.post(url, {"flagged": False}, format="json")
    assert not item_at(exam_attempt, 1).flagged


def test_flag_without_a_value_is_400_naming_the_field(api, exam_attempt):
    response = api.post(item_url(exam_attempt, 0, "flag"), {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["flagged"]


def test_flag_on_a_submitted_attempt_is_409(api, exam_attempt):
    attempts.close_attempt(attempt_id=exam_attempt.pk)
    response = api.post(item_url(exam_attempt, 0, "flag"), {"flagged": True}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "attempt_closed"


def test_submit_closes_the_attempt_and_is_safe_to_repeat(api, exam_attempt):
    url = f"/api/v1/attempts/{exam_attempt.pk}/submit/"
    first = api.post(url)
    assert first.status_code == 200
    assert first.json()["status"] == "submitted"
    assert api.post(url).json()["submitted_at"] == first.json()["submitted_at"]


def test_results_before_submission_are_409(api, tutor_attempt):
    response = api.get(f"/api/v1/attempts/{tutor_attempt.pk}/results/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_submitted"
    assert "explanation" not in response.content.decode()


def test_results_after_submission_show_answers_keys_and_explanations(api, learner, exam_attempt):
    first, second = item_at(exam_attempt, 0), item_at(exam_attempt, 1)
    save_answer(learner, first, key_tokens(first))
    save_answer(learner, second, wrong_tokens(second))
    attempts.close_attempt(attempt_id=exam_attempt.pk)
    for response in Response.objects.all():
        pipeline.grade_response(response_id=response.pk)
    body = api.get(f"/api/v1/attempts/{exam_attempt.pk}/results/").json()
    assert body["grading_complete"] is True
    scores = [r.score for r in Response.objects.all()]
    assert None not in scores
    assert body["score"] == pytest.approx(sum(score or 0.0 for score in scores))
    assert [item["correct"] for item in body["items"]] == [True, False]
    assert body["items"][0]["answer"] == key_tokens(first)
    assert body["items"][0]["correct_answer"] == ["Tibial nerve"]
    assert "tibial nerve" in body["items"][0]["explanation"]


def test_results_show_the_key_of_an_unanswered_question(api, exam_attempt):
    attempts.close_attempt(attempt_id=exam_attempt.pk)
    item = api.get(f"/api/v1/attempts/{exam_attempt.pk}/results/").json()["items"][0]
    assert item["answer"] is None
    assert item["score"] is None
    assert item["correct_answer"] == ["Tibial nerve"]


def test_results_say_when_grading_is_still_running(api, learner, exam_attempt):
    item = item_at(exam_attempt)
    save_answer(learner, item, key_tokens(item))
    attempts.close_attempt(attempt_id=exam_attempt.pk)
    body = api.get(f"/api/v1/attempts/{exam_attempt.pk}/results/").json()
    assert body["grading_complete"] is False
    assert body["items"][0]["response_status"] == "pending"
    assert body["items"][0]["parts"] == []


def test_answer_after_the_exam_deadline_is_refused(api, exam_attempt):
    item = item_at(exam_attempt)
    with time_machine.travel(exam_attempt.deadline + timedelta(seconds=1)):
        response = api.post(
            item_url(exam_attempt, 0, "answer"), answer_body(key_tokens(item)), format="json"
        )
    assert response.status_code == 409
    assert response.json()["code"] == "attempt_closed"
    assert "Time is up" in response.json()["detail"]
    assert not Response.objects.exists()


def test_answer_just_before_the_deadline_is_saved(api, exam_attempt):
    item = item_at(exam_attempt)
    with time_machine.travel(exam_attempt.deadline - timedelta(seconds=1)):
        response = api.post(
            item_url(exam_attempt, 0, "answer"), answer_body(key_tokens(item)), format="json"
        )
    assert response.status_code == 201


def test_answer_to_a_submitted_attempt_is_refused(api, tutor_attempt):
    attempts.close_attempt(attempt_id=tutor_attempt.pk)
    item = item_at(tutor_attempt)
    response = api.post(
        item_url(tutor_attempt, 0, "answer"), answer_body(key_tokens(item)), format="json"
    )
    assert response.status_code == 409
    assert not Response.objects.exists()


@pytest.fixture
def case_attempt(learner):
    case = make_case([[make_question()], [make_question("true_false")]])
    return start_case(learner=learner, case=case).attempt


def test_question_of_a_later_case_stage_is_closed_until_the_stage_before_is_answered(
    api, learner, case_attempt
):
    closed = api.get(item_url(case_attempt, 1))
    assert closed.status_code == 409
    assert closed.json()["code"] == "not_open"
    assert "stem" not in closed.content.decode()
    answer_and_grade(learner, item_at(case_attempt, 0))
    assert api.get(item_url(case_attempt, 1)).status_code == 200


def test_answer_to_a_later_case_stage_is_refused(api, case_attempt):
    item = item_at(case_attempt, 1)
    response = api.post(
        item_url(case_attempt, 1, "answer"), answer_body(key_tokens(item)), format="json"
    )
    assert response.status_code == 409
    assert not Response.objects.exists()


def test_start_after_an_exam_ran_out_submits_it_and_starts_anew(api, learner, exam_quiz):
    exam_quiz.attempts_allowed = 2
    exam_quiz.save()
    old = start_quiz(learner=learner, quiz=exam_quiz)
    assert old.deadline is not None
    with time_machine.travel(old.deadline + timedelta(minutes=1)):
        response = api.post(f"/api/v1/quizzes/{exam_quiz.key}/attempts/")
    assert response.status_code == 201
    assert response.json()["id"] != old.pk
    old.refresh_from_db()
    assert old.status == AttemptStatus.SUBMITTED
