"""Review state: each learner's cards, their reviews, the review queue and rescheduling.

Services (writes, each in one transaction, keyword-only) and the selectors they need. The rules
themselves (rating mapping, FSRS step, fuzz, load balancing, interleaving) are the pure
functions of quizzes.scheduling; this module loads rows, calls them and stores the result.

Days: a learner's "day" is the calendar day in the site's time zone (settings.TIME_ZONE); a
Review-state card is due for the whole of its due day (see scheduling.is_due).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quizzes import progress, scheduling, services
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    CardState,
    LearnerSettings,
    MasterySnapshot,
    Question,
    QuizMode,
    Response,
    ResponseStatus,
    ReviewCard,
    ReviewLog,
    Status,
)
from quizzes.selectors import one_or_none

logger = logging.getLogger(__name__)

# How many due or new questions the queue considers when interleaving topics.
QUEUE_CANDIDATES = 50


@dataclass(frozen=True)
class ReviewDay:
    """The learner's calendar day: `start` <= t < `end` (aware datetimes)."""

    today: date
    start: datetime
    end: datetime


def review_day(now: datetime) -> ReviewDay:
    """The day containing `now` in the site's time zone."""
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    return ReviewDay(
        today=today,
        start=datetime.combine(today, time.min, tzinfo=tz),
        end=datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz),
    )


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_current_timezone()).date()


# Settings ---------------------------------------------------------------------------------


def learner_settings_for(learner_id: int) -> LearnerSettings:
    """The learner's review settings, created with the site's defaults on first use."""
    prefs, _ = LearnerSettings.objects.get_or_create(
        learner_id=learner_id,
        defaults={
            "daily_new_limit": settings.REVIEW_DAILY_NEW_LIMIT,
            "daily_review_cap": settings.REVIEW_DAILY_REVIEW_CAP,
        },
    )
    return prefs


def current_settings(learner: AbstractBaseUser) -> LearnerSettings:
    """The learner's settings, or the site's defaults (unsaved) if they never changed them."""
    return _settings_or_defaults(learner.pk)


def _settings_or_defaults(learner_id: int) -> LearnerSettings:
    # Read-only on purpose: the grading path must not insert rows another transaction may be
    # inserting too.
    prefs = one_or_none(LearnerSettings.objects.filter(learner_id=learner_id))
    if prefs is not None:
        return prefs
    return LearnerSettings(
        learner_id=learner_id,
        daily_new_limit=settings.REVIEW_DAILY_NEW_LIMIT,
        daily_review_cap=settings.REVIEW_DAILY_REVIEW_CAP,
    )


def scheduler_config(prefs: LearnerSettings) -> scheduling.SchedulerConfig:
    return scheduling.SchedulerConfig(
        desired_retention=prefs.desired_retention,
        maximum_interval_days=settings.REVIEW_MAX_INTERVAL_DAYS,
    )


@transaction.atomic
def update_learner_settings(
    *,
    learner: AbstractBaseUser,
    desired_retention: float,
    daily_new_limit: int,
    daily_review_cap: int,
    review_emails: bool,
) -> LearnerSettings:
    """Save the learner's review settings.

    A changed desired retention reschedules the learner's cards in a Celery task, enqueued only
    once this transaction commits. Raises IntegrityError for a retention outside 0.70-0.97
    (the form refuses it first).
    """
    prefs = learner_settings_for(learner.pk)
    prefs = LearnerSettings.objects.select_for_update().get(pk=prefs.pk)
    retention_changed = prefs.desired_retention != desired_retention
    prefs.desired_retention = desired_retention
    prefs.daily_new_limit = daily_new_limit
    prefs.daily_review_cap = daily_review_cap
    prefs.review_emails = review_emails
    prefs.save()
    if retention_changed:
        learner_id = learner.pk
        transaction.on_commit(lambda: enqueue_reschedule(learner_id))
    return prefs


def enqueue_reschedule(learner_id: int) -> None:
    from quizzes import tasks  # tasks import this module: import at call time

    try:
        tasks.reschedule_learner_cards.delay(learner_id)
    except Exception:  # kombu/redis raise several connection errors; the cards stay as they are
        logger.warning("Broker unreachable: cards of learner %s not rescheduled.", learner_id)


# Recording reviews ------------------------------------------------------------------------


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
    "lapses", "desired_retention", "updated_at",
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
    config = scheduler_config(_settings_or_defaults(response.learner_id))
    reviewed_at = response.submitted_at.astimezone(UTC)
    day = _local_date(reviewed_at)
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
        own, final = _replay_late(card, rating=rating, reviewed_at=reviewed_at, config=config)
    else:
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
        stability_after=own.after.stability,
        difficulty_after=own.after.difficulty,
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
            rating=scheduling.Rating(log_rating), reviewed_at=at, review_day=_local_date(at)
        )
        for log_rating, at in card.logs.filter(generation=card.generation)
        .order_by("reviewed_at", "id")
        .values_list("rating", "reviewed_at")
    ]
    # Stable sort: this answer goes after reviews at the same instant, before later ones.
    position = sum(1 for review in past if review.reviewed_at <= reviewed_at)
    this = scheduling.PastReview(
        rating=rating, reviewed_at=reviewed_at, review_day=_local_date(reviewed_at)
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


# The review queue -------------------------------------------------------------------------


def _due_filter(*, now: datetime, day: ReviewDay) -> Q:
    # Same rule as scheduling.is_due, in SQL.
    return Q(state=CardState.REVIEW, due__lt=day.end) | Q(
        state__in=[CardState.LEARNING, CardState.RELEARNING], due__lte=now
    )


def _busy_filter(learner: AbstractBaseUser, *, field: str = "question_id") -> Q:
    """Questions the queue must not serve now: an answer still being graded (its card is about
    to change), or a question of an open exam (tutor feedback would reveal its key). `field`
    names the question id in the filtered model."""
    pending = Response.objects.filter(learner=learner, status=ResponseStatus.PENDING).values(
        "item__question_id"
    )
    in_open_exam = AttemptItem.objects.filter(
        attempt__learner=learner,
        attempt__status=AttemptStatus.IN_PROGRESS,
        attempt__mode=QuizMode.EXAM,
    ).values("question_id")
    return Q(**{f"{field}__in": pending}) | Q(**{f"{field}__in": in_open_exam})


def due_cards(*, learner: AbstractBaseUser, now: datetime) -> QuerySet[ReviewCard]:
    """The learner's cards the queue may serve now, most overdue first."""
    day = review_day(now)
    return (
        ReviewCard.objects.filter(learner=learner)
        .filter(_due_filter(now=now, day=day))
        .filter(question__status=Status.PUBLISHED, question__current_version__isnull=False)
        .exclude(_busy_filter(learner))
        .order_by("due", "pk")
    )


def due_count(*, learner: AbstractBaseUser, now: datetime) -> int:
    """How many of the learner's reviews are due now (before the daily cap)."""
    return due_cards(learner=learner, now=now).count()


def _new_questions(learner: AbstractBaseUser) -> QuerySet[Question]:
    """Published questions the learner has never been reviewed on, in authoring order."""
    seen = ReviewCard.objects.filter(learner=learner, question=OuterRef("pk")).exclude(
        state=CardState.NEW
    )
    return (
        Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .exclude(Exists(seen))
        .exclude(_busy_filter(learner, field="pk"))
        .order_by("pk")
    )


@dataclass(frozen=True)
class TodayCounts:
    reviews: int
    new: int


def today_counts(*, learner: AbstractBaseUser, day: ReviewDay) -> TodayCounts:
    """Questions the queue served today: new ones (introduced today) and reviews (the rest)."""
    served = AttemptItem.objects.filter(
        attempt__learner=learner,
        attempt__kind=AttemptKind.REVIEW,
        attempt__started_at__gte=day.start,
    ).count()
    new = ReviewCard.objects.filter(learner=learner, introduced_at__gte=day.start).count()
    return TodayCounts(reviews=max(served - new, 0), new=new)


def _candidates(question_ids: Sequence[int]) -> list[scheduling.QueueCandidate]:
    topics: dict[int, set[int]] = {question_id: set() for question_id in question_ids}
    for question_id, topic_id in Question.topics.through.objects.filter(
        question_id__in=question_ids
    ).values_list("question_id", "topic_id"):
        topics[question_id].add(topic_id)
    return [
        scheduling.QueueCandidate(question_id=pk, topic_ids=frozenset(topics[pk]))
        for pk in question_ids
    ]


def _previous_topics(item: AttemptItem | None) -> frozenset[int]:
    if item is None:
        return frozenset()
    return frozenset(
        Question.topics.through.objects.filter(question_id=item.question_id).values_list(
            "topic_id", flat=True
        )
    )


def _open_review_attempt(
    *, learner: AbstractBaseUser, day: ReviewDay, now: datetime
) -> Attempt | None:
    """Today's open review attempt; yesterday's is submitted first (one attempt per day)."""
    attempt = (
        Attempt.objects.filter(
            learner=learner, kind=AttemptKind.REVIEW, status=AttemptStatus.IN_PROGRESS
        )
        .order_by("-started_at")
        .first()
    )
    if attempt is not None and attempt.started_at < day.start:
        services.finalize_attempt(attempt_id=attempt.pk, now=now)
        return None
    return attempt


def _still_servable(*, learner: AbstractBaseUser, item: AttemptItem, now: datetime) -> bool:
    day = review_day(now)
    return (
        ReviewCard.objects.filter(learner=learner, question_id=item.question_id)
        .filter(Q(state=CardState.NEW) | _due_filter(now=now, day=day))
        .filter(question__status=Status.PUBLISHED)
        .exclude(_busy_filter(learner))
        .exists()
    )


@transaction.atomic
def next_review_item(*, learner: AbstractBaseUser, now: datetime) -> AttemptItem | None:
    """The learner's next review question, as an item of their open review attempt.

    The last item of today's review attempt, if still unanswered and still due, comes back;
    otherwise the next question is appended: due cards first (most overdue first, topics
    interleaved) while under the daily review cap, then new published questions while under the
    daily new limit. A card that is not due is never served. The attempt (kind review, tutor
    mode, no quiz) is one per day; a question already in it (a learning step due again the same
    day) starts a fresh one. Returns None when nothing is left for today.
    """
    # The learner's settings row serialises two tabs asking at once.
    prefs = learner_settings_for(learner.pk)
    prefs = LearnerSettings.objects.select_for_update().get(pk=prefs.pk)
    day = review_day(now)
    attempt = _open_review_attempt(learner=learner, day=day, now=now)
    last = None
    if attempt is not None:
        last = attempt.items.order_by("-position").first()
        if (
            last is not None
            and not Response.objects.filter(item=last).exists()
            and _still_servable(learner=learner, item=last, now=now)
        ):
            return last
    counts = today_counts(learner=learner, day=day)
    allowance = scheduling.daily_allowance(
        review_cap=prefs.daily_review_cap,
        new_limit=prefs.daily_new_limit,
        reviews_today=counts.reviews,
        new_today=counts.new,
    )
    previous = _previous_topics(last)
    chosen = None
    is_new = False
    if allowance.reviews:
        due_ids = list(
            due_cards(learner=learner, now=now).values_list("question_id", flat=True)[
                :QUEUE_CANDIDATES
            ]
        )
        chosen = scheduling.pick_interleaved(_candidates(due_ids), previous_topics=previous)
    if chosen is None and allowance.new:
        new_ids = list(_new_questions(learner).values_list("pk", flat=True)[:QUEUE_CANDIDATES])
        chosen = scheduling.pick_interleaved(_candidates(new_ids), previous_topics=previous)
        is_new = True
    if chosen is None:
        return None
    question = Question.objects.select_related("current_version").get(pk=chosen.question_id)
    if is_new:
        _introduce(learner=learner, question=question, now=now)
    if attempt is not None and attempt.items.filter(question=question).exists():
        services.finalize_attempt(attempt_id=attempt.pk, now=now)
        attempt = None
    if attempt is None:
        attempt = Attempt.objects.create(
            learner=learner,
            kind=AttemptKind.REVIEW,
            quiz=None,
            mode=QuizMode.TUTOR,
            started_at=now,
        )
        position = 0
    else:
        position = last.position + 1 if last is not None else 0
    [item] = services.add_attempt_items(
        attempt=attempt, questions=[question], shuffle_options=True, first_position=position
    )
    return item


def _introduce(*, learner: AbstractBaseUser, question: Question, now: datetime) -> None:
    """Mark a new question as served today: it counts against the daily new limit."""
    card, created = ReviewCard.objects.get_or_create(
        learner=learner,
        question=question,
        defaults={"generation": question.review_generation, "due": now, "introduced_at": now},
    )
    if not created:
        ReviewCard.objects.filter(pk=card.pk, state=CardState.NEW).update(
            introduced_at=now, due=now, generation=question.review_generation
        )


@dataclass(frozen=True)
class QueueStatus:
    due: int
    reviews_today: int
    new_today: int
    reviews_left: int
    new_left: int
    new_available: bool
    waiting: bool
    next_due: datetime | None
    review_cap: int
    new_limit: int

    @property
    def can_start(self) -> bool:
        """Whether the queue has anything to serve now (due within the cap, or new)."""
        return self.waiting or bool(
            (self.due and self.reviews_left) or (self.new_available and self.new_left)
        )


def queue_status(*, learner: AbstractBaseUser, now: datetime) -> QueueStatus:
    """What the review queue page shows: due reviews, today's counts and allowance."""
    prefs = _settings_or_defaults(learner.pk)
    day = review_day(now)
    counts = today_counts(learner=learner, day=day)
    allowance = scheduling.daily_allowance(
        review_cap=prefs.daily_review_cap,
        new_limit=prefs.daily_new_limit,
        reviews_today=counts.reviews,
        new_today=counts.new,
    )
    waiting = AttemptItem.objects.filter(
        attempt__learner=learner,
        attempt__kind=AttemptKind.REVIEW,
        attempt__status=AttemptStatus.IN_PROGRESS,
        attempt__started_at__gte=day.start,
        response__isnull=True,
    ).exists()
    next_card = (
        ReviewCard.objects.filter(learner=learner, question__status=Status.PUBLISHED)
        .exclude(state=CardState.NEW)
        .exclude(_due_filter(now=now, day=day))
        .order_by("due")
        .values_list("due", flat=True)
        .first()
    )
    return QueueStatus(
        due=due_count(learner=learner, now=now),
        reviews_today=counts.reviews,
        new_today=counts.new,
        reviews_left=allowance.reviews,
        new_left=allowance.new,
        new_available=_new_questions(learner).exists(),
        waiting=waiting,
        next_due=next_card,
        review_cap=prefs.daily_review_cap,
        new_limit=prefs.daily_new_limit,
    )


def recent_reviews(*, learner: AbstractBaseUser, limit: int = 8) -> QuerySet[ReviewLog]:
    return (
        ReviewLog.objects.filter(learner=learner)
        .select_related("card", "question")
        .order_by("-reviewed_at", "-id")[:limit]
    )


def card_for_learner(learner: AbstractBaseUser, card_id: int) -> ReviewCard:
    """The learner's own reviewed card, or 404 (another learner's card does not exist)."""
    try:
        return (
            ReviewCard.objects.select_related("question")
            .exclude(state=CardState.NEW)
            .get(pk=card_id, learner=learner)
        )
    except ReviewCard.DoesNotExist as error:
        raise Http404("No such card.") from error


# Rescheduling -----------------------------------------------------------------------------


def reschedule_cards(*, learner_id: int, batch_size: int | None = None) -> int:
    """Recompute the due dates of a learner's Review-state cards for their current settings.

    Runs in batches of `batch_size` cards (settings.REVIEW_RESCHEDULE_BATCH_SIZE), each its own
    transaction: lock the batch, compute in Python (scheduling.rescheduled: same fuzz seed,
    load-balanced against the cards already placed), write it with one bulk UPDATE. A card
    records the retention its due date was computed for, so a second run, or a run resumed
    after a crash, only touches what is left. Returns the number of cards moved.
    """
    batch_size = batch_size or settings.REVIEW_RESCHEDULE_BATCH_SIZE
    config = scheduler_config(_settings_or_defaults(learner_id))
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
                    last_review_day=last_review.astimezone(tz).date(),
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


# Reminders and snapshots ------------------------------------------------------------------


def learners_to_remind(*, now: datetime) -> list[int]:
    """Active learners with an e-mail address, reviews due, e-mails on, not yet reminded today."""
    day = review_day(now)
    opted_out_or_done = LearnerSettings.objects.filter(
        Q(review_emails=False) | Q(last_reminder_on=day.today)
    ).values("learner_id")
    return list(
        ReviewCard.objects.filter(_due_filter(now=now, day=day))
        .filter(learner__is_active=True, question__status=Status.PUBLISHED)
        .exclude(learner__email="")
        .exclude(learner_id__in=opted_out_or_done)
        .values_list("learner_id", flat=True)
        .distinct()
        .order_by("learner_id")
    )


@transaction.atomic
def send_review_reminder(*, learner_id: int, now: datetime) -> bool:
    """E-mail the learner how many reviews are due; at most once per day. True if sent.

    The day is claimed with a conditional update before sending, so a task run twice sends
    once; a failed send rolls the claim back and the retry sends.
    """
    learner = get_user_model().objects.filter(pk=learner_id, is_active=True).first()
    if learner is None or not learner.email:
        return False
    prefs = learner_settings_for(learner_id)
    due = due_count(learner=learner, now=now)
    if not prefs.review_emails or due == 0:
        return False
    day = review_day(now)
    claimed = (
        LearnerSettings.objects.filter(pk=prefs.pk, review_emails=True)
        .exclude(last_reminder_on=day.today)
        .update(last_reminder_on=day.today)
    )
    if not claimed:
        return False
    context = {
        "learner": learner,
        "due": due,
        "queue_url": settings.REVIEW_EMAIL_SITE_URL.rstrip("/") + reverse("review-queue"),
        "settings_url": settings.REVIEW_EMAIL_SITE_URL.rstrip("/") + reverse("learner-settings"),
    }
    subject = f"{due} review{'s' if due != 1 else ''} due today"
    send_mail(
        subject,
        render_to_string("emails/review_reminder.txt", context),
        None,
        [learner.email],
    )
    return True


def learners_with_cards() -> list[int]:
    return list(
        ReviewCard.objects.exclude(state=CardState.NEW)
        .values_list("learner_id", flat=True)
        .distinct()
        .order_by("learner_id")
    )


@transaction.atomic
def snapshot_mastery(*, learner_id: int, now: datetime) -> int:
    """Record today's per-topic mastery and accuracy of a learner; a second run overwrites the
    same rows (unique per learner, topic and day). Returns the number of topics."""
    today = review_day(now).today
    rows = [
        MasterySnapshot(
            learner_id=learner_id,
            topic_id=row.topic_id,
            date=today,
            mastery=row.mastery,
            accuracy=row.accuracy,
            cards=row.cards,
        )
        for row in progress.topic_mastery(learner_id=learner_id, now=now)
        if row.topic_id is not None and row.mastery is not None
    ]
    MasterySnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["learner", "topic", "date"],
        update_fields=["mastery", "accuracy", "cards"],
    )
    return len(rows)
