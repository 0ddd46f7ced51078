"""A case's question page shows the case so far: the question's stage open, earlier stages
collapsed, later stages never."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from tests.factories import FigureFactory, make_case, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens

pytestmark = pytest.mark.django_db


def _question_page(client, attempt, position) -> str:
    response = client.get(reverse("attempt-question", args=[attempt.pk, position]))
    assert response.status_code == 200
    return response.content.decode()


def _answer(client, attempt, position) -> None:
    item = attempt.items.get(position=position)
    data = {"idempotency_key": str(uuid.uuid4()), "choice": key_tokens(item)["choice"]}
    client.post(reverse("attempt-answer", args=[attempt.pk, position]), data)


@pytest.fixture
def case_attempt(learner_client):
    case = make_case([[make_question()], [make_question()], [make_question()]], title="Runner")
    case.stages.get(position=0).figures.add(FigureFactory(caption="The heel, from the inside."))
    learner_client.post(reverse("case-start", args=[case.key]))
    return Attempt.objects.get()


def test_first_stage_question_shows_its_stage_text_and_figure(learner_client, case_attempt):
    page = _question_page(learner_client, case_attempt, 0)
    assert "The case: Runner" in page
    context = page.split('class="card case-context"', 1)[1].split("</section>", 1)[0]
    assert "Stage 1 of the story." in context
    assert "The heel, from the inside." in context
    assert "<details" not in context  # the current stage is open
    assert "Stage 2 of the story." not in page


def test_later_stage_question_shows_earlier_stages_collapsed(learner_client, case_attempt):
    _answer(learner_client, case_attempt, 0)
    page = _question_page(learner_client, case_attempt, 1)
    context = page.split('class="card case-context"', 1)[1].split("</section>", 1)[0]
    earlier = re.search(
        r"<details class=\"case-stage case-stage-earlier\">(.*?)</details>", context, re.S
    )
    assert earlier is not None
    assert "Stage 1 of the story." in earlier.group(1)
    current = context.split("</details>")[-1]
    assert "Stage 2 of 3" in current
    assert "Stage 2 of the story." in current
    assert "Stage 3 of the story." not in page  # a stage not reached stays hidden


def test_quiz_question_has_no_case_panel(learner_client, learner):
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question()]))
    assert "case-context" not in _question_page(learner_client, attempt, 0)


def test_case_question_page_query_count(
    learner_client, case_attempt, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        _question_page(learner_client, case_attempt, 0)
