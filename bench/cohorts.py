"""Section 7: the class dashboard and the gradebook CSV at a school's size, beside the static
page (issue 16).

A cohort of 300 learners with 30 assignments over 100 published items (each assignment a tutor
quiz of 10 of them, cycling through the 100), seeded into the benchmark database with
bulk_create: per learner and assignment, a submitted attempt three times in four (some late),
one in progress one time in ten, nothing otherwise; every answer the key or a wrong answer of
the item, validated and graded by the real pure functions (bench.seed.Graded). Then, in this
process (the web servers idle), with Django's test client as the educator, interleaved round by
round: GET the class dashboard, GET the gradebook CSV (read to its end), GET the static page of
the dashboard's byte size (bench.views.static_page). The ratio per round of mean time per
request, and its median over the rounds, are reported, with the SQL queries each ran.

Run by bench/run.py (section `cohorts`) against the seeded database, or alone for a smoke run
at a tiny size against any migrated database:

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://.../mydb \\
        python -m bench.cohorts --learners 5 --assignments 3 --items 6 --rounds 2 --requests 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.seed import MODULE, Graded  # noqa: E402
from cohorts.models import (  # noqa: E402
    ASSIGNMENT_CONTEXT,
    Assignment,
    AssignmentKind,
    Cohort,
    Membership,
)
from interop.modules import load_module_file  # noqa: E402
from quizzes.models import (  # noqa: E402
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    Question,
    Quiz,
    QuizMode,
    QuizQuestion,
    Response,
    ResponseStatus,
    Status,
)
from quizzes.presentation import build_presentation  # noqa: E402

COHORT_NAME = "Bench cohort"
PER_QUIZ = 10


def seed_class(*, learners: int, assignments: int, items: int, seed: int = 16) -> dict[str, Any]:
    """The cohort, its educator, learners, assignments and work; returns what it made."""
    started = time.monotonic()
    rng = random.Random(seed)
    if Question.objects.filter(status=Status.PUBLISHED).count() < items:
        load_module_file(MODULE)
    bank = [
        Graded(q)
        for q in Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .select_related("current_version")
        .order_by("pk")[:items]
    ]
    users = get_user_model()
    with transaction.atomic():
        Cohort.objects.filter(name=COHORT_NAME).delete()
        educator, _ = users.objects.get_or_create(
            username="bench-educator", defaults={"is_staff": True}
        )
        educator.groups.add(Group.objects.get_or_create(name="Educators")[0])
        cohort = Cohort.objects.create(name=COHORT_NAME, term="bench")
        cohort.educators.add(educator)
        prefix = f"bench-class-{cohort.pk}-"
        people = users.objects.bulk_create(
            [
                users(username=f"{prefix}{n:04d}", email=f"{prefix}{n:04d}@example.org")
                for n in range(learners)
            ]
        )
        Membership.objects.bulk_create([Membership(cohort=cohort, learner=u) for u in people])
        now = timezone.now()
        set_work = []
        for number in range(assignments):
            quiz = Quiz.objects.create(
                title=f"Bench class quiz {number + 1}", mode=QuizMode.TUTOR, is_published=True
            )
            chosen = [
                bank[(number * PER_QUIZ + k) % len(bank)] for k in range(min(PER_QUIZ, items))
            ]
            QuizQuestion.objects.bulk_create(
                [
                    QuizQuestion(quiz=quiz, question_id=g.question_id, position=p)
                    for p, g in enumerate(chosen)
                ]
            )
            due = now - timedelta(days=assignments - number)
            assignment = Assignment.objects.create(
                cohort=cohort,
                kind=AssignmentKind.QUIZ,
                quiz=quiz,
                opens_at=due - timedelta(days=7),
                due_at=due,
                closes_at=due + timedelta(days=7),
            )
            set_work.append((assignment, chosen))
    made = {"attempts": 0, "responses": 0}
    for person in people:
        with transaction.atomic():
            attempts, rows = [], []
            for assignment, chosen in set_work:
                roll = rng.random()
                if roll >= 0.85:
                    continue
                submitted = roll < 0.75
                started_at = assignment.due_at - timedelta(hours=rng.uniform(-12, 96))
                attempt = Attempt(
                    learner=person,
                    kind=AttemptKind.QUIZ,
                    quiz=assignment.quiz,
                    mode=QuizMode.TUTOR,
                    status=AttemptStatus.SUBMITTED if submitted else AttemptStatus.IN_PROGRESS,
                    started_at=started_at,
                    submitted_at=started_at + timedelta(minutes=15) if submitted else None,
                    max_score=len(chosen),
                    context_kind=ASSIGNMENT_CONTEXT,
                    context_id=assignment.pk,
                )
                attempts.append(attempt)
                rows.append((attempt, chosen, started_at))
            Attempt.objects.bulk_create(attempts)
            items_made, answers = [], []
            for attempt, chosen, started_at in rows:
                for position, graded in enumerate(chosen):
                    item = AttemptItem(
                        attempt=attempt,
                        question_id=graded.question_id,
                        version_id=graded.version_id,
                        position=position,
                        presentation=build_presentation(
                            graded.content, shuffle_options=True, rng=rng
                        ),
                    )
                    items_made.append(item)
                    answers.append(
                        (item, graded, "key" if rng.random() < 0.7 else "wrong", started_at)
                    )
            AttemptItem.objects.bulk_create(items_made)
            responses = []
            for item, graded, name, when in answers:
                _answer, result, _chosen = graded.outcomes[name]
                responses.append(
                    Response(
                        item=item,
                        learner=person,
                        version_id=graded.version_id,
                        answer=graded.tokens(item.presentation, name),
                        idempotency_key=uuid.uuid4(),
                        status=ResponseStatus.GRADED,
                        submitted_at=when,
                        graded_at=when,
                        score=result.score,
                        correct=result.correct,
                        result=result.to_dict(),
                    )
                )
            Response.objects.bulk_create(responses)
            scores: dict[int, float] = {}
            for response in responses:
                scores[response.item.attempt_id] = scores.get(
                    response.item.attempt_id, 0.0
                ) + float(response.score or 0)
            for attempt in attempts:
                if attempt.status == AttemptStatus.SUBMITTED:
                    attempt.score = scores.get(attempt.pk, 0.0)
            Attempt.objects.bulk_update([a for a in attempts if a.score is not None], ["score"])
            made["attempts"] += len(attempts)
            made["responses"] += len(responses)
    return {
        "cohort_id": cohort.pk,
        "educator_id": educator.pk,
        "learners": learners,
        "assignments": assignments,
        "items": len(bank),
        **made,
        "seconds": round(time.monotonic() - started, 1),
    }


def _timed(client: Client, url: str, requests: int) -> tuple[float, int, int]:
    """Mean seconds per request, the body's bytes and the SQL queries of one request."""
    total = 0.0
    size = queries = 0
    for number in range(requests):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            total += time.perf_counter() - began
        assert response.status_code == 200, (url, response.status_code)
        size = len(body)
        if number == 0:
            queries = len(captured.captured_queries)
    return total / requests, size, queries


def measure(summary: dict[str, Any], *, rounds: int, requests: int) -> dict[str, Any]:
    """Interleave the dashboard, the gradebook CSV and the static page, round by round."""
    client = Client()
    client.force_login(get_user_model().objects.get(pk=summary["educator_id"]))
    dashboard_url = reverse("admin:cohorts_dashboard", args=[summary["cohort_id"]])
    gradebook_url = reverse("admin:cohorts_gradebook", args=[summary["cohort_id"]])
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"]):
        _timed(client, dashboard_url, 1)  # warm caches and templates
        runs = []
        for round_number in range(1, rounds + 1):
            dash_s, dash_bytes, dash_q = _timed(client, dashboard_url, requests)
            book_s, book_bytes, book_q = _timed(client, gradebook_url, requests)
            static_s, _, _ = _timed(client, f"/bench/static/?bytes={dash_bytes}", requests)
            runs.append(
                {
                    "round": round_number,
                    "dashboard_ms": round(dash_s * 1000, 2),
                    "gradebook_ms": round(book_s * 1000, 2),
                    "static_ms": round(static_s * 1000, 3),
                    "dashboard_bytes": dash_bytes,
                    "gradebook_bytes": book_bytes,
                    "dashboard_queries": dash_q,
                    "gradebook_queries": book_q,
                }
            )
    return {
        "runs": runs,
        "dashboard_ms": statistics.median(r["dashboard_ms"] for r in runs),
        "gradebook_ms": statistics.median(r["gradebook_ms"] for r in runs),
        "static_ms": statistics.median(r["static_ms"] for r in runs),
        "dashboard_over_static": statistics.median(
            r["dashboard_ms"] / r["static_ms"] for r in runs
        ),
        "gradebook_over_static": statistics.median(
            r["gradebook_ms"] / r["static_ms"] for r in runs
        ),
        "dashboard_queries": runs[-1]["dashboard_queries"],
        "gradebook_queries": runs[-1]["gradebook_queries"],
    }


def run(bench: Any, *, learners: int = 300, assignments: int = 30, items: int = 100) -> None:
    """Section 7 of `make bench` (in bench/run.py's process, against the seeded database)."""
    from bench.run import log

    log(f"8. class dashboard: seeding {learners} learners x {assignments} assignments")
    summary = seed_class(learners=learners, assignments=assignments, items=items)
    result = measure(summary, rounds=bench.plan.rounds, requests=5)
    bench.results["cohorts"] = {"seed": summary, **result}
    log(
        f"   dashboard {result['dashboard_ms']} ms ({result['dashboard_queries']} queries), "
        f"gradebook CSV {result['gradebook_ms']} ms ({result['gradebook_queries']} queries), "
        f"static page {result['static_ms']} ms: x{result['dashboard_over_static']:.1f} and "
        f"x{result['gradebook_over_static']:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Section 7 alone (a smoke run at a small size).")
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=30)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    summary = seed_class(learners=args.learners, assignments=args.assignments, items=args.items)
    result = measure(summary, rounds=args.rounds, requests=args.requests)
    print(json.dumps({"seed": summary, **result}, indent=1, default=str))


if __name__ == "__main__":
    main()
