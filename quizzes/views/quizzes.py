"""Browser views of quizzes: a quiz's start page, and the educators' preview of a quiz."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from quizzes import selectors
from quizzes.attempts import attempts_left, exam_deadline
from quizzes.http import AuthenticatedHttpRequest
from quizzes.models import ExamAccommodation, Quiz
from quizzes.versioning import content_of, questions_with_parts


@login_required
def quiz_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    quiz = selectors.quiz_for_learner(key)
    open_attempt = selectors.open_attempts_for(request.user).filter(quiz=quiz).first()
    accommodation = ExamAccommodation.objects.filter(learner=request.user).first()
    context = {
        "quiz": quiz,
        "open_attempt": open_attempt,
        "accommodation": accommodation,
        "attempts_left": attempts_left(learner=request.user, quiz=quiz),
    }
    if accommodation and quiz.time_limit_minutes:
        allowed = exam_deadline(quiz=quiz, learner=request.user, started_at=timezone.now())
        if allowed is not None:  # None for a tutor quiz: its time limit is not enforced
            context["allowed_minutes"] = round((allowed - timezone.now()).total_seconds() / 60)
    return render(request, "quizzes/quiz_detail.html", context)


@staff_member_required
def quiz_preview(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz, key=key)
    question_ids = list(quiz.quiz_questions.values_list("question_id", flat=True))
    by_id = questions_with_parts().in_bulk(question_ids)
    contents = [content_of(by_id[pk]) for pk in question_ids]
    return render(request, "quizzes/quiz_preview.html", {"quiz": quiz, "contents": contents})
