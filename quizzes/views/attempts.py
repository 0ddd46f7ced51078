"""Browser views of an attempt: one question at a time, answers, feedback, submission, results.

What the learner may see of each question is `quizzes.learner_view`'s decision; the writes are
`quizzes.attempts`' services. The exam's autosave talks to the JSON API, not to these views.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import attempts, exam_tools, reports, selectors
from quizzes.content import QuestionContent
from quizzes.forms import (
    AnswerMetaForm,
    ProblemReportForm,
    posted_state,
    raw_answer_from_post,
    selected_state,
    widget_rows,
)
from quizzes.grading import AnswerError
from quizzes.http import AuthenticatedHttpRequest
from quizzes.learner_view import (
    ItemVisibility,
    item_visibility,
    results_released,
    results_visible,
)
from quizzes.models import (
    AttemptItem,
    AttemptStatus,
    Confidence,
    QuizMode,
    Response,
    ResponseStatus,
)
from quizzes.presentation import answer_tokens, feedback_view, question_view
from quizzes.qtypes import kind_of
from quizzes.results import attempt_calibration, confident_errors_in, results_by_topic

META_ERRORS = {
    "idempotency_key": "This form has expired: reload the page and answer again.",
    "client_seq": "This form's save number is not valid: reload the page and answer again.",
    "confidence": "Choose how sure you are from the choices given.",
}


@login_required
@require_POST
def start_quiz(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    quiz = selectors.quiz_for_learner(key)
    try:
        attempt, _created = attempts.start_quiz_attempt(learner=request.user, quiz=quiz)
    except attempts.AttemptLimitReached as limit:
        messages.error(request, str(limit))
        return redirect("quiz-detail", key=quiz.key)
    return redirect(attempts.behaviour_of(attempt).resume_url(attempt))


def _response(item: AttemptItem) -> Response | None:
    return getattr(item, "response", None)


def _visible_item(
    request: AuthenticatedHttpRequest, attempt_id: int, position: int
) -> tuple[AttemptItem, ItemVisibility]:
    """The learner's item, or 404 while the learner may not see it (a case stage not reached)."""
    item = selectors.item_for_learner(request.user, attempt_id, position)
    visibility = item_visibility(item.attempt, item, _response(item))
    if not visibility.question:
        raise Http404("Answer the questions of the current stage first.")
    return item, visibility


def figure_view(view: dict[str, Any]) -> None:
    """Add a hotspot figure's URL and marker size to a question view."""
    if "figure" in view:
        view["figure"]["url"] = reverse("figure-image", args=[view["figure"]["id"]])
        # A marker about 2% of the figure: visible on a phone, not hiding the area on a desk.
        view["figure"]["marker_r"] = round(
            max(view["figure"]["width"], view["figure"]["height"]) / 45, 1
        )


def _feedback_context(
    item: AttemptItem, content: QuestionContent, visibility: ItemVisibility
) -> dict[str, Any]:
    response = _response(item)
    if response is None or not visibility.grade:
        pending = response is not None and response.status == ResponseStatus.PENDING
        waited = (timezone.now() - response.submitted_at).total_seconds() if response else 0
        delayed = pending and waited > settings.GRADING_DELAY_NOTICE_SECONDS
        return {"response": response, "feedback": None, "pending": pending, "delayed": delayed}
    # A graded response always holds its result (quizzes.pipeline writes both at once).
    result = cast(dict[str, Any], response.result)
    feedback = feedback_view(content, item.presentation, result, response.answer)
    feedback |= kind_of(content.type).feedback_extras(content, item.presentation, response.answer)
    if not visibility.hints:
        feedback["hints"] = []
    if "hotspot" in feedback:
        # Only the region the student chose and the key's regions need words.
        key = feedback["hotspot"]["key"]
        feedback["parts"] = [p for p in feedback["parts"] if p["selected"] or p["id"] in key]
    shares = selectors.peer_choice_shares(item.version_id) if visibility.peer_shares else None
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


def _question_context(
    item: AttemptItem,
    visibility: ItemVisibility,
    *,
    state: dict[str, Any] | None = None,
    error: AnswerError | None = None,
) -> dict[str, Any]:
    attempt = item.attempt
    content = QuestionContent.from_dict(item.version.content)
    view = question_view(content, item.presentation)
    figure_view(view)
    if state is None:
        response = _response(item)
        tokens = answer_tokens(item.presentation, response.answer) if response else {}
        state = selected_state(content.type, item.presentation, tokens)
    items = selectors.items_with_status(attempt)
    behaviour = attempts.behaviour_of(attempt)
    context = widget_rows(content.type, view, state) | {
        "attempt": attempt,
        "item": item,
        "view": view,
        "type": content.type,
        "widget_template": kind_of(content.type).widget_template,
        "state": state,
        "error": error,
        "items": items,
        "count": len(items),
        "number": item.position + 1,
        "previous": item.position - 1 if item.position > 0 else None,
        "next": item.position + 1 if item.position + 1 < len(items) else None,
        "idempotency_key": uuid.uuid4(),
        "is_exam": attempt.mode == QuizMode.EXAM,
        "confidence_choices": Confidence.choices,
        "asks_confidence": attempts.asks_confidence(attempt),
        "report_form": ProblemReportForm(),
        "learner_submits": behaviour.learner_submits,
        "back_url": behaviour.back_url(attempt),
        "back_label": behaviour.back_label,
        # A callable: the template calls it only on the full page, never on htmx's partials.
        "context_panel": (
            partial(behaviour.context_panel, attempt, item.position)
            if behaviour.context_panel
            else ""
        ),
        # Called by the template only below feedback (the review queue's next card).
        "after_feedback": (
            partial(behaviour.after_feedback, attempt) if behaviour.after_feedback else None
        ),
        "after_feedback_template": behaviour.after_feedback_template,
        "attempt_title": behaviour.title(attempt),
    }
    return context | _feedback_context(item, content, visibility)


def _tools_context(item: AttemptItem) -> dict[str, Any]:
    """The exam-screen tools while the attempt takes answers (marking for review always)."""
    attempt = item.attempt
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return {"show_tools": False}
    offered = exam_tools.tools_offered(attempt)
    state = exam_tools.tools_of(item)
    labs = exam_tools.lab_values() if offered else []
    return {
        "show_tools": True,
        "tools_offered": offered,
        "tools_state": {"struck": state.struck, "highlights": state.highlights, "note": state.note},
        "note_max": exam_tools.MAX_NOTE_LENGTH,
        "lab_values": labs,
        "lab_sources": list(dict.fromkeys(lab.source for lab in labs)),
    }


@login_required
@require_GET
def question(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item = selectors.item_for_learner(request.user, attempt_id, position)
    attempt = item.attempt
    if attempt.mode == QuizMode.EXAM:
        if attempt.status == AttemptStatus.SUBMITTED:
            return redirect("attempt-results", attempt_id=attempt.pk)
        if attempt.deadline and timezone.now() >= attempt.deadline:
            attempts.close_attempt(attempt_id=attempt.pk, auto=True)
            messages.warning(request, "Time is up: your saved answers have been submitted.")
            return redirect("attempt-results", attempt_id=attempt.pk)
    visibility = item_visibility(attempt, item, _response(item))
    if not visibility.question:
        messages.info(request, "Answer the questions of the current stage first.")
        return redirect(attempts.behaviour_of(attempt).back_url(attempt) or "home")
    context = _question_context(item, visibility) | _tools_context(item)
    return render(request, "quizzes/question.html", context)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item, visibility = _visible_item(request, attempt_id, position)
    question_type = str(item.version.content["type"])
    meta = AnswerMetaForm(request.POST)
    try:
        if not meta.is_valid():
            field = next(iter(meta.errors))
            raise AnswerError(field, META_ERRORS.get(field, META_ERRORS["idempotency_key"]))
        raw = raw_answer_from_post(question_type, item.presentation, request.POST)
        attempts.submit_answer(
            learner=request.user,
            item=item,
            raw_answer=raw,
            idempotency_key=meta.cleaned_data["idempotency_key"],
            confidence=meta.cleaned_data.get("confidence") or "",
            client_seq=meta.cleaned_data.get("client_seq")
            or int(timezone.now().timestamp() * 1000),
        )
    except AnswerError as error:
        state = posted_state(question_type, item.presentation, request.POST)
        context = _question_context(item, visibility, state=state, error=error)
        if not request.htmx:
            context |= _tools_context(item)
        template = "quizzes/partials/answer_area.html" if request.htmx else "quizzes/question.html"
        return render(request, template, context, status=200 if request.htmx else 400)
    except attempts.AttemptClosed as closed:
        messages.error(request, str(closed))
        return redirect("attempt-question", attempt_id=attempt_id, position=position)
    if request.htmx:
        item, visibility = _visible_item(request, attempt_id, position)
        return render(
            request, "quizzes/partials/answer_area.html", _question_context(item, visibility)
        )
    return redirect("attempt-question", attempt_id=attempt_id, position=position)


@login_required
@require_GET
def feedback(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """The answer area, polled by htmx while grading runs in Celery."""
    item, visibility = _visible_item(request, attempt_id, position)
    return render(request, "quizzes/partials/answer_area.html", _question_context(item, visibility))


@login_required
@require_POST
def flag(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item, _visibility = _visible_item(request, attempt_id, position)
    try:
        attempts.set_flag(item=item, flagged=request.POST.get("flagged") == "1")
    except attempts.AttemptClosed as closed:
        messages.error(request, str(closed))
    return redirect("attempt-question", attempt_id=attempt_id, position=position)


@login_required
@require_POST
def tools(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """Save the note without JavaScript (the page's script saves every tool through the API)."""
    item, _visibility = _visible_item(request, attempt_id, position)
    current = exam_tools.tools_of(item)
    try:
        state = exam_tools.validate_tools(
            item,
            struck=current.struck,
            highlights=current.highlights,
            note=request.POST.get("note", ""),
        )
        exam_tools.save_tools(
            item=item, state=state, client_seq=int(timezone.now().timestamp() * 1000)
        )
    except (exam_tools.ToolsError, exam_tools.ToolsOff, attempts.AttemptClosed) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Note saved.")
    return redirect("attempt-question", attempt_id=attempt_id, position=position)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    behaviour = attempts.behaviour_of(attempt)
    if not behaviour.learner_submits:
        raise Http404("This attempt finishes by itself; it is not submitted.")
    if attempt.status == AttemptStatus.SUBMITTED:
        return redirect("attempt-results", attempt_id=attempt.pk)
    if request.method == "POST":
        attempts.submit_attempt(attempt_id=attempt.pk)
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
def results(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    if not results_visible(attempt):
        return redirect(attempts.behaviour_of(attempt).resume_url(attempt))
    rows = []
    pending = False
    items = list(selectors.items_for_results(attempt))
    for item in items:
        content = QuestionContent.from_dict(item.version.content)
        response = _response(item)
        visibility = item_visibility(attempt, item, response)
        row: dict[str, Any] = {
            "item": item,
            "view": question_view(content, item.presentation),
            "response": response,
            "feedback": None,
            "key": None,
            "note": exam_tools.tools_of(item).note,
        }
        if visibility.grade and response is not None:
            result = cast(dict[str, Any], response.result)  # graded: its result is set
            row["feedback"] = feedback_view(content, item.presentation, result, response.answer)
        elif visibility.key:
            row["key"] = feedback_view(content, item.presentation, {"score": 0, "correct": False})
        pending = pending or (response is not None and response.status != ResponseStatus.GRADED)
        rows.append(row)
    template = "quizzes/partials/results_body.html" if request.htmx else "quizzes/results.html"
    context = {
        "attempt": attempt,
        "title": attempts.behaviour_of(attempt).title(attempt),
        "rows": rows,
        "pending": pending,
    }
    # Held back (an exam set for a class, released later): no score, no per-topic marks.
    if results_released(attempt):
        context |= {
            "released": True,
            "by_topic": results_by_topic(items),
            "calibration": attempt_calibration(items),
            "confident_errors": confident_errors_in(items),
        }
    return render(request, template, context)


@login_required
@require_POST
def report(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    item, _visibility = _visible_item(request, attempt_id, position)
    if _response(item) is None:
        raise Http404("Answer the question before reporting a problem with it.")
    form = ProblemReportForm(request.POST)
    if form.is_valid():
        reports.report_problem(learner=request.user, item=item, text=form.cleaned_data["text"])
        messages.success(request, "Thank you: your report has been sent to the educators.")
    else:
        messages.error(request, "Describe the problem in a few words (5 to 2000 characters).")
    return redirect("attempt-question", attempt_id=attempt_id, position=position)
