"""Attempts end with their score set, whatever the race between answering, submitting and
grading, with a real prefork worker grading in 8 processes at once on a real Redis.

Each test repeats its race many times: with one worker process nothing ever races, and a lost
race shows only now and then (before the pipeline locked the attempt, 24 of 30 tutor attempts,
10 of 10 cases and 7 of 20 exams kept `score = NULL` for good).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from quizzes import attempts
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Response, ResponseStatus
from tests.factories import UserFactory, make_case, make_question, make_quiz, start_case, start_quiz
from tests.quizzes.helpers import key_tokens, new_key
from tests.workers import CeleryWorker, RedisServer, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

CONCURRENCY = 8
TIMEOUT = 60.0


@pytest.fixture
def busy_worker(
    transactional_db: None, broker: RedisServer, tmp_path: Path
) -> Iterator[CeleryWorker]:
    worker = CeleryWorker(broker.url, tmp_path / "worker.log", concurrency=CONCURRENCY)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        print(f"--- Celery worker log ---\n{worker.log()[-20_000:]}")


def answer_with_the_key(learner, item: AttemptItem) -> Response:
    """One answer, committed at once: its commit hands grading to the worker."""
    with transaction.atomic():
        saved = attempts.submit_answer(
            learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
        )
    return saved.response


def wait_until_scored(attempt_ids: list[int]) -> None:
    wait_until(
        lambda: (
            not Attempt.objects.filter(pk__in=attempt_ids, score__isnull=True).exists()
            and not Response.objects.filter(
                item__attempt_id__in=attempt_ids, status=ResponseStatus.PENDING
            ).exists()
        ),
        TIMEOUT,
        f"every one of {len(attempt_ids)} attempts has its score",
    )


def test_tutor_attempts_submitted_right_after_their_last_answer_keep_their_score(busy_worker):
    quiz = make_quiz([make_question(), make_question("multiple"), make_question("ordering")])
    attempt_ids = []
    for number in range(30):
        learner = UserFactory(username=f"tutor{number}")
        attempt = start_quiz(learner=learner, quiz=quiz)
        for item in attempt.items.select_related("version"):
            answer_with_the_key(learner, item)
        attempts.submit_attempt(attempt_id=attempt.pk)  # while the worker grades
        attempt_ids.append(attempt.pk)
    wait_until_scored(attempt_ids)
    scores = list(Attempt.objects.filter(pk__in=attempt_ids).values_list("score", flat=True))
    assert scores == [3.0] * 30


def test_cases_finished_right_after_their_last_answer_complete_and_keep_their_score(
    busy_worker,
):
    case = make_case([[make_question()], [make_question("short_answer"), make_question()]])
    attempt_ids = []
    for number in range(10):
        learner = UserFactory(username=f"case{number}")
        attempt = start_case(learner=learner, case=case).attempt
        for item in attempt.items.order_by("position").select_related("version"):
            answer_with_the_key(learner, item)
        attempt_ids.append(attempt.pk)
    # Nobody opens the case page: completing never waits for a page view.
    wait_until_scored(attempt_ids)
    finished = Attempt.objects.filter(pk__in=attempt_ids)
    assert list(finished.values_list("status", "score")) == [(AttemptStatus.SUBMITTED, 3.0)] * 10


def test_exams_graded_by_several_processes_at_once_keep_their_score(busy_worker):
    quiz = make_quiz(
        [make_question(kind) for kind in ["single", "multiple", "true_false", "matching"] * 5],
        mode="exam",
        time_limit_minutes=30,
    )
    attempt_ids = []
    for number in range(20):
        learner = UserFactory(username=f"exam{number}")
        attempt = start_quiz(learner=learner, quiz=quiz)
        for item in attempt.items.select_related("version"):
            answer_with_the_key(learner, item)  # saved, graded at submission
        with transaction.atomic():
            attempts.submit_attempt(attempt_id=attempt.pk)  # 20 grading tasks, 8 at a time
        attempt_ids.append(attempt.pk)
    wait_until_scored(attempt_ids)
    scores = list(Attempt.objects.filter(pk__in=attempt_ids).values_list("score", flat=True))
    assert scores == [20.0] * 20
