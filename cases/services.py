"""Writes of the case player: starting a case attempt, and publishing a case.

A case attempt completes itself when its last stage's answers are graded (the question bank's
grading pipeline, through the attempt kind registered in cases.hooks): never on a page view.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.models import CASE_KIND, Case, CaseAttempt, StageQuestion
from quizzes import authoring
from quizzes.attempts import AttemptContext, add_attempt_items, context_deadline, in_context
from quizzes.models import Attempt, AttemptStatus, QuizMode, Status


@transaction.atomic
def start_case(
    *,
    learner: User,
    case: Case,
    now: datetime | None = None,
    context: AttemptContext | None = None,
) -> tuple[CaseAttempt, bool]:
    """The learner's open attempt at `case` (in `context`, if given: work set for a class,
    counted apart and closing with it), or a new one with one section per stage; True when it
    is new.

    Each stage's questions become the attempt's items in stage order; a stage's section opens
    only when the stages before it are answered (quizzes.attempts.section_open).
    """
    now = now or timezone.now()
    # The case row lock orders two tabs starting at once: one attempt, never two.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    open_attempt = (
        CaseAttempt.objects.select_related("attempt")
        .filter(
            case=case,
            attempt__learner=learner,
            attempt__status=AttemptStatus.IN_PROGRESS,
            **{f"attempt__{name}": value for name, value in in_context(context).items()},
        )
        .first()
    )
    if open_attempt is not None:
        return open_attempt, False
    attempt = Attempt.objects.create(
        learner=learner,
        kind=CASE_KIND,
        mode=QuizMode.TUTOR,
        started_at=now,
        deadline=context_deadline(None, context),
        context_kind=context.kind if context is not None else "",
        context_id=context.id if context is not None else None,
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
    return CaseAttempt.objects.create(attempt=attempt, case=case, stage_items=stage_items), True


def case_publication_problems(case: Case) -> list[str]:
    """Why a case cannot be published: a draft question in one of its stages."""
    links = StageQuestion.objects.filter(stage__case=case).select_related("question")
    return authoring.draft_question_problems("case", [link.question for link in links])


@transaction.atomic
def set_case_published(
    *, case: Case, published: bool, actor: User | None, was_published: bool
) -> Case:
    """Record a case's publication state (already saved with its stages): check and audit it.
    Raises PublishRefused when a published case would hold a draft question."""
    if published:
        problems = case_publication_problems(case)
        if problems:
            raise authoring.PublishRefused(problems)
    if published != was_published:
        authoring.audit(actor=actor, action="publish" if published else "unpublish", obj=case)
    return case
