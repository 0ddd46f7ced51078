"""Quizzes, cases and topics: published only, filterable by topic, paginated, fixed queries."""

from __future__ import annotations

import pytest

from quizzes.models import Status
from tests.factories import TopicFactory, make_case, make_question, make_quiz

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    return [row["key"] for row in response.json()["results"]]


def test_quiz_list_shows_published_quizzes_only(api):
    published = make_quiz([make_question()], title="A published quiz")
    make_quiz([make_question()], title="A draft quiz", is_published=False)
    response = api.get("/api/v1/quizzes/")
    assert response.status_code == 200
    assert keys(response) == [published.key]


def test_quiz_list_filters_by_topic(api):
    anatomy = TopicFactory(slug="anatomy")
    tagged = make_question()
    tagged.topics.add(anatomy)
    wanted = make_quiz([tagged, make_question()], title="Anatomy")
    make_quiz([make_question()], title="Other")
    response = api.get("/api/v1/quizzes/", {"topic": "anatomy"})
    assert keys(response) == [wanted.key]
    assert response.json()["results"][0]["question_count"] == 2


def test_quiz_list_is_paginated(api):
    for number in range(25):
        make_quiz(title=f"Quiz {number:02}")
    first = api.get("/api/v1/quizzes/").json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["next"] is not None
    assert len(api.get(first["next"]).json()["results"]) == 5


def test_page_past_the_end_is_404_in_the_error_shape(api):
    response = api.get("/api/v1/quizzes/", {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_draft_quiz_detail_is_404(api):
    draft = make_quiz([make_question()], is_published=False)
    assert api.get(f"/api/v1/quizzes/{draft.key}/").status_code == 404


def test_quiz_detail_renders_description_html(api):
    quiz = make_quiz(description="Read **this**.")
    body = api.get(f"/api/v1/quizzes/{quiz.key}/").json()
    assert body["description_html"] == "<p>Read <strong>this</strong>.</p>"


def test_case_list_shows_published_cases_only(api):
    published = make_case([[make_question()]], title="Published case")
    make_case([[make_question()]], title="Draft case", status=Status.DRAFT)
    response = api.get("/api/v1/cases/")
    assert keys(response) == [published.key]
    assert response.json()["results"][0]["stage_count"] == 1


def test_case_list_filters_by_topic(api):
    topic = TopicFactory(slug="treatment")
    wanted = make_case([[make_question()], [make_question()]], title="Treated")
    wanted.topics.add(topic)
    make_case([[make_question()]], title="Untagged")
    response = api.get("/api/v1/cases/", {"topic": "treatment"})
    assert keys(response) == [wanted.key]
    assert response.json()["results"][0]["topics"] == [{"slug": "treatment", "name": "Treatment"}]


def test_topic_list(api):
    TopicFactory(slug="anatomy", name="Anatomy")
    assert api.get("/api/v1/topics/").json()["results"] == [{"slug": "anatomy", "name": "Anatomy"}]


@pytest.mark.parametrize("count", [1, 12])
def test_quiz_list_queries_do_not_grow_with_quizzes_or_questions(
    api, count, django_assert_max_num_queries
):
    for number in range(count):
        make_quiz([make_question() for _ in range(count)], title=f"Quiz {number}")
    with django_assert_max_num_queries(4):  # token user, count, page (+ savepoint slack)
        assert api.get("/api/v1/quizzes/").status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_case_list_queries_do_not_grow_with_cases_or_topics(
    api, count, django_assert_max_num_queries
):
    topics = [TopicFactory() for _ in range(count)]
    for number in range(count):
        make_case([[make_question()]] * 2, title=f"Case {number}").topics.add(*topics)
    with django_assert_max_num_queries(5):  # token user, count, page, topics
        assert api.get("/api/v1/cases/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/quizzes/", "/api/v1/cases/"])
def test_a_topic_that_is_not_a_slug_is_400_not_a_server_error(api, path):
    response = api.get(path, {"topic": "b\x00ad"})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["topic"])


def test_the_home_page_ignores_a_topic_that_is_not_a_slug(learner_client):
    assert learner_client.get("/", {"topic": "b\x00ad"}).status_code == 200
