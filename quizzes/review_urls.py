from django.urls import path

from quizzes.views import progress, review

urlpatterns = [
    path("reviews/", review.review_queue, name="review-queue"),
    path("reviews/next/", review.review_next, name="review-next"),
    path("reviews/cards/<int:card_id>/", review.review_card, name="review-card"),
    path("progress/", progress.progress, name="progress"),
    path("settings/", review.learner_settings, name="learner-settings"),
]
