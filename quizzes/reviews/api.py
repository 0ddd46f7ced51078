"""The spaced-repetition API: the review queue, review cards, progress and review settings."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import calibration
from quizzes.api.serializers import AttemptSerializer, JSONBooleanField
from quizzes.http import AuthenticatedRequest
from quizzes.models import CardState, Confidence, ReviewCard, ReviewRating
from quizzes.reviews import cards, learner_settings, personal, progress, queue, scheduling
from quizzes.reviews.scheduling import MAX_DESIRED_RETENTION, MIN_DESIRED_RETENTION


def _example(name: str, value: Any, **kwargs: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, status_codes=["200"], **kwargs)


class ReviewLogSerializer(serializers.Serializer):
    card_id = serializers.IntegerField()
    reviewed_at = serializers.DateTimeField()
    rating = serializers.ChoiceField(choices=ReviewRating.choices)
    rating_label = serializers.CharField(source="get_rating_display")
    correct = serializers.BooleanField()
    score = serializers.FloatField()
    due_after = serializers.DateTimeField(help_text="When the card came due again.")


class ReviewQueueSerializer(serializers.Serializer):
    due = serializers.IntegerField(help_text="Review cards due now.")
    reviews_today = serializers.IntegerField()
    new_today = serializers.IntegerField()
    reviews_left = serializers.IntegerField(help_text="Reviews still allowed today.")
    new_left = serializers.IntegerField(help_text="New questions still allowed today.")
    new_available = serializers.BooleanField()
    waiting = serializers.BooleanField(help_text="A review question is served and unanswered.")
    next_due = serializers.DateTimeField(allow_null=True)
    review_cap = serializers.IntegerField()
    new_limit = serializers.IntegerField()
    can_start = serializers.BooleanField()
    recent = ReviewLogSerializer(many=True)


class ReviewNextSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="Nothing more to review today.")
    attempt_id = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField(allow_null=True)


class ReviewCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=CardState.choices)
    state_label = serializers.CharField()
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    stability = serializers.FloatField(allow_null=True, help_text="Days until recall falls to 90%.")
    difficulty = serializers.FloatField(allow_null=True, help_text="1 (easy) to 10 (hard).")
    recall = serializers.FloatField(
        allow_null=True, help_text="The probability of recalling it now, 0 to 1."
    )
    logs = ReviewLogSerializer(many=True)


def card_payload(card: ReviewCard, *, now: datetime) -> dict[str, Any]:
    """A review card, its recall probability at `now` and every review of it, newest first."""
    return {
        "id": card.pk,
        "state": card.state,
        "state_label": card.get_state_display(),
        "due": card.due,
        "last_review": card.last_review,
        "reps": card.reps,
        "lapses": card.lapses,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "recall": scheduling.retrievability(
            stability=card.stability,
            last_review=card.last_review,
            now=now,
            parameters=personal.parameters_for(card.learner_id),
        ),
        "logs": card.logs.order_by("-reviewed_at", "-id"),
    }


class TopicProgressSerializer(serializers.Serializer):
    topic_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    cards = serializers.IntegerField(help_text="Questions of the topic the learner has met.")
    mastery = serializers.FloatField(
        allow_null=True,
        help_text=(
            "The predicted chance of recalling the topic's questions in 7 days, averaged over "
            "all its published questions (unmet ones count as 0), 0 to 1."
        ),
    )
    questions = serializers.IntegerField(help_text="Published questions in the topic.")
    answered = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)


class WeekRateSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday starting the week.")
    total = serializers.IntegerField()
    hits = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)


class RateSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    hits = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="hits / total; null when total is 0.")


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField()


class StreakSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    longest = serializers.IntegerField()
    studied_today = serializers.BooleanField()


class HistoryAttemptSerializer(AttemptSerializer):
    questions = serializers.IntegerField()
    answered = serializers.IntegerField()
    correct_count = serializers.IntegerField()


class CalibrationLevelSerializer(serializers.Serializer):
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    answered = serializers.IntegerField()
    fully_correct = serializers.IntegerField(source="correct")
    accuracy = serializers.FloatField(allow_null=True, help_text="0 to 1; null before any answer.")


class CalibrationSerializer(serializers.Serializer):
    levels = CalibrationLevelSerializer(many=True, help_text="Guess, unsure and sure, in order.")
    unrated = serializers.IntegerField(help_text="Graded answers given without a confidence.")


class ConfidentErrorSerializer(serializers.Serializer):
    question = serializers.CharField(source="question.title")
    card_id = serializers.IntegerField()
    reviewed_at = serializers.DateTimeField()
    score = serializers.FloatField()


class ProgressSerializer(serializers.Serializer):
    topics = TopicProgressSerializer(many=True)
    accuracy = WeekRateSerializer(many=True, help_text="Share of answers correct, per week.")
    retention = WeekRateSerializer(many=True, help_text="True retention of due reviews, per week.")
    forecast = DayCountSerializer(many=True, help_text="Reviews due on each coming day.")
    trend = DayCountSerializer(many=True, help_text="Mean topic mastery (percent) per day.")
    streak = StreakSerializer()
    history = HistoryAttemptSerializer(many=True)
    desired_retention = serializers.FloatField()
    cards = serializers.IntegerField()
    true_retention = RateSerializer(
        help_text="All time: reviews answered on or after their due day, and those recalled."
    )
    transfer = RateSerializer(
        help_text=(
            "First answers to questions never seen, of a learning objective already reviewed "
            "with another question, and those right."
        )
    )
    calibration = CalibrationSerializer(
        help_text="How often the learner is fully correct at each confidence they give."
    )
    confident_errors = ConfidentErrorSerializer(
        many=True,
        help_text="The latest answers given as sure but not fully correct, one per question.",
    )


class LearnerSettingsSerializer(serializers.Serializer):
    desired_retention = serializers.FloatField(
        min_value=MIN_DESIRED_RETENTION,
        max_value=MAX_DESIRED_RETENTION,
        help_text=(
            "The recall probability reviews are scheduled for (0.70 to 0.97): higher means "
            "shorter gaps and more reviews each day."
        ),
    )
    daily_new_limit = serializers.IntegerField(min_value=0, max_value=500)
    daily_review_cap = serializers.IntegerField(min_value=0, max_value=5000)
    review_emails = JSONBooleanField()


EXAMPLE_SETTINGS = {
    "desired_retention": 0.9,
    "daily_new_limit": 20,
    "daily_review_cap": 200,
    "review_emails": True,
}


class ReviewQueueView(APIView):
    @extend_schema(responses=ReviewQueueSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        """Today's review queue: due reviews, today's counts and what is still allowed."""
        now = timezone.now()
        status = queue.queue_status(learner=request.user, now=now)
        payload = asdict(status) | {
            "can_start": status.can_start,
            "recent": queue.recent_reviews(learner=request.user),
        }
        return Response(ReviewQueueSerializer(payload).data)


class ReviewNextView(APIView):
    @extend_schema(
        request=None,
        responses=ReviewNextSerializer,
        examples=[
            _example("A question to review", {"done": False, "attempt_id": 57, "position": 3}),
            _example("Done for today", {"done": True, "attempt_id": None, "position": None}),
        ],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """Serve the next review question: answer it at its item endpoint
        (/attempts/{attempt_id}/items/{position}/). `done` when nothing is left today."""
        item = queue.next_review_item(learner=request.user, now=timezone.now())
        payload = {
            "done": item is None,
            "attempt_id": item.attempt_id if item else None,
            "position": item.position if item else None,
        }
        return Response(ReviewNextSerializer(payload).data)


class ReviewCardView(APIView):
    @extend_schema(responses=ReviewCardSerializer)
    def get(self, request: AuthenticatedRequest, card_id: int) -> Response:
        """One of the learner's review cards: its memory state and every review of it."""
        card = cards.card_for_learner(request.user, card_id)
        payload = card_payload(card, now=timezone.now())
        return Response(ReviewCardSerializer(payload).data)


class ProgressView(APIView):
    @extend_schema(responses=ProgressSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        """The learner's progress: mastery by topic, weekly accuracy and retention, the review
        forecast, the mastery trend, the study streak and the latest attempts."""
        data = progress.dashboard(learner_id=request.user.pk, now=timezone.now())
        payload = vars(data) | {
            "calibration": calibration.learner_calibration(request.user),
            "confident_errors": calibration.confident_errors(request.user),
        }
        return Response(ProgressSerializer(payload).data)


class LearnerSettingsView(APIView):
    @extend_schema(
        responses=LearnerSettingsSerializer,
        examples=[_example("Settings", EXAMPLE_SETTINGS)],
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """The learner's review settings (the site's defaults until they change them)."""
        return Response(
            LearnerSettingsSerializer(learner_settings.current_settings(request.user)).data
        )

    @extend_schema(
        request=LearnerSettingsSerializer,
        responses=LearnerSettingsSerializer,
        examples=[_example("Settings", EXAMPLE_SETTINGS)],
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        """Replace the learner's review settings. A new desired retention reschedules their
        cards in the background."""
        return self._save(request, partial=False)

    @extend_schema(
        request=LearnerSettingsSerializer,
        responses=LearnerSettingsSerializer,
        examples=[_example("More reviews", {"desired_retention": 0.95}, request_only=True)],
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        """Change some of the learner's review settings."""
        return self._save(request, partial=True)

    def _save(self, request: AuthenticatedRequest, *, partial: bool) -> Response:
        data = LearnerSettingsSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        current = LearnerSettingsSerializer(learner_settings.current_settings(request.user)).data
        saved = learner_settings.update_learner_settings(
            learner=request.user, **{**current, **data.validated_data}
        )
        return Response(LearnerSettingsSerializer(saved).data)
