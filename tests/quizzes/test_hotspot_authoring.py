"""Hotspot authoring in the admin: an upload survives a refused form, the question preview shows
the figure, and the educators' region labels never reach a learner."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes import attempts, authoring, pipeline
from quizzes.models import Figure, FigureRegion
from tests.factories import SQUARE_SVG, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key
from tests.test_admin import figure_form

pytestmark = pytest.mark.django_db


def pending_token(html: str) -> str:
    match = re.search(r'name="pending_image" value="([^"]+)"', html)
    assert match, "the refused form keeps no upload"
    return match.group(1)


def test_an_upload_is_kept_when_the_figure_form_is_refused(educator_client):
    upload = SimpleUploadedFile("heel.svg", SQUARE_SVG, content_type="image/svg+xml")
    refused = educator_client.post(
        reverse("admin:quizzes_figure_add"), figure_form(upload) | {"alt_text": ""}
    )
    assert refused.status_code == 200
    assert not Figure.objects.exists()
    html = refused.content.decode()
    assert "Your upload heel.svg is kept" in html

    data: dict[str, Any] = figure_form("") | {"pending_image": pending_token(html)}
    del data["image"]
    saved = educator_client.post(reverse("admin:quizzes_figure_add"), data)
    assert saved.status_code == 302
    figure = Figure.objects.get()
    assert (figure.width, figure.height) == (100, 100)
    with figure.image.open("rb") as handle:
        assert b"<svg" in handle.read()


def test_a_forged_pending_upload_is_ignored(educator_client):
    data: dict[str, Any] = figure_form("") | {"pending_image": "figures/pending/other.svg"}
    del data["image"]
    response = educator_client.post(reverse("admin:quizzes_figure_add"), data)
    assert response.status_code == 200
    assert not Figure.objects.exists()


def test_the_question_preview_shows_the_figure_and_the_regions_in_learners_words(
    educator_client,
):
    question = make_question("hotspot")
    assert question.figure is not None
    response = educator_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    html = response.content.decode()
    assert reverse("figure-image", args=[question.figure.pk]) in html
    assert "the left half" in html


def test_educator_only_region_labels_never_reach_the_learner(learner_client, learner):
    question = make_question("hotspot")
    item = start_quiz(learner=learner, quiz=make_quiz([question])).items.get()
    before = learner_client.get(f"/attempts/{item.attempt_id}/q/0/").content.decode()
    response = attempts.submit_answer(
        learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
    ).response
    pipeline.grade_response(response_id=response.pk)
    after = learner_client.get(f"/attempts/{item.attempt_id}/q/0/").content.decode()
    assert "Correct" in after
    for label in ("Left half", "Right half"):
        assert label not in before
        assert label not in after
    assert "the left half" in after


def current_descriptions(question) -> set[str]:
    question.refresh_from_db()
    content = question.current_version.content
    return {region["description"] for region in content["figure"]["regions"]}


def test_a_figure_edit_reaches_its_questions_learners(educator_client, educator):
    question = make_question("hotspot")
    assert question.figure is not None
    FigureRegion.objects.filter(figure=question.figure, key="left").update(
        description="the side nearer the wall"
    )
    assert authoring.refresh_figure_questions(figure=question.figure, actor=educator) == []
    assert current_descriptions(question) == {"the side nearer the wall", "the right half"}


def test_a_figure_edit_that_would_unpublish_a_question_keeps_its_version(educator):
    question = make_question("hotspot")
    assert question.figure is not None
    FigureRegion.objects.filter(figure=question.figure, key="left").update(description="")
    kept = authoring.refresh_figure_questions(figure=question.figure, actor=educator)
    assert [(q.pk, "Describe every region" in problem) for q, problem in kept] == [
        (question.pk, True)
    ]
    assert current_descriptions(question) == {"the left half", "the right half"}
