"""Seed the benchmark database with a realistic cohort, and write the load generators' inputs.

Run by bench/run.py as `python -m bench.seed` (DJANGO_SETTINGS_MODULE=bench.settings, the
database `bench`). What it makes:

- the teaching module (fixtures/mcn-module.json, loaded by interop.modules) and two variants of
  its question bank (the same questions under new keys: 273 published questions, the size of a
  real school's bank for one module);
- 500 learners with API tokens and logged-in sessions, each with 5 submitted quiz attempts and
  4 review sessions: 50,000 graded responses in all, every one validated and graded by the real
  pure functions (quizzes.grading.validate_answer and grade) and logged by the real FSRS step
  (quizzes.scheduling.review), so cards, logs and responses agree;
- 100,000 review cards (200 per learner), each the state FSRS reached over its reviews;
- daily mastery snapshots for the last 30 days, learner settings;
- `bench-practice`, a 60-question tutor quiz, with one open attempt per learner: the fresh items
  the web benchmark answers (each answer POST answers an unanswered item, so none is a replay);
- the capacity cohort (learners without history, for Locust) with sessions.

Rows are written with bulk_create in chunks; the progress bars go to stderr. Passwords share one
hash computed once (PBKDF2 per user would take minutes): the benchmark never logs in with them,
it uses the sessions and tokens created here.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken, get_digest_token  # noqa: E402
from knox.settings import CONSTANTS  # noqa: E402
from tqdm import tqdm  # noqa: E402

from interop.modules import load_module, load_module_file  # noqa: E402
from quizzes.content import QuestionContent  # noqa: E402
from quizzes.grading import Answer, PartKind, grade, validate_answer  # noqa: E402
from quizzes.models import (  # noqa: E402
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    ChosenPart,
    LearnerSettings,
    MasterySnapshot,
    Question,
    Quiz,
    QuizMode,
    QuizQuestion,
    Response,
    ResponseStatus,
    ReviewCard,
    ReviewLog,
    Status,
    Topic,
)
from quizzes.presentation import build_presentation, to_tokens  # noqa: E402
from quizzes.reviews import scheduling  # noqa: E402
from tests.quizzes.helpers import key_payload, wrong_payload  # noqa: E402

BASE_DIR = Path(settings.BASE_DIR)
MODULE = BASE_DIR / "fixtures" / "mcn-module.json"
PRACTICE_KEY = "bench-practice"
PRACTICE_QUESTIONS = 60
# Positions of each practice attempt the question-page GETs use; the answer POSTs use the rest.
PAGE_POSITIONS = range(50, 60)
CARDS_PER_LEARNER = 200
REVIEW_SESSIONS = 4
REVIEWS_PER_SESSION = 8
HISTORY_DAYS = 84
SNAPSHOT_DAYS = 30
CHUNK = 25  # learners per transaction of history rows
PASSWORD = "bench-learner-password"


def bar(total: int, desc: str) -> tqdm:
    return tqdm(total=total, desc=desc.ljust(28), unit="", file=sys.stderr, dynamic_ncols=True)


# --- Content ------------------------------------------------------------------------------------


def load_bank(variants: int) -> None:
    """The module, then `variants` copies of its questions under new keys (no cases/quizzes)."""
    data = json.loads(MODULE.read_text(encoding="utf-8"))
    with bar(1 + variants, "question bank") as progress:
        load_module_file(MODULE)
        progress.update()
        for number in range(2, variants + 2):
            variant = copy.deepcopy(data)
            variant["cases"], variant["quizzes"] = [], []
            for question in variant["questions"]:
                question["key"] = f"{question['key']}-v{number}"
                question["title"] = f"{question['title']} (variant {number})"
            load_module(variant, base_dir=MODULE.parent)
            progress.update()


class Graded:
    """One question version's content with its key and a wrong answer, validated and graded."""

    def __init__(self, question: Question) -> None:
        version = question.current_version
        assert version is not None, f"{question.key} has no version"  # the bank is all published
        self.question_id = question.pk
        self.version_id = version.pk
        self.content = QuestionContent.from_dict(version.content)
        self.easiness = {"easy": 1.0, "medium": 0.0, "hard": -1.0}[question.difficulty]
        self.outcomes = {}
        for name, payload in (
            ("key", key_payload(self.content)),
            ("wrong", wrong_payload(self.content)),
        ):
            answer = validate_answer(self.content, payload)
            result = grade(self.content, answer)
            chosen = [
                part.id
                for part in result.parts
                if part.selected and part.kind in (PartKind.CHOICE, PartKind.REGION)
            ]
            self.outcomes[name] = (answer, result, chosen)

    def tokens(self, presentation: dict[str, Any], name: str) -> dict[str, Any]:
        answer: Answer = self.outcomes[name][0]
        return to_tokens(presentation, answer.type, answer.payload())


def published_bank() -> dict[int, Graded]:
    questions = (
        Question.objects.filter(status=Status.PUBLISHED, current_version__isnull=False)
        .select_related("current_version")
        .order_by("pk")
    )
    return {question.pk: Graded(question) for question in questions}


# --- Accounts -----------------------------------------------------------------------------------


def create_users(prefix: str, count: int, password_hash: str) -> list[Any]:
    user_model = get_user_model()
    users = [
        user_model(
            username=f"{prefix}{number:05d}",
            email=f"{prefix}{number:05d}@example.org",
            password=password_hash,
        )
        for number in range(1, count + 1)
    ]
    created = []
    with bar(count, f"accounts ({prefix})") as progress:
        for start in range(0, count, 1000):
            created += user_model.objects.bulk_create(users[start : start + 1000])
            progress.update(len(users[start : start + 1000]))
    return created


def create_sessions(users: list[Any]) -> dict[int, str]:
    """A logged-in session per user, as django.contrib.auth.login would store it."""
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    rows, keys = [], {}
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "signon.backends.PasswordBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def create_tokens(users: list[Any]) -> dict[int, str]:
    """One knox token per user, valid for a day (knox stores only their digests)."""
    expiry = timezone.now() + timedelta(days=1)
    rows, keys = [], {}
    for user in users:
        digest, token = get_digest_token()
        rows.append(
            AuthToken(
                digest=digest,
                token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                user=user,
                expiry=expiry,
            )
        )
        keys[user.pk] = token
    AuthToken.objects.bulk_create(rows, batch_size=1000)
    return keys


# --- History ------------------------------------------------------------------------------------


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


class HistoryWriter:
    """Past attempts, graded responses, review logs and cards, one chunk of learners at a time."""

    def __init__(
        self, bank: dict[int, Graded], quizzes: list[Quiz], now: datetime, rng: random.Random
    ) -> None:
        self.bank = bank
        self.quizzes = [
            (
                quiz,
                list(
                    quiz.quiz_questions.order_by("position").values_list("question_id", flat=True)
                ),
            )
            for quiz in quizzes
        ]
        self.now = now
        self.rng = rng
        self.config = scheduling.SchedulerConfig()
        self.next_card_id = 1
        self.counts = {"responses": 0, "cards": 0, "logs": 0}

    def learner(self, learner_id: int) -> dict[str, Any]:
        """The rows of one learner (unsaved), linked by object references and card ids."""
        rng, now = self.rng, self.now
        ability = rng.gauss(0.6, 1.0)
        rows: dict[str, Any] = {
            "learner": learner_id,
            "attempts": [],
            "items": [],
            "answers": [],
            "cards": [],
            "reviews": [],
        }
        # (question id) -> list of (when, graded name, response placeholder index)
        history: dict[int, list[tuple[datetime, str, int | None]]] = {}

        def answer(question_id: int, when: datetime, attempt: Attempt, position: int) -> None:
            graded = self.bank[question_id]
            correct = rng.random() < _sigmoid(ability + graded.easiness)
            name = "key" if correct else "wrong"
            item = AttemptItem(
                attempt=attempt,
                question_id=question_id,
                version_id=graded.version_id,
                position=position,
                presentation=build_presentation(graded.content, shuffle_options=True, rng=rng),
            )
            rows["items"].append(item)
            rows["answers"].append((item, graded, name, when))
            history.setdefault(question_id, []).append((when, name, len(rows["answers"]) - 1))

        for quiz, question_ids in self.quizzes:
            started = now - timedelta(
                days=rng.uniform(7, HISTORY_DAYS), minutes=rng.uniform(0, 600)
            )
            attempt = Attempt(
                learner_id=learner_id,
                kind=AttemptKind.QUIZ,
                quiz=quiz,
                mode=quiz.mode,
                status=AttemptStatus.SUBMITTED,
                started_at=started,
                submitted_at=started + timedelta(seconds=75 * len(question_ids)),
                max_score=len(question_ids),
            )
            rows["attempts"].append(attempt)
            for position, question_id in enumerate(question_ids):
                answer(
                    question_id, started + timedelta(seconds=75 * position + 40), attempt, position
                )
        own_bank = rng.sample(sorted(self.bank), CARDS_PER_LEARNER)
        answered = list(history)
        for session in range(REVIEW_SESSIONS):
            started = now - timedelta(
                days=rng.uniform(0.5, 6) + 7 * session, minutes=rng.uniform(0, 300)
            )
            attempt = Attempt(
                learner_id=learner_id,
                kind=AttemptKind.REVIEW,
                mode=QuizMode.TUTOR,
                status=AttemptStatus.SUBMITTED,
                started_at=started,
                submitted_at=started + timedelta(minutes=15),
                max_score=REVIEWS_PER_SESSION,
            )
            rows["attempts"].append(attempt)
            picks = rng.sample(answered, REVIEWS_PER_SESSION // 2) + rng.sample(
                own_bank, REVIEWS_PER_SESSION
            )
            seen: set[int] = set()
            position = 0
            for question_id in picks:
                if question_id in seen or position == REVIEWS_PER_SESSION:
                    continue
                seen.add(question_id)
                answer(
                    question_id, started + timedelta(seconds=60 * position + 30), attempt, position
                )
                position += 1
        # Cards: every question with a response in the window, then the learner's other cards,
        # reviewed before the window (those reviews' logs are older than the data kept here).
        card_questions = list(dict.fromkeys([*history, *own_bank]))[
            : max(CARDS_PER_LEARNER, len(history))
        ]
        for question_id in card_questions:
            card_id = self.next_card_id
            self.next_card_id += 1
            reviews = sorted(history.get(question_id, []))
            if not reviews:
                when = now - timedelta(days=rng.uniform(HISTORY_DAYS, 240))
                name = (
                    "key"
                    if rng.random() < _sigmoid(ability + self.bank[question_id].easiness)
                    else "wrong"
                )
                reviews = [(when, name, None)]
            memory = scheduling.MemoryState.new(reviews[0][0])
            for when, name, index in reviews:
                _answer, result, _chosen = self.bank[question_id].outcomes[name]
                rating = scheduling.rating_for(
                    scheduling.RatingInputs(
                        correct=result.correct, score=result.score, confidence=""
                    )
                )
                outcome = scheduling.review(
                    card_id=card_id,
                    card=memory,
                    rating=rating,
                    reviewed_at=when,
                    review_day=when.date(),
                    config=self.config,
                )
                if index is not None:
                    rows["reviews"].append((card_id, index, outcome, result))
                memory = outcome.after
            lapses = sum(1 for _w, name, _i in reviews[1:] if name == "wrong")
            rows["cards"].append(
                ReviewCard(
                    id=card_id,
                    learner_id=learner_id,
                    question_id=question_id,
                    generation=1,
                    state=int(memory.state),
                    step=memory.step,
                    stability=memory.stability,
                    difficulty=memory.difficulty,
                    due=memory.due,
                    last_review=memory.last_review,
                    reps=memory.reps,
                    lapses=lapses,
                    desired_retention=self.config.desired_retention,
                    introduced_at=reviews[0][0],
                )
            )
        return rows

    @transaction.atomic
    def write(self, chunk: list[dict[str, Any]]) -> None:
        attempts = [a for rows in chunk for a in rows["attempts"]]
        Attempt.objects.bulk_create(attempts, batch_size=2000)
        # bulk_create takes each item's attempt id from its (now saved) attempt object.
        AttemptItem.objects.bulk_create(
            [i for rows in chunk for i in rows["items"]], batch_size=2000
        )
        responses = []
        scores: dict[int, float] = {}
        for rows in chunk:
            for item, graded, name, when in rows["answers"]:
                answer, result, _chosen = graded.outcomes[name]
                responses.append(
                    Response(
                        item_id=item.pk,
                        learner_id=rows["learner"],
                        version_id=graded.version_id,
                        answer=answer.to_dict(),
                        idempotency_key=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                        client_seq=int(when.timestamp() * 1000),
                        status=ResponseStatus.GRADED,
                        submitted_at=when,
                        graded_at=when + timedelta(milliseconds=60),
                        score=result.score,
                        correct=result.correct,
                        result=result.to_dict(),
                    )
                )
                scores[item.attempt_id] = scores.get(item.attempt_id, 0.0) + result.score
        Response.objects.bulk_create(responses, batch_size=2000)
        for attempt in attempts:
            attempt.score = round(scores.get(attempt.pk, 0.0), 4)
        Attempt.objects.bulk_update(attempts, ["score"], batch_size=2000)
        chosen_parts = []
        index = 0
        for rows in chunk:
            for _item, graded, name, _when in rows["answers"]:
                response = responses[index]
                index += 1
                chosen_parts += [
                    ChosenPart(response_id=response.pk, version_id=graded.version_id, part_id=part)
                    for part in graded.outcomes[name][2]
                ]
        ChosenPart.objects.bulk_create(chosen_parts, batch_size=5000)
        ReviewCard.objects.bulk_create(
            [c for rows in chunk for c in rows["cards"]], batch_size=5000
        )
        logs = []
        offset = 0
        for rows in chunk:
            for card_id, answer_index, outcome, result in rows["reviews"]:
                response = responses[offset + answer_index]
                before, after = outcome.before, outcome.after
                logs.append(
                    ReviewLog(
                        card_id=card_id,
                        learner_id=response.learner_id,
                        question_id=self.bank_question(response.version_id),
                        response_id=response.pk,
                        generation=1,
                        reviewed_at=outcome.reviewed_at,
                        rating=int(outcome.rating),
                        mapping_version=scheduling.RATING_MAPPING_VERSION,
                        correct=result.correct,
                        score=result.score,
                        confidence="",
                        pass_mark=scheduling.DEFAULT_PASS_MARK,
                        easy_enabled=False,
                        desired_retention=self.config.desired_retention,
                        maximum_interval_days=self.config.maximum_interval_days,
                        state_before=int(before.state),
                        step_before=before.step,
                        stability_before=before.stability,
                        difficulty_before=before.difficulty,
                        due_before=before.due if before.state != scheduling.CardState.NEW else None,
                        last_review_before=before.last_review,
                        state_after=int(after.state),
                        step_after=after.step,
                        stability_after=after.stability,
                        difficulty_after=after.difficulty,
                        due_after=after.due,
                        interval_days=outcome.interval_days,
                        due_review=before.state == scheduling.CardState.REVIEW
                        and before.due.date() <= outcome.reviewed_at.date(),
                    )
                )
            offset += len(rows["answers"])
        ReviewLog.objects.bulk_create(logs, batch_size=2000)
        self.counts["responses"] += len(responses)
        self.counts["cards"] += sum(len(rows["cards"]) for rows in chunk)
        self.counts["logs"] += len(logs)

    def bank_question(self, version_id: int) -> int:
        if not hasattr(self, "_by_version"):
            self._by_version = {g.version_id: g.question_id for g in self.bank.values()}
        return self._by_version[version_id]


def write_history(
    learners: list[Any], bank: dict[int, Graded], now: datetime, rng: random.Random
) -> dict[str, int]:
    quizzes = list(Quiz.objects.filter(is_published=True).exclude(key=PRACTICE_KEY).order_by("key"))
    writer = HistoryWriter(bank, quizzes, now, rng)
    with bar(len(learners), "history (50k responses)") as progress:
        for start in range(0, len(learners), CHUNK):
            chunk = learners[start : start + CHUNK]
            writer.write([writer.learner(learner.pk) for learner in chunk])
            progress.update(len(chunk))
    with connection.cursor() as cursor:  # card ids were assigned here: move the sequence past them
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('quizzes_reviewcard', 'id'), "
            "(SELECT MAX(id) FROM quizzes_reviewcard))"
        )
    return writer.counts


def write_snapshots(learners: list[Any], now: datetime, rng: random.Random) -> int:
    topics = list(Topic.objects.values_list("pk", flat=True))
    rows = []
    today = now.date()
    for learner in learners:
        level = rng.uniform(0.4, 0.8)
        for days_ago in range(SNAPSHOT_DAYS):
            for topic_id in topics:
                rows.append(
                    MasterySnapshot(
                        learner_id=learner.pk,
                        topic_id=topic_id,
                        date=today - timedelta(days=days_ago),
                        mastery=min(1.0, max(0.0, level + rng.gauss(0, 0.05) - days_ago * 0.003)),
                        accuracy=min(1.0, max(0.0, level + rng.gauss(0, 0.1))),
                        cards=CARDS_PER_LEARNER // len(topics),
                    )
                )
    with bar(len(rows), "mastery snapshots") as progress:
        for start in range(0, len(rows), 10000):
            MasterySnapshot.objects.bulk_create(rows[start : start + 10000])
            progress.update(len(rows[start : start + 10000]))
    return len(rows)


# --- The practice quiz the web benchmark answers --------------------------------------------


def practice_attempts(
    learners: list[Any], bank: dict[int, Graded], now: datetime, rng: random.Random
) -> list[AttemptItem]:
    """A published tutor quiz over the bank (every type) and one open attempt per learner."""
    by_type: dict[str, list[int]] = {}
    for question_id, graded in bank.items():
        by_type.setdefault(str(graded.content.type), []).append(question_id)
    chosen: list[int] = []
    pools = [rng.sample(ids, len(ids)) for _type, ids in sorted(by_type.items())]
    while len(chosen) < PRACTICE_QUESTIONS:
        for pool in pools:
            if pool and len(chosen) < PRACTICE_QUESTIONS:
                chosen.append(pool.pop())
    quiz = Quiz.objects.create(
        key=PRACTICE_KEY,
        title="Benchmark practice: the whole bank",
        mode=QuizMode.TUTOR,
        shuffle_options=True,
        is_published=True,
    )
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question_id=qid, position=n) for n, qid in enumerate(chosen)]
    )
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                learner_id=learner.pk,
                kind=AttemptKind.QUIZ,
                quiz=quiz,
                mode=QuizMode.TUTOR,
                started_at=now - timedelta(minutes=5),
                max_score=len(chosen),
            )
            for learner in learners
        ]
    )
    items = []
    with bar(len(attempts) * len(chosen), "practice attempts") as progress:
        for attempt in attempts:
            for position, question_id in enumerate(chosen):
                graded = bank[question_id]
                items.append(
                    AttemptItem(
                        attempt=attempt,
                        question_id=question_id,
                        version_id=graded.version_id,
                        position=position,
                        presentation=build_presentation(
                            graded.content, shuffle_options=True, rng=rng
                        ),
                    )
                )
            progress.update(len(chosen))
    return AttemptItem.objects.bulk_create(items, batch_size=5000)


def write_inputs(
    out: Path,
    learners: list[Any],
    cohort: list[Any],
    items: list[AttemptItem],
    bank: dict[int, Graded],
    sessions: dict[int, str],
    tokens: dict[int, str],
) -> dict[str, int]:
    """The load generators' inputs: one line per request target, learners interleaved."""
    out.mkdir(parents=True, exist_ok=True)
    by_attempt: dict[int, list[AttemptItem]] = {}
    for item in items:
        by_attempt.setdefault(item.attempt_id, []).append(item)
    owner = {item.attempt_id: item.attempt.learner_id for item in items}
    answer_lines, page_lines = [], []
    positions = max(len(v) for v in by_attempt.values())
    for position in range(positions):
        for attempt_id, attempt_items in by_attempt.items():
            if position >= len(attempt_items):
                continue
            item = attempt_items[position]
            learner_id = owner[attempt_id]
            if position in PAGE_POSITIONS:
                page_lines.append(f"{sessions[learner_id]} /attempts/{attempt_id}/q/{position}/")
            else:
                name = "key" if (attempt_id + position) % 3 else "wrong"
                tokens_answer = bank[item.question_id].tokens(item.presentation, name)
                body = json.dumps({"answer": tokens_answer}, separators=(",", ":"))
                answer_lines.append(f"{tokens[learner_id]}\t{attempt_id}\t{position}\t{body}")
    (out / "answers.tsv").write_text("\n".join(answer_lines) + "\n", encoding="utf-8")
    (out / "pages.txt").write_text("\n".join(page_lines) + "\n", encoding="utf-8")
    (out / "learners.txt").write_text(
        "\n".join(sessions[learner.pk] for learner in learners) + "\n", encoding="utf-8"
    )
    (out / "cohort.json").write_text(
        json.dumps([{"id": u.pk, "session": sessions[u.pk]} for u in cohort]), encoding="utf-8"
    )
    return {"answer_targets": len(answer_lines), "page_targets": len(page_lines)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--cohort", type=int, default=2000, help="capacity-test learners")
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--out", type=Path, default=BASE_DIR / "bench" / "out" / "data")
    parser.add_argument("--summary", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    now = timezone.now().astimezone(UTC)
    load_bank(args.variants)
    bank = published_bank()
    password_hash = make_password(PASSWORD)
    learners = create_users("learner", args.learners, password_hash)
    cohort = create_users("cohort", args.cohort, password_hash)
    sessions = create_sessions(learners + cohort)
    tokens = create_tokens(learners)
    LearnerSettings.objects.bulk_create([LearnerSettings(learner_id=u.pk) for u in learners])
    counts: dict[str, float] = {}
    counts |= write_history(learners, bank, now, rng)
    counts["snapshots"] = write_snapshots(learners, now, rng)
    items = practice_attempts(learners, bank, now, rng)
    counts |= write_inputs(args.out, learners, cohort, items, bank, sessions, tokens)
    counts |= {
        "learners": len(learners),
        "cohort": len(cohort),
        "questions": len(bank),
        "practice_items": len(items),
        "seconds": round(time.monotonic() - started, 1),
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps(counts), file=sys.stderr)
    if args.summary:
        args.summary.write_text(json.dumps(counts, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
