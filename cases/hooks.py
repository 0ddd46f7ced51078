"""How cases join the question bank: a case attempt is a kind of attempt, and a published case
is a container that holds questions (so they cannot go back to draft)."""

from __future__ import annotations

from django.urls import reverse

from cases.models import CASE_KIND, Case
from quizzes import attempts, authoring
from quizzes.models import Attempt, Status


def _case_url(attempt: Attempt) -> str:
    return reverse("case-attempt", args=[attempt.pk])


def published_cases_holding(question_ids: list[int]) -> dict[int, list[str]]:
    holding: dict[int, list[str]] = {}
    rows = Case.objects.filter(
        status=Status.PUBLISHED, stages__stage_questions__question_id__in=question_ids
    ).values_list("stages__stage_questions__question_id", "title")
    for question_id, title in rows.distinct():
        holding.setdefault(question_id, []).append(title)
    return holding


def register() -> None:
    attempts.register_kind(
        attempts.AttemptBehaviour(
            kind=CASE_KIND,
            label="Case",
            learner_submits=False,
            completes_when_answered=True,
            resume_url=_case_url,
            back_url=_case_url,
            history_url=_case_url,
            title=lambda attempt: "Clinical case",
            back_label="Back to the case",
        )
    )
    authoring.register_container("case", published_cases_holding)
