"""The "create a test" page and API: counts per topic, a started test, clear refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt, AttemptKind, PracticeTest, QuizMode
from tests.factories import TopicFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics():
    anatomy, tinel = (
        TopicFactory(name="Anatomy", slug="anatomy"),
        TopicFactory(name="Tinel's sign", slug="tinel_sign"),
    )
    for topic, count in ((anatomy, 6), (tinel, 3)):
        for _ in range(count):
            make_question().topics.add(topic)
    return anatomy, tinel


def form(chosen, **fields):
    return {
        "topics": [str(topic.pk) for topic in chosen],
        "pool": "unused",
        "difficulty": "",
        "count": "4",
        "mode": "tutor",
        "seconds_per_question": "90",
    } | fields


def test_the_page_lists_each_topic_with_its_pools(learner_client, topics):
    body = learner_client.get(reverse("practice")).content.decode()
    assert "Anatomy" in body
    assert "Tinel&#x27;s sign" in body
    assert "Unused: never answered" in body
    assert body.count('<td class="num">6</td>') == 2  # anatomy: 6 unused, 6 in all


def test_starting_a_test_opens_its_first_question(learner, learner_client, topics):
    reply = learner_client.post(reverse("practice"), form(topics))
    attempt = Attempt.objects.get(learner=learner)
    assert reply.status_code == 302
    assert reply.url == reverse("attempt-question", args=[attempt.pk, 0])
    assert (attempt.kind, attempt.items.count()) == (AttemptKind.PRACTICE, 4)


def test_a_timed_test_starts_an_exam_with_a_deadline(learner, learner_client, topics):
    learner_client.post(reverse("practice"), form(topics, mode="timed", count="2"))
    attempt = Attempt.objects.get(learner=learner)
    assert attempt.mode == QuizMode.EXAM
    assert attempt.deadline is not None


def test_fewer_matching_questions_are_said_plainly(learner_client, topics):
    reply = learner_client.post(reverse("practice"), form(topics[1:], count="10"), follow=True)
    assert "Only 3 questions matched, so your test has 3." in reply.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"topics": []}, "Choose at least one topic."),
        ({"count": "41"}, "A test holds at most 40 questions."),
        ({"count": "0"}, "greater than or equal to 1"),
        ({"pool": "everything"}, "Select a valid choice"),
        ({"topics": ["999999"]}, "Select a valid choice"),
        ({"seconds_per_question": "5"}, "greater than or equal to 30"),
        ({"pool": "incorrect"}, "No questions of these topics are in “Incorrect last time”"),
    ],
)
def test_bad_choices_are_refused_with_a_clear_error_and_start_nothing(
    learner_client, topics, fields, message
):
    reply = learner_client.post(reverse("practice"), form(topics, **fields))
    assert reply.status_code == 400
    assert message in reply.content.decode()
    assert not Attempt.objects.exists()


def test_the_learners_tests_are_listed_to_resume(learner_client, topics):
    learner_client.post(reverse("practice"), form(topics))
    body = learner_client.get(reverse("practice")).content.decode()
    assert "Your test: 4 questions, tutor" in body
    assert "in progress" in body


def test_a_created_test_is_in_the_progress_history(learner_client, topics):
    learner_client.post(reverse("practice"), form(topics))
    assert (
        "Your test: 4 questions, tutor" in learner_client.get(reverse("progress")).content.decode()
    )


def test_the_page_needs_a_login(client):
    reply = client.get(reverse("practice"))
    assert reply.status_code == 302
    assert "/accounts/login/" in reply.url


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_pools_per_topic(learner_client, topics):
    rows = learner_client.get("/api/v1/practice/pools/").json()
    assert {row["slug"]: row["counts"]["unused"] for row in rows} == {
        "anatomy": 6,
        "tinel_sign": 3,
    }


def test_the_api_creates_a_test(learner, learner_client, topics):
    reply = learner_client.post(
        "/api/v1/practice/tests/",
        {"topics": ["anatomy", "tinel_sign"], "pool": "all", "count": 6, "mode": "timed"},
        content_type="application/json",
    )
    assert reply.status_code == 201
    data = reply.json()
    assert (data["kind"], data["mode"], len(data["items"])) == ("practice", "exam", 6)
    assert PracticeTest.objects.get(attempt_id=data["id"]).seconds_per_question == 90


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topics": ["nope"]}, "topics"),
        ({"topics": []}, "topics"),
        ({"count": 500}, "count"),
        ({"mode": "exam"}, "mode"),
        ({"pool": "incorrect"}, "pool"),
        ({"difficulty": "brutal"}, "difficulty"),
    ],
)
def test_the_api_refuses_bad_requests_clearly(learner_client, topics, body, field):
    payload = {"topics": ["anatomy"], "pool": "all", "count": 2, "mode": "tutor"} | body
    reply = learner_client.post("/api/v1/practice/tests/", payload, content_type="application/json")
    assert reply.status_code == 400
    assert field in reply.json()["errors"]
    assert not Attempt.objects.exists()


def test_the_api_needs_a_login(client, topics):
    assert client.get("/api/v1/practice/pools/").status_code in (401, 403)
