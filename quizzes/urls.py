from django.urls import path

from quizzes.views import quizzes

urlpatterns = [
    path("quizzes/<slug:key>/", quizzes.quiz_detail, name="quiz-detail"),
    path("quizzes/<slug:key>/preview/", quizzes.quiz_preview, name="quiz-preview"),
]
