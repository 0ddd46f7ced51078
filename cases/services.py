"""Writes of the case player: starting a case attempt and closing it when every stage is done."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseAttempt
from quizzes.models import Attempt, AttemptKind, AttemptStatus, QuizMode, Status
from quizzes.services import add_attempt_items, finalize_attempt


@transaction.atomic
def start_case(
    *, learner: AbstractBaseUser, case: Case, now: datetime | None = None
) -> CaseAttempt:
    """The learner's open attempt at `case`, or a new one with one section per stage.

    Each stage's questions become the attempt's items in stage order; a stage's section opens
    only when the stages before it are answered (quizzes.services.item_is_open).
    """
    now = now or timezone.now()
    open_attempt = (
        CaseAttempt.objects.select_related("attempt")
        .filter(
            case=case,
            attempt__learner=learner,
            attempt__status=AttemptStatus.IN_PROGRESS,
        )
        .first()
    )
    if open_attempt is not None:
        return open_attempt
    attempt = Attempt.objects.create(
        learner=learner, kind=AttemptKind.CASE, mode=QuizMode.TUTOR, started_at=now
    )
    stage_items = []
    position = 0
    stages = case.stages.prefetch_related("stage_questions__question__current_version")
    for section, stage in enumerate(stages, start=1):
        questions = [
            link.question
            for link in stage.stage_questions.all()
            if link.question.status == Status.PUBLISHED and link.question.current_version
        ]
        add_attempt_items(
            attempt=attempt,
            questions=questions,
            shuffle_options=True,
            first_position=position,
            section=section,
        )
        stage_items.append([stage.pk, position, len(questions)])
        position += len(questions)
    Attempt.objects.filter(pk=attempt.pk).update(max_score=position)
    return CaseAttempt.objects.create(attempt=attempt, case=case, stage_items=stage_items)


def finish_case_if_complete(*, case_attempt: CaseAttempt) -> bool:
    """Submit the case's attempt once every item has an answer; True when it is finished."""
    attempt = case_attempt.attempt
    if attempt.status == AttemptStatus.SUBMITTED:
        return True
    if attempt.items.filter(response__isnull=True).exists():
        return False
    finalize_attempt(attempt_id=attempt.pk)
    return True
