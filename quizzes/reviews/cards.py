"""Review cards: each graded answer updates its learner's card once; settings changes
reschedule them.

The rules (rating mapping, FSRS step, fuzz, load balancing) are the pure functions of
`quizzes.reviews.scheduling`; this module loads rows, calls them and stores the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from quizzes.models import CardState, Question, Response, ResponseStatus, ReviewCard, ReviewLog
from quizzes.reviews import planning, scheduling
from quizzes.reviews.days import local_date, review_day
from quizzes.reviews.learner_settings import scheduler_config, settings_or_defaults
from quizzes.selectors import one_or_none


def _memory(card: ReviewCard) -> scheduling.MemoryState:
    return scheduling.MemoryState(
        state=scheduling.CardState(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=card.reps,
    )


def _store(card: ReviewCard, memory: scheduling.MemoryState) -> None:
    card.state = int(memory.state)
    card.step = memory.step
    card.stability = memory.stability
    card.difficulty = memory.difficulty
    card.due = memory.due
    card.last_review = memory.last_review
    card.reps = memory.reps


# What a review changes on a card (the rest, its learner, question and introduction, never).
CARD_REVIEW_FIELDS = [
    "generation", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
    "lapses", "desired_retention", "last_rating", "last_correct", "updated_at",
]  # fmt: skip


def _locked_card(*, learner_id: int, question: Question, due: datetime) -> ReviewCard:
    card = one_or_none(
        ReviewCard.objects.select_for_update().filter(learner_id=learner_id, question=question)
    )
    if card is not None:
        return card
    try:
        with transaction.atomic():
            return ReviewCard.objects.create(
                learner_id=learner_id,
                question=question,
                generation=question.review_generation,
                due=due,
            )
    except IntegrityError:
        # The same learner's other answer to this question created it a moment ago.
        return ReviewCard.objects.select_for_update().get(learner_id=learner_id, question=question)


def _due_counts(*, learner_id: int, exclude_card_id: int, first: date, last: date) -> Counter:
    """Review-state cards due per day from `first` to `last` (inclusive), for load balancing."""
    rows = (
        ReviewCard.objects.filter(learner_id=learner_id, state=CardState.REVIEW)
        .exclude(pk=exclude_card_id)
        .annotate(day=TruncDate("due"))
        .filter(day__gte=first, day__lte=last)
        .values("day")
        .annotate(cards=Count("id"))
        .order_by()
    )
    return Counter({row["day"]: row["cards"] for row in rows})


def _balanced(
    compute: Callable[[Counter], list[scheduling.ReviewOutcome]],
    *,
    card: ReviewCard,
    review_day_of_last: date,
) -> list[scheduling.ReviewOutcome]:
    """Run a scheduling computation, then again with the learner's load in its fuzz range.

    The first run finds the range; only those few days' counts are read (one small indexed
    query, whatever the number of cards).
    """
    outcomes = compute(Counter())
    spread = outcomes[-1].fuzz_range
    if spread is None or spread[0] == spread[1]:
        return outcomes
    counts = _due_counts(
        learner_id=card.learner_id,
        exclude_card_id=card.pk,
        first=review_day_of_last + timedelta(days=spread[0]),
        last=review_day_of_last + timedelta(days=spread[1]),
    )
    return compute(counts) if counts else outcomes


def record_review(response: Response) -> ReviewLog | None:
    """Apply a graded response to the learner's card for its question, and log the review.

    Called by services.grade_response inside its transaction, after the grade is saved, so the
    grade, the card and the log commit together. The review time is when the learner submitted
    (response.submitted_at, UTC), never when the worker ran. The card row is locked; a response
    that already has its log is a replay and changes nothing (ReviewLog is unique per response).
    A card of an older review generation (the question had a major edit) restarts as new; a
    minor edit keeps it. An answer older than the card's last review (graded late) is placed in
    time order by replaying the generation's reviews. Returns the new log, or None.
    """
    if response.status != ResponseStatus.GRADED or response.score is None:
        return None
    if ReviewLog.objects.filter(response_id=response.pk).exists():
        return None
    question = Question.objects.only("id", "review_generation").get(pk=response.version.question_id)
    reviewed_at = response.submitted_at.astimezone(UTC)
    day = local_date(reviewed_at)
    prefs = settings_or_defaults(response.learner_id)
    # An exam plan raises the desired retention towards its exam day (quizzes.reviews.planning).
    retention = planning.plan_retention(
        learner_id=response.learner_id, day=day, base=prefs.desired_retention
    )
    config = scheduler_config(prefs, desired_retention=retention)
    card = _locked_card(learner_id=response.learner_id, question=question, due=reviewed_at)
    if card.generation != question.review_generation:
        card.generation = question.review_generation
        card.lapses = 0
        _store(card, scheduling.MemoryState.new(reviewed_at))
    inputs = scheduling.RatingInputs(
        correct=bool(response.correct),
        score=float(response.score),
        confidence=response.confidence or "",
        pass_mark=settings.REVIEW_PASS_MARK,
        easy_enabled=settings.REVIEW_EASY_RATING_ENABLED,
    )
    rating = scheduling.rating_for(inputs)
    if card.last_review is not None and reviewed_at < card.last_review:
        # A late answer: the newer review's rating stays the card's last.
        own, final = _replay_late(card, rating=rating, reviewed_at=reviewed_at, config=config)
    else:
        card.last_rating = int(rating)
        card.last_correct = inputs.correct
        [own] = _balanced(
            lambda counts: [
                scheduling.review(
                    card_id=card.pk,
                    card=_memory(card),
                    rating=rating,
                    reviewed_at=reviewed_at,
                    review_day=day,
                    config=config,
                    due_counts=counts,
                )
            ],
            card=card,
            review_day_of_last=day,
        )
        final = own.after
    before = own.before
    if before.state == scheduling.CardState.REVIEW and rating == scheduling.Rating.Again:
        card.lapses += 1
    _store(card, final)
    card.desired_retention = config.desired_retention
    card.save(update_fields=CARD_REVIEW_FIELDS)
    return ReviewLog.objects.create(
        card=card,
        learner_id=response.learner_id,
        question=question,
        response=response,
        generation=card.generation,
        reviewed_at=reviewed_at,
        rating=int(rating),
        mapping_version=scheduling.RATING_MAPPING_VERSION,
        correct=inputs.correct,
        score=inputs.score,
        confidence=inputs.confidence,
        pass_mark=inputs.pass_mark,
        easy_enabled=inputs.easy_enabled,
        desired_retention=config.desired_retention,
        maximum_interval_days=config.maximum_interval_days,
        state_before=int(before.state),
        step_before=before.step,
        stability_before=before.stability,
        difficulty_before=before.difficulty,
        due_before=before.due if before.state != scheduling.CardState.NEW else None,
        last_review_before=before.last_review,
        state_after=int(own.after.state),
        step_after=own.after.step,
        # FSRS sets both on every review; only a card never reviewed has them None.
        stability_after=cast(float, own.after.stability),
        difficulty_after=cast(float, own.after.difficulty),
        due_after=own.after.due,
        interval_days=own.interval_days,
        due_review=before.state == scheduling.CardState.REVIEW
        and scheduling.is_due(before, now=reviewed_at, day_end=review_day(reviewed_at).end),
    )


def _replay_late(
    card: ReviewCard,
    *,
    rating: scheduling.Rating,
    reviewed_at: datetime,
    config: scheduling.SchedulerConfig,
) -> tuple[scheduling.ReviewOutcome, scheduling.MemoryState]:
    """This review's own outcome and the card's final state, replaying the generation in order."""
    past = [
        scheduling.PastReview(
            rating=scheduling.Rating(log_rating), reviewed_at=at, review_day=local_date(at)
        )
        for log_rating, at in card.logs.filter(generation=card.generation)
        .order_by("reviewed_at", "id")
        .values_list("rating", "reviewed_at")
    ]
    # Stable sort: this answer goes after reviews at the same instant, before later ones.
    position = sum(1 for review in past if review.reviewed_at <= reviewed_at)
    this = scheduling.PastReview(
        rating=rating, reviewed_at=reviewed_at, review_day=local_date(reviewed_at)
    )
    ordered = [*past[:position], this, *past[position:]]
    start_due = ordered[0].reviewed_at
    outcomes = _balanced(
        lambda counts: scheduling.replay(
            card_id=card.pk,
            reviews=ordered,
            config=config,
            start_due=start_due,
            due_counts=counts,
        ),
        card=card,
        review_day_of_last=ordered[-1].review_day,
    )
    return outcomes[position], outcomes[-1].after


def reschedule_cards(*, learner_id: int, batch_size: int | None = None) -> int:
    """Recompute the due dates of a learner's Review-state cards for their current settings (and
    exam plan: the daily job `reschedule_exam_plans` follows its retention ramp).

    Runs in batches of `batch_size` cards (settings.REVIEW_RESCHEDULE_BATCH_SIZE), each its own
    transaction: lock the batch, compute in Python (scheduling.rescheduled: same fuzz seed,
    load-balanced against the cards already placed), write it with one bulk UPDATE. A card
    records the retention its due date was computed for, so a second run, or a run resumed
    after a crash, only touches what is left. Returns the number of cards moved.
    """
    batch_size = batch_size or settings.REVIEW_RESCHEDULE_BATCH_SIZE
    prefs = settings_or_defaults(learner_id)
    # With an exam plan, the retention of today's point on its ramp (quizzes.reviews.planning).
    retention = planning.plan_retention(
        learner_id=learner_id, day=local_date(timezone.now()), base=prefs.desired_retention
    )
    config = scheduler_config(prefs, desired_retention=retention)
    retention = config.desired_retention
    review_cards = ReviewCard.objects.filter(
        learner_id=learner_id, state=CardState.REVIEW, stability__isnull=False
    )
    placed = Counter(
        {
            row["day"]: row["cards"]
            for row in review_cards.filter(desired_retention=retention)
            .annotate(day=TruncDate("due"))
            .values("day")
            .annotate(cards=Count("id"))
            .order_by()
        }
    )
    to_move = review_cards.exclude(desired_retention=retention)
    tz = timezone.get_current_timezone()
    moved = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            # Plain tuples, not model instances: the batch is read, computed and written back
            # without the ORM's per-row cost (bench/results.md, rescheduling profile).
            batch = list(
                to_move.filter(pk__gt=last_pk)
                .select_for_update()
                .order_by("pk")
                .values_list(
                    "id", "state", "step", "stability", "difficulty", "due", "last_review", "reps"
                )[:batch_size]
            )
            if not batch:
                return moved
            dues = []
            for card_id, state, step, stability, difficulty, due, last_review, reps in batch:
                memory = scheduling.rescheduled(
                    card_id=card_id,
                    card=scheduling.MemoryState(
                        state=scheduling.CardState(state),
                        step=step,
                        stability=stability,
                        difficulty=difficulty,
                        due=due,
                        last_review=last_review,
                        reps=reps,
                    ),
                    # A Review-state card has been reviewed: its last review is set.
                    last_review_day=cast(datetime, last_review).astimezone(tz).date(),
                    config=config,
                    due_counts=placed,
                )
                dues.append(memory.due)
                placed[memory.due.astimezone(tz).date()] += 1
            _write_due_dates([row[0] for row in batch], dues, retention=retention)
        moved += len(batch)
        if len(batch) < batch_size:  # the last batch: no need to ask for an empty one
            return moved
        last_pk = batch[-1][0]


def _write_due_dates(card_ids: list[int], dues: list[datetime], *, retention: float) -> None:
    """Store new due dates (and the retention they were computed for) in one statement.

    On PostgreSQL, one UPDATE joined to the two arrays: bulk_update's CASE WHEN over a thousand
    ids cost most of a reschedule in its profile. Elsewhere (the SQLite demo), bulk_update.
    """
    if connection.vendor != "postgresql":
        cards = [
            ReviewCard(pk=card_id, due=due, desired_retention=retention)
            for card_id, due in zip(card_ids, dues, strict=True)
        ]
        ReviewCard.objects.bulk_update(cards, ["due", "desired_retention"])
        return
    table = connection.ops.quote_name(ReviewCard._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS card SET due = batch.due, desired_retention = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS batch(id, due) "
            "WHERE card.id = batch.id",
            [retention, card_ids, dues],
        )


def card_for_learner(learner: User, card_id: int) -> ReviewCard:
    """The learner's own reviewed card, or 404 (another learner's card does not exist)."""
    try:
        return (
            ReviewCard.objects.select_related("question")
            .exclude(state=CardState.NEW)
            .get(pk=card_id, learner=learner)
        )
    except ReviewCard.DoesNotExist as error:
        raise Http404("No such card.") from error
