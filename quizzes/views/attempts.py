"""Browser views of an attempt: one question at a time, answers, feedback, exam submission."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from quizzes import selectors, services
from quizzes.content import QuestionContent, QuestionType
from quizzes.forms import (
    AnswerMetaForm,
    ProblemReportForm,
    posted_state,
    raw_answer_from_post,
    selected_state,
    widget_rows,
)
from quizzes.grading import AnswerError
from quizzes.models import AttemptItem, AttemptKind, AttemptStatus, QuizMode, ResponseStatus
from quizzes.presentation import feedback_view, question_view, region_labels, to_tokens


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def start_quiz(request: HttpRequest, key: str) -> HttpResponse:
    quiz = selectors.quiz_for_learner(key)
    attempt = services.start_attempt(learner=request.user, quiz=quiz)
    return redirect(selectors.resume_url(attempt))


def _saved_tokens(item: AttemptItem) -> dict[str, Any]:
    response = getattr(item, "response", None)
    if response is None:
        return {}
    payload = {k: v for k, v in response.answer.items() if k != "type"}
    return to_tokens(item.presentation, payload)


def _feedback_context(item: AttemptItem, content: QuestionContent) -> dict[str, Any]:
    """Feedback for an answered item, never before: the key only follows the student's answer."""
    response = getattr(item, "response", None)
    attempt = item.attempt
    exam_open = attempt.mode == QuizMode.EXAM and attempt.status != AttemptStatus.SUBMITTED
    if response is None or exam_open:
        return {"response": response, "feedback": None}
    if response.status != ResponseStatus.GRADED:
        return {"response": response, "feedback": None, "pending": True}
    feedback = feedback_view(content, item.presentation, response.result, response.answer)
    if content.type is QuestionType.HOTSPOT:
        feedback["hotspot"] = _hotspot_feedback(item, content, response.answer)
        # Only the region the student chose and the key's regions need words.
        feedback["parts"] = [
            part
            for part in feedback["parts"]
            if part["selected"] or part["id"] in feedback["hotspot"]["key"]
        ]
    shares = selectors.peer_choice_shares(item.version_id)
    if shares is not None:
        token_shares = {
            token: shares.get(part_id, 0.0)
            for group in ("choices", "regions")
            for token, part_id in item.presentation.get(group, [])
        }
        for part in feedback["parts"]:
            part["share"] = token_shares.get(part["id"])
        feedback["has_shares"] = True
    return {"response": response, "feedback": feedback}


def _hotspot_feedback(
    item: AttemptItem, content: QuestionContent, answer: dict[str, Any]
) -> dict[str, Any]:
    """The figure with the key's regions and the student's click or chosen region marked."""
    tokens = {part_id: token for token, part_id in item.presentation.get("regions", [])}
    return {
        "key": {tokens[r.id] for r in content.figure.regions if r.correct},
        "chosen": tokens.get(answer.get("region")),
        "x": answer.get("x"),
        "y": answer.get("y"),
    }


def _question_context(
    request: HttpRequest,
    item: AttemptItem,
    *,
    state: dict[str, Any] | None = None,
    error: AnswerError | None = None,
) -> dict[str, Any]:
    attempt = item.attempt
    content = QuestionContent.from_dict(item.version.content)
    view = question_view(content, item.presentation)
    if "figure" in view:
        view["figure"]["url"] = reverse("figure-image", args=[view["figure"]["id"]])
        # A marker about 2% of the figure: visible on a phone, not hiding the area on a desk.
        view["figure"]["marker_r"] = round(
            max(view["figure"]["width"], view["figure"]["height"]) / 45, 1
        )
    qtype = content.type
    if state is None:
        state = selected_state(qtype, item.presentation, _saved_tokens(item))
    items = selectors.items_with_status(attempt)
    context = widget_rows(view, state) | {
        "attempt": attempt,
        "item": item,
        "view": view,
        "type": str(qtype),
        "state": state,
        "error": error,
        "items": items,
        "count": len(items),
        "number": item.position + 1,
        "previous": item.position - 1 if item.position > 0 else None,
        "next": item.position + 1 if item.position + 1 < len(items) else None,
        "idempotency_key": uuid.uuid4(),
        "is_exam": attempt.mode == QuizMode.EXAM,
        "is_open": services.item_is_open(item),
        "confidence_choices": [("guess", "Guess"), ("unsure", "Unsure"), ("sure", "Sure")],
        "positions": range(1, len(view.get("items", [])) + 1),
        "ranks": range(1, view.get("rank_count", 0) + 1),
        "region_labels": region_labels(item.presentation),
        "report_form": ProblemReportForm(),
    }
    context |= _feedback_context(item, content)
    if attempt.kind == AttemptKind.CASE:
        context["back_url"] = reverse("case-attempt", args=[attempt.pk])
    elif attempt.kind == AttemptKind.REVIEW:
        context["back_url"] = reverse("review-queue")
    return context


@login_required
@require_GET
def question(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item = selectors.item_for_learner(request.user, attempt_id, position)
    attempt = item.attempt
    if attempt.mode == QuizMode.EXAM:
        if attempt.status == AttemptStatus.SUBMITTED:
            return redirect("attempt-results", attempt_id=attempt.pk)
        if attempt.deadline and timezone.now() >= attempt.deadline:
            services.finalize_attempt(attempt_id=attempt.pk, auto=True)
            messages.warning(request, "Time is up: your saved answers have been submitted.")
            return redirect("attempt-results", attempt_id=attempt.pk)
    context = _question_context(request, item)
    if not context["is_open"]:
        messages.info(request, "Answer the questions of the current stage first.")
        return redirect(context.get("back_url") or "home")
    return render(request, "quizzes/question.html", context)


@login_required
@require_POST
def answer(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item = selectors.item_for_learner(request.user, attempt_id, position)
    qtype = QuestionType(item.version.content["type"])
    meta = AnswerMetaForm(request.POST)
    try:
        if not meta.is_valid():
            raise AnswerError(
                "idempotency_key", "This form has expired: reload the page and answer again."
            )
        raw = raw_answer_from_post(qtype, item.presentation, request.POST)
        services.submit_answer(
            learner=request.user,
            item=item,
            raw_answer=raw,
            idempotency_key=meta.cleaned_data["idempotency_key"],
            confidence=meta.cleaned_data.get("confidence") or "",
            client_seq=meta.cleaned_data.get("client_seq")
            or int(timezone.now().timestamp() * 1000),
        )
    except AnswerError as error:
        if _wants_json(request):
            return JsonResponse(
                {"saved": False, "field": error.field, "error": error.message}, status=400
            )
        state = posted_state(qtype, item.presentation, request.POST)
        context = _question_context(request, item, state=state, error=error)
        template = "quizzes/partials/answer_area.html" if request.htmx else "quizzes/question.html"
        return render(request, template, context, status=200 if request.htmx else 400)
    except services.AttemptClosed as closed:
        if _wants_json(request):
            return JsonResponse({"saved": False, "error": str(closed), "closed": True}, status=409)
        messages.error(request, str(closed))
        return redirect("attempt-question", attempt_id=attempt_id, position=position)
    if _wants_json(request):
        return JsonResponse({"saved": True, "client_seq": meta.cleaned_data.get("client_seq")})
    if request.htmx:
        item = selectors.item_for_learner(request.user, attempt_id, position)
        return render(
            request, "quizzes/partials/answer_area.html", _question_context(request, item)
        )
    return redirect("attempt-question", attempt_id=attempt_id, position=position)


@login_required
@require_GET
def feedback(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """The answer area, polled by htmx while grading runs in Celery."""
    item = selectors.item_for_learner(request.user, attempt_id, position)
    return render(request, "quizzes/partials/answer_area.html", _question_context(request, item))


@login_required
@require_POST
def flag(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item = selectors.item_for_learner(request.user, attempt_id, position)
    try:
        services.set_flag(item=item, flagged=request.POST.get("flagged") == "1")
    except services.AttemptClosed as closed:
        messages.error(request, str(closed))
    return redirect("attempt-question", attempt_id=attempt_id, position=position)


@login_required
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        return redirect("attempt-results", attempt_id=attempt.pk)
    if request.method == "POST":
        services.finalize_attempt(attempt_id=attempt.pk)
        return redirect("attempt-results", attempt_id=attempt.pk)
    items = selectors.items_with_status(attempt)
    return render(
        request,
        "quizzes/submit.html",
        {
            "attempt": attempt,
            "items": items,
            "unanswered": [i for i in items if not i.answered],
            "flagged": [i for i in items if i.flagged],
        },
    )


@login_required
@require_GET
def results(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    if attempt.status != AttemptStatus.SUBMITTED:
        return redirect(selectors.resume_url(attempt))
    rows = []
    pending = False
    for item in selectors.items_for_results(attempt):
        content = QuestionContent.from_dict(item.version.content)
        response = getattr(item, "response", None)
        row = {
            "item": item,
            "view": question_view(content, item.presentation),
            "response": response,
            "feedback": None,
            "key": None,
        }
        if response is not None and response.status == ResponseStatus.GRADED:
            row["feedback"] = feedback_view(
                content, item.presentation, response.result, response.answer
            )
        else:
            pending = pending or response is not None
            row["key"] = feedback_view(content, item.presentation, {"score": 0, "correct": False})
        rows.append(row)
    template = "quizzes/partials/results_body.html" if request.htmx else "quizzes/results.html"
    return render(request, template, {"attempt": attempt, "rows": rows, "pending": pending})


@login_required
@require_POST
def report(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item = selectors.item_for_learner(request.user, attempt_id, position)
    if not hasattr(item, "response"):
        raise Http404("Answer the question before reporting a problem with it.")
    form = ProblemReportForm(request.POST)
    if form.is_valid():
        services.report_problem(learner=request.user, item=item, text=form.cleaned_data["text"])
        messages.success(request, "Thank you: your report has been sent to the educators.")
    else:
        messages.error(request, "Describe the problem in a few words (5 to 2000 characters).")
    return redirect("attempt-question", attempt_id=attempt_id, position=position)
