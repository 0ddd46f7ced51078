"""The grading pipeline: one answer graded, its review card updated, its option counts and its
attempt's score written, all in one transaction on locked, freshly read rows.

Lock order, everywhere: the attempt row, then the response row (the answer and submission
services take the attempt's lock too). Two workers grading two answers of one attempt, or a
grade racing the learner's "Submit", are therefore serialised on the attempt, and whichever
commits last reads the other's committed state and sets the score: no attempt is left unscored.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quizzes import attempts
from quizzes.content import QuestionContent
from quizzes.grading import Answer, PartKind, grade
from quizzes.models import Attempt, AttemptStatus, ChosenPart, Response, ResponseStatus
from quizzes.reviews import cards
from quizzes.selectors import one_or_none


@transaction.atomic
def grade_response(*, response_id: int, now: datetime | None = None) -> Response | None:
    """Grade one pending response against the version it was shown, exactly once.

    The locks and the status check make a redelivered or duplicated task a no-op: only the call
    that finds the response pending writes the grade and its downstream rows (review card,
    review log, chosen parts, attempt score or completion), and all of it commits together.
    """
    now = now or timezone.now()
    attempt_id = (
        Response.objects.filter(pk=response_id).values_list("item__attempt_id", flat=True).first()
    )
    if attempt_id is None:
        return None
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    response = one_or_none(
        Response.objects.select_for_update(of=("self",))
        .select_related("version")
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
    cards.record_review(response)
    ChosenPart.objects.bulk_create(
        [
            ChosenPart(response=response, version_id=response.version_id, part_id=part.id)
            for part in result.parts
            if part.selected and part.kind in (PartKind.CHOICE, PartKind.REGION)
        ],
        ignore_conflicts=True,
    )
    if attempt.status == AttemptStatus.SUBMITTED:
        attempts.score_if_graded(attempt)
    else:
        attempts.complete_if_answered(attempt, now)
    return response
