"""The attempt lifecycle: start, answer, submit and score, with each kind's behaviour in one place.

An attempt's kind says how it behaves (`AttemptBehaviour`): a quiz is submitted by its learner
(tutor or timed exam); a review attempt (one per day, from the review queue) and a case attempt
(registered by the cases app) are never submitted by hand: a review attempt closes when its day
ends, a case attempt completes itself once every stage's questions are answered and graded
(`quizzes.pipeline`). Every write here is one transaction and takes the attempt's row lock, so
an answer, a submission and a grade of the same attempt are ordered, never interleaved.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone

from quizzes import dispatch
from quizzes.content import QuestionContent
from quizzes.grading import Answer, AnswerError, validate_answer
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    ExamAccommodation,
    Question,
    Quiz,
    QuizMode,
    Response,
    ResponseStatus,
    Status,
)
from quizzes.presentation import build_presentation, to_internal
from quizzes.selectors import one_or_none

GRADE_TASK = "quizzes.tasks.grade_response"


class AttemptClosed(Exception):
    """The attempt no longer accepts this; the message says why, for the student."""


class NotSubmittable(Exception):
    """This kind of attempt is not submitted by its learner; the message says why."""


class AttemptLimitReached(Exception):
    """The learner has used every attempt the quiz allows."""


@dataclass(frozen=True)
class AttemptContext:
    """What an attempt is made for, when another app sets the work (an assignment of a
    cohort): `kind` and `id` name it without the question bank importing that app.

    Attempts in a context are counted apart from the learner's own practice of the same quiz
    (`attempts_allowed`: None keeps the quiz's rule, 0 means no limit), and none outlives
    `closes_at` (its deadline is the earlier of the time limit and the close).
    """

    kind: str
    id: int
    attempts_allowed: int | None = None
    closes_at: datetime | None = None


# --- Behaviour of each kind --------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptBehaviour:
    """How one kind of attempt behaves.

    `learner_submits`: the learner ends it with "Submit" (quizzes). `completes_when_answered`:
    it submits itself once every item is answered and graded (cases). `resume_url` is where a
    learner continues it; `back_url` and `back_label` where its question pages lead back to;
    `history_url` and `title` how the learner's history lists it (no queries: the quiz is
    selected with the attempt). `context_panel`, if given, renders what the learner reads
    beside the question at a position (a case's stage text), as safe HTML. Below an answer's
    feedback on the question page, `after_feedback_template` is shown with what
    `after_feedback` gives (the review queue: a button to the next card, or "done for today").
    """

    kind: str
    label: str
    learner_submits: bool
    completes_when_answered: bool
    resume_url: Callable[[Attempt], str]
    back_url: Callable[[Attempt], str | None]
    history_url: Callable[[Attempt], str]
    title: Callable[[Attempt], str]
    back_label: str = ""
    context_panel: Callable[[Attempt, int], str] | None = None
    after_feedback: Callable[[Attempt], object] | None = None
    after_feedback_template: str = ""


_BEHAVIOURS: dict[str, AttemptBehaviour] = {}
# (kind, label) of every registered kind, for choices (the API schema's AttemptKindEnum).
ATTEMPT_KIND_CHOICES: list[tuple[str, str]] = []


def register_kind(behaviour: AttemptBehaviour) -> None:
    """Declare a kind of attempt, once, at start-up (an app's `ready`)."""
    _BEHAVIOURS[behaviour.kind] = behaviour
    ATTEMPT_KIND_CHOICES[:] = [(b.kind, b.label) for b in _BEHAVIOURS.values()]


def behaviour_of(attempt: Attempt) -> AttemptBehaviour:
    return _BEHAVIOURS[attempt.kind]


def attempt_kinds() -> list[tuple[str, str]]:
    return list(ATTEMPT_KIND_CHOICES)


def first_unanswered_url(attempt: Attempt) -> str:
    """Where a learner-submitted attempt resumes: its first unanswered question, else its
    submit page, or its results once submitted."""
    if attempt.status == AttemptStatus.SUBMITTED:
        return reverse("attempt-results", args=[attempt.pk])
    item = attempt.items.filter(response__isnull=True).order_by("position").first()
    if item is None:
        return reverse("attempt-submit", args=[attempt.pk])
    return reverse("attempt-question", args=[attempt.pk, item.position])


def results_or(url_name: str, *args: object) -> Callable[[Attempt], str]:
    def url(attempt: Attempt) -> str:
        if attempt.status == AttemptStatus.SUBMITTED:
            return reverse("attempt-results", args=[attempt.pk])
        return reverse(url_name, args=[a(attempt) if callable(a) else a for a in args])

    return url


register_kind(
    AttemptBehaviour(
        kind=AttemptKind.QUIZ,
        label="Quiz",
        learner_submits=True,
        completes_when_answered=False,
        resume_url=first_unanswered_url,
        back_url=lambda attempt: None,
        history_url=results_or("quiz-detail", lambda attempt: attempt.quiz.key),
        title=lambda attempt: attempt.quiz.title if attempt.quiz else "Quiz",
    )
)


# --- Starting -----------------------------------------------------------------------------------


def exam_deadline(*, quiz: Quiz, learner: User, started_at: datetime) -> datetime | None:
    """When a timed attempt ends: the quiz's limit, stretched by the learner's accommodation."""
    if quiz.mode != QuizMode.EXAM or not quiz.time_limit_minutes:
        return None
    minutes = accommodated_minutes(float(quiz.time_limit_minutes), learner=learner)
    return started_at + timedelta(minutes=minutes)


def accommodated_minutes(minutes: float, *, learner: User) -> float:
    """A time limit stretched by the learner's exam accommodation, if they have one."""
    accommodation = one_or_none(ExamAccommodation.objects.filter(learner=learner))
    if accommodation is None:
        return minutes
    return minutes * float(accommodation.time_multiplier) + accommodation.extra_minutes


def attempts_allowed(quiz: Quiz) -> int | None:
    """How many attempts a learner may make at `quiz` (None: no limit).

    The quiz's setting; when empty, its mode's default: an exam's key is released at
    submission, so one attempt; a tutor quiz as many as the learner likes. 0 means no limit.
    """
    if quiz.attempts_allowed is None:
        return 1 if quiz.mode == QuizMode.EXAM else None
    return quiz.attempts_allowed or None


def add_attempt_items(
    *,
    attempt: Attempt,
    questions: Sequence[Question],
    shuffle_options: bool,
    first_position: int = 0,
    section: int = 0,
) -> list[AttemptItem]:
    """Pin each question's current version to the attempt, with its own presentation."""
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
        if question.current_version is not None
    ]
    return AttemptItem.objects.bulk_create(items)


def in_context(context: AttemptContext | None) -> dict[str, object]:
    """The attempt filter of a context (no context: the learner's own practice)."""
    if context is None:
        return {"context_kind": ""}
    return {"context_kind": context.kind, "context_id": context.id}


def context_deadline(deadline: datetime | None, context: AttemptContext | None) -> datetime | None:
    """An attempt's deadline: its time limit's, cut at the context's close."""
    closes_at = context.closes_at if context is not None else None
    if closes_at is None:
        return deadline
    return closes_at if deadline is None else min(deadline, closes_at)


def start_quiz_attempt(
    *,
    learner: User,
    quiz: Quiz,
    now: datetime | None = None,
    context: AttemptContext | None = None,
) -> tuple[Attempt, bool]:
    """The learner's open attempt at `quiz` (in `context`, if given), or a new one; True when
    it is new.

    An open exam whose time has run out is submitted first (and stays submitted even if no
    attempt is left). A new attempt needs an attempt left (`attempts_allowed`, the context's
    if it sets one): AttemptLimitReached otherwise.
    """
    now = now or timezone.now()
    for attempt in Attempt.objects.filter(
        learner=learner, quiz=quiz, status=AttemptStatus.IN_PROGRESS, **in_context(context)
    ).order_by("-started_at"):
        if attempt.deadline is None or now < attempt.deadline:
            return attempt, False
        close_attempt(attempt_id=attempt.pk, now=now, auto=True)
    return _new_quiz_attempt(learner=learner, quiz=quiz, now=now, context=context)


@transaction.atomic
def _new_quiz_attempt(
    *, learner: User, quiz: Quiz, now: datetime, context: AttemptContext | None
) -> tuple[Attempt, bool]:
    # The quiz row lock orders two tabs starting at once: one attempt, never two, and never
    # one more than allowed.
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()
    open_attempt = Attempt.objects.filter(
        learner=learner, quiz=quiz, status=AttemptStatus.IN_PROGRESS, **in_context(context)
    ).first()
    if open_attempt is not None:
        return open_attempt, False
    allowed = attempts_allowed(quiz)
    if context is not None and context.attempts_allowed is not None:
        allowed = context.attempts_allowed or None
    if allowed is not None:
        used = Attempt.objects.filter(learner=learner, quiz=quiz, **in_context(context)).count()
        if used >= allowed:
            raise AttemptLimitReached(
                f"You have used your {allowed} attempt{'s' if allowed != 1 else ''} at this "
                f"{'exam' if quiz.mode == QuizMode.EXAM else 'quiz'}."
            )
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
        deadline=context_deadline(
            exam_deadline(quiz=quiz, learner=learner, started_at=now), context
        ),
        max_score=len(questions),
        context_kind=context.kind if context is not None else "",
        context_id=context.id if context is not None else None,
    )
    add_attempt_items(attempt=attempt, questions=questions, shuffle_options=quiz.shuffle_options)
    return attempt, True


def attempts_left(*, learner: User, quiz: Quiz) -> int | None:
    """Attempts the learner may still start at `quiz` (None: no limit)."""
    allowed = attempts_allowed(quiz)
    if allowed is None:
        return None
    used = Attempt.objects.filter(learner=learner, quiz=quiz, **in_context(None)).count()
    return max(0, allowed - used)


# --- Answering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedAnswer:
    response: Response
    created: bool
    stale: bool = False


def section_open(item: AttemptItem) -> bool:
    """Sections open in order: an item is open once every earlier section has all its answers."""
    if item.section == 0:
        return True
    return not AttemptItem.objects.filter(
        attempt_id=item.attempt_id, section__lt=item.section, response__isnull=True
    ).exists()


def submit_answer(
    *,
    learner: User,
    item: AttemptItem,
    raw_answer: object,
    idempotency_key: uuid.UUID,
    confidence: str = "",
    client_seq: int = 0,
    now: datetime | None = None,
) -> SavedAnswer:
    """Validate and save a learner's answer to one attempt item.

    The idempotency key makes a double click, a retried request or a second tab give one
    response and the same reply. In tutor, case and review attempts the first accepted answer
    is final and is queued for grading; in an exam the answer is saved (autosave) and replaced
    by a later one (a higher `client_seq`) until the attempt is submitted; an older one is
    `stale` and changes nothing. Raises AnswerError (bad shape: nothing saved) or AttemptClosed.
    """
    try:
        return _submit_answer(
            learner=learner,
            item=item,
            raw_answer=raw_answer,
            idempotency_key=idempotency_key,
            confidence=confidence,
            client_seq=client_seq,
            now=now or timezone.now(),
        )
    except IntegrityError as error:
        # The same key racing in for a question of another attempt (this attempt's lock
        # orders its own): refused as the replay check would, and nothing is saved.
        if "unique_response_idempotency_key" not in str(error):
            raise
        raise AnswerError(
            "idempotency_key", "This request key was already used for another question."
        ) from error


@transaction.atomic
def _submit_answer(
    *,
    learner: User,
    item: AttemptItem,
    raw_answer: object,
    idempotency_key: uuid.UUID,
    confidence: str,
    client_seq: int,
    now: datetime,
) -> SavedAnswer:
    # The attempt row lock orders this answer against submission, grading and other tabs.
    attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
    replay = one_or_none(Response.objects.filter(learner=learner, idempotency_key=idempotency_key))
    if replay is not None:
        if replay.item_id != item.pk:
            raise AnswerError(
                "idempotency_key", "This request key was already used for another question."
            )
        return SavedAnswer(response=replay, created=False)
    ensure_open(attempt, now)
    if not section_open(item):
        raise AttemptClosed("Answer the questions of the current stage first.")
    if confidence and not asks_confidence(attempt):
        confidence = ""
    content = QuestionContent.from_dict(item.version.content)
    answer = validate_answer(content, to_internal(item.presentation, content.type, raw_answer))
    existing = one_or_none(Response.objects.filter(item=item))
    if attempt.mode == QuizMode.EXAM:
        return _save_exam_answer(
            learner, item, existing, answer, idempotency_key, confidence, client_seq, now
        )
    if existing is not None:
        return SavedAnswer(response=existing, created=False)
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
    # The pending response is its own outbox record (the pending-response sweeper resends it).
    dispatch.enqueue_on_commit(GRADE_TASK, [response.pk], durable=False)
    return SavedAnswer(response=response, created=True)


def asks_confidence(attempt: Attempt) -> bool:
    """Whether the learner rates their confidence with each answer: per quiz (an educator's
    choice), always in created tests, reviews and cases."""
    return attempt.quiz.ask_confidence if attempt.quiz is not None else True


def ensure_open(attempt: Attempt, now: datetime) -> None:
    """AttemptClosed unless the attempt takes answers now (not submitted, not out of time)."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; its answers can no longer change.")
    if attempt.deadline is not None and now >= attempt.deadline:
        raise AttemptClosed(
            "Time is up for this exam: the answer was not saved. Your saved answers are being "
            "submitted."
        )


def _save_exam_answer(
    learner: User,
    item: AttemptItem,
    existing: Response | None,
    answer: Answer,
    idempotency_key: uuid.UUID,
    confidence: str,
    client_seq: int,
    now: datetime,
) -> SavedAnswer:
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
        return SavedAnswer(response=response, created=True)
    if client_seq < existing.client_seq:
        return SavedAnswer(response=existing, created=False, stale=True)
    existing.answer = answer.to_dict()
    existing.confidence = confidence
    existing.idempotency_key = idempotency_key
    existing.client_seq = client_seq
    existing.submitted_at = now
    existing.save(
        update_fields=["answer", "confidence", "idempotency_key", "client_seq", "submitted_at"]
    )
    return SavedAnswer(response=existing, created=True)


@transaction.atomic
def set_flag(*, item: AttemptItem, flagged: bool) -> AttemptItem:
    """Flag a question to come back to (or clear the flag) while the attempt is open."""
    attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
    ensure_open(attempt, timezone.now())
    AttemptItem.objects.filter(pk=item.pk).update(flagged=flagged)
    item.flagged = flagged
    return item


# --- Submitting and scoring ----------------------------------------------------------------------


@transaction.atomic
def submit_attempt(*, attempt_id: int, now: datetime | None = None) -> Attempt:
    """The learner submits their attempt: NotSubmittable for a kind they do not submit (a
    case completes itself, a review attempt closes with its day)."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    if not behaviour_of(attempt).learner_submits:
        raise NotSubmittable(
            f"A {behaviour_of(attempt).label.lower()} attempt is not submitted: it finishes "
            "by itself."
        )
    return close_attempt(attempt_id=attempt_id, now=now)


@transaction.atomic
def close_attempt(*, attempt_id: int, now: datetime | None = None, auto: bool = False) -> Attempt:
    """Submit an attempt of any kind: its saved exam answers are queued for grading, and it is
    scored once every answer is graded.

    Safe to call twice and from several places at once (the student's button, the beat task at
    the deadline, the review queue at the end of a day): the first call submits, the others
    change nothing. With `auto`, an attempt whose deadline has not passed is left open.
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
    dispatch.enqueue_on_commit(GRADE_TASK, *[[pk] for pk in pending_ids], durable=False)
    score_if_graded(attempt)
    return attempt


def score_if_graded(attempt: Attempt) -> bool:
    """Set a submitted attempt's score once none of its answers waits for grading.

    Call with the attempt's row locked, inside the transaction that graded or submitted, so
    the answers' states are read after every earlier grade committed. True when scored.
    """
    responses = Response.objects.filter(item__attempt_id=attempt.pk)
    waiting = responses.filter(status__in=[ResponseStatus.PENDING, ResponseStatus.SAVED])
    if waiting.exists():
        return False
    total = responses.aggregate(total=Sum("score"))["total"] or 0.0
    Attempt.objects.filter(pk=attempt.pk).update(score=total)
    attempt.score = total
    return True


def complete_if_answered(attempt: Attempt, now: datetime) -> bool:
    """Submit and score an attempt that completes itself (a case) once every item has a graded
    answer. Call with the attempt's row locked. True when it completed now."""
    if (
        attempt.status != AttemptStatus.IN_PROGRESS
        or not behaviour_of(attempt).completes_when_answered
    ):
        return False
    unfinished = AttemptItem.objects.filter(attempt_id=attempt.pk).filter(
        ~Exists(Response.objects.filter(item_id=OuterRef("pk"), status=ResponseStatus.GRADED))
    )
    if unfinished.exists():
        return False
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now
    attempt.max_score = attempt.items.count()
    attempt.save(update_fields=["status", "submitted_at", "max_score"])
    return score_if_graded(attempt)


def unfinished_attempt_ids(*, older_than: datetime, limit: int = 5000) -> list[int]:
    """Attempts a lost race may have left unfinished: submitted but unscored, or in progress
    with every item answered and no answer waiting (a case that should have completed)."""
    unscored = Attempt.objects.filter(
        status=AttemptStatus.SUBMITTED, score__isnull=True, submitted_at__lt=older_than
    ).exclude(items__response__status__in=[ResponseStatus.PENDING, ResponseStatus.SAVED])
    unanswered = AttemptItem.objects.filter(attempt_id=OuterRef("pk"), response__isnull=True)
    waiting = Response.objects.filter(
        item__attempt_id=OuterRef("pk"), status__in=[ResponseStatus.PENDING, ResponseStatus.SAVED]
    )
    answered = (
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, started_at__lt=older_than)
        .filter(kind__in=[b.kind for b in _BEHAVIOURS.values() if b.completes_when_answered])
        .filter(items__isnull=False)
        .exclude(Exists(unanswered))
        .exclude(Exists(waiting))
    )
    ids = set(unscored.values_list("pk", flat=True)[:limit])
    ids |= set(answered.values_list("pk", flat=True).distinct()[:limit])
    return sorted(ids)[:limit]


@transaction.atomic
def repair_attempt(*, attempt_id: int, now: datetime | None = None) -> bool:
    """Finish what a lost race or crash left undone on one attempt: a submitted attempt whose
    answers are all graded gets its score, a case whose answers are all graded completes.
    True when something was repaired."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt.score is None and score_if_graded(attempt)
    return complete_if_answered(attempt, now)
