"""Spaced-repetition rules: from a graded answer to a rating, from a rating to the next due date.

Pure: no ORM, no settings, the clock passed in, frozen dataclasses in and out. The memory model
is FSRS-6 from the `fsrs` package (the scheduler Anki uses), run with its own random fuzz off;
this module adds what the package leaves to the application, the way Anki does it:

- the rating mapping: a graded answer (correct, score, confidence) -> an FSRS rating, versioned
  (RATING_MAPPING_VERSION) so a changed mapping can be replayed from the logged inputs;
- deterministic fuzz: the interval is spread over Anki's fuzz range with a fraction derived
  from the card id and the review number, so a redelivered grading task computes the same date;
- load balancing: within the fuzz range, the day with the fewest cards already due wins;
- a maximum interval, retrievability (the predicted probability of recall), the bulk reschedule
  after a change of desired retention, and the topic interleaving of the review queue.

Units: intervals and stability in days, datetimes timezone-aware UTC, `review_day` the learner's
calendar date of the review (the caller decides the time zone). docs/spaced-repetition.md
explains the rules for people.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum
from functools import lru_cache

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

Rating = fsrs.Rating

RATING_MAPPING_VERSION = 1
# The share of the marks at or above which a partly correct answer still counts as recalled
# (rated Hard): 0.6 is the usual pass mark of medical single-best-answer and EMQ papers.
DEFAULT_PASS_MARK = 0.6
# About two years: medical exams recur on that horizon, and FSRS's 100-year default would let a
# well-known card vanish from the queue for good.
DEFAULT_MAXIMUM_INTERVAL_DAYS = 730
DEFAULT_DESIRED_RETENTION = 0.9
MIN_DESIRED_RETENTION = 0.70
MAX_DESIRED_RETENTION = 0.97

# Anki's fuzz ranges (rslib scheduler/states/fuzz.rs, also in fsrs.scheduler.FUZZ_RANGES):
# (start day, end day, factor); the spread grows by `factor` for each day of the interval
# inside [start, end), on top of one day. Intervals under 2.5 days are never fuzzed.
FUZZ_RANGES: tuple[tuple[float, float, float], ...] = (
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.10),
    (20.0, math.inf, 0.05),
)
FUZZ_MIN_INTERVAL = 2.5
FUZZED_MIN_DAYS = 2


class Confidence:
    """The optional confidence a learner gives with an answer (quizzes.models.Confidence)."""

    NONE = ""
    GUESS = "guess"
    UNSURE = "unsure"
    SURE = "sure"


class CardState(IntEnum):
    """fsrs.State plus NEW: a question the review queue served but the learner never answered."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class RatingInputs:
    """Everything a rating is derived from; logged with each review so it can be replayed.

    `score` is the graded score in [0, 1]; `correct` is exactly `score == 1`; `confidence` is one
    of Confidence's values; `pass_mark` in (0, 1].
    """

    correct: bool
    score: float
    confidence: str
    pass_mark: float = DEFAULT_PASS_MARK
    easy_enabled: bool = False


def rating_for(inputs: RatingInputs) -> Rating:
    """The FSRS rating of a graded answer (mapping version 1, RATING_MAPPING_VERSION).

    | answer                               | confidence       | rating            |
    |--------------------------------------|------------------|-------------------|
    | any score                            | guess            | Again             |
    | correct (score 1)                    | unsure           | Hard              |
    | correct                              | none given       | Good              |
    | correct                              | sure             | Good (Easy if on) |
    | partly correct, score >= pass mark   | none/unsure/sure | Hard              |
    | score below the pass mark            | any              | Again             |

    A lucky guess never lengthens an interval, so "guess" is Again even when right. Easy is
    only given when `easy_enabled` (a setting, off by default): a sure, fully correct answer.
    """
    if inputs.confidence == Confidence.GUESS:
        return Rating.Again
    if inputs.correct:
        if inputs.confidence == Confidence.UNSURE:
            return Rating.Hard
        if inputs.confidence == Confidence.SURE and inputs.easy_enabled:
            return Rating.Easy
        return Rating.Good
    if inputs.score >= inputs.pass_mark:
        return Rating.Hard
    return Rating.Again


@dataclass(frozen=True)
class SchedulerConfig:
    """How cards are scheduled for one learner.

    Learning and relearning steps default to none: a question is not a flashcard, and seeing the
    same vignette again ten minutes later tests short-term memory of its key, not recall. With
    no steps every answer schedules the card whole days ahead (Again: tomorrow).
    """

    desired_retention: float = DEFAULT_DESIRED_RETENTION
    maximum_interval_days: int = DEFAULT_MAXIMUM_INTERVAL_DAYS
    parameters: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)
    learning_steps: tuple[timedelta, ...] = ()
    relearning_steps: tuple[timedelta, ...] = ()
    fuzz: bool = True

    def __post_init__(self) -> None:
        if not MIN_DESIRED_RETENTION <= self.desired_retention <= MAX_DESIRED_RETENTION:
            raise ValueError(f"desired retention {self.desired_retention} is out of range")
        if self.maximum_interval_days < 1:
            raise ValueError("the maximum interval is at least one day")


@dataclass(frozen=True)
class MemoryState:
    """A card as the scheduler sees it. `reps` counts the reviews of the current generation."""

    state: CardState
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0

    @classmethod
    def new(cls, due: datetime) -> MemoryState:
        return cls(CardState.NEW, None, None, None, due, None, 0)


@dataclass(frozen=True)
class ReviewOutcome:
    """One review: the state before and after, the FSRS interval before fuzz (Review state
    only, days) and the fuzz range the due day was chosen from (inclusive, days)."""

    rating: Rating
    reviewed_at: datetime
    before: MemoryState
    after: MemoryState
    interval_days: int | None
    fuzz_range: tuple[int, int] | None


@dataclass(frozen=True)
class PastReview:
    rating: Rating
    reviewed_at: datetime
    review_day: date


@lru_cache(maxsize=64)
def _fsrs_scheduler(config: SchedulerConfig) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=config.parameters,
        desired_retention=config.desired_retention,
        learning_steps=config.learning_steps,
        relearning_steps=config.relearning_steps,
        maximum_interval=config.maximum_interval_days,
        enable_fuzzing=False,
    )


def forgetting_curve(parameters: Sequence[float] = DEFAULT_PARAMETERS) -> tuple[float, float]:
    """(factor, decay) of FSRS-6's power forgetting curve R(t) = (1 + factor·t/S) ** decay.

    decay = -w20 and factor = 0.9 ** (1 / decay) - 1, so that R(S) = 0.9 for every stability S.
    """
    decay = -parameters[20]
    return 0.9 ** (1 / decay) - 1, decay


def retrievability(
    *,
    stability: float | None,
    last_review: datetime | None,
    now: datetime,
    parameters: Sequence[float] = DEFAULT_PARAMETERS,
) -> float:
    """The predicted probability, in [0, 1], that the learner recalls the card at `now`.

    Elapsed time counts whole days (as fsrs does); a card never reviewed has 0.
    """
    if stability is None or last_review is None:
        return 0.0
    factor, decay = forgetting_curve(parameters)
    elapsed_days = max(0, (now - last_review).days)
    return math.pow(1 + factor * elapsed_days / stability, decay)


def next_interval_days(
    stability: float,
    *,
    desired_retention: float,
    maximum_interval_days: int,
    parameters: Sequence[float] = DEFAULT_PARAMETERS,
) -> int:
    """Whole days until recall is predicted to fall to `desired_retention`: fsrs's own formula,
    rounded, at least 1 and at most `maximum_interval_days`."""
    factor, decay = forgetting_curve(parameters)
    interval = stability / factor * (math.pow(desired_retention, 1 / decay) - 1)
    return min(max(round(interval), 1), maximum_interval_days)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def fuzz_range(interval_days: int, *, maximum_interval_days: int) -> tuple[int, int]:
    """The inclusive range of days an interval may be spread over (Anki's fuzz ranges).

    Under 2.5 days: the interval itself. Otherwise interval ± delta, where delta is one day plus
    15% of the part between 2.5 and 7 days, 10% of the part between 7 and 20 and 5% beyond 20,
    rounded half up; never under 2 days nor over the maximum interval.
    """
    if interval_days < FUZZ_MIN_INTERVAL:
        return interval_days, interval_days
    delta = 1.0
    for start, end, factor in FUZZ_RANGES:
        delta += factor * max(min(float(interval_days), end) - start, 0.0)
    low = max(FUZZED_MIN_DAYS, _round_half_up(interval_days - delta))
    high = min(_round_half_up(interval_days + delta), maximum_interval_days)
    return min(low, high), high


def fuzz_fraction(card_id: int, review_number: int) -> float:
    """A fraction in [0, 1) fixed by the card and its review number (Anki seeds with card id +
    reps): a replayed review computes the same fuzz, and successive reviews differ."""
    digest = hashlib.sha256(f"{card_id}:{review_number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def balanced_interval(
    *,
    interval_days: int,
    card_id: int,
    review_number: int,
    review_day: date,
    maximum_interval_days: int,
    due_counts: Mapping[date, int],
) -> tuple[int, tuple[int, int]]:
    """The fuzzed, load-balanced interval in days, and the fuzz range it was chosen from.

    The deterministic fuzz picks a day in the fuzz range (low + floor(fraction · width)); load
    balancing then moves it to the day in the range with the fewest cards already due for the
    learner (`due_counts`: date -> cards due that day), ties going to the day nearest the
    fuzzed one, then the earlier. Same inputs, same day.
    """
    low, high = fuzz_range(interval_days, maximum_interval_days=maximum_interval_days)
    if low == high:
        return low, (low, high)
    fraction = fuzz_fraction(card_id, review_number)
    fuzzed = min(low + math.floor(fraction * (high - low + 1)), high)
    best = min(
        range(low, high + 1),
        key=lambda days: (
            due_counts.get(review_day + timedelta(days=days), 0),
            abs(days - fuzzed),
            days,
        ),
    )
    return best, (low, high)


def _to_fsrs_card(card_id: int, card: MemoryState) -> fsrs.Card:
    if card.state == CardState.NEW:
        return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=card.due)
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(
    *,
    card_id: int,
    card: MemoryState,
    rating: Rating,
    reviewed_at: datetime,
    review_day: date,
    config: SchedulerConfig,
    due_counts: Mapping[date, int] | None = None,
) -> ReviewOutcome:
    """Apply one review to a card.

    FSRS (fuzz off) updates stability and difficulty and gives the interval; a card that ends in
    the Review state then gets the deterministic fuzz and load balancing (when `config.fuzz`),
    capped at the maximum interval. Learning-step intervals are not fuzzed (as in fsrs and
    Anki). `reviewed_at` must be timezone-aware; it is converted to UTC.
    Invariant: after.reps == before.reps + 1 and after.last_review == reviewed_at.
    """
    reviewed_at = reviewed_at.astimezone(UTC)
    updated, _ = _fsrs_scheduler(config).review_card(
        _to_fsrs_card(card_id, card), rating, review_datetime=reviewed_at
    )
    interval_days: int | None = None
    spread: tuple[int, int] | None = None
    due = updated.due
    if updated.state == fsrs.State.Review:
        interval_days = (updated.due - reviewed_at).days
        if config.fuzz:
            days, spread = balanced_interval(
                interval_days=interval_days,
                card_id=card_id,
                review_number=card.reps + 1,
                review_day=review_day,
                maximum_interval_days=config.maximum_interval_days,
                due_counts=due_counts or {},
            )
            due = reviewed_at + timedelta(days=days)
    after = MemoryState(
        state=CardState(int(updated.state)),
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=due,
        last_review=reviewed_at,
        reps=card.reps + 1,
    )
    return ReviewOutcome(
        rating=rating,
        reviewed_at=reviewed_at,
        before=card,
        after=after,
        interval_days=interval_days,
        fuzz_range=spread,
    )


def replay(
    *,
    card_id: int,
    reviews: Sequence[PastReview],
    config: SchedulerConfig,
    start_due: datetime,
    due_counts: Mapping[date, int] | None = None,
) -> list[ReviewOutcome]:
    """Rebuild a card from scratch through its reviews in time order (fsrs's reschedule_card,
    with our fuzz): for an answer graded after a later one, or a changed rating mapping.

    Load balancing applies to the last review only (earlier due days are history).
    Returns one outcome per review, in time order; the last one's `after` is the card now.
    """
    ordered = sorted(reviews, key=lambda past: past.reviewed_at)
    card = MemoryState.new(start_due)
    outcomes = []
    for index, past in enumerate(ordered):
        last = index == len(ordered) - 1
        outcome = review(
            card_id=card_id,
            card=card,
            rating=past.rating,
            reviewed_at=past.reviewed_at,
            review_day=past.review_day,
            config=config,
            due_counts=due_counts if last else None,
        )
        outcomes.append(outcome)
        card = outcome.after
    return outcomes


def rescheduled(
    *,
    card_id: int,
    card: MemoryState,
    last_review_day: date,
    config: SchedulerConfig,
    due_counts: Mapping[date, int] | None = None,
) -> MemoryState:
    """The card with its due date recomputed for `config` (a new desired retention or maximum).

    Stability and difficulty do not depend on the desired retention, so only the interval of a
    Review-state card changes: last review + the new interval, fuzzed with the same seed as its
    last review and load-balanced. Other states are returned unchanged.
    """
    if card.state != CardState.REVIEW or card.stability is None or card.last_review is None:
        return card
    interval = next_interval_days(
        card.stability,
        desired_retention=config.desired_retention,
        maximum_interval_days=config.maximum_interval_days,
        parameters=config.parameters,
    )
    if config.fuzz:
        interval, _ = balanced_interval(
            interval_days=interval,
            card_id=card_id,
            review_number=card.reps,
            review_day=last_review_day,
            maximum_interval_days=config.maximum_interval_days,
            due_counts=due_counts or {},
        )
    return replace(card, due=card.last_review + timedelta(days=interval))


def is_due(card: MemoryState, *, now: datetime, day_end: datetime) -> bool:
    """Whether the queue may serve the card at `now`.

    A Review-state card is due on its due day (any time before `day_end`, the end of the
    learner's day), like Anki's review cards; a learning or relearning step is due at its
    time; a NEW card is never "due" (it is a new question, under the new-question limit).
    """
    if card.state == CardState.REVIEW:
        return card.due < day_end
    if card.state in (CardState.LEARNING, CardState.RELEARNING):
        return card.due <= now
    return False


@dataclass(frozen=True)
class QueueCandidate:
    question_id: int
    topic_ids: frozenset[int]
    objective_ids: frozenset[int] = frozenset()


def pick_interleaved(
    candidates: Sequence[QueueCandidate],
    *,
    previous_topics: frozenset[int],
    served_objectives: frozenset[int] = frozenset(),
) -> QueueCandidate | None:
    """The next question of the queue, topics interleaved and siblings spread apart.

    `candidates` come in priority order (most overdue first). Siblings are questions of one
    learning objective: a candidate of an objective already served today (`served_objectives`)
    waits while any other candidate is left. Among the rest, the first one sharing no topic
    with the previously served question wins; if every one shares one, the first.
    """
    unrelated = [c for c in candidates if not c.objective_ids & served_objectives]
    pool = unrelated or list(candidates)
    for candidate in pool:
        if not candidate.topic_ids & previous_topics:
            return candidate
    return pool[0] if pool else None


@dataclass(frozen=True)
class DailyAllowance:
    reviews: int
    new: int


def daily_allowance(
    *, review_cap: int, new_limit: int, reviews_today: int, new_today: int
) -> DailyAllowance:
    """What the queue may still serve today: never negative."""
    return DailyAllowance(
        reviews=max(review_cap - reviews_today, 0), new=max(new_limit - new_today, 0)
    )
