"""The API of "create a test": each topic's pools, and creating a test (an attempt)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api.serializers import AttemptDetailSerializer
from quizzes.api.views import attempt_detail
from quizzes.http import AuthenticatedRequest
from quizzes.models import Difficulty, Topic
from quizzes.practice.builder import (
    DEFAULT_SECONDS_PER_QUESTION,
    NothingToDraw,
    TestRequest,
    build_test,
)
from quizzes.practice.forms import MAX_SECONDS, MIN_SECONDS
from quizzes.practice.models import PracticePool
from quizzes.practice.pools import topic_pools

# Tutor: feedback after each answer; timed: an exam-mode attempt with a deadline.
TEST_MODES = [("tutor", "Tutor"), ("timed", "Timed")]


class PoolsFilterSerializer(serializers.Serializer):
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)


class TopicPoolsSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Questions available to the learner in each pool: "
        + ", ".join(PracticePool.values),
    )


class CreateTestSerializer(serializers.Serializer):
    topics = serializers.ListField(
        child=serializers.SlugField(max_length=60),
        min_length=1,
        max_length=100,
        help_text="Topic slugs.",
    )
    pool = serializers.ChoiceField(choices=PracticePool.choices)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False, default="")
    count = serializers.IntegerField(min_value=1)
    mode = serializers.ChoiceField(choices=TEST_MODES)
    seconds_per_question = serializers.IntegerField(
        min_value=MIN_SECONDS, max_value=MAX_SECONDS, default=DEFAULT_SECONDS_PER_QUESTION
    )

    def validate_count(self, value: int) -> int:
        most = settings.PRACTICE_MAX_QUESTIONS
        if value > most:
            raise serializers.ValidationError(f"A test holds at most {most} questions.")
        return value

    def validate_topics(self, value: list[str]) -> list[int]:
        found = dict(Topic.objects.filter(slug__in=value).values_list("slug", "pk"))
        unknown = [slug for slug in value if slug not in found]
        if unknown:
            raise serializers.ValidationError(f"No topic “{unknown[0]}”.")
        return list(dict.fromkeys(found[slug] for slug in value))


class PoolsView(APIView):
    @extend_schema(
        parameters=[PoolsFilterSerializer], responses={200: TopicPoolsSerializer(many=True)}
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Every topic with published questions, with how many the learner has in each pool."""
        filters = PoolsFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        rows = topic_pools(request.user, filters.validated_data.get("difficulty", ""))
        payload = [
            {"slug": row.topic.slug, "name": row.topic.name, "counts": row.counts} for row in rows
        ]
        return Response(TopicPoolsSerializer(payload, many=True).data)


EXAMPLE_REQUEST: dict[str, Any] = {
    "topics": ["anatomy", "tinel_sign"],
    "pool": "unused",
    "count": 20,
    "mode": "timed",
    "seconds_per_question": 90,
}


class CreateTestView(APIView):
    @extend_schema(
        request=CreateTestSerializer,
        responses={
            201: AttemptDetailSerializer,
            400: OpenApiResponse(description="Unknown topic, bad count, or no question matches."),
        },
        examples=[OpenApiExample("Twenty timed questions", EXAMPLE_REQUEST, request_only=True)],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        """Draw a test from the learner's pool and start it: an attempt of kind `practice`
        (timed tests are in `exam` mode, with a deadline), answered like any other. It holds
        fewer questions than `count` when fewer match."""
        data = CreateTestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        wanted = TestRequest(
            topic_ids=values["topics"],
            pool=values["pool"],
            count=values["count"],
            timed=values["mode"] == "timed",
            difficulty=values["difficulty"],
            seconds_per_question=values["seconds_per_question"],
        )
        try:
            attempt = build_test(learner=request.user, request=wanted)
        except NothingToDraw as nothing:
            raise exceptions.ValidationError({"pool": [str(nothing)]}) from nothing
        return Response(attempt_detail(attempt), status=status.HTTP_201_CREATED)
