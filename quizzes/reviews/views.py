"""Browser views of spaced repetition: the review queue, one card's history, review settings,
and the progress dashboard."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import attempts, calibration
from quizzes.http import AuthenticatedHttpRequest
from quizzes.reviews import cards, charts, personal, queue, scheduling
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
        stability=card.stability, last_review=card.last_review, now=timezone.now()
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
