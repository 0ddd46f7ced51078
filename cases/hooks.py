"""How cases join the question bank: a case attempt is a kind of attempt, and a published case
is a container that holds questions (so they cannot go back to draft)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.urls import reverse

from cases.models import CASE_KIND, Case, CaseAttempt, CaseStage
from cases.selectors import player_stages
from quizzes import attempts, authoring, learner_view
from quizzes.models import Attempt, AttemptStatus, Status
from quizzes.selectors import items_with_status


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


def stage_shows_figure(learner: User, figure_id: int) -> bool:
    """A stage revealed to the learner in one of their case attempts shows the figure."""
    case_attempts = CaseAttempt.objects.filter(
        attempt__learner=learner, case__stages__figures__id=figure_id
    ).select_related("attempt")
    for case_attempt in case_attempts.distinct():
        stages = CaseStage.objects.filter(pk__in=[row[0] for row in case_attempt.stage_items])
        showing = set(stages.filter(figures__id=figure_id).values_list("pk", flat=True))
        items = items_with_status(case_attempt.attempt)
        finished = case_attempt.attempt.status == AttemptStatus.SUBMITTED
        for stage in player_stages(case_attempt, items):
            if stage.stage.pk in showing and (stage.revealed or finished):
                return True
    return False


def stage_panel(attempt: Attempt, position: int) -> str:
    """The case so far beside a stage's question: the stage holding the question open, the
    earlier ones collapsed; never a later stage (the learner has not reached it)."""
    case_attempt = CaseAttempt.objects.select_related("case").get(attempt=attempt)
    stages = player_stages(case_attempt, items_with_status(attempt))
    shown = []
    for stage in stages:
        shown.append(stage)
        if any(item.position == position for item in stage.items):
            break
    return render_to_string(
        "cases/partials/question_context.html",
        {"case": case_attempt.case, "stages": shown, "total": len(stages)},
    )


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
            context_panel=stage_panel,
        )
    )
    authoring.register_container("case", published_cases_holding)
    learner_view.register_figure_use(stage_shows_figure)
