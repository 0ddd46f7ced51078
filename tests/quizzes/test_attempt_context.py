"""Extension points for work another app sets (a cohort's assignment): an attempt's context,
counted apart from the learner's own practice, cut at the context's close, with the standing
accommodation; and results an app holds back, followed by every learner-facing rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, learner_view, pipeline
from quizzes.attempts import AttemptContext, AttemptLimitReached
from quizzes.models import Attempt, ExamAccommodation, QuizMode
from tests.api.conftest import save_answer, token_client
from tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

EXPLANATION = "The medial calcaneal branches arise from the tibial nerve."


def context(**fields) -> AttemptContext:
    return AttemptContext(kind="test-context", id=7, **fields)


@pytest.fixture
def exam(db):
    return make_quiz(
        [make_question(explanation=EXPLANATION)], mode=QuizMode.EXAM, time_limit_minutes=30
    )


@pytest.fixture
def held_back(monkeypatch):
    """A rule holding back the results of every attempt in the test context."""
    rules: list = []
    monkeypatch.setattr(learner_view, "_WITHHELD", rules)
    learner_view.register_withheld_attempts(lambda now: Q(context_kind="test-context"))
    return rules


def test_an_attempt_in_a_context_records_it_and_is_counted_apart(learner, exam):
    own, _ = attempts.start_quiz_attempt(learner=learner, quiz=exam)
    attempts.submit_attempt(attempt_id=own.pk)
    set_work, created = attempts.start_quiz_attempt(learner=learner, quiz=exam, context=context())
    assert created
    assert (set_work.context_kind, set_work.context_id) == ("test-context", 7)
    assert attempts.attempts_left(learner=learner, quiz=exam) == 0


def test_a_context_sets_the_number_of_attempts(learner, exam):
    for _ in range(2):
        attempt, _ = attempts.start_quiz_attempt(
            learner=learner, quiz=exam, context=context(attempts_allowed=2)
        )
        attempts.submit_attempt(attempt_id=attempt.pk)
    with pytest.raises(AttemptLimitReached):
        attempts.start_quiz_attempt(learner=learner, quiz=exam, context=context(attempts_allowed=2))


def test_the_deadline_is_cut_at_the_close_and_stretched_by_the_accommodation(learner, exam):
    ExamAccommodation.objects.create(learner=learner, time_multiplier=1.5, extra_minutes=5)
    now = timezone.now()
    far, _ = attempts.start_quiz_attempt(
        learner=learner, quiz=exam, now=now, context=context(closes_at=now + timedelta(days=1))
    )
    assert far.deadline == now + timedelta(minutes=30 * 1.5 + 5)
    attempts.submit_attempt(attempt_id=far.pk)
    close = now + timedelta(minutes=10)
    near, _ = attempts.start_quiz_attempt(
        learner=learner,
        quiz=exam,
        now=now,
        context=AttemptContext(kind="test-context", id=8, closes_at=close),
    )
    assert near.deadline == close


def submitted_exam(learner, exam) -> Attempt:
    attempt, _ = attempts.start_quiz_attempt(learner=learner, quiz=exam, context=context())
    response = save_answer(learner, attempt.items.get())
    attempts.submit_attempt(attempt_id=attempt.pk)
    pipeline.grade_response(response_id=response.pk)
    attempt.refresh_from_db()
    return attempt


def test_held_back_results_show_no_score_key_or_explanation(learner, exam, held_back):
    attempt = submitted_exam(learner, exam)
    assert attempt.score is not None
    body = token_client(learner).get(f"/api/v1/attempts/{attempt.pk}/results/").json()
    assert body["score"] is None
    assert body["results_released"] is False
    [item] = body["items"]
    assert item["key_visible"] is False
    assert item["score"] is None
    assert EXPLANATION not in str(body)


def test_held_back_results_page_says_they_come_later(learner, learner_client, exam, held_back):
    attempt = submitted_exam(learner, exam)
    page = learner_client.get(reverse("attempt-results", args=[attempt.pk])).content.decode()
    assert "releases the results of this exam later" in page
    assert "Score:" not in page
    assert EXPLANATION not in page
    progress = learner_client.get(reverse("progress")).content.decode()
    assert "results not released yet" in progress


def test_released_results_show_as_before(learner, exam, held_back):
    held_back.clear()
    attempt = submitted_exam(learner, exam)
    body = token_client(learner).get(f"/api/v1/attempts/{attempt.pk}/results/").json()
    assert body["score"] == attempt.score
    assert EXPLANATION in body["items"][0]["explanation"]


def test_the_review_queue_never_serves_a_question_of_a_held_back_exam(learner, exam, held_back):
    submitted_exam(learner, exam)
    hidden = learner_view.questions_not_to_serve(learner, field="pk")
    assert not exam.questions.exclude(hidden).exists()


def test_the_attempt_list_hides_a_held_back_score(learner, exam, held_back):
    submitted_exam(learner, exam)
    [row] = token_client(learner).get("/api/v1/attempts/").json()["results"]
    assert row["score"] is None
    assert row["results_released"] is False
