"""Replaying review logs: cards rebuilt under the current mapping and parameters, idempotently."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from quizzes import tasks
from quizzes.models import OutboxMessage, ReviewCard, ReviewLog, ReviewRating
from quizzes.reviews import optimizer, personal, replay, synthetic
from tests.factories import make_question
from tests.quizzes.test_review import MONDAY, answer, quiz_items

pytestmark = pytest.mark.django_db

STATE_FIELDS = (
    "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
    "desired_retention", "last_rating", "last_correct",
)  # fmt: skip


def states(learner):
    return {
        card["question_id"]: card
        for card in ReviewCard.objects.filter(learner=learner).values("question_id", *STATE_FIELDS)
    }


@pytest.fixture
def reviewed(learner):
    """Four questions answered on three days, right and wrong, some sure."""
    questions = [make_question() for _ in range(4)]
    for day, pattern in enumerate(
        [(True, True, False, True), (False, True, True, True), (True,) * 4]
    ):
        at = MONDAY + timedelta(days=day * 3)
        items = quiz_items(learner, questions, at=at)
        for question, right in zip(questions, pattern, strict=True):
            answer(
                learner, items[question.pk], right=right, confidence="sure" if right else "", at=at
            )
    return questions


def adopt(learner, parameters):
    decision = personal.FitDecision(
        adopted=True,
        parameters=parameters,
        reason="test",
        reviews=500,
        span_days=90,
        held_back=100,
        candidate=parameters,
        current=optimizer.Metrics(0.4, 0.1, 100),
        fitted=optimizer.Metrics(0.3, 0.05, 100),
    )
    personal.store_decision(learner_id=learner.pk, decision=decision, now=MONDAY)


def test_replaying_twice_gives_the_same_states(learner, reviewed):
    before = states(learner)

    first = replay.replay_reviews(learner_id=learner.pk)
    after_first = states(learner)
    second = replay.replay_reviews(learner_id=learner.pk, batch_size=3)

    assert first.cards == second.cards == 4
    assert states(learner) == after_first
    # Same mapping and parameters: the memory state is what grading computed (only the due day
    # may differ, as replay does not load-balance).
    for question_id, card in after_first.items():
        for field in ("state", "stability", "difficulty", "reps", "lapses", "last_rating"):
            assert card[field] == pytest.approx(before[question_id][field]), field


def test_replay_rebuilds_cards_under_adopted_parameters(learner, reviewed):
    first_question = reviewed[0]
    # Adoption enqueues the replay of the learner's cards.
    adopt(learner, synthetic.FORGETFUL_PARAMETERS)
    assert OutboxMessage.objects.filter(
        task_name="quizzes.tasks.replay_learner_reviews", args=[learner.pk]
    ).exists()

    tasks.replay_learner_reviews(learner.pk)

    ratings = list(
        ReviewLog.objects.filter(learner=learner, question=first_question)
        .order_by("reviewed_at")
        .values_list("rating", "reviewed_at")
    )
    from quizzes.reviews import scheduling

    config = scheduling.SchedulerConfig(parameters=synthetic.FORGETFUL_PARAMETERS)
    expected = scheduling.replay(
        card_id=ReviewCard.objects.get(learner=learner, question=first_question).pk,
        reviews=[
            scheduling.PastReview(rating=scheduling.Rating(r), reviewed_at=at, review_day=at.date())
            for r, at in ratings
        ],
        config=config,
        start_due=ratings[0][1],
    )[-1].after
    card = ReviewCard.objects.get(learner=learner, question=first_question)
    assert card.stability == pytest.approx(expected.stability)
    assert card.difficulty == pytest.approx(expected.difficulty)
    assert card.due == expected.due


def test_replay_applies_a_changed_rating_mapping(learner, reviewed, settings):
    settings.REVIEW_EASY_RATING_ENABLED = True

    call_command("replay_reviews", "--learner", learner.username, verbosity=0)

    # Right and sure answers are now Easy, in the logs and on the cards.
    assert (
        ReviewLog.objects.filter(learner=learner, correct=True, rating=ReviewRating.EASY).count()
        == 10
    )
    assert not ReviewLog.objects.filter(learner=learner, rating=ReviewRating.GOOD).exists()
    assert set(
        ReviewCard.objects.filter(learner=learner).values_list("last_rating", flat=True)
    ) == {ReviewRating.EASY}
    again = replay.replay_reviews(learner_id=None)
    assert again.changed_ratings == 0
