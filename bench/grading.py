"""Section 3: grading throughput against no-op tasks, and the submit-to-graded latency.

Throughput: per round, a batch of pending responses (fresh practice items, answers validated by
quizzes.grading.validate_answer) is queued while the worker's consumer is paused, then the
consumer is resumed and the time until the queue is empty and nothing is left unacknowledged is
the drain time. The same for a batch of no-op tasks (bench.tasks.noop) on the same broker, queue
and worker. Rounds alternate grading and no-op; the result is the median of per-round ratios.

Latency: answers POSTed through the API (validated, saved, enqueued on commit) at a fixed rate,
half the measured peak grading rate, with the worker running; the latency of each is from the
response's `submitted_at` to its review log's `created_at` (written in the grading transaction,
just before it commits).
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench import profiles
from bench.run import (
    DATA,
    PORT_REUSE,
    PRACTICE_KEY,
    Bench,
    log,
    median,
    redis_client,
    reset_practice,
)

HISTOGRAM_MS = (10, 25, 50, 100, 150, 250, 400, 500, 600, 1000, 1500, 2000, 2500, 5000)
TASK_LINE = re.compile(r"Task (\S+)\[[^\]]+\] succeeded in ([0-9.]+)s")


def queued() -> tuple[int, int]:
    client = redis_client()
    return client.llen("celery"), client.hlen("unacked")


def pending_responses(count: int) -> list[int]:
    """`count` pending responses to fresh practice items, learners interleaved."""
    from django.db import transaction
    from django.utils import timezone

    from quizzes.content import QuestionContent
    from quizzes.grading import validate_answer
    from quizzes.models import AttemptItem, Response, ResponseStatus
    from tests.quizzes.helpers import key_payload, wrong_payload

    items = list(
        AttemptItem.objects.filter(
            attempt__quiz__key=PRACTICE_KEY, response__isnull=True, position__lt=50
        )
        .select_related("version", "attempt")
        .order_by("position", "attempt_id")[:count]
    )
    now = timezone.now()
    contents: dict[int, QuestionContent] = {}
    rows = []
    for index, item in enumerate(items):
        content = contents.setdefault(
            item.version_id, QuestionContent.from_dict(item.version.content)
        )
        payload = key_payload(content) if index % 3 else wrong_payload(content)
        rows.append(
            Response(
                item=item,
                learner_id=item.attempt.learner_id,
                version_id=item.version_id,
                answer=validate_answer(content, payload).to_dict(),
                idempotency_key=uuid.uuid4(),
                status=ResponseStatus.PENDING,
                submitted_at=now,
            )
        )
    with transaction.atomic():
        Response.objects.bulk_create(rows, batch_size=2000)
    return [row.pk for row in rows]


def publish(task: Any, ids: list[int]) -> None:
    with task.app.producer_or_acquire() as producer:
        for response_id in ids:
            task.apply_async((response_id,), producer=producer)


def drain(bench: Bench, task: Any, ids: list[int], during: Any = None) -> float:
    """Queue `ids` with no worker running, start the worker, and return the tasks per second
    from its first dequeue until the queue is empty and nothing is left unacknowledged (the
    worker's start-up is not counted; the same for both kinds of task)."""
    bench.stop_worker()
    redis_client().delete("celery", "unacked", "unacked_index")
    publish(task, ids)
    bench.start_worker(wait=False)
    while queued()[0] >= len(ids):
        time.sleep(0.002)
    started = time.monotonic()
    watcher = threading.Thread(target=during) if during else None
    if watcher:
        watcher.start()
    while queued() != (0, 0):
        time.sleep(0.005)
    elapsed = time.monotonic() - started
    if watcher:
        watcher.join()
    return len(ids) / elapsed


def task_runtimes(log_path: Path, name: str) -> list[float]:
    text = log_path.read_text(errors="replace")
    return [float(s) for task, s in TASK_LINE.findall(text) if task == name]


def throughput(bench: Bench) -> dict[str, Any]:
    from bench import tasks as bench_tasks
    from quizzes import tasks
    from quizzes.models import Response, ResponseStatus, ReviewLog

    plan = bench.plan
    rounds = []
    worker_profile: dict[str, Any] = {}

    def profile_worker() -> None:
        worker_profile.update(profiles.worker(bench) or {})

    graded_ids: list[int] = []
    for round_number in range(1, plan.grading_rounds + 1):
        ids = pending_responses(plan.grading_batch)
        grading_rate = drain(
            bench, tasks.grade_response, ids, profile_worker if round_number == 1 else None
        )
        graded_ids += ids
        noop_rate = drain(bench, bench_tasks.noop, list(range(plan.grading_batch)))
        rounds.append(
            {
                "round": round_number,
                "answers": len(ids),
                "grading_per_s": round(grading_rate, 1),
                "noop_per_s": round(noop_rate, 1),
                "ratio": round(grading_rate / noop_rate, 4),
            }
        )
        log(
            f"   round {round_number}: grading {grading_rate:.1f}/s, no-op {noop_rate:.1f}/s "
            f"({len(ids)} each)"
        )
    graded = Response.objects.filter(pk__in=graded_ids, status=ResponseStatus.GRADED).count()
    logs = ReviewLog.objects.filter(response_id__in=graded_ids).count()
    worker_log = bench.worker_log()
    runtimes = task_runtimes(worker_log, "quizzes.tasks.grade_response")
    noop_runtimes = task_runtimes(worker_log, "bench.noop")
    bench.results.setdefault("profiles", {})["grading_worker"] = worker_profile or None
    return {
        "rounds": rounds,
        "ratio": median([r["ratio"] for r in rounds]),
        "grading_per_s": median([r["grading_per_s"] for r in rounds]),
        "noop_per_s": median([r["noop_per_s"] for r in rounds]),
        "answers": len(graded_ids),
        "graded": graded,
        "review_logs": logs,
        "task_ms": {
            "grade_response_mean": round(statistics.fmean(runtimes) * 1000, 3)
            if runtimes
            else None,
            "grade_response_median": round(statistics.median(runtimes) * 1000, 3)
            if runtimes
            else None,
            "noop_mean": round(statistics.fmean(noop_runtimes) * 1000, 3)
            if noop_runtimes
            else None,
            "count": len(runtimes),
        },
    }


def paced_answers(rate: float, seconds: float, lines: list[str]) -> dict[str, Any]:
    """POST answers at `rate` per second (open loop: each on its own schedule) for `seconds`."""
    threads = 8
    total = int(rate * seconds)
    lines = lines[:total]
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    start = time.monotonic() + 0.2

    def sender(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT_REUSE, timeout=30)
        for index in range(offset, len(lines), threads):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            token, attempt, position, body = lines[index].split("\t")
            payload = json.loads(body) | {"idempotency_key": str(uuid.uuid4()), "client_seq": 1}
            sent = time.monotonic()
            try:
                connection.request(
                    "POST",
                    f"/api/v1/attempts/{attempt}/items/{position}/answer/",
                    body=json.dumps(payload),
                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT_REUSE, timeout=30)
                status = 0
            with lock:
                results.append((time.monotonic() - sent, status))

    workers = [threading.Thread(target=sender, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    http_ms = sorted(r[0] * 1000 for r in results)
    return {
        "sent": len(results),
        "non_2xx": sum(1 for _s, status in results if not 200 <= status < 300),
        "http_p50_ms": round(http_ms[len(http_ms) // 2], 1) if http_ms else None,
        "http_p99_ms": round(http_ms[int(len(http_ms) * 0.99)], 1) if http_ms else None,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency(bench: Bench, peak: float) -> dict[str, Any]:
    from django.db import connection

    from quizzes.models import Response, ResponseStatus

    rate = max(1.0, peak / 2)
    seconds = bench.plan.latency_seconds
    lines = (DATA / "answers.tsv").read_text().splitlines()
    offset = 12000  # past the slices the web runs used last; reset_practice freed them anyway
    sent = paced_answers(rate, seconds, lines[offset:])
    deadline = time.monotonic() + 120
    while Response.objects.filter(status=ResponseStatus.PENDING).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(EPOCH FROM (l.created_at - r.submitted_at)) * 1000 "
            "FROM quizzes_response r JOIN quizzes_reviewlog l ON l.response_id = r.id "
            "JOIN quizzes_attemptitem i ON i.id = r.item_id JOIN quizzes_attempt a ON "
            "a.id = i.attempt_id JOIN quizzes_quiz q ON q.id = a.quiz_id WHERE q.key = %s",
            [PRACTICE_KEY],
        )
        values = [float(row[0]) for row in cursor.fetchall()]
    pending = Response.objects.filter(status=ResponseStatus.PENDING).count()
    histogram = []
    lower: float = 0
    for upper in (*HISTOGRAM_MS, float("inf")):
        histogram.append(
            {
                "from_ms": lower,
                "to_ms": upper,
                "count": sum(1 for v in values if lower <= v < upper),
            }
        )
        lower = upper
    return sent | {
        "rate_per_s": round(rate, 1),
        "seconds": seconds,
        "graded": len(values),
        "still_pending": pending,
        "p50_ms": round(percentile(values, 0.50), 1) if values else None,
        "p95_ms": round(percentile(values, 0.95), 1) if values else None,
        "p99_ms": round(percentile(values, 0.99), 1) if values else None,
        "max_ms": round(max(values), 1) if values else None,
        "histogram": histogram,
        # The Redis transport's known artefacts: waits of about 0.5 s, 1 s or 2 s.
        "near_0_5_s": sum(1 for v in values if 450 <= v < 650),
        "near_1_s": sum(1 for v in values if 900 <= v < 1150),
        "near_2_s": sum(1 for v in values if 1900 <= v < 2300),
    }


def run(bench: Bench) -> None:
    log("3. grading: drain rate against no-op tasks, then latency at half the peak rate")
    reset_practice()
    try:
        result = throughput(bench)
        reset_practice()
        bench.start_worker()
        result["latency"] = latency(bench, result["grading_per_s"] or 1.0)
        lat = result["latency"]
        log(
            f"   latency at {lat['rate_per_s']}/s: p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, "
            f"p99 {lat['p99_ms']} ms ({lat['graded']} graded, {lat['non_2xx']} non-2xx)"
        )
    finally:
        bench.stop_worker()
        reset_practice()
    bench.results["grading"] = result
