"""`make bench`: production processes on this machine, measured against the framework's limits.

Runs, in one process that owns everything it starts (and stops it all at the end):

1. a PostgreSQL database `bench` (dropped and created here) and Redis database 15 (flushed);
   migrations, collectstatic and the seed (bench/seed.py);
2. gunicorn twice from the same code: A with persistent connections (the production setting),
   B with DATABASE_CONN_MAX_AGE=0 (the reuse guard's baseline), both DEBUG off, a secret key
   generated for the run, plain-http localhost settings; a Celery worker as in the Procfile;
3. the measurements of issue 8, each pair interleaved round by round (A, B, A, B, ...), the
   result being the median of the per-round ratios; see bench/README.md; then the class
   dashboard of issue 16 (bench/cohorts.py);
4. bench/results.json and bench/results.md.

Usage: python -m bench.run [--quick] [--keep] (the Makefile's `bench` target runs it).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DATA = OUT / "data"
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "bench"
REDIS_DB = 15
PORT_REUSE = 8101
PORT_NO_REUSE = 8102
CONN_MAX_AGE = 600
# Gunicorn for 2 cores (bench/README.md and docs/benchmark.md say why).
WEB_CLASS = os.environ.get("BENCH_WEB_CLASS", "sync")
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "5"))
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "1"))
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "2"))
WRK_THREADS = 2
PRACTICE_KEY = "bench-practice"
STARTED = time.monotonic()


def log(message: str) -> None:
    elapsed = time.monotonic() - STARTED
    print(f"[bench {elapsed:6.0f}s] {message}", flush=True)


@dataclass
class Plan:
    """How much of everything: the full run, or --quick for trying the harness out."""

    rounds: int = 3
    seconds: float = 4.0
    concurrency: tuple[int, ...] = (16, 64)
    warmup_seconds: float = 2.0
    learners: int = 500
    cohort: int = 2000
    grading_rounds: int = 4
    grading_batch: int = 1250
    latency_seconds: float = 15.0
    capacity_steps: tuple[int, ...] = (500, 1000, 1500)
    capacity_step_seconds: float = 60.0
    spike_seconds: float = 40.0
    reschedule_sample: int = 1000
    # Section 7 (bench/cohorts.py): the class dashboard of one cohort at a school's size.
    class_learners: int = 300
    class_assignments: int = 30
    class_items: int = 100


QUICK = Plan(
    rounds=2,
    seconds=2.0,
    warmup_seconds=1.0,
    cohort=400,
    grading_rounds=2,
    grading_batch=300,
    latency_seconds=6.0,
    capacity_steps=(100, 200),
    capacity_step_seconds=20.0,
    spike_seconds=25.0,
    reschedule_sample=200,
    class_learners=60,
    class_assignments=10,
)


# --- Environment and processes -------------------------------------------------------------


def bench_env(secret_key: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "DATABASE_CONN_MAX_AGE": str(CONN_MAX_AGE),
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain http on localhost: no redirect to https, cookies without the Secure flag.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            # The benchmark sends far more answers per learner than the production limit allows.
            "API_ANSWER_RATE": "100000000/minute",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "BENCH_WRK_DIR": str(BENCH / "wrk"),
            "BENCH_WRK_THREADS": str(WRK_THREADS),
        }
    )
    env.update(extra)
    return env


class Service:
    """A process we start (in its own process group) and stop by its pid."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log_path = OUT / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Service:
        self.log_file = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self.log_file.close()

    def pids(self) -> list[int]:
        return [self.pid, *descendants(self.pid)]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the given processes, in seconds (gone processes count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def exited_backends_cpu() -> float:
    """CPU seconds of PostgreSQL backends that have exited (the postmaster's children time;
    it includes other users' short connections, so it is an upper bound)."""
    pids = backend_pids()
    if not pids:
        return 0.0
    try:
        parent = int(Path(f"/proc/{pids[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
        fields = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / CLOCK_TICKS


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def load_average() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def wait_http(port: int, path: str = "/bench/bare/", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn on port {port} did not start (see bench/out/)")


# --- Database and broker helpers ------------------------------------------------------------


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def drop_database() -> None:
    admin_sql(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DB_NAME}' "
        "AND pid <> pg_backend_pid()",
        f"DROP DATABASE IF EXISTS {DB_NAME}",
    )


def redis_client() -> Any:
    import redis

    return redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)


def backend_pids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def reset_practice() -> None:
    """Delete every answer to the practice attempts and empty the grading queue, so each answer
    POST of the next run is a first answer to a fresh item (the worker is stopped meanwhile)."""
    from django.db import connection

    with connection.cursor() as cursor:
        practice = (
            "SELECT r.id FROM quizzes_response r JOIN quizzes_attemptitem i ON i.id = r.item_id "
            "JOIN quizzes_attempt a ON a.id = i.attempt_id JOIN quizzes_quiz q ON q.id = a.quiz_id "
            "WHERE q.key = %s"
        )
        for table in ("quizzes_chosenpart", "quizzes_reviewlog"):
            cursor.execute(f"DELETE FROM {table} WHERE response_id IN ({practice})", [PRACTICE_KEY])
        cursor.execute(f"DELETE FROM quizzes_response WHERE id IN ({practice})", [PRACTICE_KEY])
    client = redis_client()
    client.delete("celery", "unacked", "unacked_index")


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    name: str
    connections: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    wrapped: int
    wrk_cpu_share: float
    web_cpu_ms: float
    db_cpu_ms: float | None
    machine_busy: float
    bytes_per_response: float
    extra: dict[str, Any] = field(default_factory=dict)


def wrk(
    name: str,
    *,
    port: int,
    script: str,
    args: list[str],
    connections: int,
    seconds: float,
    env: dict[str, str],
    web: Service,
    db_pids: list[int] | None,
) -> WrkResult:
    command = [
        "wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "-s", str(BENCH / "wrk" / script), f"http://127.0.0.1:{port}",
        "--", *args,
    ]  # fmt: skip
    web_pids = web.pids()
    web_before = cpu_seconds(web_pids)
    db_before = cpu_seconds(db_pids) if db_pids else exited_backends_cpu()
    busy_before, total_before = machine_cpu()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, _status, usage = os.wait4(process.pid, 0)
    stdout = process.stdout.read().decode() if process.stdout else ""
    busy_after, total_after = machine_cpu()
    web_cpu = cpu_seconds(web_pids) - web_before
    # Server B's backends live for one request: their CPU is in the postmaster's children time.
    db_cpu = (cpu_seconds(db_pids) if db_pids else exited_backends_cpu()) - db_before
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        errors_out = process.stderr.read() if process.stderr else b""
        raise RuntimeError(f"wrk gave no result for {name}: {stdout} {errors_out!r}")
    data = json.loads(lines[-1])
    elapsed = data["duration_us"] / 1e6
    requests = data["requests"]
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return WrkResult(
        name=name,
        connections=connections,
        requests=requests,
        seconds=round(elapsed, 2),
        rps=round(requests / elapsed, 1),
        p50_ms=round(data["p50_us"] / 1000, 2),
        p95_ms=round(data["p95_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        non_2xx=data["redirects"] + data["client_errors"] + data["server_errors"],
        errors=errors,
        wrapped=data["wrapped"],
        wrk_cpu_share=round((usage.ru_utime + usage.ru_stime) / elapsed / os.cpu_count(), 3),
        web_cpu_ms=round(web_cpu / max(requests, 1) * 1000, 2),
        db_cpu_ms=round(db_cpu / max(requests, 1) * 1000, 2),
        machine_busy=round((busy_after - busy_before) / max(total_after - total_before, 1e-9), 3),
        bytes_per_response=round(data["bytes"] / max(requests, 1), 1),
    )


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


# --- The benchmark ---------------------------------------------------------------------------


class Bench:
    def __init__(self, plan: Plan, keep: bool) -> None:
        self.plan = plan
        self.keep = keep
        self.secret_key = secrets.token_urlsafe(50)
        self.env = bench_env(self.secret_key)
        self.results: dict[str, Any] = {
            "plan": plan.__dict__ | {"concurrency": list(plan.concurrency)}
        }
        self.services: list[Service] = []
        self.answer_offset = 0
        self.answer_lines = 0
        self.worker: Service | None = None
        self.worker_starts = 0

    # Setup ---------------------------------------------------------------------------------

    def prepare(self, *, reuse_db: bool = False) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        for old in OUT.glob("*.log"):
            old.unlink()
        self.results["machine_before"] = {"load_average": load_average()}
        self.results["started_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        summary = OUT / "seed.json"
        if reuse_db and summary.exists():
            self.secret_key = (OUT / "secret_key").read_text().strip()
            self.env = bench_env(self.secret_key)
            redis_client().flushdb()
        else:
            self.seed(summary)
        self.results["seed"] = json.loads(summary.read_text())
        self.answer_lines = self.results["seed"]["answer_targets"]
        os.environ.update(self.env)
        import django

        django.setup()

    def seed(self, summary: Path) -> None:
        (OUT / "secret_key").write_text(self.secret_key)
        log("database `bench` (dropped and created), Redis database 15 (flushed)")
        drop_database()
        admin_sql(f"CREATE DATABASE {DB_NAME}")
        redis_client().flushdb()
        python = [sys.executable, "manage.py"]
        run([*python, "migrate", "--noinput", "-v0"], self.env)
        run([*python, "collectstatic", "--noinput", "-v0"], self.env)
        log("seeding (progress bars below)")
        run(
            [sys.executable, "-m", "bench.seed", "--learners", str(self.plan.learners),
             "--cohort", str(self.plan.cohort), "--out", str(DATA), "--summary", str(summary)],
            self.env,
        )  # fmt: skip

    def start_web(self) -> None:
        for port in (PORT_REUSE, PORT_NO_REUSE):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                raise RuntimeError(f"port {port} is in use: stop what listens there first")
        gunicorn = [
            str(BIN / "gunicorn"), "edu_platform.wsgi", "--worker-class", WEB_CLASS,
            "--workers", str(WEB_WORKERS), "--threads", str(WEB_THREADS),
            "--backlog", "2048", "--log-level", "warning",
        ]  # fmt: skip
        # Each gunicorn its own control socket: the default one is shared by every gunicorn
        # on the host.
        self.web = Service(
            "web-reuse",
            [*gunicorn, "--bind", f"127.0.0.1:{PORT_REUSE}", "--control-socket",
             str(OUT / f"gunicorn-{PORT_REUSE}.ctl")],
            self.env,
        ).start()  # fmt: skip
        self.web_no_reuse = Service(
            "web-no-reuse",
            [
                *gunicorn,
                "--bind",
                f"127.0.0.1:{PORT_NO_REUSE}",
                "--control-socket",
                str(OUT / f"gunicorn-{PORT_NO_REUSE}.ctl"),
            ],
            bench_env(self.secret_key, DATABASE_CONN_MAX_AGE="0"),
        ).start()
        self.services += [self.web, self.web_no_reuse]
        wait_http(PORT_REUSE)
        wait_http(PORT_NO_REUSE)

    def worker_log(self) -> Path:
        return OUT / "worker.log"

    def start_worker(self, *, wait: bool = True) -> Service:
        self.worker_starts += 1
        worker = Service(
            "worker",
            [
                str(BIN / "celery"), "-A", "edu_platform", "worker", "--loglevel", "INFO",
                "--concurrency", str(WORKER_CONCURRENCY), "--without-gossip", "--without-mingle",
                "-n", "bench@%h",
            ],
            self.env | {"LOG_LEVEL": "INFO"},
        ).start()  # fmt: skip
        self.services.append(worker)
        self.worker = worker
        if not wait:
            return worker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.log_path.read_text(errors="replace").count("ready.") >= self.worker_starts:
                return worker
            time.sleep(0.1)
        raise RuntimeError("the Celery worker did not start (see bench/out/worker.log)")

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def stop_all(self) -> None:
        for service in reversed(self.services):
            service.stop()

    # Runs ----------------------------------------------------------------------------------

    def answer_args(self, seconds: float, override: str | None = None) -> list[str]:
        """A slice of fresh answer targets big enough for the run, then the next slice."""
        count = min(self.answer_lines, max(2000, int(seconds * 2500)))
        if self.answer_offset + count > self.answer_lines:
            self.answer_offset = 0
        args = [str(DATA / "answers.tsv"), str(self.answer_offset), str(count)]
        self.answer_offset += count
        return [*args, override] if override else args

    def static_bytes(self) -> int:
        first = (DATA / "pages.txt").read_text().splitlines()[0].split()
        connection = http.client.HTTPConnection("127.0.0.1", PORT_REUSE, timeout=10)
        connection.request("GET", first[1], headers={"Cookie": f"sessionid={first[0]}"})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, response.status
        return len(body)

    def target(self, name: str, port: int, seconds: float, connections: int) -> WrkResult:
        page_size = self.results.get("static_bytes", 20000)
        static = f"/bench/static/?bytes={page_size}"
        web = self.web if port == PORT_REUSE else self.web_no_reuse
        db_pids = backend_pids() if port == PORT_REUSE else None
        specs: dict[str, tuple[str, list[str]]] = {
            "answer_post": ("answers.lua", self.answer_args(seconds)),
            "bare_json": ("answers.lua", self.answer_args(seconds, "/bench/bare/")),
            "question_page": ("pages.lua", [str(DATA / "pages.txt")]),
            "static_page": ("pages.lua", [str(DATA / "statics.txt")]),
            "review_queue": ("pages.lua", [str(DATA / "learners.txt"), "/reviews/"]),
            "dashboard": ("pages.lua", [str(DATA / "learners.txt"), "/progress/"]),
        }
        if name == "static_page":
            (DATA / "statics.txt").write_text(static + "\n")
        script, args = specs[name]
        result = wrk(
            name, port=port, script=script, args=args, connections=connections,
            seconds=seconds, env=self.env, web=web, db_pids=db_pids,
        )  # fmt: skip
        if name == "answer_post":
            reset_practice()
        return result

    def warm_up(self) -> None:
        log("warming up every endpoint on both servers")
        self.results["static_bytes"] = self.static_bytes()
        for name in (
            "answer_post",
            "bare_json",
            "question_page",
            "static_page",
            "review_queue",
            "dashboard",
        ):
            self.target(name, PORT_REUSE, self.plan.warmup_seconds, 16)
        self.target("answer_post", PORT_NO_REUSE, self.plan.warmup_seconds, 16)

    def web_section(self) -> None:
        log("1. web throughput and latency: pairs interleaved round by round")
        runs: list[dict[str, Any]] = []
        pairs = [
            ("answer_post", "bare_json"),
            ("question_page", "static_page"),
            ("review_queue", "static_page"),
            ("dashboard", "static_page"),
        ]
        order = [
            "answer_post",
            "bare_json",
            "question_page",
            "static_page",
            "review_queue",
            "dashboard",
        ]
        for round_number in range(1, self.plan.rounds + 1):
            for connections in self.plan.concurrency:
                by_name = {}
                for name in order:
                    result = self.target(name, PORT_REUSE, self.plan.seconds, connections)
                    by_name[name] = result
                    runs.append({"round": round_number} | result.__dict__)
                    log(
                        f"   round {round_number} c={connections:<3} {name:<14} "
                        f"{result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
                        f"p99 {result.p99_ms:7.1f} ms  non-2xx {result.non_2xx}"
                    )
        summary: dict[str, Any] = {}
        for connections in self.plan.concurrency:
            for a, b in pairs:
                ratios, p95_ratios = [], []
                for round_number in range(1, self.plan.rounds + 1):
                    ra = next(
                        r
                        for r in runs
                        if r["round"] == round_number
                        and r["name"] == a
                        and r["connections"] == connections
                    )
                    rb = next(
                        r
                        for r in runs
                        if r["round"] == round_number
                        and r["name"] == b
                        and r["connections"] == connections
                    )
                    ratios.append(ra["rps"] / rb["rps"])
                    p95_ratios.append(ra["p95_ms"] / max(rb["p95_ms"], 0.001))
                summary[f"{a}/{b}@{connections}"] = {
                    "throughput_ratio": median(ratios),
                    "p95_ratio": median(p95_ratios),
                    "per_round": [round(r, 4) for r in ratios],
                }
        per_endpoint: dict[str, Any] = {}
        for name in order:
            for connections in self.plan.concurrency:
                rows = [r for r in runs if r["name"] == name and r["connections"] == connections]
                per_endpoint[f"{name}@{connections}"] = {
                    key: median([r[key] for r in rows])
                    for key in (
                        "rps",
                        "p50_ms",
                        "p95_ms",
                        "p99_ms",
                        "web_cpu_ms",
                        "db_cpu_ms",
                        "wrk_cpu_share",
                        "machine_busy",
                    )
                    if all(r[key] is not None for r in rows)
                } | {"non_2xx": sum(r["non_2xx"] + r["errors"] for r in rows)}
        self.results["web"] = {"runs": runs, "pairs": summary, "endpoints": per_endpoint}

    def reuse_section(self) -> None:
        log("2. connection reuse guard: persistent connections vs CONN_MAX_AGE=0")
        runs, ratios = [], []
        for round_number in range(1, self.plan.rounds + 1):
            reuse = self.target("answer_post", PORT_REUSE, self.plan.seconds, 16)
            no_reuse = self.target("answer_post", PORT_NO_REUSE, self.plan.seconds, 16)
            for label, result in (("reuse", reuse), ("no_reuse", no_reuse)):
                runs.append({"round": round_number, "server": label} | result.__dict__)
            ratios.append(reuse.rps / no_reuse.rps)
            log(
                f"   round {round_number}: reuse {reuse.rps:.1f} req/s, no reuse "
                f"{no_reuse.rps:.1f} req/s"
            )
        self.results["reuse"] = {
            "runs": runs,
            "ratio": median(ratios),
            "per_round": [round(r, 3) for r in ratios],
        }


SECTIONS = ("web", "reuse", "grading", "spaced", "srs", "capacity", "cohorts", "practice")


def run_all(bench: Bench, *, only: set[str], reuse_db: bool) -> None:
    from bench import capacity, cohorts, grading, practice, profiles, report, spaced, srs

    wanted = only or set(SECTIONS)
    try:
        bench.prepare(reuse_db=reuse_db)
        bench.start_web()
        bench.warm_up()
        if "web" in wanted:
            bench.web_section()
            profiles.run(bench)
        if "reuse" in wanted:
            bench.reuse_section()
        if "grading" in wanted:
            grading.run(bench)
        if "spaced" in wanted:
            spaced.run(bench)
        if "srs" in wanted:
            srs.run(bench)
        if "capacity" in wanted:
            capacity.run(bench)
        if "cohorts" in wanted:
            cohorts.run(
                bench,
                learners=bench.plan.class_learners,
                assignments=bench.plan.class_assignments,
                items=bench.plan.class_items,
            )
        if "practice" in wanted:
            practice.run(bench)  # last: its 10,000 questions would change the sections above
    finally:
        bench.stop_all()
        bench.results["machine_after"] = {"load_average": load_average()}
        bench.results["wall_seconds"] = round(time.monotonic() - STARTED, 1)
        report.write(bench.results, partial=bool(only) or bench.plan == QUICK)
        if not bench.keep and not reuse_db:
            from django.db import connections

            connections.close_all()
            drop_database()
            redis_client().flushdb()
    log(f"done in {bench.results['wall_seconds']:.0f} s: bench/results.md, bench/results.json")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmark (issue 8).")
    parser.add_argument("--quick", action="store_true", help="a short run to try the harness")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true", help="development: skip the seed")
    parser.add_argument("--only", default="", help="comma-separated sections (development)")
    args = parser.parse_args()
    plan = QUICK if args.quick else Plan()
    bench = Bench(plan, keep=args.keep)
    run_all(bench, only={s for s in args.only.split(",") if s}, reuse_db=args.reuse_db)


if __name__ == "__main__":
    main()
