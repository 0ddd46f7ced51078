"""Personal FSRS parameters: fitted on simulated learners whose true forgetting curve is known,
adopted only when they predict held-back reviews better; used by the scheduler once adopted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from quizzes import tasks
from quizzes.models import ParameterSource, PersonalParameters, ReviewCard
from quizzes.reviews import optimizer, personal, synthetic
from tests.factories import make_question
from tests.quizzes.test_review import MONDAY, answer, quiz_items

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def timed(simulated):
    return [
        personal.TimedReview(
            card=(review.card, 1), rating=review.rating, reviewed_at=review.reviewed_at
        )
        for review in simulated
    ]


@pytest.fixture(scope="module")
def forgetful_learner():
    """About 4,000 reviews over eight months by a learner who forgets faster than FSRS's
    default learner."""
    return timed(synthetic.simulate_learner(days=240, new_per_day=2, seed=7))


@pytest.fixture(scope="module")
def fitted(forgetful_learner):
    """The forgetful learner's fit, starting from the defaults (about 15 s)."""
    return personal.decide(forgetful_learner, current=personal.default_parameters())


def test_the_time_split_holds_back_the_latest_fifth_of_reviews(forgetful_learner):
    histories = personal.split_histories(forgetful_learner)
    held = [review for history in histories for review in history if review.held_back]
    cutoff = sorted(review.reviewed_at for review in forgetful_learner)[
        int(len(forgetful_learner) * 0.8)
    ]
    later = [review for review in forgetful_learner if review.reviewed_at >= cutoff]
    assert len(held) == len(later) == pytest.approx(len(forgetful_learner) * 0.2, abs=30)
    # Within a card, once a review is held back every later one is too (time order).
    for history in histories:
        flags = [review.held_back for review in history]
        assert flags == sorted(flags)
    assert sum(len(history) for history in histories) == len(forgetful_learner)


def test_a_fit_to_a_simulated_learner_beats_the_defaults_on_held_back_reviews(
    forgetful_learner, fitted
):
    decision = fitted

    assert decision.adopted
    assert decision.current is not None
    assert decision.fitted is not None
    assert decision.fitted.log_loss < decision.current.log_loss
    assert decision.fitted.rmse_bins < decision.current.rmse_bins
    assert decision.parameters == decision.candidate != personal.default_parameters()
    # The fit comes close to the truth: within 0.005 of the true curve's own log loss.
    histories = personal.split_histories(forgetful_learner)
    truth = optimizer.evaluate(synthetic.FORGETFUL_PARAMETERS, histories, held_back=True)
    assert decision.fitted.log_loss < truth.log_loss + 0.005
    assert "predicted better" in decision.reason


def test_fifty_reviews_keep_the_defaults():
    reviews = timed(synthetic.simulate_learner(days=60, seed=3, max_reviews=50))

    decision = personal.decide(reviews, current=personal.default_parameters())

    assert not decision.adopted
    assert decision.parameters == personal.default_parameters()
    assert decision.candidate is None
    assert "50 reviews" in decision.reason


def test_a_fit_that_predicts_worse_keeps_the_parameters_in_use():
    # The learner already has their true parameters: two months of data cannot beat them.
    reviews = timed(synthetic.simulate_learner(days=60, new_per_day=4, seed=2))

    decision = personal.decide(reviews, current=synthetic.FORGETFUL_PARAMETERS)

    assert decision.fitted is not None
    assert decision.current is not None
    assert decision.fitted.log_loss > decision.current.log_loss
    assert not decision.adopted
    assert decision.parameters == synthetic.FORGETFUL_PARAMETERS
    assert "did not predict better" in decision.reason


def test_the_optimiser_predicts_recall_as_the_fsrs_package_does():
    """Our vectorised model and fsrs.Scheduler agree on stability, hence on predicted recall."""
    import fsrs

    reviews = synthetic.simulate_learner(days=40, new_per_day=2, seed=5)
    scheduler = fsrs.Scheduler(
        parameters=synthetic.FORGETFUL_PARAMETERS,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )
    by_card: dict[int, list] = {}
    for review in reviews:
        by_card.setdefault(review.card, []).append(review)
    expected = []
    histories = []
    for card_reviews in by_card.values():
        card = fsrs.Card(card_id=1, due=card_reviews[0].reviewed_at)
        history = []
        for index, review in enumerate(card_reviews):
            if index:
                elapsed = (review.reviewed_at - card_reviews[index - 1].reviewed_at).days
                if elapsed >= 1:
                    expected.append(
                        scheduler.get_card_retrievability(card, current_datetime=review.reviewed_at)
                    )
            else:
                elapsed = 0
            history.append(optimizer.Review(rating=review.rating, elapsed_days=elapsed))
            card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), review.reviewed_at)
        histories.append(history)
    data = optimizer._Dataset.of(histories)
    ours = optimizer.predicted_recall(synthetic.FORGETFUL_PARAMETERS, data)[data.scored()]
    assert sorted(ours) == pytest.approx(sorted(expected), abs=1e-9)


# Through the database ------------------------------------------------------------------------


def test_a_learner_with_few_reviews_keeps_the_defaults_and_is_told_why(learner, client):
    questions = [make_question() for _ in range(3)]
    items = quiz_items(learner, questions)
    for question in questions:
        answer(learner, items[question.pk], at=MONDAY)

    assert tasks.fit_learner_parameters(learner.pk) is False

    row = PersonalParameters.objects.get(learner=learner)
    assert row.source == ParameterSource.DEFAULT
    assert tuple(row.parameters) == personal.default_parameters()
    assert row.reviews == 3
    client.force_login(learner)
    page = client.get(reverse("learner-settings")).content.decode()
    assert "FSRS&#x27;s standard memory model" in page or "FSRS's standard memory model" in page
    assert "3 reviews over 0 days" in page


def test_adopted_parameters_schedule_the_learners_next_reviews(learner, client, fitted):
    decision = fitted
    personal.store_decision(learner_id=learner.pk, decision=decision, now=NOW)
    assert decision.candidate is not None

    question = make_question()
    item = quiz_items(learner, [question])[question.pk]
    answer(learner, item, at=MONDAY)  # Good on a first answer: stability = w2

    card = ReviewCard.objects.get(learner=learner, question=question)
    assert card.stability == pytest.approx(decision.candidate[2])
    assert card.stability != pytest.approx(personal.default_parameters()[2])
    client.force_login(learner)
    page = client.get(reverse("learner-settings")).content.decode()
    assert "fitted to your own answers" in page
    assert f"log loss {decision.fitted.log_loss:.3f}" in page


def test_the_monthly_job_fans_out_to_learners_with_enough_reviews(learner, monkeypatch):
    monkeypatch.setattr(personal, "MIN_REVIEWS", 1)
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], at=MONDAY)

    assert personal.learners_to_fit() == [learner.pk]
    assert tasks.fit_all_learner_parameters() == 1


def test_mastery_predicts_recall_with_the_learners_own_forgetting_curve(learner):
    from quizzes.reviews import progress

    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], at=MONDAY)
    [before] = progress.topic_mastery(learner_id=learner.pk, now=MONDAY)
    decision = personal.FitDecision(
        adopted=True,
        parameters=synthetic.FORGETFUL_PARAMETERS,
        reason="test",
        reviews=500,
        span_days=90,
    )
    personal.store_decision(learner_id=learner.pk, decision=decision, now=NOW)

    [after] = progress.topic_mastery(learner_id=learner.pk, now=MONDAY)

    # Same card, same stability: a steeper curve (decay 0.45, not 0.154) predicts less recall a
    # week on than the stability's 90% point.
    assert ReviewCard.objects.get(learner=learner).stability == pytest.approx(
        personal.default_parameters()[2]
    )
    assert before.mastery is not None
    assert after.mastery is not None
    assert after.mastery < before.mastery
