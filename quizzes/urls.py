from django.urls import path

from quizzes.views import attempts, figures, quizzes

urlpatterns = [
    path("quizzes/<slug:key>/", quizzes.quiz_detail, name="quiz-detail"),
    path("quizzes/<slug:key>/preview/", quizzes.quiz_preview, name="quiz-preview"),
    path("quizzes/<slug:key>/start/", attempts.start_quiz, name="quiz-start"),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/",
        attempts.question,
        name="attempt-question",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/answer/",
        attempts.answer,
        name="attempt-answer",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/feedback/",
        attempts.feedback,
        name="attempt-feedback",
    ),
    path("attempts/<int:attempt_id>/q/<int:position>/flag/", attempts.flag, name="attempt-flag"),
    path("attempts/<int:attempt_id>/q/<int:position>/tools/", attempts.tools, name="attempt-tools"),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/report/",
        attempts.report,
        name="attempt-report",
    ),
    path("attempts/<int:attempt_id>/submit/", attempts.submit, name="attempt-submit"),
    path("attempts/<int:attempt_id>/results/", attempts.results, name="attempt-results"),
    path("figures/<int:figure_id>/image/", figures.figure_image, name="figure-image"),
]
