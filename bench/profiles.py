"""Where the CPU goes, measured in the same run: py-spy on the web processes under load, on the
Celery worker while it grades, and cProfile around a reschedule.

py-spy samples only threads holding the GIL (`--gil`), so the shares are of Python CPU time,
not of time spent waiting on PostgreSQL or Redis. Each share is inclusive: the fraction of the
samples whose stack contains the frame (categories overlap, e.g. SQL compilation is inside a
view's queries).
"""

from __future__ import annotations

import cProfile
import pstats
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from bench.folded import load, shares
from bench.run import BIN, OUT, PORT_REUSE, Bench, log

# Inclusive categories: pattern in a frame's "function (file:line)" text.
CATEGORIES = {
    "SQL compilation (Django ORM, as_sql)": "as_sql (django/db/models/sql/compiler.py",
    "psycopg (send query, read rows)": "(psycopg/",
    "model instances from rows": "from_db (django/db/models/base.py",
    "template rendering": "Template.render (django/template/base.py",
    "Redis client (cache, throttle)": "(redis/",
    "Celery/kombu publish": "apply_async (celery/app/task.py",
    "our pure code (grading, presentation, scheduling, content)": "(quizzes/grading.py",
}
PURE = (
    "quizzes/grading.py",
    "quizzes/presentation.py",
    "quizzes/scheduling.py",
    "quizzes/content.py",
)
ENDPOINTS = ("answer_post", "question_page", "review_queue", "dashboard")


def summarise(path: Path) -> dict[str, Any]:
    stacks = load(path)
    result = {
        name: round(share, 3) for name, share in shares(stacks, list(CATEGORIES.values())).items()
    }
    named = {label: result[pattern] for label, pattern in CATEGORIES.items()}
    total = sum(count for _frames, count in stacks) or 1
    pure = sum(count for frames, count in stacks if any(p in f for f in frames for p in PURE))
    named["our pure code (grading, presentation, scheduling, content)"] = round(pure / total, 3)
    return {"samples": sum(count for _frames, count in stacks), "shares": named}


def record(pid: int, seconds: float, name: str) -> Path:
    output = OUT / f"profile-{name}.folded"
    subprocess.run(
        [
            str(BIN / "py-spy"), "record", "-p", str(pid), "--subprocesses", "--gil",
            "-d", str(int(seconds)), "-r", "250", "-f", "raw", "-o", str(output), "--nonblocking",
        ],
        check=False,
        capture_output=True,
    )  # fmt: skip
    return output


def web(bench: Bench) -> dict[str, Any]:
    """Each endpoint under wrk (16 connections), profiled for 4 s in the middle of a 6 s run."""
    found = {}
    for name in ENDPOINTS:
        runner = threading.Thread(target=bench.target, args=(name, PORT_REUSE, 6.0, 16))
        runner.start()
        time.sleep(1.0)
        path = record(bench.web.pid, 4, name)
        runner.join()
        found[name] = summarise(path) if path.exists() else None
    return found


def worker(bench: Bench, seconds: float = 4.0) -> dict[str, Any] | None:
    """The grading worker, while it drains a queue (called by bench.grading during a round)."""
    if bench.worker is None:
        return None
    path = record(bench.worker.pid, seconds, "grading-worker")
    return summarise(path) if path.exists() else None


def reschedule(learner_ids: list[int]) -> dict[str, Any]:
    """cProfile (CPU time) around reschedule_cards for a few learners: where a card's time goes."""
    from quizzes.reviews.cards import reschedule_cards

    profile = cProfile.Profile(time.process_time)
    profile.enable()
    moved = sum(reschedule_cards(learner_id=learner_id) for learner_id in learner_ids)
    profile.disable()
    # The raw table behind Stats' reports; typeshed does not declare the attribute.
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values()) or 1e-9

    def cumulative(function: str) -> float:
        return sum(row[3] for key, row in stats.items() if key[2] == function)

    whole = cumulative("reschedule_cards") or total
    parts = {
        "queries read (settings, day counts, the batch FOR UPDATE)": cumulative("_fetch_all"),
        "compute (scheduling.rescheduled)": cumulative("rescheduled"),
        "write (one UPDATE ... FROM unnest)": cumulative("_write_due_dates"),
    }
    return {
        "cards": moved,
        "cpu_ms_per_card": round(whole / max(moved, 1) * 1000, 4),
        "shares": {label: round(value / whole, 3) for label, value in parts.items()},
    }


def run(bench: Bench) -> None:
    log("profiles: py-spy on the web processes under load (the worker's is taken in section 3)")
    bench.results.setdefault("profiles", {})["web"] = web(bench)
