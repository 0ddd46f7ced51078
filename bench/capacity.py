"""Section 4: capacity, like Moodle's load test, with Locust (bench/locustfile.py).

1. Practice: simulated learners (tutor quizzes, 30-90 s think time, one answer per page view,
   feedback polled until graded) in steps of increasing size, each held for its seconds. A step
   is held when it had no failed request and a p95 under 1 s (counted after its first 10 s, while
   its new learners arrive).
2. Exam: 500 learners (the target), then the largest number held if larger (other learners),
   all start the timed exam within 10 s, then answer with autosave; held when no request failed
   and the p95 of the first 20 s stayed under 3 s.
3. Every exam is then submitted; once the worker has drained the queue, every answer the server
   accepted must be stored (the exam's latest autosave) and graded exactly once (one review log).

Locust runs in one process on the same 2 cores; its CPU share is measured and reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from typing import Any

from bench.run import (
    BENCH,
    BIN,
    DATA,
    OUT,
    PORT_REUSE,
    Bench,
    backend_pids,
    cpu_seconds,
    log,
    machine_cpu,
)

RAMP_SECONDS = 10.0
TARGET_LEARNERS = 500
CPU_KEYS = ("locust_cpu_share", "web_cpu_share", "db_cpu_share", "worker_cpu_share", "machine_busy")
PAGE_P95_MS = 1000.0
SPIKE_P95_MS = 3000.0


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def stats(samples: list[list[Any]]) -> dict[str, Any]:
    times = [s[3] for s in samples]
    pages = [s[3] for s in samples if s[1] == "page"]
    return {
        "requests": len(samples),
        "failures": sum(1 for s in samples if not s[4]),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "page_p95_ms": percentile(pages, 0.95),
        "by_name": {
            name: {
                "count": len(group),
                "failures": sum(1 for s in group if not s[4]),
                "p95_ms": percentile([s[3] for s in group], 0.95),
            }
            for name in sorted({s[2] for s in samples})
            if (group := [s for s in samples if s[2] == name])
        },
    }


def locust(
    bench: Bench, phase: str, steps: list[tuple[int, float]], offset: int = 0
) -> dict[str, Any]:
    record = OUT / f"locust-{phase}-{offset}.json"
    record.unlink(missing_ok=True)
    env = bench.env | {
        "BENCH_PHASE": phase,
        "BENCH_ACCOUNTS": str(DATA / "cohort.json"),
        "BENCH_RECORD": str(record),
        "BENCH_STEPS": ";".join(f"{users},{seconds}" for users, seconds in steps),
        "BENCH_SPIKE_SECONDS": "10",
        "BENCH_ACCOUNTS_OFFSET": str(offset),
    }
    command = [
        str(BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{PORT_REUSE}", "--loglevel", "WARNING", "--only-summary",
        "--stop-timeout", "5",
    ]  # fmt: skip
    web_pids = bench.web.pids()
    worker_pids = bench.worker.pids() if bench.worker else []
    timeline: list[dict[str, float]] = []
    started = time.monotonic()
    with (OUT / f"locust-{phase}-{offset}.log").open("w") as output:
        process = subprocess.Popen(
            command, cwd=BENCH.parent, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        sampler = threading.Thread(
            target=sample_cpu, args=(process, web_pids, worker_pids, timeline, started)
        )
        sampler.start()
        _pid, _status, usage = os.wait4(process.pid, 0)
        sampler.join()
    elapsed = time.monotonic() - started
    data = json.loads(record.read_text())
    first, last = timeline[0], timeline[-1]
    span = max(last["at"] - first["at"], 1e-9)
    cores = os.cpu_count() or 1
    return {
        "samples": data["samples"],
        "answers": data["answers"],
        "seconds": round(elapsed, 1),
        "timeline": timeline,
        "locust_cpu_share": round((usage.ru_utime + usage.ru_stime) / elapsed / cores, 3),
        "web_cpu_share": round((last["web"] - first["web"]) / span / cores, 3),
        "db_cpu_share": round((last["db"] - first["db"]) / span / cores, 3),
        "worker_cpu_share": round((last["worker"] - first["worker"]) / span / cores, 3),
        "machine_busy": round(
            (last["busy"] - first["busy"]) / max(last["total"] - first["total"], 1e-9), 3
        ),
    }


def sample_cpu(
    process: subprocess.Popen,
    web_pids: list[int],
    worker_pids: list[int],
    timeline: list[dict[str, float]],
    started: float,
) -> None:
    """Cumulative CPU seconds of web, worker and database backends, once a second."""
    db_seen: dict[int, float] = {}
    while True:
        for pid in backend_pids():
            db_seen[pid] = max(db_seen.get(pid, 0.0), cpu_seconds([pid]))
        busy, total = machine_cpu()
        timeline.append(
            {
                "at": round(time.monotonic() - started, 2),
                "web": cpu_seconds(web_pids),
                "worker": cpu_seconds(worker_pids),
                "db": sum(db_seen.values()),
                "busy": busy,
                "total": total,
            }
        )
        if process.poll() is not None:
            from django.db import connection

            connection.close()  # this thread's own connection
            return
        time.sleep(1.0)


def window_cpu(timeline: list[dict[str, float]], start: float, end: float) -> dict[str, float]:
    """CPU seconds of web, database and worker between two moments of the run."""
    inside = [point for point in timeline if start <= point["at"] <= end] or timeline[:1]
    first, last = inside[0], inside[-1]
    return {
        "seconds": round(last["at"] - first["at"], 2),
        "web_cpu_s": round(last["web"] - first["web"], 3),
        "db_cpu_s": round(last["db"] - first["db"], 3),
        "worker_cpu_s": round(last["worker"] - first["worker"], 3),
    }


def practice(bench: Bench) -> dict[str, Any]:
    steps = [(users, bench.plan.capacity_step_seconds) for users in bench.plan.capacity_steps]
    run = locust(bench, "practice", steps)
    results = []
    start = 0.0
    for users, seconds in steps:
        window = [s for s in run["samples"] if start + RAMP_SECONDS <= s[0] < start + seconds]
        step = {"learners": users, "seconds": seconds} | stats(window)
        step["held"] = (
            step["failures"] == 0 and (step["p95_ms"] or 0) < PAGE_P95_MS and step["requests"] > 0
        )
        results.append(step)
        log(
            f"   {users} learners: {step['requests']} requests, {step['failures']} failed, "
            f"p95 {step['p95_ms']} ms (pages {step['page_p95_ms']} ms)"
        )
        start += seconds
    held = [step["learners"] for step in results if step["held"]]
    return {
        "steps": results,
        "largest_held": max(held) if held else 0,
        "answers": run["answers"],
        "cpu": {k: run[k] for k in CPU_KEYS},
        "all": stats(run["samples"]),
    }


def exam(bench: Bench, learners: int, offset: int) -> dict[str, Any]:
    run = locust(bench, "exam", [(learners, bench.plan.spike_seconds)], offset)
    spike = [s for s in run["samples"] if s[0] < 20.0]  # the starts and the pages they open
    result = {
        "learners": learners,
        "spike": stats(spike),
        "phase": stats(run["samples"]),
        "answers": run["answers"],
        "cpu": {k: run[k] for k in CPU_KEYS},
        "spike_cpu": window_cpu(run["timeline"], 0.0, 20.0),
    }
    starts = [s for s in run["samples"] if s[2] == "POST start"]
    result["starts"] = len(starts)
    result["starts_within_s"] = round(max(s[0] for s in starts), 1) if starts else None
    result["held"] = (
        result["phase"]["failures"] == 0
        and (result["spike"]["p95_ms"] or 0) < SPIKE_P95_MS
        and len(starts) == learners
    )
    log(
        f"   exam start of {learners} learners: {len(starts)} starts, spike p95 "
        f"{result['spike']['p95_ms']} ms, {result['phase']['failures']} failed requests"
    )
    return result


def verify(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Every accepted answer stored (an exam item's latest autosave) and graded exactly once."""
    from django.db.models import Count

    from quizzes import attempts
    from quizzes.models import Attempt, AttemptStatus, Response, ResponseStatus

    exam_attempts = {a["attempt"] for a in answers if a["exam"]}
    for attempt_id in Attempt.objects.filter(
        pk__in=exam_attempts, status=AttemptStatus.IN_PROGRESS
    ).values_list("pk", flat=True):
        attempts.close_attempt(attempt_id=attempt_id)
    latest: dict[tuple[int, int], dict[str, Any]] = {}
    tutor = []
    for answer in answers:
        if answer["exam"]:
            slot = (answer["attempt"], answer["position"])
            if slot not in latest or answer["seq"] >= latest[slot]["seq"]:
                latest[slot] = answer
        else:
            tutor.append(answer)
    expected = [(a["learner"], a["key"]) for a in tutor] + [
        (a["learner"], a["key"]) for a in latest.values()
    ]
    keys = [key for _learner, key in expected]
    deadline = time.monotonic() + 180
    waiting = Response.objects.filter(status=ResponseStatus.PENDING, idempotency_key__in=keys)
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    rows = {
        (row["learner_id"], str(row["idempotency_key"])): row
        for row in Response.objects.filter(idempotency_key__in=keys)
        .annotate(logs=Count("review_log"))
        .values("learner_id", "idempotency_key", "status", "logs")
    }
    stored = [rows.get(pair) for pair in expected]
    graded_once = sum(
        1 for row in stored if row and row["status"] == ResponseStatus.GRADED and row["logs"] == 1
    )
    return {
        "accepted_answer_posts": len(answers),
        "answers_expected_stored": len(expected),
        "stored": sum(1 for row in stored if row),
        "graded_exactly_once": graded_once,
        "missing": len(expected) - sum(1 for row in stored if row),
        "ok": graded_once == len(expected),
        "pending_left": waiting.count(),
    }


def run(bench: Bench) -> None:
    log("4. capacity: simulated learners (Locust), 30-90 s think time")
    bench.start_worker()
    try:
        result: dict[str, Any] = {"practice": practice(bench)}
        answers = result["practice"].pop("answers")
        # The exam start of the target (500) and of the largest number held, if larger; the
        # second run takes learners who have not started the exam.
        held = result["practice"]["largest_held"]
        levels = sorted({min(TARGET_LEARNERS, bench.plan.capacity_steps[0]), held} - {0})
        result["exams"] = []
        offset = 0
        for learners in levels:
            run = exam(bench, learners, offset)
            answers += run.pop("answers")
            result["exams"].append(run)
            offset += learners
        result["verification"] = verify(answers)
        log(f"   verification: {result['verification']}")
    finally:
        bench.stop_worker()
    bench.results["capacity"] = result
