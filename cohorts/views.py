"""Browser views of the cohorts app: thin (authenticate, fetch with a permission check, call one
service or selector, render).

Learners: start an assignment, join a cohort with a code. Educators (staff pages inside the
admin, each behind `get_cohort_for_educator`): the class dashboard, a learner's drill-down,
bulk enrolment and the CSV exports (each writes an audit row).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohorts import dashboard, permissions, services
from cohorts.models import Cohort
from quizzes import attempts
from quizzes.http import AuthenticatedHttpRequest

# --- Learners -------------------------------------------------------------------------------------


@login_required
@require_POST
def start_assignment(request: AuthenticatedHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = permissions.get_assignment_for_learner(request.user, assignment_id)
    try:
        attempt = services.start_assignment(learner=request.user, assignment=assignment)
    except (services.NotOpen, attempts.AttemptLimitReached) as refused:
        messages.error(request, str(refused))
        return redirect("home")
    return redirect(attempts.behaviour_of(attempt).resume_url(attempt))


@login_required
def join_cohort(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """GET shows what the learner is joining; POST joins (a GET never writes)."""
    try:
        enrolment = services.active_code(code)
    except services.InvalidCode as invalid:
        return render(request, "cohorts/join.html", {"error": str(invalid)}, status=404)
    if request.method == "POST":
        services.join_by_code(learner=request.user, code=code)
        messages.success(request, f"You joined {enrolment.cohort}.")
        return redirect("home")
    return render(request, "cohorts/join.html", {"cohort": enrolment.cohort, "code": code})


# --- Educators (admin pages) ----------------------------------------------------------------------


def _context(request: HttpRequest, cohort: Cohort, title: str, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "opts": Cohort._meta,
        "cohort": cohort,
        "title": title,
        **extra,
    }


def class_dashboard(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
    board = dashboard.class_dashboard(cohort, now=timezone.now())
    return TemplateResponse(
        request,
        "cohorts/dashboard.html",
        _context(request, cohort, f"Class dashboard: {cohort}", board=board),
    )


def learner_detail(
    request: AuthenticatedHttpRequest, cohort_id: int, learner_id: int
) -> HttpResponse:
    cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
    learner = permissions.get_learner_for_educator(cohort, learner_id)
    detail = dashboard.learner_detail(cohort, learner, now=timezone.now())
    return TemplateResponse(
        request,
        "cohorts/learner.html",
        _context(request, cohort, f"{learner.get_full_name() or learner.username} in {cohort}",
                 learner=learner, **detail),
    )  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(rows: Iterable[list[str]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def gradebook_csv(request: AuthenticatedHttpRequest, cohort_id: int) -> StreamingHttpResponse:
    cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
    book = dashboard.gradebook(cohort, now=timezone.now())
    with transaction.atomic():
        services.record_export(
            cohort=cohort, actor=request.user, what="gradebook", rows=len(book.learners)
        )
    return _csv_response(dashboard.gradebook_rows(book), f"gradebook-{cohort.pk}.csv")


def item_results_csv(request: AuthenticatedHttpRequest, cohort_id: int) -> StreamingHttpResponse:
    cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
    with transaction.atomic():
        services.record_export(cohort=cohort, actor=request.user, what="item_results", rows=0)
    rows: Iterator[list[str]] = dashboard.item_result_rows(cohort)
    return _csv_response(rows, f"item-results-{cohort.pk}.csv")


class EnrolForm(forms.Form):
    names = forms.CharField(
        label="Usernames or e-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text="One per line (or paste a spreadsheet column).",
    )
    file = forms.FileField(
        label="Or a CSV file", required=False, help_text="Its first column is read."
    )

    def text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(2_000_000).decode("utf-8-sig", errors="replace")
        return str(self.cleaned_data.get("names") or "")


def enrol(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
    form = EnrolForm(request.POST or None, request.FILES or None)
    unknown: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.enrol_from_csv(cohort=cohort, text=form.text(), actor=request.user)
        except services.EnrolmentRefused as refused:
            unknown = refused.unknown
            form.add_error(None, f"Nobody was enrolled. {refused}" if unknown else str(refused))
        else:
            messages.success(
                request,
                f"Enrolled {len(result.added)} learner{'s' if len(result.added) != 1 else ''}"
                + (
                    f"; {len(result.already)} were already in the cohort."
                    if result.already
                    else "."
                ),
            )
            return redirect("admin:cohorts_cohort_change", cohort.pk)
    return TemplateResponse(
        request,
        "cohorts/enrol.html",
        _context(request, cohort, f"Enrol learners in {cohort}", form=form, unknown=unknown),
    )
