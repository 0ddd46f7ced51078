"""Which published questions are in each of a learner's pools, per topic.

A learner's history with a question is read from their review card (one row per learner and
question, unique-indexed): "used" once an answer was graded (the card has a last review),
"incorrect" while the latest graded answer was not fully correct, whatever version of the
question it answered. "Marked" are questions the learner flagged for review in any attempt (a
partial index keeps them few). So each function here is one query, whatever the size of the
bank or of the learner's history. Questions no tutor item may serve now (learner_view) are in
no pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from quizzes.learner_view import questions_not_to_serve
from quizzes.models import AttemptItem, Question, ReviewCard, Status, Topic
from quizzes.practice.models import PracticePool

Filing = Question.topics.through


def _pool_filter(learner: User, pool: str) -> Q:
    """The pool as a filter on question ids (of a topic filing row)."""
    if pool == PracticePool.UNUSED:
        used = ReviewCard.objects.filter(learner=learner, last_review__isnull=False)
        return ~Q(question_id__in=used.values("question_id"))
    if pool == PracticePool.INCORRECT:
        wrong = ReviewCard.objects.filter(learner=learner, last_correct=False)
        return Q(question_id__in=wrong.values("question_id"))
    if pool == PracticePool.MARKED:
        marked = AttemptItem.objects.filter(attempt__learner=learner, flagged=True)
        return Q(question_id__in=marked.values("question_id"))
    return Q()


def _servable_filings(learner: User, difficulty: str = "") -> QuerySet:
    filings = Filing.objects.filter(
        question__status=Status.PUBLISHED, question__current_version__isnull=False
    ).exclude(questions_not_to_serve(learner))
    if difficulty:
        filings = filings.filter(question__difficulty=difficulty)
    return filings


@dataclass(frozen=True)
class TopicPools:
    topic: Topic
    counts: dict[str, int]  # pool -> questions available


def topic_pools(learner: User, difficulty: str = "") -> list[TopicPools]:
    """Every topic with published questions, with how many the learner has in each pool."""
    counted = (
        _servable_filings(learner, difficulty)
        .values("topic_id")
        .annotate(
            **{
                pool.value: Count("question_id", filter=_pool_filter(learner, pool))
                for pool in PracticePool
            }
        )
    )
    counts = {row.pop("topic_id"): row for row in counted}
    topics = Topic.objects.filter(pk__in=counts).order_by("name")
    return [TopicPools(topic=topic, counts=counts[topic.pk]) for topic in topics]


def pool_candidates(
    *, learner: User, topic_ids: list[int], pool: str, difficulty: str = ""
) -> dict[int, list[int]]:
    """Topic id -> ids of the learner's questions in `pool` filed under that topic."""
    candidates: dict[int, list[int]] = {topic_id: [] for topic_id in topic_ids}
    filings = (
        _servable_filings(learner, difficulty)
        .filter(topic_id__in=topic_ids)
        .filter(_pool_filter(learner, pool))
        .order_by("topic_id", "question_id")
    )
    for topic_id, question_id in filings.values_list("topic_id", "question_id"):
        candidates[topic_id].append(question_id)
    return candidates
