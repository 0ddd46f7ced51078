"""The review queue serves first the topics another app favours for a learner (a cohort's
upcoming assignments), through a hook: the queue never names that app."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quizzes.models import Topic
from quizzes.reviews import queue
from tests.factories import TopicFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(monkeypatch):
    registered: list = []
    monkeypatch.setattr(queue, "_FAVOURED", registered)
    return registered


@pytest.fixture
def two_topics(db):
    anatomy, treatment = TopicFactory(slug="anatomy"), TopicFactory(slug="treatment")
    first = make_question()
    first.topics.add(anatomy)
    later = make_question()
    later.topics.add(treatment)
    return first, later


def test_without_a_favoured_topic_new_questions_come_in_authoring_order(learner, rules, two_topics):
    item = queue.next_review_item(learner=learner, now=timezone.now())
    assert item is not None
    assert item.question_id == two_topics[0].pk


def test_a_favoured_topic_is_served_first(learner, rules, two_topics):
    queue.register_favoured_topics(
        lambda who, now: Topic.objects.filter(slug="treatment").values("pk")
    )
    item = queue.next_review_item(learner=learner, now=timezone.now())
    assert item is not None
    assert item.question_id == two_topics[1].pk
