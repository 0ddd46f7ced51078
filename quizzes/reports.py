"""Learners' reports of errors in questions, for educators to review beside the question."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from quizzes.models import AttemptItem, ProblemReport


@transaction.atomic
def report_problem(*, learner: User, item: AttemptItem, text: str) -> ProblemReport:
    """Record a learner's report of an error in a question they have answered."""
    return ProblemReport.objects.create(
        question_id=item.question_id, version_id=item.version_id, learner=learner, text=text.strip()
    )
