"""Selectors of a learner's progress dashboard, each one aggregate query whatever the data size.

- Mastery of a topic: the learner's predicted probability of recalling the topic's questions
  in MASTERY_HORIZON_DAYS (7) days (FSRS's forgetting curve, computed in SQL), averaged over
  ALL the topic's published questions: a question never answered, or whose latest answer was
  wrong, counts as 0 (not yet learned). So mastery is an
  estimate a student can act on, never 100% the day after an answer whatever the answer was.
  Shown beside accuracy (the share of the learner's graded answers in the topic that were
  correct).
- True retention of a week: of the reviews of Review-state cards answered on or after their due
  day ("due reviews"), the share recalled (rated Hard or better: correct, or partly correct at
  or above the pass mark, and not a guess), shown beside the desired retention.
- The forecast counts the reviews due on each of the next days, overdue ones on today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Floor, Greatest, Power, TruncDate, TruncWeek
from django.utils import timezone

from quizzes.learner_view import withheld_expression
from quizzes.models import (
    Attempt,
    CardState,
    LearnerSettings,
    MasterySnapshot,
    Question,
    Response,
    ResponseStatus,
    ReviewCard,
    ReviewLog,
    ReviewRating,
    Status,
)
from quizzes.reviews import personal, scheduling
from quizzes.reviews.days import review_day

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

FORECAST_DAYS = 30
MASTERY_HORIZON_DAYS = 7
# A topic is called strong from this mastery on, and mastered from MASTERED: never "strongest"
# only for being the least weak.
STRONG = 0.6
MASTERED = 0.9
WEEKS = 12
STREAK_WINDOW_DAYS = 400
HISTORY_LIMIT = 20


class _DaysSince(Func):
    """Fractional days from a datetime column to a fixed moment (PostgreSQL and SQLite)."""

    output_field = FloatField()

    def __init__(self, expression: Any, now: datetime) -> None:
        super().__init__(Value(now, output_field=DateTimeField()), expression)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::double precision",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


def recall_probability(now: datetime, parameters: Sequence[float]) -> ExpressionWrapper:
    """scheduling.retrievability as SQL: (1 + factor · whole days since review / S) ** decay,
    with the forgetting curve of `parameters` (the learner's)."""
    factor, decay = scheduling.forgetting_curve(parameters)
    elapsed = Greatest(Floor(_DaysSince("last_review", now)), Value(0.0))
    return ExpressionWrapper(
        Power(Value(1.0) + Value(factor) * elapsed / F("stability"), Value(decay)),
        output_field=FloatField(),
    )


def _local_today(now: datetime) -> date:
    return timezone.localtime(now, timezone.get_current_timezone()).date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class TopicProgress:
    topic_id: int | None
    name: str
    cards: int
    mastery: float | None
    answered: int
    accuracy: float | None
    questions: int = 0

    @property
    def strong(self) -> bool:
        return self.mastery is not None and self.mastery >= STRONG

    @property
    def mastered(self) -> bool:
        return self.mastery is not None and self.mastery >= MASTERED


def _recall_sum(horizon: datetime, parameters: Sequence[float]) -> Sum:
    """The predicted recall at `horizon` summed over cards, a card last answered wrong
    counting 0 (not learned)."""
    return Sum(
        Case(
            When(last_rating=ReviewRating.AGAIN, then=Value(0.0)),
            default=recall_probability(horizon, parameters),
            output_field=FloatField(),
        )
    )


def _learned_cards(learners: Q) -> Any:
    return ReviewCard.objects.filter(
        learners,
        question__status=Status.PUBLISHED,
        question__current_version__isnull=False,
        stability__isnull=False,
        last_review__isnull=False,
    ).exclude(state=CardState.NEW)


def topic_mastery(*, learner_id: int, now: datetime) -> list[TopicProgress]:
    """Per topic with published questions: the learner's cards, mastery (0-1, see the module
    docstring), graded answers and accuracy (0-1, None without answers).

    Four queries (one reads the learner's FSRS parameters). A question with several topics
    counts in each; untagged questions form a topic with id None.
    """
    return group_topic_mastery(
        learners=Q(learner_id=learner_id),
        group_size=1,
        now=now,
        parameters=personal.parameters_for(learner_id),
    )


def group_topic_mastery(
    *, learners: Q, group_size: int, now: datetime, parameters: Sequence[float] | None = None
) -> list[TopicProgress]:
    """`topic_mastery` of a group of learners (`learners` filters ReviewCard and Response by
    their `learner`): per topic, their cards and answers together, mastery the mean of their
    masteries (each the module docstring's), accuracy the share of their answers correct.
    Three queries whatever the group's size. A group's recall uses one forgetting curve,
    `parameters` (FSRS's defaults unless given), not each member's personal one."""
    horizon = now + timedelta(days=MASTERY_HORIZON_DAYS)
    parameters = parameters or personal.default_parameters()
    question_rows = (
        Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .values(topic_id=F("topics__id"), name=F("topics__name"))
        .annotate(questions=Count("id"))
        .order_by()
    )
    recall_rows = (
        _learned_cards(learners)
        .values(topic_id=F("question__topics__id"))
        .annotate(cards=Count("id"), recall=_recall_sum(horizon, parameters))
        .order_by()
    )
    accuracy_rows = (
        Response.objects.filter(learners, status=ResponseStatus.GRADED)
        .values(topic_id=F("item__question__topics__id"))
        .annotate(answered=Count("id"), hits=Count("id", filter=Q(correct=True)))
        .order_by()
    )
    recall: dict[int | None, dict[str, Any]] = {row["topic_id"]: dict(row) for row in recall_rows}
    accuracy: dict[int | None, dict[str, Any]] = {
        row["topic_id"]: dict(row) for row in accuracy_rows
    }
    result = []
    for row in question_rows:
        topic_id = row["topic_id"]
        cards = recall.get(topic_id, {})
        answers = accuracy.get(topic_id, {})
        result.append(
            TopicProgress(
                topic_id=topic_id,
                name=row["name"] or "Other questions",
                cards=cards.get("cards", 0),
                mastery=(cards.get("recall") or 0.0) / (row["questions"] * max(group_size, 1)),
                answered=answers.get("answered", 0),
                accuracy=answers["hits"] / answers["answered"] if answers.get("answered") else None,
                questions=row["questions"],
            )
        )
    return sorted(result, key=lambda topic: (topic.topic_id is None, topic.name.lower()))


def mastery_by_learner(
    *, learners: Q, now: datetime, questions: QuerySet[Question] | None = None
) -> dict[int, float]:
    """Each learner's mastery (the module docstring's rule) over `questions` (default: the
    whole published bank), for those with any learned card among them; two queries. One
    forgetting curve for all (FSRS's defaults), not each learner's personal one."""
    horizon = now + timedelta(days=MASTERY_HORIZON_DAYS)
    published = Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
    if questions is not None:
        published = published.filter(pk__in=questions.values("pk"))
    total = published.count()
    if not total:
        return {}
    rows = (
        _learned_cards(learners)
        .filter(question__in=published.values("pk"))
        .values("learner_id")
        .annotate(recall=_recall_sum(horizon, personal.default_parameters()))
        .order_by()
    )
    return {row["learner_id"]: (row["recall"] or 0.0) / total for row in rows}


@dataclass(frozen=True)
class WeekRate:
    """One week (starting `week`, a Monday): `hits` of `total`, their share, and a target."""

    week: date
    total: int
    hits: int
    target: float | None = None

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


def _weeks(now: datetime, weeks: int) -> list[date]:
    today = _local_today(now)
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - index) for index in range(weeks)]


def accuracy_by_week(*, learner_id: int, now: datetime, weeks: int = WEEKS) -> list[WeekRate]:
    """Graded answers and correct ones per week, for the last `weeks` weeks (oldest first)."""
    mondays = _weeks(now, weeks)
    rows = (
        Response.objects.filter(
            learner_id=learner_id,
            status=ResponseStatus.GRADED,
            submitted_at__gte=_day_start(mondays[0]),
        )
        .annotate(week=TruncWeek("submitted_at", output_field=DateField()))
        .values("week")
        .annotate(total=Count("id"), hits=Count("id", filter=Q(correct=True)))
        .order_by()
    )
    by_week: dict[date, Mapping[str, Any]] = {row["week"]: row for row in rows}
    return [
        WeekRate(
            week=monday,
            total=by_week.get(monday, {}).get("total", 0),
            hits=by_week.get(monday, {}).get("hits", 0),
        )
        for monday in mondays
    ]


def retention_by_week(
    *, learner_id: int, now: datetime, desired_retention: float, weeks: int = WEEKS
) -> list[WeekRate]:
    """Due reviews and recalled ones per week, beside the desired retention they were scheduled
    for (the week's mean; `desired_retention`, the current setting, for weeks without any)."""
    mondays = _weeks(now, weeks)
    rows = (
        ReviewLog.objects.filter(
            learner_id=learner_id, due_review=True, reviewed_at__gte=_day_start(mondays[0])
        )
        .annotate(week=TruncWeek("reviewed_at", output_field=DateField()))
        .values("week")
        .annotate(
            total=Count("id"),
            hits=Count("id", filter=Q(rating__gt=ReviewRating.AGAIN)),
            target=Avg("desired_retention"),
        )
        .order_by()
    )
    by_week: dict[date, Mapping[str, Any]] = {row["week"]: row for row in rows}
    return [
        WeekRate(
            week=monday,
            total=by_week.get(monday, {}).get("total", 0),
            hits=by_week.get(monday, {}).get("hits", 0),
            target=by_week.get(monday, {}).get("target") or desired_retention,
        )
        for monday in mondays
    ]


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def due_forecast(*, learner_id: int, now: datetime, days: int = FORECAST_DAYS) -> list[DayCount]:
    """Reviews due on each of the next `days` days, today first (overdue ones count today)."""
    today = _local_today(now)
    rows = (
        ReviewCard.objects.filter(
            learner_id=learner_id,
            question__status=Status.PUBLISHED,
            due__lt=_day_start(today + timedelta(days=days)),
        )
        .exclude(state=CardState.NEW)
        .annotate(day=TruncDate("due"))
        .values("day")
        .annotate(cards=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys((today + timedelta(days=offset) for offset in range(days)), 0)
    for row in rows:
        counts[max(row["day"], today)] += row["cards"]
    return [DayCount(day=day, count=count) for day, count in counts.items()]


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int
    studied_today: bool


def streak_from_days(days: set[date], *, today: date) -> Streak:
    """Consecutive study days ending today, or yesterday (a streak not yet extended today is
    still alive), and the longest run among `days`."""
    anchor = today if today in days else today - timedelta(days=1)
    current = 0
    while anchor - timedelta(days=current) in days:
        current += 1
    longest = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue
        length = 1
        while day + timedelta(days=length) in days:
            length += 1
        longest = max(longest, length)
    return Streak(current=current, longest=longest, studied_today=today in days)


def streak(*, learner_id: int, now: datetime) -> Streak:
    """Days on which the learner answered at least one question (one query, ~400 days back)."""
    today = _local_today(now)
    days = set(
        Response.objects.filter(
            learner_id=learner_id,
            submitted_at__gte=_day_start(today - timedelta(days=STREAK_WINDOW_DAYS)),
        )
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    return streak_from_days(days, today=today)


class HistoryCounts(TypedDict):
    questions: int
    answered: int
    correct_count: int
    withheld: bool


def attempt_history(
    *, learner_id: int, limit: int = HISTORY_LIMIT
) -> list[WithAnnotations[Attempt, HistoryCounts]]:
    """The learner's latest attempts, each with `questions`, `answered`, `correct_count` and
    `withheld` (its results are held back: the page shows no marks)."""
    return list(
        Attempt.objects.filter(learner_id=learner_id)
        .select_related("quiz")
        .annotate(
            withheld=withheld_expression(),
            questions=Count("items", distinct=True),
            answered=Count("items__response", distinct=True),
            correct_count=Count(
                "items__response", filter=Q(items__response__correct=True), distinct=True
            ),
        )
        .order_by("-started_at", "-id")[:limit]
    )


def mastery_trend(*, learner_id: int, now: datetime, days: int = FORECAST_DAYS) -> list[DayCount]:
    """Mean mastery over topics (in percent) of each daily snapshot in the last `days` days."""
    since = _local_today(now) - timedelta(days=days - 1)
    rows = (
        MasterySnapshot.objects.filter(learner_id=learner_id, date__gte=since)
        .values("date")
        .annotate(mastery=Avg("mastery"))
        .order_by("date")
    )
    return [DayCount(day=row["date"], count=round(row["mastery"] * 100)) for row in rows]


@dataclass(frozen=True)
class Rate:
    total: int
    hits: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


def knowledge_rates(*, learner_id: int) -> tuple[Rate, Rate]:
    """(true retention, transfer), in one query.

    True retention is Anki's: of the reviews answered on or after their due day, the share
    recalled (rated above Again). Transfer: first answers to questions the learner had never
    seen, of a learning objective they had already reviewed with another question, and how
    many were right. A first answer is the first review of a card's first generation; "already
    reviewed" means a review, before it, of another question sharing a learning objective.
    """
    sibling_reviewed = ReviewLog.objects.filter(
        learner_id=learner_id,
        reviewed_at__lt=OuterRef("reviewed_at"),
        question__objectives__questions=OuterRef("question_id"),
    ).exclude(question_id=OuterRef("question_id"))
    due = Q(due_review=True)
    unseen_form = Q(state_before=CardState.NEW, generation=1) & Q(Exists(sibling_reviewed))
    counts = ReviewLog.objects.filter(learner_id=learner_id).aggregate(
        due_total=Count("id", filter=due),
        due_hits=Count("id", filter=due & Q(rating__gt=ReviewRating.AGAIN)),
        transfer_total=Count("id", filter=unseen_form),
        transfer_hits=Count("id", filter=unseen_form & Q(correct=True)),
    )
    return (
        Rate(total=counts["due_total"], hits=counts["due_hits"]),
        Rate(total=counts["transfer_total"], hits=counts["transfer_hits"]),
    )


@dataclass(frozen=True)
class Dashboard:
    topics: list[TopicProgress]
    accuracy: list[WeekRate]
    retention: list[WeekRate]
    forecast: list[DayCount]
    trend: list[DayCount]
    streak: Streak
    history: list[WithAnnotations[Attempt, HistoryCounts]]
    desired_retention: float
    cards: int
    true_retention: Rate
    transfer: Rate


def dashboard(*, learner_id: int, now: datetime) -> Dashboard:
    """Everything the progress page shows, in a fixed number of queries."""
    prefs = LearnerSettings.objects.filter(learner_id=learner_id).first()
    desired = prefs.desired_retention if prefs else scheduling.DEFAULT_DESIRED_RETENTION
    knowledge = knowledge_rates(learner_id=learner_id)
    return Dashboard(
        topics=topic_mastery(learner_id=learner_id, now=now),
        accuracy=accuracy_by_week(learner_id=learner_id, now=now),
        retention=retention_by_week(learner_id=learner_id, now=now, desired_retention=desired),
        forecast=due_forecast(learner_id=learner_id, now=now),
        trend=mastery_trend(learner_id=learner_id, now=now),
        streak=streak(learner_id=learner_id, now=now),
        history=attempt_history(learner_id=learner_id),
        desired_retention=desired,
        cards=ReviewCard.objects.filter(learner_id=learner_id).exclude(state=CardState.NEW).count(),
        true_retention=knowledge[0],
        transfer=knowledge[1],
    )


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
        for row in topic_mastery(learner_id=learner_id, now=now)
        if row.topic_id is not None and row.mastery is not None
    ]
    MasterySnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["learner", "topic", "date"],
        update_fields=["mastery", "accuracy", "cards"],
    )
    return len(rows)
