"""Reads of the question bank and quizzes, with the joins each page needs."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from quizzes.models import Question, Quiz


def published_quizzes() -> QuerySet[Quiz]:
    return Quiz.objects.filter(is_published=True).annotate(question_count=Count("quiz_questions"))


def quiz_for_learner(key: str) -> Quiz:
    """A published quiz, or 404: drafts do not exist for learners."""
    try:
        return published_quizzes().get(key=key)
    except Quiz.DoesNotExist as error:
        raise Http404("No such quiz.") from error


def quiz_questions_for_preview(quiz: Quiz) -> list[Question]:
    quiz_questions = quiz.quiz_questions.select_related("question__current_version")
    return [qq.question for qq in quiz_questions]
