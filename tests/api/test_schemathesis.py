"""Schemathesis against the live schema, through the WSGI app, as a learner mid-way.

Every operation gets generated requests (schema examples, boundary values and fuzzed data,
positive and negative) and every reply must be no 5xx, a documented status, JSON, valid
against the documented schema, and invalid requests must be refused. Path parameters point at
the learner's own objects, so the handlers behind the ownership check run too. Bounded by `max_examples` so CI stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from edu_platform.tokens import issue_token
from quizzes import attempts, pipeline
from quizzes.models import Response, ReviewCard
from quizzes.selectors import PEER_STATS_MIN_LEARNERS
from tests.api.conftest import answer_and_grade, item_at, save_answer
from tests.factories import (
    TopicFactory,
    UserFactory,
    make_case,
    make_question,
    start_case,
    start_quiz,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django as a WSGI app on the test's connection: like the test client, it must not close
    the connection (and with it the test's transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def learner_state(learner, tutor_quiz, exam_quiz):
    """A learner halfway through a tutor attempt (first answer graded, with peer statistics,
    second saved) beside a submitted, graded exam; a review card; a case; a topic."""
    TopicFactory(slug="anatomy")
    case = make_case([[make_question()], [make_question()]])
    case_attempt = start_case(learner=learner, case=case)
    for number in range(PEER_STATS_MIN_LEARNERS):
        peer = UserFactory(username=f"peer{number}")
        answer_and_grade(peer, item_at(start_quiz(learner=peer, quiz=tutor_quiz)))
    tutor = start_quiz(learner=learner, quiz=tutor_quiz)
    answer_and_grade(learner, item_at(tutor, 0))
    save_answer(learner, item_at(tutor, 1))
    exam = start_quiz(learner=learner, quiz=exam_quiz)
    save_answer(learner, item_at(exam, 0))
    attempts.close_attempt(attempt_id=exam.pk)
    for response in Response.objects.filter(item__attempt=exam):
        pipeline.grade_response(response_id=response.pk)
    token, _expiry = issue_token(user=learner)
    return {
        "attempts": [tutor.pk, exam.pk, case_attempt.attempt_id],
        "quiz": tutor_quiz.key,
        "case": case.key,
        "card": ReviewCard.objects.filter(learner=learner).earliest("pk").pk,
        "token": token,
    }


# Loaded at collection from the app itself (the schema view needs no database). Not through
# `schemathesis.pytest.from_fixture`: its lazy loader breaks on pytest 9 (Function._nodeid).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, learner_state, wsgi_app):
    # Generated ids would nearly always be someone else's (404): aim them at the learner's own
    # objects; the generated number picks the tutor attempt in progress, the submitted exam or
    # the case attempt.
    on_cases = case.operation.path.startswith(("/api/v1/cases/", "/api/v1/case-attempts/"))
    for name, value in dict(case.path_parameters or {}).items():
        number = abs(value) if isinstance(value, int) else 0
        if name == "position":
            case.path_parameters[name] = number % 8
        elif name == "attempt_id":
            attempts = learner_state["attempts"]
            case.path_parameters[name] = attempts[2] if on_cases else attempts[number % 3]
        elif name == "key":
            case.path_parameters[name] = learner_state["case" if on_cases else "quiz"]
        elif name == "card_id":
            case.path_parameters[name] = learner_state["card"]
    case.call_and_validate(
        app=wsgi_app, headers={"Authorization": f"Token {learner_state['token']}"}, checks=CHECKS
    )
