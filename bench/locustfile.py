"""Simulated learners for the capacity test (section 4), driven by bench/capacity.py.

Each simulated learner is one cohort account (a logged-in session made by the seeder) and does
what a browser does, with 30-90 s of think time between page views:

- practice (tutor mode): start a quiz, then per question: GET the page, think, POST the answer
  (htmx), poll the feedback partial every second until the grade arrives (as the page does);
- exam (after the synchronised start): POST start within the first 10 s of the phase, then per
  question: GET the page, think, autosave the answer (the page's fetch POST), sometimes change
  it and autosave again, move on.

Answers are valid: built from the form in the page (the tokens of the attempt's presentation).
Environment: BENCH_PHASE (practice|exam), BENCH_ACCOUNTS (cohort.json), BENCH_RECORD (where to
write every timing and every accepted answer), BENCH_STEPS ("users,seconds;..." load shape),
BENCH_SPIKE_SECONDS (the window the exam starts are spread over).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import string
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, LoadTestShape, events, task

PHASE = os.environ.get("BENCH_PHASE", "practice")
ACCOUNTS = json.loads(
    Path(os.environ.get("BENCH_ACCOUNTS", "bench/out/data/cohort.json")).read_text()
)
RECORD = Path(os.environ.get("BENCH_RECORD", "bench/out/locust-record.json"))
STEPS = [
    (int(users), float(seconds))
    for users, seconds in (
        step.split(",") for step in os.environ.get("BENCH_STEPS", "10,30").split(";")
    )
]
SPIKE_SECONDS = float(os.environ.get("BENCH_SPIKE_SECONDS", "10"))
THINK = (30.0, 90.0)
TUTOR_QUIZZES = ["anatomy-tutor", "tinel-tutor", "differential-tutor", "treatment-tutor"]
EXAM_QUIZ = "mixed-exam"

# BENCH_ACCOUNTS_OFFSET: a second exam run takes learners who have not started the exam yet.
_offset = int(os.environ.get("BENCH_ACCOUNTS_OFFSET", "0"))
_accounts = itertools.cycle(ACCOUNTS[_offset:] + ACCOUNTS[:_offset])
_started = time.monotonic()
FORM = "application/x-www-form-urlencoded"
_samples: list[tuple[float, str, str, float, bool]] = []  # (at, kind, name, ms, ok)
_answers: list[dict[str, Any]] = []

INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
SELECT = re.compile(
    r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.IGNORECASE | re.DOTALL
)
OPTION = re.compile(r'<option\b[^>]*\bvalue="([^"]*)"', re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(type|name|value)="([^"]*)"', re.IGNORECASE)
ACTION = re.compile(r'<form id="answer-form"[^>]*\baction="([^"]+)"')


def step_at(elapsed: float) -> int:
    """The index of the load step `elapsed` seconds into the run."""
    total = 0.0
    for index, (_users, seconds) in enumerate(STEPS):
        total += seconds
        if elapsed < total:
            return index
    return len(STEPS) - 1


@events.test_start.add_listener
def mark_start(environment: Any, **kwargs: Any) -> None:
    global _started
    _started = time.monotonic()


@events.request.add_listener
def record_request(
    request_type: str, name: str, response_time: float, exception: Any, **kwargs: Any
) -> None:
    kind = "page" if request_type == "GET" and not name.endswith("feedback") else request_type
    _samples.append((time.monotonic() - _started, kind, name, response_time, exception is None))


@events.quitting.add_listener
def write_record(environment: Any, **kwargs: Any) -> None:
    RECORD.write_text(
        json.dumps({"phase": PHASE, "steps": STEPS, "samples": _samples, "answers": _answers}),
        encoding="utf-8",
    )


def form_fields(page: str) -> dict[str, list[str]] | None:
    """A valid answer for the question form in `page`, as form fields (None: no form)."""
    if 'id="answer-form"' not in page:
        return None
    form = page[page.index('id="answer-form"') :]
    form = form[: form.index("</form>")]
    radios: dict[str, list[str]] = {}
    checkboxes: list[str] = []
    fields: dict[str, list[str]] = {}
    for tag in INPUT.findall(form):
        attributes = {k.lower(): v for k, v in ATTRIBUTE.findall(tag)}
        kind, name = attributes.get("type", "text"), attributes.get("name", "")
        if kind == "radio" and name != "confidence":
            radios.setdefault(name, []).append(attributes.get("value", ""))
        elif kind == "checkbox":
            checkboxes.append(attributes.get("value", ""))
        elif kind == "text" and name == "text":
            fields["text"] = [random.choice(["tibial nerve", "plantar fasciitis", "tinel sign"])]
    for name, values in radios.items():
        if name in ("choice", "region"):
            fields[name] = [random.choice(values)]
    if checkboxes:
        fields["choices"] = random.sample(checkboxes, random.randint(1, len(checkboxes)))
    selects = [(name, OPTION.findall(body)) for name, body in SELECT.findall(form)]
    positions = [name for name, _options in selects if name.startswith("pos-")]
    order = [str(n) for n in range(1, len(positions) + 1)]
    random.shuffle(order)
    fields.update({name: [value] for name, value in zip(positions, order, strict=True)})
    ranks = [(name, options) for name, options in selects if name.startswith("rank-")]
    if ranks:
        top = max(int(v) for _name, options in ranks for v in options if v)
        chosen = random.sample([name for name, _options in ranks], top)
        fields.update({name: [str(rank)] for rank, name in enumerate(chosen, start=1)})
    for name, options in selects:
        if name.startswith("match-"):
            fields[name] = [random.choice([v for v in options if v])]
    return fields


class Learner(FastHttpUser):
    # Think times are inside the task (they are interrupted by nothing); Locust's own wait
    # between task runs is zero.
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        account = next(_accounts)
        self.learner_id = account["id"]
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.cookie = f"sessionid={account['session']}; csrftoken={self.csrf}"

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Cookie": self.cookie} | extra

    def think(self) -> None:
        gevent.sleep(random.uniform(*THINK))

    def start_quiz(self, quiz: str) -> str | None:
        """POST start, then the page it redirects to; returns the question page path."""
        with self.client.post(
            f"/quizzes/{quiz}/start/",
            data=urlencode({"csrfmiddlewaretoken": self.csrf}),
            headers=self.headers(**{"Content-Type": FORM}),
            allow_redirects=False,
            name="POST start",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"start gave {response.status_code}")
                return None
            response.success()
            return response.headers.get("Location")

    def page(self, path: str) -> str | None:
        with self.client.get(
            path, headers=self.headers(), name="GET question page", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"page gave {response.status_code}")
                return None
            return response.text

    def answer(self, action: str, fields: dict[str, list[str]], *, exam: bool) -> bool:
        key = str(uuid.uuid4())
        seq = int(time.time() * 1000)
        body = [
            ("csrfmiddlewaretoken", self.csrf),
            ("idempotency_key", key),
            ("client_seq", str(seq)),
        ]
        body += [(name, value) for name, values in fields.items() for value in values]
        extra = {"Accept": "application/json"} if exam else {"HX-Request": "true"}
        with self.client.post(
            action,
            data=urlencode(body),
            headers=self.headers(**extra, **{"Content-Type": FORM}),
            name="POST answer (autosave)" if exam else "POST answer",
            catch_response=True,
        ) as response:
            text = response.text or ""
            # An htmx post answers 200 with the form again when the answer is refused.
            saved = '"saved": true' in text if exam else "field-error" not in text
            if response.status_code != 200 or not saved:
                response.failure(f"answer gave {response.status_code}: {text[:120]}")
                return False
        match = re.search(r"/attempts/(\d+)/q/(\d+)/answer/", action)
        assert match is not None, action  # the form's action is an answer URL
        _answers.append(
            {
                "learner": self.learner_id,
                "attempt": int(match.group(1)),
                "position": int(match.group(2)),
                "key": key,
                "seq": seq,
                "exam": exam,
            }
        )
        return True

    def feedback(self, action: str) -> None:
        url = action.replace("/answer/", "/feedback/")
        for _poll in range(15):
            gevent.sleep(1.0)
            response = self.client.get(
                url, headers=self.headers(**{"HX-Request": "true"}), name="GET feedback"
            )
            if response.status_code != 200 or 'class="pending"' not in (response.text or ""):
                return

    def questions(self, path: str | None, *, exam: bool) -> None:
        """Work through an attempt from `path`: a page, think, answer; the next page."""
        while path:
            page = self.page(path)
            if page is None:
                return
            fields = form_fields(page)
            action_match = ACTION.search(page)
            self.think()
            if fields is not None and action_match:
                action = action_match.group(1)
                if self.answer(action, fields, exam=exam):
                    if exam and random.random() < 0.3:
                        gevent.sleep(random.uniform(5, 15))  # a change of mind, autosaved again
                        self.answer(action, form_fields(page) or fields, exam=True)
                    elif not exam:
                        self.feedback(action)
            next_match = re.search(r'href="(/attempts/\d+/q/\d+/)">Next', page)
            path = next_match.group(1) if next_match else None

    @task
    def study(self) -> None:
        if PHASE == "exam":
            gevent.sleep(random.uniform(0, SPIKE_SECONDS))  # everyone starts within the window
            path = self.start_quiz(EXAM_QUIZ)
            if path:
                self.questions(path, exam=True)
            gevent.sleep(3600)  # done: stay connected, idle, until the phase ends
        else:
            path = self.start_quiz(random.choice(TUTOR_QUIZZES))
            if path and "/q/" in path:
                self.questions(path, exam=False)
            if path:  # the quiz is done (or was already answered through): finish it
                attempt = re.search(r"/attempts/(\d+)/", path)
                if attempt:
                    self.client.post(
                        f"/attempts/{attempt.group(1)}/submit/",
                        data=urlencode({"csrfmiddlewaretoken": self.csrf}),
                        headers=self.headers(**{"Content-Type": FORM}),
                        allow_redirects=False,
                        name="POST submit",
                    )
            self.think()


class Steps(LoadTestShape):
    """BENCH_STEPS: hold each number of learners for its seconds; each step's new learners
    arrive evenly over its first 10 s (the exam phase spawns everyone at once: each waits for
    its own start time within the window)."""

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        if elapsed >= sum(seconds for _users, seconds in STEPS):
            return None
        index = step_at(elapsed)
        users = STEPS[index][0]
        if PHASE == "exam":
            return users, max(users, 1)
        arriving = users - (STEPS[index - 1][0] if index else 0)
        return users, max(arriving / 10, 1)
