from django.urls import path

from quizzes.reviews import api, views

urlpatterns = [
    path("reviews/", views.review_queue, name="review-queue"),
    path("reviews/next/", views.review_next, name="review-next"),
    path("reviews/cards/<int:card_id>/", views.review_card, name="review-card"),
    path("progress/", views.progress, name="progress"),
    path("settings/", views.learner_settings, name="learner-settings"),
    path("reviews/plan/", views.exam_plan, name="exam-plan"),
]

# Mounted under /api/v1/ by edu_platform.api_urls.
api_urlpatterns = [
    path("review/", api.ReviewQueueView.as_view(), name="api-review-queue"),
    path("review/next/", api.ReviewNextView.as_view(), name="api-review-next"),
    path("review/cards/<int:card_id>/", api.ReviewCardView.as_view(), name="api-review-card"),
    path("progress/", api.ProgressView.as_view(), name="api-progress"),
    path("settings/", api.LearnerSettingsView.as_view(), name="api-settings"),
]
