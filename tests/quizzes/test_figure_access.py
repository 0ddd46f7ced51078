"""A figure's image is served only while a question or stage the learner can see shows it,
never while it would answer a hotspot question still open to them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import FigureRegion
from tests.api.conftest import answer_and_grade, item_at
from tests.factories import (
    FigureFactory,
    make_case,
    make_question,
    make_quiz,
    start_case,
    start_quiz,
)

pytestmark = pytest.mark.django_db


def image(client, figure):
    return client.get(reverse("figure-image", args=[figure.pk]))


def test_a_figure_no_question_of_the_learner_shows_is_a_404(learner_client):
    figure = FigureFactory()
    assert image(learner_client, figure).status_code == 404


def test_the_figure_of_a_hotspot_question_in_the_learners_attempt_is_served(
    learner, learner_client
):
    question = make_question("hotspot")
    start_quiz(learner=learner, quiz=make_quiz([question]))
    response = image(learner_client, question.figure)
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_another_learners_attempt_gives_no_access(client, learner, other_learner):
    question = make_question("hotspot")
    start_quiz(learner=other_learner, quiz=make_quiz([question]))
    client.force_login(learner)
    assert image(client, question.figure).status_code == 404


def test_a_later_stages_figure_opens_with_its_stage(learner, learner_client):
    figure = FigureFactory()
    case = make_case([[make_question()], [make_question()]])
    case.stages.get(position=1).figures.add(figure)
    attempt = start_case(learner=learner, case=case).attempt
    assert image(learner_client, figure).status_code == 404
    answer_and_grade(learner, item_at(attempt, 0))
    assert image(learner_client, figure).status_code == 200


def test_a_labelled_twin_is_refused_while_its_hotspot_question_is_open(learner, learner_client):
    question = make_question("hotspot")  # on an unlabelled figure
    assert question.figure is not None
    labelled = FigureFactory(title="The same, labelled", regions=[])
    for region in question.figure.regions.all():
        FigureRegion.objects.create(
            figure=labelled, key=region.key, label=region.label, points=region.points
        )
    case = make_case([[question]])
    case.stages.get(position=0).figures.add(labelled)
    attempt = start_case(learner=learner, case=case).attempt
    assert image(learner_client, question.figure).status_code == 200
    assert image(learner_client, labelled).status_code == 404  # it would show where to click
    answer_and_grade(learner, item_at(attempt, 0))
    assert image(learner_client, labelled).status_code == 200


def test_uploaded_files_have_no_public_url(learner_client):
    figure = FigureFactory()
    assert learner_client.get(f"/media/{figure.image.name}").status_code == 404


def test_educators_see_every_figure_for_authoring(educator_client):
    assert image(educator_client, FigureFactory()).status_code == 200
