"""Before the learner answers (tutor) or submits (exam), no endpoint gives the key away.

Walks every learner-visible endpoint and checks the raw JSON for the authored explanation,
references, per-part feedback, accepted answers, educators' region labels and the key's fields.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from quizzes import attempts, pipeline
from quizzes.models import AcceptedAnswer, Attempt
from quizzes.qtypes import REGISTRY
from quizzes.selectors import PEER_STATS_MIN_LEARNERS
from quizzes.versioning import record_version
from tests.api.conftest import answer_and_grade, item_at, save_answer
from tests.factories import (
    QuestionFactory,
    UserFactory,
    make_case,
    make_question,
    make_quiz,
    start_case,
    start_quiz,
)
from tests.quizzes.helpers import wrong_tokens

pytestmark = pytest.mark.django_db

SECRET_TEXTS = [
    "SECRET-EXPLANATION",
    "SECRET-REFERENCE",
    "Feedback on",  # every option's authored feedback
    "About ",  # the ranked differential's option feedback
    "This is the",  # hotspot targets' feedback
    "Left half",  # region labels are for educators only
    "Right half",
    "quokka",  # the short answer's accepted answer and synonym
    "QUOKKA-FEEDBACK",
]
SECRET_KEYS = {
    "correct",
    "is_correct",
    "explanation",
    "explanation_html",
    "references",
    "references_html",
    "rank",
    "must_not_miss",
    "accepted_answers",
    "synonyms",
    "correct_answer",
    "expected",
    "share",
}
NULL_UNTIL_ANSWERED = {"feedback", "peer_shares"}


def secret_question(question_type: str):
    fields = {"explanation": "SECRET-EXPLANATION", "references": "SECRET-REFERENCE"}
    if question_type != "short_answer":
        return make_question(question_type, **fields)
    question = QuestionFactory(type=question_type, **fields)
    AcceptedAnswer.objects.create(
        question=question, text="quokka branch", synonyms="quokka nerve", feedback="QUOKKA-FEEDBACK"
    )
    record_version(question=question)
    question.refresh_from_db()
    return question


@pytest.fixture
def secret_quizzes():
    tutor = make_quiz([secret_question(t) for t in REGISTRY.names()], title="Tutor")
    exam = make_quiz(
        [secret_question(t) for t in REGISTRY.names()],
        mode="exam",
        time_limit_minutes=30,
        title="Exam",
    )
    case = make_case([[secret_question(t)] for t in REGISTRY.names()[:6]])
    # Enough peers answered for peer statistics to exist.
    for number in range(PEER_STATS_MIN_LEARNERS):
        peer = UserFactory(username=f"peer{number}")
        for quiz in (tutor, exam):
            attempt = start_quiz(learner=peer, quiz=quiz)
            for item in attempt.items.select_related("version"):
                save_answer(peer, item)
            attempts.close_attempt(attempt_id=attempt.pk)
            for response in attempt.items.values_list("response", flat=True):
                pipeline.grade_response(response_id=response)
    return tutor, exam, case


def walk(api, attempts: list[Attempt]) -> list[tuple[str, Any]]:
    """Every learner-visible API response, as (url, raw text)."""
    pages = []

    def get(url: str) -> None:
        response = api.get(url)
        assert response.status_code in (200, 409), (url, response.status_code)
        pages.append((url, response.content.decode()))

    for url in (
        "/api/v1/quizzes/",
        "/api/v1/cases/",
        "/api/v1/topics/",
        "/api/v1/attempts/",
        "/api/v1/review/",
        "/api/v1/progress/",
        "/api/v1/settings/",
        "/api/v1/practice/pools/",
    ):
        get(url)
    served = api.post("/api/v1/review/next/")
    pages.append(("review next", served.content.decode()))
    if not served.json()["done"]:
        item = f"/api/v1/attempts/{served.json()['attempt_id']}/items/{served.json()['position']}/"
        get(item)
        get(f"{item}feedback/")
    for attempt in attempts:
        if attempt.kind == "case":
            get(f"/api/v1/case-attempts/{attempt.pk}/")
        if attempt.quiz is not None:
            get(f"/api/v1/quizzes/{attempt.quiz.key}/")
            started = api.post(f"/api/v1/quizzes/{attempt.quiz.key}/attempts/")
            pages.append(("start", started.content.decode()))
        get(f"/api/v1/attempts/{attempt.pk}/")
        get(f"/api/v1/attempts/{attempt.pk}/results/")
        for position in range(attempt.items.count()):
            get(f"/api/v1/attempts/{attempt.pk}/items/{position}/")
            get(f"/api/v1/attempts/{attempt.pk}/items/{position}/feedback/")
            get(f"/api/v1/attempts/{attempt.pk}/items/{position}/tools/")
    return pages


def leaks(text: str) -> list[str]:
    found = [secret for secret in SECRET_TEXTS if secret in text]

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in SECRET_KEYS:
                    found.append(f"key {key!r}")
                if key in NULL_UNTIL_ANSWERED and value is not None:
                    found.append(f"{key} is not null")
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(json.loads(text))
    return found


def assert_no_leak(pages: list[tuple[str, str]]) -> None:
    problems = {url: found for url, text in pages if (found := leaks(text))}
    assert problems == {}


def test_nothing_leaks_before_the_learner_answers(api, learner, secret_quizzes):
    tutor, exam, case = secret_quizzes
    attempts = [
        start_quiz(learner=learner, quiz=tutor),
        start_quiz(learner=learner, quiz=exam),
        start_case(learner=learner, case=case).attempt,
    ]
    pages = walk(api, attempts)
    assert len(pages) > 50
    assert_no_leak(pages)


def test_nothing_leaks_from_an_answered_exam_before_submission(api, learner, secret_quizzes):
    _tutor, exam, _case = secret_quizzes
    attempt = start_quiz(learner=learner, quiz=exam)
    for item in attempt.items.select_related("version"):
        save_answer(learner, item, wrong_tokens(item))  # the key's words would be the learner's
    assert_no_leak(walk(api, [attempt]))


def test_nothing_leaks_while_tutor_answers_wait_for_grading(api, learner, secret_quizzes):
    tutor, _exam, _case = secret_quizzes
    attempt = start_quiz(learner=learner, quiz=tutor)
    for item in attempt.items.select_related("version"):
        save_answer(learner, item, wrong_tokens(item))  # the key's words would be the learner's
    assert_no_leak(walk(api, [attempt]))


def test_the_walk_does_find_the_key_once_answered(api, learner, secret_quizzes):
    """The detector itself works: a graded tutor answer shows its explanation and key."""
    tutor, _exam, _case = secret_quizzes
    attempt = start_quiz(learner=learner, quiz=tutor)
    answer_and_grade(learner, item_at(attempt, 0))
    found = leaks(api.get(f"/api/v1/attempts/{attempt.pk}/items/0/").content.decode())
    assert "SECRET-EXPLANATION" in found
    assert "key 'correct'" in found
    assert "peer_shares is not null" in found
