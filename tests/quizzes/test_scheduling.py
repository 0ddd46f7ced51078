"""The pure spaced-repetition rules: rating mapping, FSRS step, fuzz, load balancing, queue order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.reviews import scheduling
from quizzes.reviews.scheduling import (
    CardState,
    MemoryState,
    PastReview,
    QueueCandidate,
    Rating,
    RatingInputs,
    SchedulerConfig,
)

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
NO_FUZZ = SchedulerConfig(fuzz=False)
WITH_STEPS = SchedulerConfig(
    fuzz=False,
    learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
    relearning_steps=(timedelta(minutes=10),),
)


def fsrs_scheduler(config: SchedulerConfig) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=config.desired_retention,
        learning_steps=config.learning_steps,
        relearning_steps=config.relearning_steps,
        maximum_interval=config.maximum_interval_days,
        enable_fuzzing=False,
    )


def review(
    card: MemoryState,
    rating: Rating,
    at: datetime,
    config: SchedulerConfig = NO_FUZZ,
    card_id: int = 7,
    counts=None,
):
    return scheduling.review(
        card_id=card_id,
        card=card,
        rating=rating,
        reviewed_at=at,
        review_day=at.date(),
        config=config,
        due_counts=counts,
    )


# (rating, hours after the previous review's due date): a learner who is on time, late, early.
SEQUENCE = [
    (Rating.Good, 0),
    (Rating.Good, 0),
    (Rating.Hard, 30),
    (Rating.Again, 2),
    (Rating.Good, 0),
    (Rating.Easy, -20),
    (Rating.Good, 72),
    (Rating.Again, 0),
    (Rating.Good, 5),
]


@pytest.mark.parametrize("config", [NO_FUZZ, WITH_STEPS], ids=["no-steps", "anki-steps"])
def test_due_dates_equal_fsrs_with_fuzzing_off(config):
    reference = fsrs_scheduler(config)
    theirs = fsrs.Card(card_id=7, due=T0)
    ours = MemoryState.new(T0)
    at = T0
    for rating, hours_late in SEQUENCE:
        theirs, _ = reference.review_card(theirs, rating, review_datetime=at)
        ours = review(ours, rating, at, config).after
        assert ours.due == theirs.due
        assert (ours.stability, ours.difficulty) == (theirs.stability, theirs.difficulty)
        assert (int(ours.state), ours.step) == (int(theirs.state), theirs.step)
        at = theirs.due + timedelta(hours=hours_late)


def test_fuzz_keeps_fsrs_memory_state_and_stays_in_the_fuzz_range():
    reference = fsrs_scheduler(NO_FUZZ)
    theirs = fsrs.Card(card_id=7, due=T0)
    ours = MemoryState.new(T0)
    at = T0
    for rating, _ in SEQUENCE:
        theirs, _ = reference.review_card(theirs, rating, review_datetime=at)
        outcome = review(ours, rating, at, SchedulerConfig())
        ours = outcome.after
        assert (ours.stability, ours.difficulty) == (theirs.stability, theirs.difficulty)
        low, high = scheduling.fuzz_range(outcome.interval_days, maximum_interval_days=730)
        assert low <= (ours.due - at).days <= high
        assert ours.due - at == timedelta(days=(ours.due - at).days)
        at = ours.due


def test_first_answers_come_back_after_whole_days():
    days = {rating: (review(MemoryState.new(T0), rating, T0).after.due - T0) for rating in Rating}
    assert days == {
        Rating.Again: timedelta(days=1),
        Rating.Hard: timedelta(days=1),
        Rating.Good: timedelta(days=2),
        Rating.Easy: timedelta(days=8),
    }


def test_review_counts_reps_and_records_the_review_time():
    outcome = review(MemoryState.new(T0), Rating.Good, T0)
    assert (outcome.after.reps, outcome.after.last_review, outcome.before.state) == (
        1,
        T0,
        CardState.NEW,
    )


def test_review_time_is_converted_to_utc():
    from zoneinfo import ZoneInfo

    paris = T0.astimezone(ZoneInfo("Europe/Paris"))
    assert review(MemoryState.new(T0), Rating.Good, paris).after.last_review.tzinfo is UTC


RATING_TABLE = [
    # correct, score, confidence, easy enabled -> rating
    (True, 1.0, "", False, Rating.Good),
    (True, 1.0, "sure", False, Rating.Good),
    (True, 1.0, "sure", True, Rating.Easy),
    (True, 1.0, "", True, Rating.Good),
    (True, 1.0, "unsure", False, Rating.Hard),
    (True, 1.0, "unsure", True, Rating.Hard),
    (True, 1.0, "guess", False, Rating.Again),
    (True, 1.0, "guess", True, Rating.Again),
    (False, 0.0, "", False, Rating.Again),
    (False, 0.0, "sure", True, Rating.Again),
    (False, 0.0, "unsure", False, Rating.Again),
    (False, 0.8, "", False, Rating.Hard),
    (False, 0.6, "sure", False, Rating.Hard),
    (False, 0.6, "unsure", False, Rating.Hard),
    (False, 0.6, "guess", False, Rating.Again),
    (False, 0.5999, "", False, Rating.Again),
]


@pytest.mark.parametrize(("correct", "score", "confidence", "easy", "expected"), RATING_TABLE)
def test_rating_mapping(correct, score, confidence, easy, expected):
    inputs = RatingInputs(
        correct=correct, score=score, confidence=confidence, pass_mark=0.6, easy_enabled=easy
    )
    assert scheduling.rating_for(inputs) == expected


def test_pass_mark_is_configurable():
    inputs = RatingInputs(correct=False, score=0.7, confidence="", pass_mark=0.75)
    assert scheduling.rating_for(inputs) == Rating.Again


def test_a_lucky_guess_never_lengthens_an_interval():
    card = review(MemoryState.new(T0), Rating.Good, T0).after
    at = card.due
    guessed = scheduling.rating_for(RatingInputs(correct=True, score=1.0, confidence="guess"))
    assert review(card, guessed, at).after.due - at <= card.due - T0


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        (1, (1, 1)),
        (2, (2, 2)),
        (3, (2, 4)),
        (7, (5, 9)),
        (10, (8, 12)),
        (100, (93, 107)),
        (730, (692, 730)),
    ],
)
def test_fuzz_range_follows_anki(interval, expected):
    assert scheduling.fuzz_range(interval, maximum_interval_days=730) == expected


def test_fuzz_is_deterministic():
    card = review(MemoryState.new(T0), Rating.Good, T0, SchedulerConfig()).after
    at = card.due
    first = review(card, Rating.Good, at, SchedulerConfig(), card_id=42).after.due
    again = review(card, Rating.Good, at, SchedulerConfig(), card_id=42).after.due
    assert first == again


def test_fuzz_differs_between_cards():
    card = MemoryState(CardState.REVIEW, None, 30.0, 5.0, T0, T0 - timedelta(days=30), 3)
    dues = {
        review(card, Rating.Good, T0, SchedulerConfig(), card_id=card_id).after.due
        for card_id in range(40)
    }
    assert len(dues) > 3


def test_fuzz_fraction_depends_on_card_and_review_number():
    fractions = {
        scheduling.fuzz_fraction(card_id, number) for card_id in range(5) for number in range(5)
    }
    assert len(fractions) == 25
    assert all(0 <= fraction < 1 for fraction in fractions)


def test_load_balancing_picks_the_least_loaded_day_in_range():
    day = date(2026, 1, 5)
    counts = {
        day + timedelta(days=offset): load
        for offset, load in {8: 5, 9: 3, 10: 4, 11: 1, 12: 6}.items()
    }
    interval, spread = scheduling.balanced_interval(
        interval_days=10,
        card_id=1,
        review_number=1,
        review_day=day,
        maximum_interval_days=730,
        due_counts=counts,
    )
    assert (interval, spread) == (11, (8, 12))


def test_load_balancing_never_leaves_the_fuzz_range():
    day = date(2026, 1, 5)
    counts = {day + timedelta(days=offset): 50 for offset in range(8, 13)}
    counts[day + timedelta(days=20)] = 0
    interval, _ = scheduling.balanced_interval(
        interval_days=10,
        card_id=1,
        review_number=1,
        review_day=day,
        maximum_interval_days=730,
        due_counts=counts,
    )
    assert 8 <= interval <= 12


def test_load_balancing_ties_go_to_the_fuzzed_day():
    day = date(2026, 1, 5)
    plain, _ = scheduling.balanced_interval(
        interval_days=10,
        card_id=3,
        review_number=2,
        review_day=day,
        maximum_interval_days=730,
        due_counts={},
    )
    counts = {day + timedelta(days=offset): 2 for offset in range(8, 13)}
    balanced, _ = scheduling.balanced_interval(
        interval_days=10,
        card_id=3,
        review_number=2,
        review_day=day,
        maximum_interval_days=730,
        due_counts=counts,
    )
    assert balanced == plain


@given(
    interval=st.integers(min_value=1, max_value=2000),
    card_id=st.integers(min_value=1, max_value=10**9),
    number=st.integers(min_value=1, max_value=500),
    maximum=st.integers(min_value=1, max_value=1000),
)
def test_fuzzed_interval_stays_within_range_and_maximum(interval, card_id, number, maximum):
    interval = min(interval, maximum)
    days, (low, high) = scheduling.balanced_interval(
        interval_days=interval,
        card_id=card_id,
        review_number=number,
        review_day=date(2026, 1, 1),
        maximum_interval_days=maximum,
        due_counts={},
    )
    assert low <= days <= high <= maximum
    assert days >= min(interval, 2)


def test_maximum_interval_caps_a_well_known_card():
    config = SchedulerConfig(maximum_interval_days=30)
    card = MemoryState(CardState.REVIEW, None, 400.0, 2.0, T0, T0 - timedelta(days=200), 9)
    assert review(card, Rating.Easy, T0, config).after.due - T0 <= timedelta(days=30)


def test_default_maximum_interval_is_about_two_years():
    assert SchedulerConfig().maximum_interval_days == 730


@pytest.mark.parametrize("retention", [0.69, 0.98])
def test_desired_retention_outside_the_allowed_range_is_refused(retention):
    with pytest.raises(ValueError, match="retention"):
        SchedulerConfig(desired_retention=retention)


@pytest.mark.parametrize("elapsed", [0, 1, 5, 30, 400])
def test_retrievability_equals_fsrs(elapsed):
    last = T0 - timedelta(days=elapsed, hours=3)
    theirs = fsrs.Card(
        card_id=1, state=fsrs.State.Review, stability=12.5, difficulty=5.0, due=T0, last_review=last
    )
    expected = fsrs.Scheduler().get_card_retrievability(theirs, current_datetime=T0)
    assert scheduling.retrievability(stability=12.5, last_review=last, now=T0) == pytest.approx(
        expected
    )


def test_recall_at_stability_days_is_ninety_percent():
    assert scheduling.retrievability(
        stability=10.0, last_review=T0, now=T0 + timedelta(days=10)
    ) == pytest.approx(0.9)


def test_never_reviewed_card_has_no_recall():
    assert scheduling.retrievability(stability=None, last_review=None, now=T0) == 0.0


@pytest.mark.parametrize("retention", [0.7, 0.8, 0.9, 0.97])
@pytest.mark.parametrize("stability", [0.3, 2.3, 17.0, 250.0, 5000.0])
def test_interval_formula_equals_fsrs(retention, stability):
    reference = fsrs.Scheduler(desired_retention=retention, maximum_interval=730)
    ours = scheduling.next_interval_days(
        stability, desired_retention=retention, maximum_interval_days=730
    )
    assert ours == reference._next_interval(stability=stability)


def reviewed_card(card_id: int = 7) -> MemoryState:
    card = MemoryState.new(T0)
    at = T0
    for rating in (Rating.Good, Rating.Good, Rating.Good):
        card = review(card, rating, at, SchedulerConfig(), card_id=card_id).after
        at = card.due
    return card


def test_rescheduling_with_the_same_settings_keeps_the_due_date():
    card = reviewed_card()
    assert card.last_review is not None
    again = scheduling.rescheduled(
        card_id=7, card=card, last_review_day=card.last_review.date(), config=SchedulerConfig()
    )
    assert again.due == card.due


def test_higher_retention_brings_reviews_forward():
    card = reviewed_card()
    assert card.last_review is not None
    stricter = scheduling.rescheduled(
        card_id=7,
        card=card,
        last_review_day=card.last_review.date(),
        config=SchedulerConfig(desired_retention=0.97),
    )
    looser = scheduling.rescheduled(
        card_id=7,
        card=card,
        last_review_day=card.last_review.date(),
        config=SchedulerConfig(desired_retention=0.7),
    )
    assert stricter.due < card.due < looser.due
    assert (stricter.stability, stricter.reps) == (card.stability, card.reps)


def test_rescheduling_leaves_learning_cards_alone():
    card = MemoryState(CardState.RELEARNING, 0, 3.0, 6.0, T0, T0 - timedelta(minutes=5), 4)
    assert (
        scheduling.rescheduled(
            card_id=1,
            card=card,
            last_review_day=T0.date(),
            config=SchedulerConfig(desired_retention=0.97),
        )
        == card
    )


def test_replay_equals_reviewing_in_order():
    times = [T0, T0 + timedelta(days=2), T0 + timedelta(days=9), T0 + timedelta(days=30)]
    ratings = [Rating.Good, Rating.Hard, Rating.Again, Rating.Good]
    card = MemoryState.new(T0)
    for rating, at in zip(ratings, times, strict=True):
        card = review(card, rating, at, SchedulerConfig()).after
    shuffled = [
        PastReview(rating=r, reviewed_at=at, review_day=at.date())
        for r, at in reversed(list(zip(ratings, times, strict=True)))
    ]
    outcomes = scheduling.replay(
        card_id=7, reviews=shuffled, config=SchedulerConfig(), start_due=T0
    )
    assert outcomes[-1].after == card


def test_replay_equals_fsrs_reschedule_card():
    times = [T0, T0 + timedelta(days=3), T0 + timedelta(days=4), T0 + timedelta(days=20)]
    ratings = [Rating.Again, Rating.Good, Rating.Good, Rating.Hard]
    logs = [
        fsrs.ReviewLog(card_id=7, rating=r, review_datetime=at, review_duration=None)
        for r, at in zip(ratings, times, strict=True)
    ]
    theirs = fsrs_scheduler(NO_FUZZ).reschedule_card(fsrs.Card(card_id=7, due=T0), logs)
    reviews = [
        PastReview(rating=r, reviewed_at=at, review_day=at.date())
        for r, at in zip(ratings, times, strict=True)
    ]
    ours = scheduling.replay(card_id=7, reviews=reviews, config=NO_FUZZ, start_due=T0)[-1].after
    assert (ours.due, ours.stability, ours.difficulty) == (
        theirs.due,
        theirs.stability,
        theirs.difficulty,
    )


def test_review_card_is_due_all_day_on_its_due_day():
    card = MemoryState(
        CardState.REVIEW, None, 5.0, 5.0, T0.replace(hour=20), T0 - timedelta(days=5), 2
    )
    end_of_day = datetime(2026, 1, 6, tzinfo=UTC)
    assert scheduling.is_due(card, now=T0, day_end=end_of_day)
    assert not scheduling.is_due(
        card, now=T0 - timedelta(days=1), day_end=end_of_day - timedelta(days=1)
    )


def test_learning_step_is_due_at_its_time():
    card = MemoryState(CardState.LEARNING, 1, 2.0, 5.0, T0 + timedelta(minutes=10), T0, 1)
    end_of_day = datetime(2026, 1, 6, tzinfo=UTC)
    assert not scheduling.is_due(card, now=T0, day_end=end_of_day)
    assert scheduling.is_due(card, now=T0 + timedelta(minutes=10), day_end=end_of_day)


def test_new_card_is_never_due():
    assert not scheduling.is_due(MemoryState.new(T0), now=T0, day_end=T0 + timedelta(days=1))


def test_interleaving_skips_the_previous_topic():
    candidates = [
        QueueCandidate(1, frozenset({10})),
        QueueCandidate(2, frozenset({10, 11})),
        QueueCandidate(3, frozenset({12})),
    ]
    assert scheduling.pick_interleaved(candidates, previous_topics=frozenset({10})) == candidates[2]


def test_interleaving_falls_back_to_the_most_overdue():
    candidates = [QueueCandidate(1, frozenset({10})), QueueCandidate(2, frozenset({10}))]
    assert scheduling.pick_interleaved(candidates, previous_topics=frozenset({10})) == candidates[0]


def test_interleaving_of_nothing_is_nothing():
    assert scheduling.pick_interleaved([], previous_topics=frozenset()) is None


def test_daily_allowance_is_never_negative():
    allowance = scheduling.daily_allowance(
        review_cap=10, new_limit=5, reviews_today=12, new_today=2
    )
    assert (allowance.reviews, allowance.new) == (0, 3)
