"""Writes of the learner's path: start an attempt, save an answer, grade it, submit the attempt.

Every function here is one transaction. Grading is enqueued only after the response is committed
(`transaction.on_commit`), and a pending response is its own outbox record: if the broker is
down at commit time, the sweeper enqueues it later, so an accepted answer is never lost.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from quizzes import review
from quizzes.content import QuestionContent
from quizzes.grading import Answer, AnswerError, PartKind, grade, validate_answer
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    ChosenPart,
    ExamAccommodation,
    ProblemReport,
    Question,
    Quiz,
    QuizMode,
    Response,
    ResponseStatus,
    Status,
)
from quizzes.presentation import build_presentation, to_internal
from quizzes.selectors import one_or_none

logger = logging.getLogger(__name__)


class AttemptClosed(Exception):
    """The attempt no longer accepts answers; the message says why, for the student."""


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool


def exam_deadline(
    *, quiz: Quiz, learner: AbstractBaseUser, started_at: datetime
) -> datetime | None:
    """When a timed attempt ends: the quiz's limit, stretched by the learner's accommodation."""
    if quiz.mode != QuizMode.EXAM or not quiz.time_limit_minutes:
        return None
    minutes = float(quiz.time_limit_minutes)
    accommodation = one_or_none(ExamAccommodation.objects.filter(learner=learner))
    if accommodation is not None:
        minutes = minutes * float(accommodation.time_multiplier) + accommodation.extra_minutes
    return started_at + timedelta(minutes=minutes)


def add_attempt_items(
    *,
    attempt: Attempt,
    questions: Sequence[Question],
    shuffle_options: bool,
    first_position: int = 0,
    section: int = 0,
) -> list[AttemptItem]:
    """Pin each question's current version to the attempt, with its own shuffled presentation."""
    rng = random.SystemRandom()
    items = [
        AttemptItem(
            attempt=attempt,
            question=question,
            version=question.current_version,
            position=first_position + index,
            section=section,
            presentation=build_presentation(
                QuestionContent.from_dict(question.current_version.content),
                shuffle_options=shuffle_options,
                rng=rng,
            ),
        )
        for index, question in enumerate(questions)
    ]
    return AttemptItem.objects.bulk_create(items)


@transaction.atomic
def start_attempt(*, learner: AbstractBaseUser, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """The learner's open attempt at `quiz`, or a new one if none is open.

    An open exam whose time has run out is submitted first, and a new attempt starts.
    """
    now = now or timezone.now()
    open_attempt = (
        Attempt.objects.select_for_update()
        .filter(learner=learner, quiz=quiz, status=AttemptStatus.IN_PROGRESS)
        .first()
    )
    if open_attempt is not None:
        if open_attempt.deadline is None or now < open_attempt.deadline:
            return open_attempt
        finalize_attempt(attempt_id=open_attempt.pk, now=now, auto=True)
    questions = [
        qq.question
        for qq in quiz.quiz_questions.select_related("question__current_version").filter(
            question__status=Status.PUBLISHED, question__current_version__isnull=False
        )
    ]
    if quiz.shuffle_questions:
        random.SystemRandom().shuffle(questions)
    attempt = Attempt.objects.create(
        learner=learner,
        kind=AttemptKind.QUIZ,
        quiz=quiz,
        mode=quiz.mode,
        started_at=now,
        deadline=exam_deadline(quiz=quiz, learner=learner, started_at=now),
        max_score=len(questions),
    )
    add_attempt_items(attempt=attempt, questions=questions, shuffle_options=quiz.shuffle_options)
    return attempt


@transaction.atomic
def submit_answer(
    *,
    learner: AbstractBaseUser,
    item: AttemptItem,
    raw_answer: object,
    idempotency_key: uuid.UUID,
    confidence: str = "",
    client_seq: int = 0,
    now: datetime | None = None,
) -> SubmitResult:
    """Validate and save a learner's answer to one attempt item.

    The idempotency key makes a double click, a retried request or a second tab give one
    response and the same reply. In tutor, case and review attempts the first accepted answer
    is final and is queued for grading; in an exam the answer is saved (autosave) and may be
    replaced by a later one (a higher `client_seq`) until the attempt is submitted.
    Raises AnswerError (bad shape: nothing saved) or AttemptClosed.
    """
    now = now or timezone.now()
    replay = one_or_none(Response.objects.filter(learner=learner, idempotency_key=idempotency_key))
    if replay is not None:
        if replay.item_id != item.pk:
            raise AnswerError(
                "idempotency_key", "This request key was already used for another question."
            )
        return SubmitResult(response=replay, created=False)
    # The attempt row lock orders this answer against submission and other tabs.
    attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
    _ensure_open(attempt, now)
    if not item_is_open(item):
        raise AttemptClosed("Answer the questions of the current stage first.")
    content = QuestionContent.from_dict(item.version.content)
    answer = validate_answer(content, to_internal(item.presentation, raw_answer))
    existing = one_or_none(Response.objects.filter(item=item))
    if attempt.mode == QuizMode.EXAM:
        return _save_exam_answer(
            learner, item, existing, answer, idempotency_key, confidence, client_seq, now
        )
    if existing is not None:
        return SubmitResult(response=existing, created=False)
    response = Response.objects.create(
        item=item,
        learner=learner,
        version_id=item.version_id,
        answer=answer.to_dict(),
        confidence=confidence,
        idempotency_key=idempotency_key,
        client_seq=client_seq,
        status=ResponseStatus.PENDING,
        submitted_at=now,
    )
    transaction.on_commit(lambda: enqueue_grading([response.pk]))
    return SubmitResult(response=response, created=True)


def _ensure_open(attempt: Attempt, now: datetime) -> None:
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; its answers can no longer change.")
    if attempt.deadline is not None and now >= attempt.deadline:
        raise AttemptClosed(
            "Time is up for this exam: the answer was not saved. Your saved answers are being "
            "submitted."
        )


def _save_exam_answer(
    learner: AbstractBaseUser,
    item: AttemptItem,
    existing: Response | None,
    answer: Answer,
    idempotency_key: uuid.UUID,
    confidence: str,
    client_seq: int,
    now: datetime,
) -> SubmitResult:
    if existing is None:
        response = Response.objects.create(
            item=item,
            learner=learner,
            version_id=item.version_id,
            answer=answer.to_dict(),
            confidence=confidence,
            idempotency_key=idempotency_key,
            client_seq=client_seq,
            status=ResponseStatus.SAVED,
            submitted_at=now,
        )
        return SubmitResult(response=response, created=True)
    if client_seq < existing.client_seq:
        return SubmitResult(response=existing, created=False)  # a stale retry: keep the newer
    existing.answer = answer.to_dict()
    existing.confidence = confidence
    existing.idempotency_key = idempotency_key
    existing.client_seq = client_seq
    existing.submitted_at = now
    existing.save(
        update_fields=["answer", "confidence", "idempotency_key", "client_seq", "submitted_at"]
    )
    return SubmitResult(response=existing, created=True)


@transaction.atomic
def finalize_attempt(
    *, attempt_id: int, now: datetime | None = None, auto: bool = False
) -> Attempt:
    """Submit an attempt: its saved exam answers are queued for grading, then it is scored.

    Safe to call twice and from several places at once (the student's button, the beat task
    when the deadline passes): the first call submits, the others change nothing. With
    `auto`, an attempt whose deadline has not passed is left open.
    """
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    if auto and (attempt.deadline is None or now < attempt.deadline):
        return attempt
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = min(now, attempt.deadline) if auto and attempt.deadline else now
    attempt.auto_submitted = auto
    attempt.max_score = attempt.items.count()
    attempt.save(update_fields=["status", "submitted_at", "auto_submitted", "max_score"])
    saved = Response.objects.filter(item__attempt=attempt, status=ResponseStatus.SAVED)
    pending_ids = list(saved.values_list("pk", flat=True))
    saved.update(status=ResponseStatus.PENDING)
    if pending_ids:
        transaction.on_commit(lambda: enqueue_grading(pending_ids))
    else:
        _score_attempt_if_graded(attempt)
    return attempt


@transaction.atomic
def grade_response(*, response_id: int, now: datetime | None = None) -> Response | None:
    """Grade one pending response against the version it was shown, exactly once.

    The row lock and the status check make a redelivered or duplicated task a no-op: only the
    call that finds the response pending writes the grade and its downstream rows, and all of
    it commits together or not at all.
    """
    now = now or timezone.now()
    response = one_or_none(
        Response.objects.select_for_update(of=("self",))
        .select_related("version", "item__attempt")
        .filter(pk=response_id)
    )
    if response is None or response.status != ResponseStatus.PENDING:
        return response
    content = QuestionContent.from_dict(response.version.content)
    result = grade(content, Answer.from_dict(response.answer))
    response.status = ResponseStatus.GRADED
    response.score = result.score
    response.correct = result.correct
    response.result = result.to_dict()
    response.graded_at = now
    response.save(update_fields=["status", "score", "correct", "result", "graded_at"])
    review.record_review(response)
    ChosenPart.objects.bulk_create(
        [
            ChosenPart(response=response, version_id=response.version_id, part_id=part.id)
            for part in result.parts
            if part.selected and part.kind in (PartKind.CHOICE, PartKind.REGION)
        ],
        ignore_conflicts=True,
    )
    attempt = response.item.attempt
    if attempt.status == AttemptStatus.SUBMITTED:
        _score_attempt_if_graded(attempt)
    return response


def _score_attempt_if_graded(attempt: Attempt) -> None:
    responses = Response.objects.filter(item__attempt=attempt)
    if responses.filter(status=ResponseStatus.PENDING).exists():
        return
    total = responses.aggregate(total=Sum("score"))["total"] or 0.0
    Attempt.objects.filter(pk=attempt.pk).update(score=total)


def enqueue_grading(response_ids: Iterable[int]) -> None:
    """Queue grading; if the broker is unreachable, leave the responses for the sweeper."""
    from quizzes import tasks  # tasks import this module: import at call time

    response_ids = list(response_ids)
    app = tasks.grade_response.app
    try:
        with app.producer_or_acquire() as producer:
            if not app.conf.task_always_eager:
                # One connection attempt: left alone, kombu retries the connection for about 6 s
                # on every publish, and a learner's request must not wait out a broker outage.
                producer.connection.ensure_connection(max_retries=0)
            for response_id in response_ids:
                tasks.grade_response.apply_async((response_id,), producer=producer, retry=False)
    except (KombuOperationalError, RedisError, OSError):  # the broker is down: later
        logger.warning(
            "Broker unreachable: responses %s stay pending for the sweeper.", response_ids
        )
    except Exception:  # only in-process (eager) grading can raise anything else
        logger.exception("Grading responses %s in-process failed; they stay pending.", response_ids)


def item_is_open(item: AttemptItem) -> bool:
    """Sections open in order: an item is open once every earlier section has all its answers."""
    if item.section == 0:
        return True
    return not AttemptItem.objects.filter(
        attempt_id=item.attempt_id, section__lt=item.section, response__isnull=True
    ).exists()


@transaction.atomic
def set_flag(*, item: AttemptItem, flagged: bool) -> AttemptItem:
    """Flag an exam question for review (or clear the flag) while the attempt is open."""
    attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
    _ensure_open(attempt, timezone.now())
    AttemptItem.objects.filter(pk=item.pk).update(flagged=flagged)
    item.flagged = flagged
    return item


@transaction.atomic
def report_problem(*, learner: AbstractBaseUser, item: AttemptItem, text: str) -> ProblemReport:
    """Record a learner's report of an error in a question they have answered."""
    return ProblemReport.objects.create(
        question_id=item.question_id, version_id=item.version_id, learner=learner, text=text.strip()
    )
