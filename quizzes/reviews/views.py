"""Browser views of spaced repetition: the review queue, one card's history, review settings,
and the progress dashboard."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import attempts, calibration
from quizzes.http import AuthenticatedHttpRequest
from quizzes.models import Topic
from quizzes.reviews import cards, charts, personal, planning, queue, scheduling
from quizzes.reviews import learner_settings as review_settings
from quizzes.reviews import progress as progress_selectors


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = queue.queue_status(learner=request.user, now=timezone.now())
    recent = queue.recent_reviews(learner=request.user)
    return render(request, "quizzes/review_queue.html", {"status": status, "recent": recent})


@login_required
@require_POST
def review_next(request: AuthenticatedHttpRequest) -> HttpResponse:
    item = queue.next_review_item(learner=request.user, now=timezone.now())
    if item is None:
        messages.success(request, "Nothing more to review today. Come back tomorrow.")
        return redirect("review-queue")
    return redirect("attempt-question", item.attempt_id, item.position)


@login_required
@require_GET
def review_card(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = cards.card_for_learner(request.user, card_id)
    recall = scheduling.retrievability(
        stability=card.stability,
        last_review=card.last_review,
        now=timezone.now(),
        parameters=personal.parameters_for(card.learner_id),
    )
    logs = card.logs.order_by("-reviewed_at", "-id")
    return render(
        request, "quizzes/review_card.html", {"card": card, "recall": recall, "logs": logs}
    )


class LearnerSettingsForm(forms.Form):
    desired_retention = forms.IntegerField(
        label="Desired retention (%)",
        min_value=round(scheduling.MIN_DESIRED_RETENTION * 100),
        max_value=round(scheduling.MAX_DESIRED_RETENTION * 100),
        help_text=(
            "How likely you want to be to remember a question when it comes back, from 70% to "
            "97%. Higher means shorter gaps and more reviews each day."
        ),
    )
    daily_new_limit = forms.IntegerField(
        label="New questions per day",
        min_value=0,
        max_value=500,
        help_text="Questions you have never answered that the review queue adds each day.",
    )
    daily_review_cap = forms.IntegerField(
        label="Most reviews per day",
        min_value=0,
        max_value=5000,
        help_text="Reviews beyond this wait for the next day.",
    )
    review_emails = forms.BooleanField(
        label="E-mail me when reviews are due (at most once a day)", required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = review_settings.current_settings(request.user)
    if request.method == "POST":
        form = LearnerSettingsForm(request.POST)
        if form.is_valid():
            retention = form.cleaned_data["desired_retention"] / 100
            saved = review_settings.update_learner_settings(
                learner=request.user,
                desired_retention=retention,
                daily_new_limit=form.cleaned_data["daily_new_limit"],
                daily_review_cap=form.cleaned_data["daily_review_cap"],
                review_emails=form.cleaned_data["review_emails"],
            )
            note = "Your settings are saved."
            if retention != current.desired_retention:
                note += (
                    f" Your review dates are being recalculated for "
                    f"{saved.desired_retention:.0%} retention."
                )
            messages.success(request, note)
            return redirect("learner-settings")
    else:
        form = LearnerSettingsForm(
            initial={
                "desired_retention": round(current.desired_retention * 100),
                "daily_new_limit": current.daily_new_limit,
                "daily_review_cap": current.daily_review_cap,
                "review_emails": current.review_emails,
            }
        )
    memory = personal.memory_model(request.user.pk)
    return render(request, "quizzes/learner_settings.html", {"form": form, "memory": memory})


@login_required
@require_GET
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = progress_selectors.dashboard(learner_id=request.user.pk, now=timezone.now())
    history = []  # (attempt, link, title) rows of the attempts table
    for attempt in data.history:
        behaviour = attempts.behaviour_of(attempt)
        history.append((attempt, behaviour.history_url(attempt), behaviour.title(attempt)))
    context = {
        "dashboard": data,
        "history": history,
        "due_today": data.forecast[0].count if data.forecast else 0,
        "topic_chart": charts.topic_chart(data.topics),
        "forecast_chart": charts.forecast_chart(data.forecast),
        "retention_chart": charts.retention_chart(data.retention),
        "accuracy_chart": charts.accuracy_chart(data.accuracy),
        "trend_chart": charts.trend_chart(data.trend),
        "calibration": calibration.learner_calibration(request.user),
        "confident_errors": calibration.confident_errors(request.user),
    }
    return render(request, "quizzes/progress.html", context)


class ExamPlanForm(forms.Form):
    exam_date = forms.DateField(
        label="Exam date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics the exam covers",
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    daily_minutes = forms.IntegerField(
        label="Minutes a day for reviews",
        min_value=5,
        max_value=600,
        help_text="New questions are only added while the day's reviews leave time for them.",
    )
    target_retention = forms.TypedChoiceField(
        label="Retention to reach by the exam",
        coerce=float,
        choices=[(str(r), f"{r:.0%}") for r in planning.RETENTION_CHOICES],
        widget=forms.RadioSelect,
        initial=str(planning.RETENTION_CHOICES[1]),
        help_text="Your reviews are scheduled for a retention that rises to this by the exam.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_exam_date(self) -> date:
        exam_date: date = self.cleaned_data["exam_date"]
        if exam_date <= self.today:
            raise forms.ValidationError("Choose a date after today.")
        return exam_date


@login_required
@require_http_methods(["GET", "POST"])
def exam_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set an exam date, topics and a time budget; preview the workload before saving."""
    today = timezone.localdate()
    plan = planning.active_plan(learner_id=request.user.pk, day=today)
    workloads: list[planning.Workload] = []
    if request.method == "POST" and request.POST.get("action") == "delete":
        planning.delete_exam_plan(learner=request.user)
        messages.success(request, "Your exam plan is removed; the queue is back to your settings.")
        return redirect("exam-plan")
    if request.method == "POST":
        form = ExamPlanForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            topic_ids = [topic.pk for topic in data["topics"]]
            if request.POST.get("action") == "save":
                planning.set_exam_plan(
                    learner=request.user,
                    exam_date=data["exam_date"],
                    topic_ids=topic_ids,
                    daily_minutes=data["daily_minutes"],
                    target_retention=data["target_retention"],
                    today=today,
                )
                messages.success(request, "Your exam plan is saved: the review queue follows it.")
                return redirect("exam-plan")
            workloads = planning.preview(
                learner=request.user,
                exam_date=data["exam_date"],
                topic_ids=topic_ids,
                daily_minutes=data["daily_minutes"],
                today=today,
            )
    elif plan is not None:
        form = ExamPlanForm(
            initial={
                "exam_date": plan.exam_date,
                "topics": list(plan.topics.all()),
                "daily_minutes": plan.daily_minutes,
                "target_retention": str(plan.target_retention),
            },
            today=today,
        )
    else:
        form = ExamPlanForm(
            initial={"exam_date": today + timedelta(days=30), "daily_minutes": 30}, today=today
        )
    context = {
        "form": form,
        "plan": plan,
        "workloads": workloads,
        "workload_chart": charts.workload_chart(workloads) if workloads else None,
    }
    return render(request, "quizzes/exam_plan.html", context)
