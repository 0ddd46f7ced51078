"""Section 9, in this process against the seeded database (web and worker idle).

"Create a test" reads a learner's pools (quizzes.practice.pools): how many of each topic's
questions are unused, incorrect last time or flagged, and which ones to draw from. Both must
stay a fixed number of indexed queries whatever the size of the bank and of the learner's
history. Measured here on a bank of 10,000 published questions in 20 topics, for a learner with
50,000 graded responses (about 8,000 questions answered, 2,000 never) and for a new learner with
none, side by side: the ratio shows what history costs.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from bench.run import Bench, log

QUESTIONS = 10_000
TOPICS = 20
RESPONSES = 50_000
ANSWERED = 8_000
ITEMS_PER_ATTEMPT = 50
FLAGGED_SHARE = 0.01
REPEATS = 7


def seed_bank(rng: random.Random) -> list[int]:
    """10,000 published questions (copies of the module's), filed under 20 topics of 500."""
    from django.utils import timezone

    from quizzes.models import EditKind, Question, QuestionVersion, Status, Topic

    sources = list(
        Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .exclude(type="hotspot")
        .select_related("current_version")
    )
    topics = Topic.objects.bulk_create(
        [
            Topic(name=f"Pool bench topic {n + 1:02}", slug=f"pool-bench-{n + 1:02}")
            for n in range(TOPICS)
        ]
    )
    questions = Question.objects.bulk_create(
        [
            Question(
                key=f"pool-bench-{n}",
                title=source.title,
                type=source.type,
                stem=source.stem,
                explanation=source.explanation,
                references=source.references,
                difficulty=source.difficulty,
                status=Status.PUBLISHED,
                scoring=source.scoring,
                rank_count=source.rank_count,
                type_settings=source.type_settings,
            )
            for n, source in ((n, sources[n % len(sources)]) for n in range(QUESTIONS))
        ],
        batch_size=2000,
    )
    now = timezone.now()
    versions = QuestionVersion.objects.bulk_create(
        [
            QuestionVersion(
                question=question,
                number=1,
                content=sources[n % len(sources)].current_version.content,  # type: ignore[union-attr]
                edit_kind=EditKind.INITIAL,
                created_at=now,
            )
            for n, question in enumerate(questions)
        ],
        batch_size=2000,
    )
    for question, version in zip(questions, versions, strict=True):
        question.current_version = version
    Question.objects.bulk_update(questions, ["current_version"], batch_size=2000)
    Filing = Question.topics.through
    Filing.objects.bulk_create(
        [
            Filing(question_id=question.pk, topic_id=topics[n % TOPICS].pk)
            for n, question in enumerate(questions)
        ],
        batch_size=5000,
    )
    rng.shuffle(questions)
    return [question.pk for question in questions]


def seed_history(learner: Any, question_ids: list[int], rng: random.Random) -> dict[str, int]:
    """50,000 graded responses over 8,000 of the questions, in submitted practice tests of 50,
    with the review card each question's latest answer left, and 1% of items flagged."""
    from django.utils import timezone

    from quizzes.models import (
        Attempt,
        AttemptItem,
        AttemptKind,
        AttemptStatus,
        CardState,
        QuestionVersion,
        QuizMode,
        Response,
        ResponseStatus,
        ReviewCard,
    )

    answered = question_ids[:ANSWERED]
    version_of = dict(
        QuestionVersion.objects.filter(question_id__in=answered).values_list("question_id", "pk")
    )
    now = timezone.now()
    first = now - timedelta(days=365)
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                learner=learner,
                kind=AttemptKind.PRACTICE,
                mode=QuizMode.TUTOR,
                status=AttemptStatus.SUBMITTED,
                started_at=first + timedelta(hours=n * 8),
                submitted_at=first + timedelta(hours=n * 8, minutes=50),
                max_score=ITEMS_PER_ATTEMPT,
            )
            for n in range(RESPONSES // ITEMS_PER_ATTEMPT)
        ],
        batch_size=2000,
    )
    latest: dict[int, tuple[datetime, bool]] = {}
    items: list[AttemptItem] = []
    outcomes: list[tuple[datetime, bool]] = []
    for n, attempt in enumerate(attempts):
        picked = rng.sample(answered, ITEMS_PER_ATTEMPT) if n else answered[:ITEMS_PER_ATTEMPT]
        for position, question_id in enumerate(picked, start=1):
            correct = rng.random() < 0.7
            items.append(
                AttemptItem(
                    attempt=attempt,
                    question_id=question_id,
                    version_id=version_of[question_id],
                    position=position,
                    flagged=rng.random() < FLAGGED_SHARE,
                )
            )
            when = first + timedelta(hours=n * 8, minutes=50)
            outcomes.append((when, correct))
            latest[question_id] = (when, correct)
    # Every question answered at least once: the first 8,000 draws may miss a few.
    items = AttemptItem.objects.bulk_create(items, batch_size=5000)
    Response.objects.bulk_create(
        [
            Response(
                item=item,
                learner=learner,
                version_id=item.version_id,
                answer={},
                idempotency_key=uuid.uuid4(),
                status=ResponseStatus.GRADED,
                submitted_at=when,
                graded_at=when,
                score=1.0 if correct else 0.0,
                correct=correct,
            )
            for item, (when, correct) in zip(items, outcomes, strict=True)
        ],
        batch_size=5000,
    )
    ReviewCard.objects.bulk_create(
        [
            ReviewCard(
                learner=learner,
                question_id=question_id,
                state=CardState.REVIEW,
                stability=10.0,
                difficulty=5.0,
                due=when + timedelta(days=10),
                last_review=when,
                reps=1,
                last_correct=correct,
            )
            for question_id, (when, correct) in latest.items()
        ],
        batch_size=5000,
    )
    return {
        "responses": len(items),
        "questions_answered": len(latest),
        "incorrect_last_time": sum(not correct for _when, correct in latest.values()),
        "flagged_items": sum(item.flagged for item in items),
    }


def timed(call: Callable[[], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm: the first run pays for connection set-up and plan caching
    timings = []
    for _repeat in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            timings.append(time.perf_counter() - started)
    return {
        "ms": round(statistics.median(timings) * 1000, 2),
        "runs_ms": [round(t * 1000, 2) for t in timings],
        "queries": len(queries),
    }


def measure(learner: Any, topic_ids: list[int]) -> dict[str, Any]:
    from quizzes.models import Attempt
    from quizzes.practice.builder import TestRequest, build_test
    from quizzes.practice.models import PracticePool
    from quizzes.practice.pools import pool_candidates, topic_pools

    two = topic_ids[:2]
    result: dict[str, Any] = {"topic_pools": timed(lambda: topic_pools(learner))}
    for pool in PracticePool:
        result[f"candidates_{pool.value}"] = timed(
            partial(pool_candidates, learner=learner, topic_ids=two, pool=pool)
        )
    request = TestRequest(
        topic_ids=two,
        pool=PracticePool.UNUSED,
        difficulty="",
        count=20,
        timed=True,
        seconds_per_question=90,
    )

    def build_and_discard() -> None:
        attempt = build_test(learner=learner, request=request)
        Attempt.objects.filter(pk=attempt.pk).delete()

    result["build_test_20"] = timed(build_and_discard)
    return result


def run(bench: Bench) -> None:
    from django.contrib.auth.models import User
    from django.db import connection

    log(
        f"9. create a test: pools over {QUESTIONS:,} questions, "
        f"a learner with {RESPONSES:,} responses"
    )
    rng = random.Random(7)
    started = time.perf_counter()
    question_ids = seed_bank(rng)
    veteran = User.objects.create_user("pool-bench-veteran")
    newcomer = User.objects.create_user("pool-bench-newcomer")
    history = seed_history(veteran, question_ids, rng)
    with connection.cursor() as cursor:
        # As autovacuum would after such a load (bench/seed.py does the same): without fresh
        # statistics PostgreSQL guesses the veteran has 3 attempts and reads the flagged pool
        # by a nested loop over every attempt (1.5 s instead of 8 ms, measured).
        cursor.execute("ANALYZE")
    seed_seconds = round(time.perf_counter() - started, 1)
    from quizzes.models import Topic

    topic_ids = list(
        Topic.objects.filter(slug__startswith="pool-bench-")
        .order_by("slug")
        .values_list("pk", flat=True)
    )
    with_history = measure(veteran, topic_ids)
    without = measure(newcomer, topic_ids)
    result = {
        "bank_questions": QUESTIONS,
        "topics": TOPICS,
        "history": history,
        "seed_seconds": seed_seconds,
        "with_history": with_history,
        "new_learner": without,
        "ratio": {
            name: round(with_history[name]["ms"] / without[name]["ms"], 2)
            for name in with_history
            if without[name]["ms"]
        },
    }
    log(
        f"   topic pools {with_history['topic_pools']['ms']} ms "
        f"({with_history['topic_pools']['queries']} queries) with {history['responses']:,} "
        f"responses, {without['topic_pools']['ms']} ms for a new learner; a 20-question test "
        f"built in {with_history['build_test_20']['ms']} ms"
    )
    bench.results["practice"] = result
