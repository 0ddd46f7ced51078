"""Browser views of the case player: a case's page, starting it, and its stages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases import selectors, services
from quizzes.http import AuthenticatedHttpRequest
from quizzes.models import AttemptStatus
from quizzes.selectors import items_with_status


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    case = selectors.case_for_learner(key)
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "open_attempt": selectors.open_case_attempt(request.user, case)},
    )


@login_required
@require_POST
def start_case(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    case = selectors.case_for_learner(key)
    case_attempt, _created = services.start_case(learner=request.user, case=case)
    return redirect("case-attempt", attempt_id=case_attempt.attempt_id)


@login_required
@require_GET
def case_attempt(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    case_attempt = selectors.case_attempt_for_learner(request.user, attempt_id)
    items = items_with_status(case_attempt.attempt)
    stages = selectors.player_stages(case_attempt, items)
    return render(
        request,
        "cases/case_attempt.html",
        {
            "case_attempt": case_attempt,
            "case": case_attempt.case,
            "attempt": case_attempt.attempt,
            "stages": stages,
            "finished": case_attempt.attempt.status == AttemptStatus.SUBMITTED,
            "total": len(stages),
        },
    )
