"""Browser views: the learner's home page, the case player and figure images."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.models import Figure
from quizzes.models import Status, Topic
from quizzes.selectors import items_with_status, open_attempts_for, published_quizzes


@login_required
def home(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic") or None
    return render(
        request,
        "cases/home.html",
        {
            "topic": topic,
            "topics": Topic.objects.filter(questions__status=Status.PUBLISHED).distinct(),
            "quizzes": published_quizzes(topic=topic),
            "cases": selectors.published_cases(topic=topic),
            "open_attempts": open_attempts_for(request.user)[:5],
            "open_cases": selectors.open_case_attempts_for(request.user)[:5],
        },
    )


@login_required
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    case = selectors.case_for_learner(key)
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "open_attempt": selectors.open_case_attempt(request.user, case)},
    )


@login_required
@require_POST
def start_case(request: HttpRequest, key: str) -> HttpResponse:
    case = selectors.case_for_learner(key)
    case_attempt = services.start_case(learner=request.user, case=case)
    return redirect("case-attempt", attempt_id=case_attempt.attempt_id)


@login_required
def case_attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    case_attempt = selectors.case_attempt_for_learner(request.user, attempt_id)
    finished = services.finish_case_if_complete(case_attempt=case_attempt)
    case_attempt.attempt.refresh_from_db()  # finishing may just have scored it
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
            "finished": finished,
            "total": len(stages),
        },
    )


@login_required
def figure_image(request: HttpRequest, figure_id: int) -> FileResponse:
    figure = get_object_or_404(Figure, pk=figure_id)
    content_type = mimetypes.guess_type(figure.image.name)[0] or "application/octet-stream"
    response = FileResponse(figure.image.open("rb"), content_type=content_type)
    # An SVG opened on its own must not run anything, even if one slipped past the upload check.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
