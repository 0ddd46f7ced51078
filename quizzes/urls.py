from django.urls import path

from quizzes import views

urlpatterns = [
    path("quizzes/<slug:key>/", views.quiz_detail, name="quiz-detail"),
    path("quizzes/<slug:key>/preview/", views.quiz_preview, name="quiz-preview"),
]
