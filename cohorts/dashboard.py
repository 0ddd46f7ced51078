"""The class dashboard and the gradebook: SQL aggregation, a fixed number of queries whatever
the cohort's size (tests pin it at two sizes).

One grouped query gives every (assignment, learner) pair's work (attempts, first submission,
best score); statuses, counts and histograms are folded from those rows (learners x
assignments, never responses). Item facility, topic accuracy and mastery, reviews due and the
item-results export are each one grouped query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, F, FloatField, Max, Min, Q, QuerySet
from django.db.models.functions import Cast

from cohorts.models import ASSIGNMENT_CONTEXT, Assignment, AssignmentKind, Cohort, Membership
from cohorts.status import WorkStatus, work_status
from quizzes.models import (
    Attempt,
    AttemptStatus,
    Question,
    Response,
    ResponseStatus,
    ReviewCard,
    ReviewLog,
    Status,
)
from quizzes.reviews.days import review_day
from quizzes.reviews.progress import STRONG, TopicProgress, group_topic_mastery, mastery_by_learner
from quizzes.reviews.queue import due_filter

BINS = 10
# A learner is at risk with a mastery below this of the questions set in assignments already
# due (what the class should have learned by now), or with this many reviews due.
LOW_MASTERY = 0.3
REVIEWS_PILING_UP = 30


@dataclass(frozen=True)
class Work:
    """One learner's work at one assignment."""

    status: WorkStatus
    attempts: int = 0
    best: float | None = None  # best submitted score, 0-1
    submitted_at: datetime | None = None


@dataclass
class AssignmentSummary:
    assignment: Assignment
    counts: dict[WorkStatus, int]
    histogram: list[int]  # learners per tenth of the score, 0-10% first
    mean: float | None

    @property
    def bars(self) -> list[dict[str, Any]]:
        """The histogram's bars, scaled for the SVG (height in px of 100)."""
        tallest = max(self.histogram) or 1
        return [
            {
                "x": index * 30 + 5,
                "height": round(count * 100 / tallest),
                "y": 110 - round(count * 100 / tallest),
                "count": count,
                "label": f"{index * 10}–{index * 10 + 10}%",
                "start": index * 10,
            }
            for index, count in enumerate(self.histogram)
        ]


@dataclass(frozen=True)
class Gradebook:
    cohort: Cohort
    assignments: list[Assignment]
    learners: list[User]
    work: dict[tuple[int, int], Work]  # (assignment id, learner id) -> work

    def of(self, assignment: Assignment, learner: User) -> Work:
        return self.work[(assignment.pk, learner.pk)]


def _assignment_ids(cohort: Cohort) -> Any:
    return Assignment.objects.filter(cohort=cohort, withdrawn_at__isnull=True).values("pk")


def _learner_ids(cohort: Cohort) -> Any:
    return Membership.objects.filter(cohort=cohort).values("learner_id")


def gradebook(cohort: Cohort, *, now: datetime) -> Gradebook:
    """Every learner's work at every (not withdrawn) assignment of the cohort; five queries."""
    assignments = list(
        Assignment.objects.filter(cohort=cohort, withdrawn_at__isnull=True).select_related(
            "quiz", "case", "topic"
        )
    )
    learners = [
        m.learner
        for m in Membership.objects.filter(cohort=cohort)
        .select_related("learner")
        .order_by("learner__last_name", "learner__username")
    ]
    rows = (
        Attempt.objects.filter(
            context_kind=ASSIGNMENT_CONTEXT,
            context_id__in=_assignment_ids(cohort),
            learner_id__in=_learner_ids(cohort),
        )
        .values("context_id", "learner_id")
        .annotate(
            attempts=Count("pk"),
            first_submitted=Min("submitted_at", filter=Q(status=AttemptStatus.SUBMITTED)),
            best=Max(
                Cast(F("score"), FloatField()) / F("max_score"),
                filter=Q(status=AttemptStatus.SUBMITTED, score__isnull=False, max_score__gt=0),
            ),
        )
        .order_by()
    )
    found = {(row["context_id"], row["learner_id"]): row for row in rows}
    reviewed = _review_progress(cohort, assignments)
    work: dict[tuple[int, int], Work] = {}
    for assignment in assignments:
        for learner in learners:
            key = (assignment.pk, learner.pk)
            if assignment.kind == AssignmentKind.REVIEW:
                work[key] = _review_work(assignment, reviewed.get(key, 0), now)
                continue
            row = found.get(key)
            work[key] = Work(
                status=work_status(
                    now=now,
                    due_at=assignment.due_at,
                    started=row is not None,
                    submitted_at=row["first_submitted"] if row else None,
                ),
                attempts=row["attempts"] if row else 0,
                best=row["best"] if row else None,
                submitted_at=row["first_submitted"] if row else None,
            )
    return Gradebook(cohort=cohort, assignments=assignments, learners=learners, work=work)


def _review_progress(cohort: Cohort, assignments: list[Assignment]) -> dict[tuple[int, int], Any]:
    """(assignment, learner) -> share of the topic's published questions reviewed since the
    assignment opened; two queries, none without review assignments."""
    reviews = [a for a in assignments if a.kind == AssignmentKind.REVIEW]
    if not reviews:
        return {}
    topic_ids = {a.topic_id for a in reviews}
    totals = dict(
        Question.objects.filter(status=Status.PUBLISHED, topics__in=topic_ids)
        .values_list("topics")
        .annotate(n=Count("pk"))
        .order_by()
    )
    since = min(a.opens_at for a in reviews)
    rows = (
        ReviewLog.objects.filter(
            learner_id__in=_learner_ids(cohort),
            question__topics__in=topic_ids,
            question__status=Status.PUBLISHED,
            reviewed_at__gte=since,
        )
        .values_list("learner_id", "question__topics")
        .annotate(n=Count("question", distinct=True))
        .order_by()
    )
    by_topic = {(topic, learner): n for learner, topic, n in rows}
    return {
        (a.pk, learner): n / totals[a.topic_id]
        for (topic, learner), n in by_topic.items()
        for a in reviews
        if a.topic_id == topic and totals.get(topic)
    }


def _review_work(assignment: Assignment, share: float, now: datetime) -> Work:
    if share >= 1:
        return Work(status=WorkStatus.SUBMITTED, best=1.0)
    status = work_status(now=now, due_at=assignment.due_at, started=share > 0, submitted_at=None)
    return Work(status=status, best=share or None)


def summaries(book: Gradebook) -> list[AssignmentSummary]:
    result = []
    for assignment in book.assignments:
        counts = dict.fromkeys(WorkStatus, 0)
        histogram = [0] * BINS
        scores = []
        for learner in book.learners:
            work = book.of(assignment, learner)
            counts[work.status] += 1
            if work.best is not None and work.submitted_at is not None:
                histogram[min(int(work.best * BINS), BINS - 1)] += 1
                scores.append(work.best)
        mean = sum(scores) / len(scores) if scores else None
        result.append(AssignmentSummary(assignment, counts, histogram, mean))
    return result


@dataclass(frozen=True)
class ItemFacility:
    question_id: int
    title: str
    answers: int
    facility: float | None  # mean score in this cohort's assignments, 0-1
    bank_facility: float | None  # mean score of every graded answer in the bank


def item_facility(cohort: Cohort) -> list[ItemFacility]:
    """Per question answered in the cohort's assignments: its facility there beside the whole
    bank's; two queries."""
    in_cohort = Response.objects.filter(
        status=ResponseStatus.GRADED,
        item__attempt__context_kind=ASSIGNMENT_CONTEXT,
        item__attempt__context_id__in=_assignment_ids(cohort),
        learner_id__in=_learner_ids(cohort),
    )
    rows = list(
        in_cohort.values("item__question_id", "item__question__title")
        .annotate(answers=Count("pk"), facility=Avg("score"))
        .order_by("item__question__title")
    )
    bank = dict(
        Response.objects.filter(
            status=ResponseStatus.GRADED,
            item__question_id__in=in_cohort.values("item__question_id"),
        )
        .values_list("item__question_id")
        .annotate(facility=Avg("score"))
        .order_by()
    )
    return [
        ItemFacility(
            question_id=row["item__question_id"],
            title=row["item__question__title"],
            answers=row["answers"],
            facility=row["facility"],
            bank_facility=bank.get(row["item__question_id"]),
        )
        for row in rows
    ]


def topic_progress(cohort: Cohort, *, now: datetime, size: int) -> list[TopicProgress]:
    """Per topic, the cohort's accuracy and mean honest mastery (quizzes.reviews.progress)."""
    return group_topic_mastery(
        learners=Q(learner_id__in=_learner_ids(cohort)), group_size=size, now=now
    )


@dataclass(frozen=True)
class AtRisk:
    learner: User
    reasons: list[str] = field(default_factory=list)


def _questions_set_in(assignment_ids: list[int]) -> QuerySet[Question]:
    """The questions of these assignments' quizzes and cases, and of their review topics."""
    return Question.objects.filter(
        Q(quizzes__assignments__in=assignment_ids)
        | Q(case_stages__case__assignments__in=assignment_ids)
        | Q(topics__assignments__in=assignment_ids)
    )


def at_risk(book: Gradebook, *, now: datetime) -> list[AtRisk]:
    """Learners who missed due dates, whose mastery is low or whose reviews pile up, each with
    the reasons; two queries."""
    learners = Q(learner_id__in=_learner_ids(book.cohort))
    past_due = [a.pk for a in book.assignments if a.due_at <= now]
    mastery = (
        mastery_by_learner(learners=learners, now=now, questions=_questions_set_in(past_due))
        if past_due
        else None
    )
    due = dict(
        ReviewCard.objects.filter(learners, question__status=Status.PUBLISHED)
        .filter(due_filter(now=now, day=review_day(now)))
        .values_list("learner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    flagged = []
    for learner in book.learners:
        reasons = []
        overdue = sum(
            1 for a in book.assignments if book.of(a, learner).status == WorkStatus.OVERDUE
        )
        if overdue:
            reasons.append(f"missed {overdue} due date{'s' if overdue != 1 else ''}")
        level = mastery.get(learner.pk, 0.0) if mastery is not None else None
        if level is not None and level < LOW_MASTERY:
            reasons.append(
                f"mastery of the work already due {round(level * 100)}% "
                f"(below {round(LOW_MASTERY * 100)}%)"
            )
        if due.get(learner.pk, 0) >= REVIEWS_PILING_UP:
            reasons.append(f"{due[learner.pk]} reviews due")
        if reasons:
            flagged.append(AtRisk(learner=learner, reasons=reasons))
    return flagged


@dataclass(frozen=True)
class ClassDashboard:
    book: Gradebook
    summaries: list[AssignmentSummary]
    items: list[ItemFacility]
    topics: list[TopicProgress]
    at_risk: list[AtRisk]
    strong: float = STRONG

    @property
    def rows(self) -> list[dict[str, Any]]:
        """A row per learner: their work at each assignment, in the assignments' order."""
        return [
            {"learner": learner, "work": [self.book.of(a, learner) for a in self.book.assignments]}
            for learner in self.book.learners
        ]


def class_dashboard(cohort: Cohort, *, now: datetime) -> ClassDashboard:
    book = gradebook(cohort, now=now)
    return ClassDashboard(
        book=book,
        summaries=summaries(book),
        items=item_facility(cohort),
        topics=topic_progress(cohort, now=now, size=len(book.learners)),
        at_risk=at_risk(book, now=now),
    )


def gradebook_rows(book: Gradebook) -> Iterator[list[str]]:
    """The gradebook as CSV rows: a learner per row, score (%), submitted-at and late per
    assignment."""
    header = ["username", "name", "email"]
    for assignment in book.assignments:
        title = assignment.display_title
        header += [f"{title}: score %", f"{title}: submitted at", f"{title}: late"]
    yield header
    for learner in book.learners:
        row = [learner.username, learner.get_full_name(), learner.email]
        for assignment in book.assignments:
            work = book.of(assignment, learner)
            row += [
                "" if work.best is None else f"{work.best * 100:.1f}",
                work.submitted_at.isoformat() if work.submitted_at else "",
                "yes"
                if work.status in (WorkStatus.LATE, WorkStatus.OVERDUE)
                else ("no" if work.submitted_at else ""),
            ]
        yield row


def item_result_rows(cohort: Cohort) -> Iterator[list[str]]:
    """Every graded answer in the cohort's assignments, one per row; one query, streamed."""
    yield ["username", "assignment id", "attempt id", "question", "score", "correct", "answered at"]
    rows = (
        Response.objects.filter(
            item__attempt__context_kind=ASSIGNMENT_CONTEXT,
            item__attempt__context_id__in=_assignment_ids(cohort),
            learner_id__in=_learner_ids(cohort),
        )
        .order_by("learner__username", "item__attempt_id", "item__position")
        .values_list(
            "learner__username",
            "item__attempt__context_id",
            "item__attempt_id",
            "item__question__title",
            "score",
            "correct",
            "submitted_at",
        )
    )
    for username, assignment_id, attempt_id, title, score, correct, at in rows.iterator(2000):
        yield [
            username,
            str(assignment_id),
            str(attempt_id),
            title,
            "" if score is None else f"{score:.4f}",
            "" if correct is None else ("yes" if correct else "no"),
            at.isoformat(),
        ]


def learner_detail(cohort: Cohort, learner: User, *, now: datetime) -> dict[str, Any]:
    """A learner's attempts at the cohort's assignments with their answers, and their topic
    progress: a fixed number of queries."""
    attempts = list(
        Attempt.objects.filter(
            learner=learner,
            context_kind=ASSIGNMENT_CONTEXT,
            context_id__in=Assignment.objects.filter(cohort=cohort).values("pk"),
        )
        .select_related("quiz")
        .order_by("-started_at")
    )
    titles = {
        a.pk: a.display_title
        for a in Assignment.objects.filter(cohort=cohort).select_related("quiz", "case", "topic")
    }
    responses: dict[int, list[Response]] = defaultdict(list)
    for response in (
        Response.objects.filter(item__attempt__in=[a.pk for a in attempts])
        .select_related("item__question")
        .order_by("item__position")
    ):
        responses[response.item.attempt_id].append(response)
    return {
        "attempts": [
            {
                "attempt": attempt,
                "assignment": titles.get(attempt.context_id or 0, ""),
                "responses": responses[attempt.pk],
            }
            for attempt in attempts
        ],
        "topics": group_topic_mastery(learners=Q(learner=learner), group_size=1, now=now),
    }
