"""A plan that knows the exam date: the pace of new questions, the retention ramp, and a
workload simulation to choose the retention before committing.

- Pace: every question of the plan's topics is introduced by the day before the exam: on each
  day the queue introduces ceil(questions not yet introduced / days left before the exam day)
  of them (and no others), within the daily time budget left after the day's reviews.
- Retention: from the learner's own desired retention on the day the plan is made, rising in a
  straight line to the plan's target on the day before the exam (never lower than the
  learner's own).
- Time: SECONDS_PER_REVIEW and SECONDS_PER_NEW per question (a vignette question and its
  feedback; a new one takes longer, its explanation is read in full).
- The simulator runs the learner's own scheduler (their FSRS parameters, scheduling.review)
  day by day to the exam, for a few target retentions: each due card is recalled with its
  predicted probability (a seeded draw), a new question is answered right with the learner's
  own first-answer accuracy (FIRST_ANSWER_RECALL until they have MIN_FIRST_ANSWERS answers).
  Exam-day retention is the mean predicted recall on the exam day over every question of the
  plan's topics.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q

from quizzes.models import (
    CardState,
    ExamPlan,
    Question,
    ReviewCard,
    ReviewLog,
    Status,
    Topic,
)
from quizzes.reviews import personal, scheduling
from quizzes.reviews.learner_settings import settings_or_defaults
from quizzes.selectors import one_or_none

SECONDS_PER_REVIEW = 60
SECONDS_PER_NEW = 120
FIRST_ANSWER_RECALL = 0.6
MIN_FIRST_ANSWERS = 20
RETENTION_CHOICES = (0.90, 0.93, 0.96)
SIMULATION_SEED = 19


# Pure rules ------------------------------------------------------------------------------------


def days_before_exam(*, day: date, exam_date: date) -> int:
    """Days left to introduce questions in, today included and the exam day not (at least 1)."""
    return max((exam_date - day).days, 1)


def new_pace(*, not_introduced: int, day: date, exam_date: date) -> int:
    """New questions to introduce on `day` so that all are introduced before the exam day."""
    return math.ceil(not_introduced / days_before_exam(day=day, exam_date=exam_date))


def new_within_budget(*, daily_minutes: int, reviews: int) -> int:
    """How many new questions fit in the day's budget after `reviews` reviews."""
    left = daily_minutes * 60 - reviews * SECONDS_PER_REVIEW
    return max(left // SECONDS_PER_NEW, 0)


def retention_on(
    *, day: date, base: float, target: float, starts_on: date, exam_date: date
) -> float:
    """The desired retention on `day`: `base` on the plan's first day, rising linearly to
    `target` on the day before the exam, and staying there; never below `base`."""
    target = max(target, base)
    last = exam_date - timedelta(days=1)
    span = (last - starts_on).days
    if span <= 0 or day >= last:
        return target
    progress = min(max((day - starts_on).days / span, 0.0), 1.0)
    return round(base + (target - base) * progress, 4)


@dataclass(frozen=True)
class SimCard:
    stability: float
    difficulty: float
    last_review: int  # day offset from the simulation's first day (negative: before it)
    due: int
    reps: int


@dataclass(frozen=True)
class Workload:
    """One simulated plan: per day (first day = today) reviews, new questions and minutes."""

    target_retention: float
    days: list[date]
    reviews: list[int]
    new: list[int]
    minutes: list[int]
    exam_retention: float
    introduced_before_exam: int
    questions: int

    @property
    def mean_reviews(self) -> float:
        return sum(self.reviews) / len(self.reviews) if self.reviews else 0.0

    @property
    def peak_minutes(self) -> int:
        return max(self.minutes, default=0)

    @property
    def covers_all(self) -> bool:
        return self.introduced_before_exam >= self.questions


def _moment(start: date, offset: int) -> datetime:
    return datetime.combine(start + timedelta(days=offset), time(12), tzinfo=UTC)


def simulate(
    *,
    cards: Sequence[SimCard],
    not_introduced: int,
    start: date,
    exam_date: date,
    base_retention: float,
    target_retention: float,
    parameters: Sequence[float],
    daily_minutes: int,
    first_recall: float,
    review_cap: int,
    seed: int = SIMULATION_SEED,
) -> Workload:
    """Run the plan day by day from `start` to the day before the exam (module docstring)."""
    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    parameters = tuple(parameters)
    deck = list(cards)
    left = not_introduced
    days = (exam_date - start).days
    reviews_per_day: list[int] = []
    new_per_day: list[int] = []
    minutes: list[int] = []
    factor, decay = scheduling.forgetting_curve(parameters)
    for offset in range(max(days, 0)):
        day = start + timedelta(days=offset)
        retention = retention_on(
            day=day,
            base=base_retention,
            target=target_retention,
            starts_on=start,
            exam_date=exam_date,
        )
        config = scheduling.SchedulerConfig(
            desired_retention=retention, parameters=parameters, fuzz=False
        )
        due = [index for index, card in enumerate(deck) if card.due <= offset][:review_cap]
        now = _moment(start, offset)
        for index in due:
            card = deck[index]
            elapsed = offset - card.last_review
            recall = math.pow(1 + factor * elapsed / card.stability, decay)
            rating = scheduling.Rating.Good if rng.random() < recall else scheduling.Rating.Again
            deck[index] = _reviewed(card, rating=rating, now=now, offset=offset, config=config)
        fresh = min(
            new_pace(not_introduced=left, day=day, exam_date=exam_date),
            new_within_budget(daily_minutes=daily_minutes, reviews=len(due)),
        )
        for _ in range(fresh):
            rating = (
                scheduling.Rating.Good if rng.random() < first_recall else scheduling.Rating.Again
            )
            outcome = scheduling.review(
                card_id=0,
                card=scheduling.MemoryState.new(now),
                rating=rating,
                reviewed_at=now,
                review_day=day,
                config=config,
            )
            deck.append(_sim_card(outcome.after, offset=offset))
        left -= fresh
        reviews_per_day.append(len(due))
        new_per_day.append(fresh)
        minutes.append(round((len(due) * SECONDS_PER_REVIEW + fresh * SECONDS_PER_NEW) / 60))
    exam_offset = max(days, 0)
    recall_sum = sum(
        math.pow(1 + factor * (exam_offset - card.last_review) / card.stability, decay)
        for card in deck
    )
    questions = len(cards) + not_introduced
    return Workload(
        target_retention=target_retention,
        days=[start + timedelta(days=offset) for offset in range(max(days, 0))],
        reviews=reviews_per_day,
        new=new_per_day,
        minutes=minutes,
        exam_retention=recall_sum / questions if questions else 0.0,
        introduced_before_exam=len(cards) + (not_introduced - left),
        questions=questions,
    )


def _sim_card(memory: scheduling.MemoryState, *, offset: int) -> SimCard:
    # A reviewed card: FSRS set its stability, difficulty and last review.
    return SimCard(
        stability=cast(float, memory.stability),
        difficulty=cast(float, memory.difficulty),
        last_review=offset,
        due=offset + max((memory.due - cast(datetime, memory.last_review)).days, 1),
        reps=memory.reps,
    )


def _reviewed(
    card: SimCard,
    *,
    rating: scheduling.Rating,
    now: datetime,
    offset: int,
    config: scheduling.SchedulerConfig,
) -> SimCard:
    memory = scheduling.MemoryState(
        state=scheduling.CardState.REVIEW,
        step=None,
        stability=card.stability,
        difficulty=card.difficulty,
        due=now,
        last_review=now - timedelta(days=offset - card.last_review),
        reps=card.reps,
    )
    outcome = scheduling.review(
        card_id=0, card=memory, rating=rating, reviewed_at=now, review_day=now.date(), config=config
    )
    return replace(_sim_card(outcome.after, offset=offset), reps=outcome.after.reps)


# Services and selectors -----------------------------------------------------------------------


def active_plan(*, learner_id: int, day: date) -> ExamPlan | None:
    """The learner's plan if its exam is still ahead."""
    return one_or_none(ExamPlan.objects.filter(learner_id=learner_id, exam_date__gt=day))


def plan_questions(topic_ids: Sequence[int]) -> Q:
    """Published questions of any of the topics (a filter on Question)."""
    return Q(status=Status.PUBLISHED, current_version__isnull=False, topics__in=list(topic_ids))


def plan_retention(*, learner_id: int, day: date, base: float) -> float:
    """The desired retention reviews on `day` are scheduled for: the plan's ramp, or `base`."""
    plan = active_plan(learner_id=learner_id, day=day)
    if plan is None:
        return base
    return retention_on(
        day=day,
        base=base,
        target=plan.target_retention,
        starts_on=plan.starts_on,
        exam_date=plan.exam_date,
    )


def _first_recall(learner_id: int) -> float:
    firsts = ReviewLog.objects.filter(learner_id=learner_id, state_before=CardState.NEW)
    counts = firsts.aggregate(total=Count("id"), recalled=Count("id", filter=Q(rating__gt=1)))
    if counts["total"] < MIN_FIRST_ANSWERS:
        return FIRST_ANSWER_RECALL
    return float(counts["recalled"]) / counts["total"]


def preview(
    *, learner: User, exam_date: date, topic_ids: Sequence[int], daily_minutes: int, today: date
) -> list[Workload]:
    """The workload of the plan for each of RETENTION_CHOICES not below the learner's own
    retention (simulated, nothing saved)."""
    question_ids = set(
        Question.objects.filter(plan_questions(topic_ids)).values_list("pk", flat=True)
    )
    start = datetime.combine(today, time(12), tzinfo=UTC)
    cards = []
    for stability, difficulty, last_review, due, reps in (
        ReviewCard.objects.filter(learner=learner, question_id__in=question_ids)
        .exclude(state=CardState.NEW)
        .filter(stability__isnull=False, last_review__isnull=False)
        .values_list("stability", "difficulty", "last_review", "due", "reps")
    ):
        # Filtered on both: a reviewed card.
        cards.append(
            SimCard(
                stability=cast(float, stability),
                difficulty=cast(float, difficulty),
                last_review=(cast(datetime, last_review).date() - today).days,
                due=max((due - start).days, 0),
                reps=reps,
            )
        )
    prefs = settings_or_defaults(learner.pk)
    parameters = personal.parameters_for(learner.pk)
    first_recall = _first_recall(learner.pk)
    # A target below the learner's own retention is their own (the plan never lowers it).
    targets = sorted({max(target, prefs.desired_retention) for target in RETENTION_CHOICES})
    return [
        simulate(
            cards=cards,
            not_introduced=len(question_ids) - len(cards),
            start=today,
            exam_date=exam_date,
            base_retention=prefs.desired_retention,
            target_retention=target,
            parameters=parameters,
            daily_minutes=daily_minutes,
            first_recall=first_recall,
            review_cap=prefs.daily_review_cap,
        )
        for target in targets
    ]


@transaction.atomic
def set_exam_plan(
    *,
    learner: User,
    exam_date: date,
    topic_ids: Sequence[int],
    daily_minutes: int,
    target_retention: float,
    today: date,
) -> ExamPlan:
    """Save (or replace) the learner's exam plan. Raises ValueError for a date not after today
    or no topics."""
    if exam_date <= today:
        raise ValueError("The exam date must be after today.")
    topics = list(Topic.objects.filter(pk__in=topic_ids))
    if not topics:
        raise ValueError("Choose at least one topic.")
    plan, _ = ExamPlan.objects.update_or_create(
        learner=learner,
        defaults={
            "exam_date": exam_date,
            "daily_minutes": daily_minutes,
            "target_retention": target_retention,
            "starts_on": today,
        },
    )
    plan.topics.set(topics)
    return plan


@transaction.atomic
def delete_exam_plan(*, learner: User) -> None:
    ExamPlan.objects.filter(learner=learner).delete()


def learners_with_plans(*, day: date) -> list[int]:
    """Learners whose exam is still ahead: their cards follow the retention ramp daily."""
    return list(ExamPlan.objects.filter(exam_date__gt=day).values_list("learner_id", flat=True))
