"""The learner's home page: what is set for them, what to continue, and every published quiz and
case by topic."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from cases import selectors as case_selectors
from cohorts import selectors as cohort_selectors
from quizzes import selectors
from quizzes.http import AuthenticatedHttpRequest
from quizzes.models import Status, Topic


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    topic = request.GET.get("topic") or None
    if topic is not None and not slug_re.fullmatch(topic):
        topic = None  # not a topic's slug: show everything
    now = timezone.now()
    return render(
        request,
        "home.html",
        {
            "now": now,
            "set_for_you": cohort_selectors.set_for_learner(request.user, now=now),
            "topic": topic,
            "topics": Topic.objects.filter(questions__status=Status.PUBLISHED).distinct(),
            "quizzes": selectors.published_quizzes(topic=topic),
            "cases": case_selectors.published_cases(topic=topic),
            "open_attempts": selectors.open_attempts_for(request.user)[:5],
            "open_cases": case_selectors.open_case_attempts_for(request.user)[:5],
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages without an icon link (admin, API docs)."""
    return redirect(static("favicon.svg"))
