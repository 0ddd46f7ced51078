"""The review queue: what a learner reviews next, today's counts and what is still allowed.

Due cards first (most overdue first, topics interleaved) within the daily review cap, then new
published questions within the daily new limit. Another app may ask the queue to favour some
topics for a learner (a cohort's upcoming assignments): their questions come first, due ones by
how overdue, new ones in authoring order. Questions are served as items of the learner's
review attempt of the day (an attempt of kind review, tutor mode, no quiz).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts
from quizzes.learner_view import questions_not_to_serve
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    CardState,
    ExamPlan,
    LearnerSettings,
    LearningObjective,
    Question,
    QuizMode,
    Response,
    ReviewCard,
    ReviewLog,
    Status,
)
from quizzes.reviews import planning, scheduling
from quizzes.reviews.days import ReviewDay, review_day
from quizzes.reviews.learner_settings import learner_settings_for, settings_or_defaults

# How many due or new questions the queue considers when interleaving topics.
QUEUE_CANDIDATES = 50

# (learner, now) -> a query of the topic ids the queue favours for the learner now.
FavouredTopics = Callable[[User, datetime], QuerySet[Any]]
_FAVOURED: list[FavouredTopics] = []


def register_favoured_topics(rule: FavouredTopics) -> None:
    """Declare, once at start-up (an app's `ready`), topics the queue serves first."""
    if rule not in _FAVOURED:
        _FAVOURED.append(rule)


def _favoured_first(
    queryset: QuerySet[Any], *, learner: User, now: datetime, question: str, then: Sequence[str]
) -> QuerySet[Any]:
    """`queryset` ordered with questions of a favoured topic first, then by `then`."""
    if not _FAVOURED:
        return queryset.order_by(*then)
    topics = Q(pk__isnull=True)
    for rule in _FAVOURED:
        topics |= Q(topic_id__in=rule(learner, now))
    favoured = Exists(
        Question.topics.through.objects.filter(question_id=OuterRef(question)).filter(topics)
    )
    return queryset.annotate(favoured=favoured).order_by(F("favoured").desc(), *then)


def _first_candidates(queryset: QuerySet[Any], field: str) -> list[int]:
    """The question ids the queue picks from: of a favoured topic when there are any (so topics
    interleave among them, never away from them), else the first few."""
    if not _FAVOURED:
        return list(queryset.values_list(field, flat=True)[:QUEUE_CANDIDATES])
    rows = list(queryset.values_list(field, "favoured")[:QUEUE_CANDIDATES])
    return [pk for pk, favoured in rows if favoured] or [pk for pk, _ in rows]


def due_filter(*, now: datetime, day: ReviewDay) -> Q:
    # Same rule as scheduling.is_due, in SQL.
    return Q(state=CardState.REVIEW, due__lt=day.end) | Q(
        state__in=[CardState.LEARNING, CardState.RELEARNING], due__lte=now
    )


def due_cards(*, learner: User, now: datetime) -> QuerySet[ReviewCard]:
    """The learner's cards the queue may serve now: favoured topics first, then most overdue
    first."""
    day = review_day(now)
    cards = (
        ReviewCard.objects.filter(learner=learner)
        .filter(due_filter(now=now, day=day))
        .filter(question__status=Status.PUBLISHED, question__current_version__isnull=False)
        .exclude(questions_not_to_serve(learner))
    )
    return _favoured_first(
        cards, learner=learner, now=now, question="question_id", then=["due", "pk"]
    )


def due_count(*, learner: User, now: datetime) -> int:
    """How many of the learner's reviews are due now (before the daily cap)."""
    return due_cards(learner=learner, now=now).count()


def _new_questions(
    learner: User, now: datetime | None = None, *, plan: ExamPlan | None = None
) -> QuerySet[Question]:
    """Published questions the learner has never been reviewed on: favoured topics first (when
    `now` is given), then in authoring order; with an exam plan, only those of its topics."""
    seen = ReviewCard.objects.filter(learner=learner, question=OuterRef("pk")).exclude(
        state=CardState.NEW
    )
    questions = (
        Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .exclude(Exists(seen))
        .exclude(questions_not_to_serve(learner, field="pk"))
    )
    if plan is not None:
        questions = questions.filter(pk__in=_plan_question_ids(plan))
    if now is None:
        return questions.order_by("pk")
    return _favoured_first(questions, learner=learner, now=now, question="pk", then=["pk"])


def _plan_question_ids(plan: ExamPlan) -> QuerySet[Any]:
    return Question.topics.through.objects.filter(topic_id__in=plan.topics.values("pk")).values(
        "question_id"
    )


def _new_limit(
    *, learner: User, prefs: LearnerSettings, plan: ExamPlan | None, day: ReviewDay, now: datetime
) -> int:
    """Today's new-question limit: the learner's, or with an exam plan the pace that introduces
    all of its topics' questions before the exam day, within its time budget
    (quizzes.reviews.planning)."""
    if plan is None:
        return prefs.daily_new_limit
    met_before_today = ReviewCard.objects.filter(learner=learner, question=OuterRef("pk")).filter(
        Q(introduced_at__lt=day.start) | (~Q(state=CardState.NEW) & Q(created_at__lt=day.start))
    )
    not_introduced = (
        Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .filter(pk__in=_plan_question_ids(plan))
        .exclude(Exists(met_before_today))
        .exclude(questions_not_to_serve(learner, field="pk"))
        .count()
    )
    counts = today_counts(learner=learner, day=day)
    reviews = min(counts.reviews + due_count(learner=learner, now=now), prefs.daily_review_cap)
    return min(
        planning.new_pace(not_introduced=not_introduced, day=day.today, exam_date=plan.exam_date),
        planning.new_within_budget(daily_minutes=plan.daily_minutes, reviews=reviews),
    )


@dataclass(frozen=True)
class TodayCounts:
    reviews: int
    new: int


def today_counts(*, learner: User, day: ReviewDay) -> TodayCounts:
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
    objectives: dict[int, set[int]] = {question_id: set() for question_id in question_ids}
    for question_id, objective_id in LearningObjective.questions.through.objects.filter(
        question_id__in=question_ids
    ).values_list("question_id", "learningobjective_id"):
        objectives[question_id].add(objective_id)
    return [
        scheduling.QueueCandidate(
            question_id=pk,
            topic_ids=frozenset(topics[pk]),
            objective_ids=frozenset(objectives[pk]),
        )
        for pk in question_ids
    ]


def _served_objectives(*, learner: User, day: ReviewDay) -> frozenset[int]:
    """Learning objectives of the questions the review queue served the learner today."""
    served = AttemptItem.objects.filter(
        attempt__learner=learner,
        attempt__kind=AttemptKind.REVIEW,
        attempt__started_at__gte=day.start,
    ).values("question_id")
    return frozenset(
        LearningObjective.questions.through.objects.filter(question_id__in=served).values_list(
            "learningobjective_id", flat=True
        )
    )


def _previous_topics(item: AttemptItem | None) -> frozenset[int]:
    if item is None:
        return frozenset()
    return frozenset(
        Question.topics.through.objects.filter(question_id=item.question_id).values_list(
            "topic_id", flat=True
        )
    )


def _open_review_attempt(*, learner: User, day: ReviewDay, now: datetime) -> Attempt | None:
    """Today's open review attempt; yesterday's is submitted first (one attempt per day)."""
    attempt = (
        Attempt.objects.filter(
            learner=learner, kind=AttemptKind.REVIEW, status=AttemptStatus.IN_PROGRESS
        )
        .order_by("-started_at")
        .first()
    )
    if attempt is not None and attempt.started_at < day.start:
        attempts.close_attempt(attempt_id=attempt.pk, now=now)
        return None
    return attempt


def _still_servable(*, learner: User, item: AttemptItem, now: datetime) -> bool:
    day = review_day(now)
    return (
        ReviewCard.objects.filter(learner=learner, question_id=item.question_id)
        .filter(Q(state=CardState.NEW) | due_filter(now=now, day=day))
        .filter(question__status=Status.PUBLISHED)
        .exclude(questions_not_to_serve(learner))
        .exists()
    )


@transaction.atomic
def next_review_item(*, learner: User, now: datetime) -> AttemptItem | None:
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
    plan = planning.active_plan(learner_id=learner.pk, day=day.today)
    new_limit = _new_limit(learner=learner, prefs=prefs, plan=plan, day=day, now=now)
    allowance = scheduling.daily_allowance(
        review_cap=prefs.daily_review_cap,
        new_limit=new_limit,
        reviews_today=counts.reviews,
        new_today=counts.new,
    )
    previous = _previous_topics(last)
    siblings = _served_objectives(learner=learner, day=day)
    chosen = None
    is_new = False
    if allowance.reviews:
        due_ids = _first_candidates(due_cards(learner=learner, now=now), "question_id")
        chosen = scheduling.pick_interleaved(
            _candidates(due_ids), previous_topics=previous, served_objectives=siblings
        )
    if chosen is None and allowance.new:
        new_ids = _first_candidates(_new_questions(learner, now, plan=plan), "pk")
        chosen = scheduling.pick_interleaved(
            _candidates(new_ids), previous_topics=previous, served_objectives=siblings
        )
        is_new = True
    if chosen is None:
        return None
    question = Question.objects.select_related("current_version").get(pk=chosen.question_id)
    if is_new:
        _introduce(learner=learner, question=question, now=now)
    if attempt is not None and attempt.items.filter(question=question).exists():
        attempts.close_attempt(attempt_id=attempt.pk, now=now)
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
    [item] = attempts.add_attempt_items(
        attempt=attempt, questions=[question], shuffle_options=True, first_position=position
    )
    return item


def _introduce(*, learner: User, question: Question, now: datetime) -> None:
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


def queue_status(*, learner: User, now: datetime) -> QueueStatus:
    """What the review queue page shows: due reviews, today's counts and allowance."""
    prefs = settings_or_defaults(learner.pk)
    day = review_day(now)
    counts = today_counts(learner=learner, day=day)
    plan = planning.active_plan(learner_id=learner.pk, day=day.today)
    new_limit = _new_limit(learner=learner, prefs=prefs, plan=plan, day=day, now=now)
    allowance = scheduling.daily_allowance(
        review_cap=prefs.daily_review_cap,
        new_limit=new_limit,
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
        .exclude(due_filter(now=now, day=day))
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
        new_available=_new_questions(learner, plan=plan).exists(),
        waiting=waiting,
        next_due=next_card,
        review_cap=prefs.daily_review_cap,
        new_limit=new_limit,
    )


def recent_reviews(*, learner: User, limit: int = 8) -> QuerySet[ReviewLog]:
    return (
        ReviewLog.objects.filter(learner=learner)
        .select_related("card", "question")
        .order_by("-reviewed_at", "-id")[:limit]
    )


def after_review_feedback(attempt: Attempt) -> QueueStatus:
    """Below a review's feedback: whether there is a next card, or today's reviews are done."""
    return queue_status(learner=attempt.learner, now=timezone.now())


attempts.register_kind(
    attempts.AttemptBehaviour(
        kind=AttemptKind.REVIEW,
        label="Review",
        learner_submits=False,
        completes_when_answered=False,
        resume_url=lambda attempt: reverse("review-queue"),
        back_url=lambda attempt: reverse("review-queue"),
        history_url=attempts.results_or("review-queue"),
        title=lambda attempt: "Daily review",
        back_label="Back to the review queue",
        after_feedback=after_review_feedback,
        after_feedback_template="quizzes/partials/review_next.html",
    )
)
