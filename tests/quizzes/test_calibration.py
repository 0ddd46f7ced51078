"""Confidence with answers, and calibration on results and progress (checked by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from quizzes import attempts
from quizzes.calibration import calibration, confident_errors, learner_calibration
from quizzes.models import Confidence, QuizMode, Response
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import answer_and_grade, key_tokens, new_key

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
# (confidence, right) of ten answers, and what a person counts from them.
EXAMPLE = [
    ("sure", True), ("sure", True), ("sure", True), ("sure", False),
    ("unsure", True), ("unsure", False), ("unsure", False),
    ("guess", False), ("guess", True),
    ("", True),
]  # fmt: skip


def as_table(result):
    return {level.confidence: (level.answered, level.correct) for level in result.levels}


def test_calibration_matches_a_hand_count():
    result = calibration(EXAMPLE)
    assert as_table(result) == {"guess": (2, 1), "unsure": (3, 1), "sure": (4, 3)}
    accuracy = {level.confidence: level.accuracy for level in result.levels}
    assert accuracy == {"guess": 0.5, "unsure": pytest.approx(1 / 3), "sure": 0.75}
    assert (result.rated, result.unrated) == (9, 1)


def test_a_level_never_used_has_no_accuracy():
    result = calibration([("sure", True)])
    assert [level.accuracy for level in result.levels] == [None, None, 1.0]


def answer(learner, item, *, right, confidence, at=NOW):
    return answer_and_grade(learner, item, right=right, confidence=confidence, at=at)


def answered_example(learner):
    questions = [make_question(title=f"Example {n}") for n in range(len(EXAMPLE))]
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions), now=NOW)
    for index, (item, (confidence, right)) in enumerate(
        zip(attempt.items.order_by("position"), EXAMPLE, strict=True)
    ):
        answer(learner, item, right=right, confidence=confidence, at=NOW + timedelta(minutes=index))
    attempts.submit_attempt(attempt_id=attempt.pk, now=NOW + timedelta(hours=1))
    return attempt


def test_the_learners_calibration_is_counted_from_their_graded_answers(learner, other_learner):
    answered_example(learner)
    answered_example(other_learner)
    result = learner_calibration(learner)
    assert as_table(result) == {"guess": (2, 1), "unsure": (3, 1), "sure": (4, 3)}
    assert result.unrated == 1


def test_confident_errors_are_the_sure_but_wrong_answers_newest_first(learner):
    attempt = answered_example(learner)
    [log] = confident_errors(learner)
    wrong_sure = attempt.items.get(position=3)
    assert log.question_id == wrong_sure.question_id


def test_a_question_answered_sure_and_wrong_twice_is_listed_once(learner):
    question = make_question()
    for day in range(2):
        attempt = start_quiz(learner=learner, quiz=make_quiz([question]), now=NOW)
        answer(
            learner, attempt.items.get(), right=False, confidence="sure",
            at=NOW + timedelta(days=day),
        )  # fmt: skip
    assert [log.question_id for log in confident_errors(learner)] == [question.pk]


def test_results_list_the_confident_errors_first_then_topics_and_calibration(
    learner, learner_client
):
    attempt = answered_example(learner)
    body = learner_client.get(reverse("attempt-results", args=[attempt.pk])).content.decode()
    errors = body.index("Sure, but not correct")
    assert errors < body.index("How sure you were") < body.index('id="q-1"')
    assert 'href="#q-4"' in body[errors : body.index("How sure you were")]
    assert "75%" in body  # sure: 3 of 4
    assert "33%" in body  # unsure: 1 of 3


def test_the_progress_page_shows_calibration_and_confident_errors(learner, learner_client):
    answered_example(learner)
    body = learner_client.get(reverse("progress")).content.decode()
    assert "How sure you were" in body
    assert "Example 3" in body[body.index("Sure, but not correct") :]


def test_the_progress_api_reports_calibration(learner, learner_client):
    answered_example(learner)
    data = learner_client.get("/api/v1/progress/").json()
    levels = {row["confidence"]: row for row in data["calibration"]["levels"]}
    assert (levels["sure"]["answered"], levels["sure"]["fully_correct"]) == (4, 3)
    assert [row["question"] for row in data["confident_errors"]] == ["Example 3"]


def test_a_quiz_that_does_not_ask_for_confidence_shows_no_question_and_keeps_none(
    learner, learner_client
):
    quiz = make_quiz([make_question()], ask_confidence=False)
    attempt = start_quiz(learner=learner, quiz=quiz)
    item = attempt.items.get()
    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, 0]))
    assert b"How sure are you?" not in page.content
    attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=key_tokens(item),
        idempotency_key=new_key(),
        confidence=Confidence.SURE,
    )
    assert Response.objects.get(item=item).confidence == ""


def test_a_timed_exam_that_asks_for_confidence_saves_it_with_the_answer(learner, learner_client):
    quiz = make_quiz([make_question()], mode=QuizMode.EXAM, time_limit_minutes=10)
    attempt = start_quiz(learner=learner, quiz=quiz)
    item = attempt.items.get()
    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, 0]))
    assert b"How sure are you?" in page.content
    reply = learner_client.post(
        reverse("api-item-answer", args=[attempt.pk, 0]),
        {
            "answer": key_tokens(item),
            "confidence": "unsure",
            "idempotency_key": str(new_key()),
            "client_seq": 1,
        },
        content_type="application/json",
    )
    assert reply.status_code == 201
    assert Response.objects.get(item=item).confidence == "unsure"
