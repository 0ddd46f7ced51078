"""Browser view of "create a test": the form with each topic's pools, and the learner's tests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes import attempts
from quizzes.http import AuthenticatedHttpRequest
from quizzes.models import Attempt, AttemptKind
from quizzes.practice.builder import NothingToDraw, build_test
from quizzes.practice.forms import CreateTestForm
from quizzes.practice.models import PracticePool
from quizzes.practice.pools import topic_pools

RECENT_TESTS = 10


@login_required
@require_http_methods(["GET", "POST"])
def create_test(request: AuthenticatedHttpRequest) -> HttpResponse:
    pools = topic_pools(request.user)
    form = CreateTestForm(request.POST or None, topic_pools=pools)
    if request.method == "POST" and form.is_valid():
        wanted = form.test_request()
        try:
            attempt = build_test(learner=request.user, request=wanted)
        except NothingToDraw as nothing:
            form.add_error(None, str(nothing))
        else:
            drawn = int(attempt.max_score or 0)
            if drawn < wanted.count:
                messages.info(
                    request,
                    f"Only {drawn} question{'s' if drawn != 1 else ''} matched, so your test "
                    f"has {drawn}.",
                )
            return redirect(attempts.first_unanswered_url(attempt))
    tests = Attempt.objects.filter(learner=request.user, kind=AttemptKind.PRACTICE).order_by(
        "-started_at"
    )[:RECENT_TESTS]
    rows = [
        (
            attempt,
            attempts.behaviour_of(attempt).title(attempt),
            attempts.first_unanswered_url(attempt),
        )
        for attempt in tests
    ]
    return render(
        request,
        "quizzes/practice/create.html",
        {"form": form, "pools": pools, "pool_choices": PracticePool.choices, "tests": rows},
        status=400 if form.errors else 200,
    )
