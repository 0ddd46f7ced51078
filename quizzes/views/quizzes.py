"""Browser views of the question bank: home, quiz pages, attempts."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from quizzes import selectors
from quizzes.models import Quiz
from quizzes.versioning import content_of, questions_with_parts


@login_required
def quiz_detail(request: HttpRequest, key: str) -> HttpResponse:
    quiz = selectors.quiz_for_learner(key)
    return render(request, "quizzes/quiz_detail.html", {"quiz": quiz})


@staff_member_required
def quiz_preview(request: HttpRequest, key: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz, key=key)
    question_ids = list(quiz.quiz_questions.values_list("question_id", flat=True))
    by_id = questions_with_parts().in_bulk(question_ids)
    contents = [content_of(by_id[pk]) for pk in question_ids]
    return render(request, "quizzes/quiz_preview.html", {"quiz": quiz, "contents": contents})
