"""The case player through the API: stages open one by one, the debrief at the end."""

from __future__ import annotations

import pytest

from cases.models import CaseAttempt
from quizzes.models import Status
from tests.api.conftest import answer_and_grade, item_at
from tests.factories import FigureFactory, make_case, make_question

pytestmark = pytest.mark.django_db

HIDDEN_BODY = "The diagnosis is medial calcaneal nerve entrapment."


@pytest.fixture
def case():
    case = make_case([[make_question()], [make_question("true_false")]], title="Runner")
    last = case.stages.get(position=1)
    last.body = HIDDEN_BODY
    last.save()
    last.figures.add(FigureFactory())
    return case


def start(api, case):
    return api.post(f"/api/v1/cases/{case.key}/attempts/")


def test_start_a_case_then_resume_it(api, case):
    first = start(api, case)
    assert first.status_code == 201
    again = start(api, case)
    assert again.status_code == 200
    assert again.json()["attempt"]["id"] == first.json()["attempt"]["id"]
    assert CaseAttempt.objects.count() == 1


def test_later_stage_is_locked_until_the_first_is_answered(api, learner, case):
    body = start(api, case).json()
    first, second = body["stages"]
    assert first["revealed"]
    assert first["body"]
    assert first["positions"] == [0]
    assert second == {
        "number": 2,
        "kind": "history",
        "revealed": False,
        "complete": False,
        "title": None,
        "body": None,
        "body_html": None,
        "figures": [],
        "positions": [1],
    }
    assert HIDDEN_BODY not in start(api, case).content.decode()
    attempt = CaseAttempt.objects.get().attempt
    answer_and_grade(learner, item_at(attempt, 0))
    opened = api.get(f"/api/v1/case-attempts/{attempt.pk}/").json()["stages"][1]
    assert opened["body"] == HIDDEN_BODY
    assert opened["figures"][0]["image_url"].endswith("/image/")


def test_debrief_comes_once_every_stage_is_answered(api, learner, case):
    attempt_id = start(api, case).json()["attempt"]["id"]
    attempt = CaseAttempt.objects.get().attempt
    assert api.get(f"/api/v1/case-attempts/{attempt_id}/").json()["debrief"] is None
    for position in (0, 1):
        answer_and_grade(learner, item_at(attempt, position))
    body = api.get(f"/api/v1/case-attempts/{attempt_id}/").json()
    assert body["finished"] is True
    assert body["attempt"]["status"] == "submitted"
    assert "Recognise medial calcaneal nerve entrapment" in body["debrief"]["learning_objectives"]


def test_draft_case_cannot_be_started(api):
    draft = make_case([[make_question()]], status=Status.DRAFT)
    assert start(api, draft).status_code == 404


def test_other_learner_gets_404_on_case_attempt(api, other_api, case):
    attempt_id = start(api, case).json()["attempt"]["id"]
    assert other_api.get(f"/api/v1/case-attempts/{attempt_id}/").status_code == 404


def test_a_quiz_attempt_is_not_a_case_attempt(api, tutor_attempt):
    assert api.get(f"/api/v1/case-attempts/{tutor_attempt.pk}/").status_code == 404


@pytest.mark.parametrize("stages", [1, 6])
def test_case_attempt_queries_do_not_grow_with_stages(api, stages, django_assert_max_num_queries):
    case = make_case([[make_question(), make_question()] for _ in range(stages)])
    attempt_id = start(api, case).json()["attempt"]["id"]
    with django_assert_max_num_queries(
        7
    ):  # token user, case attempt, open check, items, stages, figures, items
        assert api.get(f"/api/v1/case-attempts/{attempt_id}/").status_code == 200
