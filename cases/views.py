"""Browser views: the learner's home page and the case player."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors
from quizzes.selectors import published_quizzes


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/home.html",
        {"quizzes": published_quizzes(), "cases": selectors.published_cases()},
    )


@login_required
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    case = selectors.case_for_learner(key)
    return render(request, "cases/case_detail.html", {"case": case})
