"""Simulated learners whose true forgetting curve is known, for the tests and the bench.

A learner remembers as FSRS-6 with `true_parameters` says (the `fsrs` package's scheduler, not
quizzes.reviews.optimizer's own model, so a fit is checked against an independent
implementation): each review is recalled with the true predicted probability; reviews happen
on the due day or some days late, as real learners' do, which spreads the elapsed times.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs

# A learner who forgets faster than FSRS's default learner and whose curve flattens later:
# lower initial stabilities, smaller stability gains, a steeper decay.
FORGETFUL_PARAMETERS: tuple[float, ...] = (
    0.1, 0.5, 1.2, 4.0, 6.8, 0.6, 2.2, 0.01, 1.2, 0.25, 1.2, 1.9, 0.1, 0.3, 1.2, 0.4, 1.6,
    0.5, 0.1, 0.1, 0.45,
)  # fmt: skip
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SimulatedReview:
    card: int
    rating: int
    reviewed_at: datetime


def simulate_learner(
    *,
    true_parameters: Sequence[float] = FORGETFUL_PARAMETERS,
    days: int = 365,
    new_per_day: int = 3,
    desired_retention: float = 0.9,
    seed: int = 1,
    max_reviews: int | None = None,
) -> list[SimulatedReview]:
    """Every review of a learner who adds `new_per_day` questions a day for `days` days, in time
    order (at most `max_reviews`, the earliest)."""
    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    scheduler = fsrs.Scheduler(
        parameters=tuple(true_parameters),
        desired_retention=desired_retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=730,
        enable_fuzzing=False,
    )
    cards: list[fsrs.Card] = []
    reviews: list[SimulatedReview] = []
    for day in range(days):
        today = START + timedelta(days=day)
        for _ in range(new_per_day):
            cards.append(fsrs.Card(card_id=len(cards) + 1, due=today))
        for index, card in enumerate(cards):
            if card.due > today:
                continue
            at = today + timedelta(minutes=index)
            if card.last_review is None:
                rating = fsrs.Rating(rng.choices([1, 2, 3, 4], weights=[25, 10, 55, 10])[0])
            else:
                recall = scheduler.get_card_retrievability(card, current_datetime=at)
                if rng.random() < recall:
                    rating = fsrs.Rating(rng.choices([2, 3, 4], weights=[15, 75, 10])[0])
                else:
                    rating = fsrs.Rating.Again
            updated, _ = scheduler.review_card(card, rating, review_datetime=at)
            # Late by up to half the interval, now and then: real learners miss days.
            interval = (updated.due - at).days
            if rng.random() < 0.4:
                updated.due += timedelta(days=rng.randint(0, max(interval // 2, 1)))
            updated.due = updated.due.replace(hour=0, minute=0)
            cards[index] = updated
            reviews.append(SimulatedReview(card=card.card_id, rating=int(rating), reviewed_at=at))
            if max_reviews is not None and len(reviews) >= max_reviews:
                return reviews
    return reviews
