"""bench/results.json (everything measured) and bench/results.md (the tables people read).

Every figure here comes from the run's results; nothing is typed in. A development run of some
sections only (--only) writes bench/out/results-partial.* instead.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.run import (
    BENCH,
    OUT,
    WEB_CLASS,
    WEB_THREADS,
    WEB_WORKERS,
    WORKER_CONCURRENCY,
    median,
)

PACKAGES = (
    "Django",
    "djangorestframework",
    "celery",
    "kombu",
    "redis",
    "psycopg",
    "psycopg-pool",
    "gunicorn",
    "fsrs",
    "locust",
)
EXAM_QUESTIONS = 20
EXAM_LEARNERS = 10_000
TARGET_UTILISATION = 0.6  # plan cores to run at most 60% busy at the peak


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
    }


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "-"
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            found["postgresql"] = cursor.fetchone()[0].split()[0]
    except Exception:  # the database is gone when the run failed early
        found["postgresql"] = "-"
    try:
        import redis

        found["redis-server"] = redis.Redis(host="127.0.0.1").info("server")["redis_version"]
    except Exception:
        found["redis-server"] = "-"
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    found["wrk"] = (
        (wrk.stdout + wrk.stderr).split()[1] if (wrk.stdout + wrk.stderr).split() else "-"
    )
    return found


def get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def targets(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    rows: list[tuple[str, str, str, bool | None]] = []
    pairs = get(r, "web", "pairs") or {}
    for label, key in (
        ("answer POST / bare JSON view", "answer_post/bare_json"),
        ("question page / static page", "question_page/static_page"),
        ("review queue / static page", "review_queue/static_page"),
        ("dashboard / static page", "dashboard/static_page"),
    ):
        for connections in (16, 64):
            ratio = get(pairs, f"{key}@{connections}", "throughput_ratio")
            rows.append(
                (
                    f"{label}, throughput at {connections} connections",
                    ">= 0.5",
                    fmt(ratio, 3),
                    None if ratio is None else ratio >= 0.5,
                )
            )
    p95 = get(pairs, "answer_post/bare_json@64", "p95_ratio")
    rows.append(
        (
            "answer POST p95 at 64 connections / bare view's",
            "<= 3x",
            fmt(p95, 1),
            None if p95 is None else p95 <= 3,
        )
    )
    endpoints = get(r, "web", "endpoints") or {}
    non_2xx = sum(v.get("non_2xx", 0) for v in endpoints.values()) if endpoints else None
    reuse_runs = get(r, "reuse", "runs") or []
    non_2xx = (
        None if non_2xx is None else non_2xx + sum(x["non_2xx"] + x["errors"] for x in reuse_runs)
    )
    rows.append(
        (
            "non-2xx responses and socket errors, all web runs",
            "0",
            fmt(non_2xx),
            None if non_2xx is None else non_2xx == 0,
        )
    )
    reuse = get(r, "reuse", "ratio")
    rows.append(
        (
            "answer POST, persistent connections / CONN_MAX_AGE=0",
            ">= 2x",
            fmt(reuse),
            None if reuse is None else reuse >= 2,
        )
    )
    grading = get(r, "grading", "ratio")
    rows.append(
        (
            "grading rate / no-op task rate",
            ">= 0.5",
            fmt(grading, 3),
            None if grading is None else grading >= 0.5,
        )
    )
    p99 = get(r, "grading", "latency", "p99_ms")
    rows.append(
        (
            "p99 submit-to-graded at half the peak grading rate",
            "<= 250 ms",
            f"{fmt(p99, 0)} ms",
            None if p99 is None else p99 <= 250,
        )
    )
    held = get(r, "capacity", "practice", "largest_held")
    rows.append(
        (
            "learners held (0 errors, p95 < 1 s), 30-90 s think time",
            ">= 500",
            fmt(held),
            None if held is None else held >= 500,
        )
    )
    for exam in get(r, "capacity", "exams") or []:
        rows.append(
            (
                f"synchronised exam start of {exam['learners']} learners within 10 s "
                "(p95 < 3 s, 0 errors)",
                "held",
                f"p95 {fmt(exam['spike']['p95_ms'], 0)} ms, {exam['phase']['failures']} errors",
                exam["held"],
            )
        )
    check = get(r, "capacity", "verification")
    if check:
        rows.append(
            (
                "every accepted answer stored and graded exactly once",
                "all",
                f"{check['graded_exactly_once']} of {check['answers_expected_stored']}",
                check["ok"],
            )
        )
    share = get(r, "spaced", "fsrs", "share_of_grading_task")
    rows.append(
        (
            "FSRS step / whole grading task",
            "<= 10%",
            "–" if share is None else f"{share:.2%}",
            None if share is None else share <= 0.10,
        )
    )
    speedup = get(r, "spaced", "reschedule", "speedup")
    rows.append(
        (
            "rescheduling 100,000 cards / per-card fsrs.Scheduler + save",
            ">= 20x",
            fmt(speedup, 1),
            None if speedup is None else speedup >= 20,
        )
    )
    stats_s = get(r, "spaced", "item_statistics", "seconds")
    responses = get(r, "spaced", "item_statistics", "responses")
    rows.append(
        (
            f"item statistics over {fmt(responses)} responses",
            "< 2 s",
            f"{fmt(stats_s, 3)} s",
            None if stats_s is None else stats_s < 2,
        )
    )
    rows.append(
        ("query counts per page fixed", "tests", "asserted in the test suite, not here", None)
    )
    return rows


def sizing(r: dict[str, Any]) -> dict[str, Any] | None:
    """A 10,000-learner synchronised exam from the measured per-request CPU costs."""
    endpoints = get(r, "web", "endpoints") or {}
    page = endpoints.get("question_page@16")
    answer = endpoints.get("answer_post@16")
    grading_rate = get(r, "grading", "grading_per_s")
    exams = get(r, "capacity", "exams") or []
    if not (page and answer and grading_rate and exams):
        return None
    exam = max(exams, key=lambda e: e["learners"])
    spike_cpu = exam["spike_cpu"]
    starts = max(exam["starts"], 1)
    start_web = spike_cpu["web_cpu_s"] / starts * 1000  # ms per start (with its first page)
    start_db = spike_cpu["db_cpu_s"] / starts * 1000
    page_web, page_db = page["web_cpu_ms"], page.get("db_cpu_ms") or 0.0
    answer_web, answer_db = answer["web_cpu_ms"], answer.get("db_cpu_ms") or 0.0
    # Starts spread over 10 s, answered within the 3 s p95 allowance: 13 s of CPU time.
    spike_web_cores = EXAM_LEARNERS * start_web / 1000 / 13 / TARGET_UTILISATION
    spike_db_cores = EXAM_LEARNERS * start_db / 1000 / 13 / TARGET_UTILISATION
    # During the exam: one page view per 60 s (think time 30-90 s) and 1.3 autosaves.
    pages_s, saves_s = EXAM_LEARNERS / 60, EXAM_LEARNERS * 1.3 / 60
    steady_web_cores = (pages_s * page_web + saves_s * answer_web) / 1000 / TARGET_UTILISATION
    steady_db_cores = (pages_s * page_db + saves_s * answer_db) / 1000 / TARGET_UTILISATION
    per_process = grading_rate / WORKER_CONCURRENCY  # grading tasks per second per worker process
    backlog = EXAM_LEARNERS * EXAM_QUESTIONS
    web_cores = max(spike_web_cores, steady_web_cores)
    return {
        "inputs_ms": {
            "exam_start_web": round(start_web, 2),
            "exam_start_db": round(start_db, 2),
            "page_web": page_web,
            "page_db": page_db,
            "answer_web": answer_web,
            "answer_db": answer_db,
            "grading_per_s_per_process": round(per_process, 1),
        },
        "spike_web_cores": round(spike_web_cores, 1),
        "spike_db_cores": round(spike_db_cores, 1),
        "steady_web_cores": round(steady_web_cores, 1),
        "steady_db_cores": round(steady_db_cores, 1),
        "web_machines_2_cores": math.ceil(web_cores / 2),
        "gunicorn_processes": math.ceil(web_cores / 2) * WEB_WORKERS,
        "db_cores": math.ceil(max(spike_db_cores, steady_db_cores)),
        "grading_backlog": backlog,
        "worker_processes_for_5_min": math.ceil(backlog / 300 / per_process),
    }


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return lines


def markdown(r: dict[str, Any]) -> str:
    m, v = r["machine"], r["versions"]
    out = [
        "# Benchmark results (`make bench`)",
        "",
        "Generated by bench/run.py; every number below was measured in this run "
        "(bench/results.json has all of them, bench/README.md says how each is taken).",
        "",
        f"- Date: {r.get('started_at')} (UTC); the run took {fmt(r.get('wall_seconds'), 0)} s "
        "(without installing packages).",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}. "
        "Shared with other sessions: load average (1, 5, 15 min) before "
        f"{get(r, 'machine_before', 'load_average')}, after "
        f"{get(r, 'machine_after', 'load_average')}; "
        "`machine busy` columns are the whole machine's CPU use during each run, ours and others'.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        f"- Server: gunicorn {WEB_WORKERS} {WEB_CLASS} workers x {WEB_THREADS} thread(s), "
        "DEBUG off, "
        "persistent PostgreSQL connections (CONN_MAX_AGE 600; server B: 0), Redis database 15, "
        f"Celery worker prefork x {WORKER_CONCURRENCY} (acks_late, reject_on_worker_lost, "
        "prefetch multiplier 1, --without-gossip --without-mingle), load generators on the same "
        "2 cores (their CPU share is in the tables).",
        f"- Data: {get(r, 'seed', 'learners')} learners, {get(r, 'seed', 'questions')} "
        "published questions, "
        f"{get(r, 'seed', 'responses')} past responses, {get(r, 'seed', 'cards')} review cards, "
        f"{get(r, 'seed', 'logs')} review logs, {get(r, 'seed', 'snapshots')} mastery snapshots, "
        f"{get(r, 'seed', 'practice_items')} fresh practice items; capacity cohort of "
        f"{get(r, 'seed', 'cohort')} more learners (seeded in {get(r, 'seed', 'seconds')} s).",
        "",
        "## Targets",
        "",
        *table(
            ["target", "wanted", "measured", ""],
            [[label, wanted, measured, verdict(ok)] for label, wanted, measured, ok in targets(r)],
        ),
        "",
    ]
    web = r.get("web")
    if web:
        out += ["## 1. Web throughput and latency (wrk, median of rounds)", ""]
        rows = []
        for key, e in web["endpoints"].items():
            name, connections = key.split("@")
            rows.append(
                [
                    name,
                    connections,
                    e.get("rps"),
                    e.get("p50_ms"),
                    e.get("p95_ms"),
                    e.get("p99_ms"),
                    e.get("non_2xx"),
                    e.get("web_cpu_ms"),
                    e.get("db_cpu_ms"),
                    e.get("wrk_cpu_share"),
                    e.get("machine_busy"),
                ]
            )
        out += table(
            [
                "endpoint",
                "conns",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "non-2xx",
                "web CPU ms/req",
                "db CPU ms/req",
                "wrk CPU share",
                "machine busy",
            ],
            rows,
        )
        out += [
            "",
            f"Static page size: {r.get('static_bytes')} bytes (the question page's).",
            "",
            "Per-round ratios (each pair measured back to back in the same round):",
            "",
        ]
        out += table(
            ["pair", "median throughput ratio", "median p95 ratio", "per round"],
            [
                [
                    k,
                    fmt(p["throughput_ratio"], 3),
                    fmt(p["p95_ratio"], 1),
                    ", ".join(f"{x:.3f}" for x in p["per_round"]),
                ]
                for k, p in web["pairs"].items()
            ],
        )
        out += ["", "<details><summary>Raw runs</summary>", ""]
        out += table(
            [
                "round",
                "endpoint",
                "conns",
                "requests",
                "req/s",
                "p50",
                "p95",
                "p99",
                "non-2xx",
                "errors",
            ],
            [
                [
                    x["round"],
                    x["name"],
                    x["connections"],
                    x["requests"],
                    x["rps"],
                    x["p50_ms"],
                    x["p95_ms"],
                    x["p99_ms"],
                    x["non_2xx"],
                    x["errors"],
                ]
                for x in web["runs"]
            ],
        )
        out += ["", "</details>", ""]
    reuse = r.get("reuse")
    if reuse:
        out += ["## 2. Connection reuse guard (answer POST, 16 connections)", ""]
        out += table(
            ["round", "server", "req/s", "p50 ms", "p99 ms", "web CPU ms/req", "non-2xx"],
            [
                [
                    x["round"],
                    x["server"],
                    x["rps"],
                    x["p50_ms"],
                    x["p99_ms"],
                    x["web_cpu_ms"],
                    x["non_2xx"],
                ]
                for x in reuse["runs"]
            ],
        )
        out += ["", f"Median ratio: {fmt(reuse['ratio'])} (per round {reuse['per_round']}).", ""]
    grading = r.get("grading")
    if grading:
        out += ["## 3. Grading", ""]
        out += table(
            ["round", "answers", "grading /s", "no-op /s", "ratio"],
            [
                [x["round"], x["answers"], x["grading_per_s"], x["noop_per_s"], x["ratio"]]
                for x in grading["rounds"]
            ],
        )
        task = grading["task_ms"]
        out += [
            "",
            f"{grading['answers']} answers queued, {grading['graded']} graded, "
            f"{grading['review_logs']} review logs (cards updated). Task run time in the worker "
            f"(its log): grade_response mean {fmt(task['grade_response_mean'])} ms, median "
            f"{fmt(task['grade_response_median'])} ms; no-op mean {fmt(task['noop_mean'], 3)} ms.",
            "",
        ]
        lat = grading["latency"]
        out += [
            f"Submit-to-graded latency: {lat['sent']} answers POSTed at {lat['rate_per_s']}/s "
            f"(half the peak grading rate) for {lat['seconds']} s with the worker running; "
            f"{lat['graded']} graded, {lat['non_2xx']} non-2xx; p50 {fmt(lat['p50_ms'], 0)} ms, "
            f"p95 {fmt(lat['p95_ms'], 0)} ms, p99 {fmt(lat['p99_ms'], 0)} ms, max "
            f"{fmt(lat['max_ms'], 0)} ms. "
            f"Near 0.5 s: {lat['near_0_5_s']}, near 1 s: {lat['near_1_s']}, near 2 s: "
            f"{lat['near_2_s']}.",
            "",
        ]
        out += table(
            ["from ms", "to ms", "answers"],
            [
                [h["from_ms"], "∞" if h["to_ms"] == float("inf") else h["to_ms"], h["count"]]
                for h in lat["histogram"]
            ],
        )
        out += [""]
    cap = r.get("capacity")
    if cap:
        out += ["## 4. Capacity (Locust, 30-90 s think time)", ""]
        out += table(
            [
                "learners",
                "seconds",
                "requests",
                "failures",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "page p95 ms",
                "held",
            ],
            [
                [
                    s["learners"],
                    s["seconds"],
                    s["requests"],
                    s["failures"],
                    s["p50_ms"],
                    s["p95_ms"],
                    s["p99_ms"],
                    s["page_p95_ms"],
                    "yes" if s["held"] else "no",
                ]
                for s in cap["practice"]["steps"]
            ],
        )
        cpu = cap["practice"]["cpu"]
        out += [
            "",
            "CPU shares of the 2 cores during the practice run: "
            + ", ".join(f"{k} {v}" for k, v in cpu.items())
            + ".",
            "",
        ]
        for exam in cap["exams"]:
            out += [
                f"Exam: {exam['learners']} learners, {exam['starts']} starts, the last answered "
                f"{exam['starts_within_s']} s into the phase; first 20 s: "
                f"{exam['spike']['requests']} requests, "
                f"p50 {fmt(exam['spike']['p50_ms'], 0)} ms, p95 "
                f"{fmt(exam['spike']['p95_ms'], 0)} ms, "
                f"p99 {fmt(exam['spike']['p99_ms'], 0)} ms; whole phase "
                f"{exam['phase']['requests']} requests, "
                f"{exam['phase']['failures']} failed, p95 {fmt(exam['phase']['p95_ms'], 0)} "
                "ms. CPU shares: " + ", ".join(f"{k} {v}" for k, v in exam["cpu"].items()) + ".",
                "",
            ]
            out += table(
                ["request", "count", "failures", "p95 ms"],
                [
                    [name, g["count"], g["failures"], g["p95_ms"]]
                    for name, g in exam["phase"]["by_name"].items()
                ],
            )
            out += [""]
        out += [
            "",
            "Verification after submitting every exam: " + json.dumps(cap["verification"]),
            "",
        ]
    spaced = r.get("spaced")
    if spaced:
        f, rs, st = spaced["fsrs"], spaced["reschedule"], spaced["item_statistics"]
        out += [
            "## 5. Spaced repetition",
            "",
            f"- FSRS step (quizzes.scheduling.review, {f['cards']} cards): "
            f"{f['ms_per_review']} ms per review; "
            f"the grading task takes {fmt(f['grading_task_ms'])} ms: "
            + ("–" if f["share_of_grading_task"] is None else f"{f['share_of_grading_task']:.2%}")
            + ".",
            f"- Rescheduling after a retention change: {rs['bulk']['moved']} cards of "
            f"{rs['bulk']['learners']} learners in {rs['bulk']['seconds']} s "
            f"({rs['bulk']['ms_per_card']} ms per card); "
            f"the per-card loop (new fsrs.Scheduler and card.save() per card) took "
            f"{rs['naive_sample']['ms_per_card']} ms per card on a sample of "
            f"{rs['naive_sample']['cards']} cards, "
            f"extrapolated to {rs['naive_extrapolated_seconds']} s for the same cards: "
            f"x{rs['speedup']}.",
            "",
            "## 6. Item statistics",
            "",
            f"recompute_item_statistics over {st['responses']} responses ({st['versions']} "
            "versions): "
            f"{st['seconds']} s (median of {st['runs']}).",
            "",
        ]
    srs = r.get("srs")
    if srs:
        o, rp = srs["optimisation"], srs["replay"]
        out += [
            "## 7. Personal parameters and replay",
            "",
            f"Fitting FSRS-6 to a simulated year of reviews ({o['reviews']} reviews): "
            f"{o['seconds']} s; held-back log loss {o['default_log_loss']} (defaults) -> "
            f"{o['fitted_log_loss']}, RMSE(bins) {o['default_rmse_bins']} -> "
            f"{o['fitted_rmse_bins']}, adopted: {o['adopted']}.",
            "",
            f"Replaying every card ({rp['cards']:,}): {rp['seconds']} s for two runs "
            f"({rp['cards_per_second']} cards/s); the second run wrote the same states: "
            f"{rp['idempotent']}.",
            "",
        ]
    klass = r.get("cohorts")
    if klass:
        seed = klass["seed"]
        out += [
            "## 8. Class dashboard and gradebook (issue 16)",
            "",
            f"One cohort of {seed['learners']} learners, {seed['assignments']} assignments over "
            f"{seed['items']} items ({seed['attempts']} attempts, {seed['responses']} graded "
            "answers), measured in-process with Django's test client as its educator, "
            "interleaved round by round with the static page of the dashboard's byte size "
            "(bench/cohorts.py).",
            "",
            "| page | median ms | / static page | SQL queries |",
            "| --- | ---: | ---: | ---: |",
            f"| class dashboard | {klass['dashboard_ms']} | "
            f"x{klass['dashboard_over_static']:.1f} | {klass['dashboard_queries']} |",
            f"| gradebook CSV | {klass['gradebook_ms']} | "
            f"x{klass['gradebook_over_static']:.1f} | {klass['gradebook_queries']} |",
            f"| static page | {klass['static_ms']} | x1.0 | 0 |",
            "",
        ]
    out += practice_section(r)
    out += profile_section(r)
    out += gaps(r)
    size = r.get("sizing")
    if size:
        i = size["inputs_ms"]
        out += [
            f"## Sizing a synchronised exam of {EXAM_LEARNERS:,} learners",
            "",
            "From the CPU each request cost here (ms of CPU per request, web / database): "
            "exam start "
            f"with its first page {i['exam_start_web']} / {i['exam_start_db']}, question page "
            f"{i['page_web']} / {i['page_db']}, answer POST {i['answer_web']} / {i['answer_db']}; "
            f"grading {i['grading_per_s_per_process']} answers/s per worker process. Planned at "
            f"{TARGET_UTILISATION:.0%} CPU at the peak:",
            "",
            f"- start within 10 s (p95 3 s): {size['spike_web_cores']} web cores and "
            f"{size['spike_db_cores']} PostgreSQL cores;",
            "- during the exam (a page per minute and 1.3 autosaves): "
            f"{size['steady_web_cores']} web "
            f"cores, {size['steady_db_cores']} PostgreSQL cores;",
            f"- so {size['web_machines_2_cores']} two-core web machines "
            f"({size['gunicorn_processes']} "
            f"{WEB_CLASS} gunicorn processes) behind the load balancer and "
            f"{size['db_cores']} PostgreSQL cores;",
            f"- {size['grading_backlog']:,} answers graded at submission: "
            f"{size['worker_processes_for_5_min']} worker processes grade them within 5 minutes.",
            "",
        ]
    return "\n".join(out)


def practice_section(r: dict[str, Any]) -> list[str]:
    p = r.get("practice")
    if not p:
        return []
    h, veteran, new = p["history"], p["with_history"], p["new_learner"]
    names = {
        "topic_pools": "every topic's pool counts (the Create a test page)",
        "candidates_unused": "unused questions of two topics",
        "candidates_incorrect": "incorrect last time, two topics",
        "candidates_marked": "flagged, two topics",
        "candidates_all": "all questions of two topics",
        "build_test_20": "build a 20-question timed test (draw, attempt, items)",
    }
    return [
        "## 9. Create a test: the learner's pools",
        "",
        f"A bank of {p['bank_questions']:,} published questions in {p['topics']} topics; a "
        f"learner with {h['responses']:,} graded responses ({h['questions_answered']:,} questions "
        f"answered, {h['incorrect_last_time']:,} wrong last time, {h['flagged_items']:,} flagged "
        "items) beside a new learner with none. Median of 7 runs after a warm-up, in this process "
        "(no HTTP).",
        "",
        *table(
            ["Read", "With history (ms)", "Queries", "New learner (ms)", "Queries", "Ratio"],
            [
                [
                    label,
                    veteran[name]["ms"],
                    veteran[name]["queries"],
                    new[name]["ms"],
                    new[name]["queries"],
                    p["ratio"].get(name),
                ]
                for name, label in names.items()
            ],
        ),
        "",
    ]


def profile_section(r: dict[str, Any]) -> list[str]:
    profiles = r.get("profiles") or {}
    columns = {f"{name} (web)": p for name, p in (profiles.get("web") or {}).items() if p}
    if profiles.get("grading_worker"):
        columns["grading task (worker)"] = profiles["grading_worker"]
    if not columns:
        return []
    labels = list(next(iter(columns.values()))["shares"])
    out = [
        "## Profiles (py-spy, this run)",
        "",
        "Share of the Python CPU samples (`py-spy --gil`, 250 Hz, 4 s under 16 connections for "
        "the web; 4 s of the first grading round for the worker) whose stack contains each "
        "part; the parts overlap (SQL compilation happens inside a view's queries).",
        "",
    ]
    out += table(
        ["", *columns],
        [[label, *[f"{c['shares'][label]:.0%}" for c in columns.values()]] for label in labels]
        + [["samples", *[c["samples"] for c in columns.values()]]],
    )
    resched = profiles.get("reschedule")
    if resched:
        out += [
            "",
            f"Rescheduling (cProfile, CPU time, {resched['cards']} cards of 25 learners): "
            f"{resched['cpu_ms_per_card']} ms of Python CPU per card; "
            + ", ".join(f"{k} {v:.0%}" for k, v in resched["shares"].items())
            + ".",
        ]
    return [*out, ""]


def gaps(r: dict[str, Any]) -> list[str]:
    """For each missed target: the measured gap, what the profile says, the next step."""
    e = get(r, "web", "endpoints") or {}
    prof = get(r, "profiles", "web") or {}
    out = ["## Missed targets: the gap, the profile, the next step", ""]
    bare, answer = e.get("bare_json@16"), e.get("answer_post@16")
    if bare and answer and prof.get("answer_post"):
        shares_ = prof["answer_post"]["shares"]
        out.append(
            f"- **Web ratios.** The bare view costs {bare['web_cpu_ms']} ms of CPU per request "
            f"(gunicorn, middleware, routing). The answer POST costs {answer['web_cpu_ms']} ms in "
            f"the web process and {answer['db_cpu_ms']} ms in PostgreSQL: 8 SQL statements "
            "(token, item, BEGIN, replay check, attempt lock, existing answer, INSERT, COMMIT), "
            "2 Redis round trips for the throttle and the Celery publish. Compiling SQL alone is "
            f"{shares_['SQL compilation (Django ORM, as_sql)']:.0%} of its Python CPU, psycopg "
            f"{shares_['psycopg (send query, read rows)']:.0%}, the Redis client "
            f"{shares_['Redis client (cache, throttle)']:.0%}, the Celery publish "
            f"{shares_['Celery/kombu publish']:.0%}. A request that does its job "
            "through the ORM cannot come within 2x of a view that does nothing: each query "
            "costs about what the whole bare request does. The pages are the same story plus "
            "template rendering ("
            + ", ".join(
                f"{name} {p['shares']['template rendering']:.0%}"
                for name, p in prof.items()
                if p and name != "answer_post"
            )
            + "). Next step, if these pages must get cheaper: fewer statements per request "
            "(the review queue and the dashboard each run about ten), fragments of the "
            "dashboard cached per learner until their next review, and for the answer POST the "
            "replay check and the existing-answer check folded into the INSERT (ON CONFLICT)."
        )
    reuse = get(r, "reuse", "runs") or []
    if reuse and (get(r, "reuse", "ratio") or 0) < 2:

        def cpu(server: str, key: str) -> float | None:
            values = [x[key] for x in reuse if x["server"] == server and x[key] is not None]
            return median(values)

        out.append(
            f"- **Connection reuse ({fmt(get(r, 'reuse', 'ratio'))}x).** Without reuse, each "
            "request opens a PostgreSQL connection: CPU per request in the web process "
            f"{fmt(cpu('reuse', 'web_cpu_ms'))} -> {fmt(cpu('no_reuse', 'web_cpu_ms'))} ms, in "
            f"PostgreSQL {fmt(cpu('reuse', 'db_cpu_ms'))} -> {fmt(cpu('no_reuse', 'db_cpu_ms'))} "
            "ms (a backend forked per request, its catalog caches loaded again; measured from "
            "the postmaster's children time, an upper bound on a shared server). The ratio is "
            "the connection's cost against the request's own: it reaches 2x only for requests "
            "cheaper than the answer POST. Persistent connections stay on (CONN_MAX_AGE), which "
            "is what the guard guards."
        )
    grading = r.get("grading")
    if grading and grading["task_ms"]["grade_response_mean"]:
        wp = get(r, "profiles", "grading_worker", "shares") or {}
        out.append(
            f"- **Grading ({fmt(grading['ratio'], 3)} of the no-op rate).** A no-op task costs the "
            f"worker {fmt(grading['task_ms']['noop_mean'], 3)} ms plus the broker's round trips; "
            f"grading one answer runs {fmt(grading['task_ms']['grade_response_mean'])} ms: 11 "
            "to 14 SQL statements in one transaction (lock the response, save the grade, "
            "replay guard, question generation, learner settings, lock or create the card, "
            "load-balancing counts, save the card, the review log, chosen options, COMMIT)"
            + (
                f"; SQL compilation is {wp.get('SQL compilation (Django ORM, as_sql)', 0):.0%} "
                f"of its Python CPU and the pure grading and FSRS code "
                f"{wp.get('our pure code (grading, presentation, scheduling, content)', 0):.0%}"
                if wp
                else ""
            )
            + ". More worker processes do not help on 2 cores: the work is CPU, not waiting "
            "(in a separate trial, 4 processes graded fewer answers per second than 2). "
            "Next step: grade in batches (one task per attempt's answers, or per 50 pending "
            "answers), sharing the transaction, the settings and the card reads."
        )
    for exam in [x for x in get(r, "capacity", "exams") or [] if not x["held"]]:
        spike_cpu = exam["spike_cpu"]
        starts = max(exam["starts"], 1)
        web_ms = spike_cpu["web_cpu_s"] / starts * 1000
        db_ms = spike_cpu["db_cpu_s"] / starts * 1000
        out.append(
            f"- **Exam start of {exam['learners']} learners in 10 s (p95 "
            f"{fmt(exam['spike']['p95_ms'], 0)} ms).** Each start with its first page cost "
            f"{web_ms:.1f} ms of web CPU and {db_ms:.1f} ms in PostgreSQL: "
            f"{exam['learners'] * (web_ms + db_ms) / 1000:.0f} s of CPU for 2 cores within 10 s, "
            "so the starts queue (no request failed). The start creates the attempt and its 20 "
            "items, each with its shuffled presentation, in one transaction after reading the "
            "quiz's questions with their current versions. Next step: read only the version "
            "columns the presentation needs, and spread the start over a minute (the sizing "
            "below shows how much the window costs)."
        )
    rs = get(r, "spaced", "reschedule")
    rp = get(r, "profiles", "reschedule")
    if rs and rs["speedup"] is not None and rs["speedup"] < 20:
        out.append(
            f"- **Rescheduling (x{rs['speedup']}).** The per-card loop pays a commit per card "
            f"({rs['naive_sample']['ms_per_card']} ms); the batched path "
            f"({rs['bulk']['ms_per_card']} ms per card) reads and locks each learner's cards "
            "(about 200) with one SELECT ... FOR UPDATE, computes them in Python and writes them "
            "with one UPDATE, one transaction per learner"
            + (
                ". Of its Python CPU, " + ", ".join(f"{k} {v:.0%}" for k, v in rp["shares"].items())
                if rp
                else ""
            )
            + "; PostgreSQL writes every row twice (the lock, then the new version with its "
            "two due-date index entries). Next step: drop the row locks and make the UPDATE "
            "conditional on the card's last review (a card reviewed meanwhile keeps its own new "
            "due date), memoise the fuzz hash per card and review number, and run the "
            "per-learner tasks on both worker processes."
        )
    return [*out, ""]


def write(results: dict[str, Any], partial: bool = False) -> None:
    results["machine"] = machine()
    results["versions"] = versions()
    results["sizing"] = sizing(results)
    stem = OUT / "results-partial" if partial else BENCH / "results"
    stem.with_suffix(".json").write_text(
        json.dumps(results, indent=1, default=str), encoding="utf-8"
    )
    stem.with_suffix(".md").write_text(markdown(results) + "\n", encoding="utf-8")


def main() -> None:
    """Rewrite bench/results.md from bench/results.json (after changing this module)."""
    results = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    (BENCH / "results.md").write_text(markdown(results) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
