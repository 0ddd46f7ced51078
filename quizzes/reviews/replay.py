"""Replay review logs: rebuild cards after the rating mapping or a learner's parameters changed.

Each card of the current review generation is rebuilt from scratch through its logged reviews in
time order (scheduling.replay): the rating is recomputed from the logged inputs by the current
mapping (scheduling.rating_for with the site's pass mark and Easy setting), under the learner's
current desired retention and FSRS parameters. The logs stay as they were written (the history
of what was scheduled then), except their rating and mapping version where the current mapping
rates an answer differently.

Idempotent: the result depends only on the logs, the settings and the card ids (the fuzz is
seeded by card and review number; no load balancing, which would depend on the order cards are
visited), so a second run writes the same states. Batches of cards by primary key, each its own
transaction: one query for the cards, one for their logs, one UPDATE for the cards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from quizzes.models import CardState, LearnerSettings, PersonalParameters, ReviewCard, ReviewLog
from quizzes.reviews import personal, scheduling
from quizzes.reviews.learner_settings import settings_or_defaults

REPLAY_FIELDS = [
    "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
    "desired_retention", "last_rating", "last_correct",
]  # fmt: skip
DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class ReplayReport:
    cards: int
    changed_ratings: int


def _configs(learner_ids: Iterable[int]) -> dict[int, scheduling.SchedulerConfig]:
    """Each learner's scheduler configuration, in two queries for the whole batch."""
    ids = set(learner_ids)
    prefs = {row.learner_id: row for row in LearnerSettings.objects.filter(learner_id__in=ids)}
    weights = dict(
        PersonalParameters.objects.filter(learner_id__in=ids).values_list(
            "learner_id", "parameters"
        )
    )
    configs = {}
    for learner_id in ids:
        learner_prefs = prefs.get(learner_id) or settings_or_defaults(learner_id)
        parameters = weights.get(learner_id)
        configs[learner_id] = scheduling.SchedulerConfig(
            desired_retention=learner_prefs.desired_retention,
            maximum_interval_days=settings.REVIEW_MAX_INTERVAL_DAYS,
            parameters=tuple(float(w) for w in parameters)
            if parameters
            else personal.default_parameters(),
        )
    return configs


def _rating(correct: bool, score: float, confidence: str) -> scheduling.Rating:
    return scheduling.rating_for(
        scheduling.RatingInputs(
            correct=correct,
            score=score,
            confidence=confidence,
            pass_mark=settings.REVIEW_PASS_MARK,
            easy_enabled=settings.REVIEW_EASY_RATING_ENABLED,
        )
    )


def replay_reviews(
    *,
    learner_id: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> ReplayReport:
    """Rebuild every reviewed card of one learner (or of everyone, `learner_id` None).

    `progress` is called with the number of cards of each finished batch.
    """
    cards = ReviewCard.objects.exclude(state=CardState.NEW)
    if learner_id is not None:
        cards = cards.filter(learner_id=learner_id)
    total = 0
    changed = 0
    last_pk = 0
    while True:
        done, batch_changed, last_pk = _replay_batch(cards, after=last_pk, size=batch_size)
        total += done
        changed += batch_changed
        if progress is not None and done:
            progress(done)
        if done < batch_size:
            return ReplayReport(cards=total, changed_ratings=changed)


@transaction.atomic
def _replay_batch(cards: QuerySet[ReviewCard], *, after: int, size: int) -> tuple[int, int, int]:
    """Replay the next `size` cards after primary key `after`: (cards, changed ratings, last pk)."""
    batch = list(
        cards.filter(pk__gt=after)
        .select_for_update()
        .order_by("pk")
        .only("id", "learner_id", "generation", "due", "lapses")[:size]
    )
    if not batch:
        return 0, 0, after
    generation = {card.pk: card.generation for card in batch}
    logs: dict[int, list[tuple[int, datetime, int, bool, float, str, int]]] = {}
    rows = (
        ReviewLog.objects.filter(card_id__in=generation)
        .order_by("card_id", "reviewed_at", "id")
        .values_list(
            "card_id",
            "generation",
            "id",
            "reviewed_at",
            "rating",
            "correct",
            "score",
            "confidence",
            "mapping_version",
        )
    )
    for card_id, log_generation, log_id, at, rating, correct, score, confidence, version in rows:
        if log_generation == generation[card_id]:
            logs.setdefault(card_id, []).append(
                (log_id, at, rating, correct, score, confidence, version)
            )
    configs = _configs(card.learner_id for card in batch)
    tz = timezone.get_current_timezone()  # the learner's day (quizzes.reviews.days), once
    relabel: list[tuple[int, int]] = []
    updated: list[ReviewCard] = []
    for card in batch:
        history = logs.get(card.pk)
        if not history:
            continue
        ratings = []
        for log_id, _at, old, correct, score, confidence, version in history:
            rating = _rating(correct, score, confidence)
            ratings.append(rating)
            if int(rating) != old or version != scheduling.RATING_MAPPING_VERSION:
                relabel.append((log_id, int(rating)))
        config = configs[card.learner_id]
        outcomes = scheduling.replay(
            card_id=card.pk,
            reviews=[
                scheduling.PastReview(
                    rating=rating, reviewed_at=entry[1], review_day=entry[1].astimezone(tz).date()
                )
                for rating, entry in zip(ratings, history, strict=True)
            ],
            config=config,
            start_due=history[0][1],
        )
        final = outcomes[-1].after
        card.state = int(final.state)
        card.step = final.step
        card.stability = final.stability
        card.difficulty = final.difficulty
        card.due = final.due
        card.last_review = final.last_review
        card.reps = final.reps
        card.lapses = sum(
            1
            for outcome in outcomes
            if outcome.before.state == scheduling.CardState.REVIEW
            and outcome.rating == scheduling.Rating.Again
        )
        card.desired_retention = config.desired_retention
        card.last_rating = int(outcomes[-1].rating)
        card.last_correct = history[-1][3]
        updated.append(card)
    _write_cards(updated)
    if relabel:
        _relabel(relabel)
    return len(batch), len(relabel), batch[-1].pk


def _write_cards(cards: list[ReviewCard]) -> None:
    """Store the rebuilt states in one statement.

    On PostgreSQL one UPDATE joined to arrays of the new values: bulk_update's CASE WHEN over
    eleven fields took 80% of a replay in its profile (as it did for rescheduling,
    bench/results.md). Elsewhere (the SQLite demo), bulk_update.
    """
    if not cards:
        return
    if connection.vendor != "postgresql":
        ReviewCard.objects.bulk_update(cards, REPLAY_FIELDS, batch_size=1000)
        return
    columns: dict[str, tuple[str, list[Any]]] = {
        "id": ("bigint", [card.pk for card in cards]),
        "state": ("smallint", [card.state for card in cards]),
        "step": ("smallint", [card.step for card in cards]),
        "stability": ("double precision", [card.stability for card in cards]),
        "difficulty": ("double precision", [card.difficulty for card in cards]),
        "due": ("timestamptz", [card.due for card in cards]),
        "last_review": ("timestamptz", [card.last_review for card in cards]),
        "reps": ("integer", [card.reps for card in cards]),
        "lapses": ("integer", [card.lapses for card in cards]),
        "desired_retention": ("double precision", [card.desired_retention for card in cards]),
        "last_rating": ("smallint", [card.last_rating for card in cards]),
        "last_correct": ("boolean", [card.last_correct for card in cards]),
    }
    table = connection.ops.quote_name(ReviewCard._meta.db_table)
    sets = ", ".join(f"{name} = batch.{name}" for name in columns if name != "id")
    arrays = ", ".join(f"%s::{kind}[]" for kind, _values in columns.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS card SET {sets}, updated_at = now() "  # noqa: S608
            f"FROM unnest({arrays}) AS batch({', '.join(columns)}) WHERE card.id = batch.id",
            [values for _kind, values in columns.values()],
        )


def _relabel(changes: list[tuple[int, int]]) -> None:
    by_rating: dict[int, list[int]] = {}
    for log_id, rating in changes:
        by_rating.setdefault(rating, []).append(log_id)
    for rating, ids in by_rating.items():
        ReviewLog.objects.filter(Q(pk__in=ids)).update(
            rating=rating, mapping_version=scheduling.RATING_MAPPING_VERSION
        )


def learners_with_reviews() -> list[int]:
    return list(
        ReviewCard.objects.exclude(state=CardState.NEW)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .distinct()
    )
