"""Routes of the learner's API, mounted under /api/v1/ by edu_platform.api_urls."""

from django.urls import path

from quizzes.api import views

ITEM = "attempts/<int:attempt_id>/items/<int:position>/"

urlpatterns = [
    path("topics/", views.TopicListView.as_view(), name="api-topic-list"),
    path("quizzes/", views.QuizListView.as_view(), name="api-quiz-list"),
    path("quizzes/<slug:key>/", views.QuizDetailView.as_view(), name="api-quiz-detail"),
    path(
        "quizzes/<slug:key>/attempts/",
        views.AttemptStartView.as_view(),
        name="api-attempt-start",
    ),
    path("attempts/", views.AttemptListView.as_view(), name="api-attempt-list"),
    path("attempts/<int:attempt_id>/", views.AttemptDetailView.as_view(), name="api-attempt"),
    path(
        "attempts/<int:attempt_id>/submit/",
        views.AttemptSubmitView.as_view(),
        name="api-attempt-submit",
    ),
    path(
        "attempts/<int:attempt_id>/results/",
        views.AttemptResultsView.as_view(),
        name="api-attempt-results",
    ),
    path(ITEM, views.ItemView.as_view(), name="api-item"),
    path(f"{ITEM}answer/", views.AnswerView.as_view(), name="api-item-answer"),
    path(f"{ITEM}feedback/", views.ItemFeedbackView.as_view(), name="api-item-feedback"),
    path(f"{ITEM}flag/", views.FlagView.as_view(), name="api-item-flag"),
    path(f"{ITEM}tools/", views.ToolsView.as_view(), name="api-item-tools"),
]
