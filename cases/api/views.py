"""The cases API: the published catalogue, and the case player (stages open one by one).

A case attempt is an ordinary attempt whose items are the stages' questions: the learner
answers them at the attempts API's item endpoints; a stage's text, figures and questions open
once every question of the stages before it is answered.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.api.serializers import CaseAttemptSerializer, CaseSerializer, case_attempt_payload
from cases.models import Case, CaseAttempt
from quizzes.api.views import TOPIC_PARAMETER, attempt_detail, topic_filter
from quizzes.http import AuthenticatedRequest
from quizzes.models import AttemptStatus
from quizzes.selectors import items_with_status

EXAMPLE_CASE = {
    "key": "case-runner-heel-pain",
    "title": "A runner with medial heel pain",
    "summary": "Burning pain at the inner heel after a marathon block.",
    "topics": [{"slug": "differential_diagnosis", "name": "Differential diagnosis"}],
    "stage_count": 6,
}
EXAMPLE_CASE_ATTEMPT = {
    "case": {"key": "case-runner-heel-pain", "title": "A runner with medial heel pain"},
    "attempt": {
        "id": 12,
        "kind": "case",
        "mode": "tutor",
        "status": "in_progress",
        "quiz": None,
        "started_at": "2025-03-01T09:00:00Z",
        "deadline": None,
        "submitted_at": None,
        "auto_submitted": False,
        "score": None,
        "max_score": 2.0,
        "results_released": True,
        "items": [
            {"position": 0, "flagged": False, "answered": True, "response_status": "graded"},
            {"position": 1, "flagged": False, "answered": False, "response_status": None},
        ],
    },
    "finished": False,
    "stages": [
        {
            "number": 1,
            "kind": "presentation",
            "revealed": True,
            "complete": True,
            "title": "Presentation",
            "body": "A 42-year-old runner has burning pain at the inner heel.",
            "body_html": "<p>A 42-year-old runner has burning pain at the inner heel.</p>",
            "figures": [],
            "positions": [0],
        },
        {
            "number": 2,
            "kind": "examination",
            "revealed": True,
            "complete": False,
            "title": "Examination",
            "body": "Tapping behind the medial malleolus reproduces the tingling.",
            "body_html": "<p>Tapping behind the medial malleolus reproduces the tingling.</p>",
            "figures": [],
            "positions": [1],
        },
        {
            "number": 3,
            "kind": "diagnosis",
            "revealed": False,
            "complete": False,
            "title": None,
            "body": None,
            "body_html": None,
            "figures": [],
            "positions": [2],
        },
    ],
    "debrief": None,
}


@extend_schema(
    parameters=[TOPIC_PARAMETER],
    examples=[OpenApiExample("A case", value=EXAMPLE_CASE, status_codes=["200"])],
)
class CaseListView(generics.ListAPIView):
    """Published case vignettes, by title."""

    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        cases = selectors.published_cases().order_by("title", "pk")
        topic = topic_filter(self.request)
        if topic:
            # A subquery, so the stage count is not multiplied by the join.
            cases = cases.filter(pk__in=Case.objects.filter(topics__slug=topic).values("pk"))
        return cases


def case_attempt_data(case_attempt: CaseAttempt) -> dict[str, Any]:
    attempt = case_attempt.attempt
    finished = attempt.status == AttemptStatus.SUBMITTED
    items = items_with_status(attempt)
    stages = selectors.player_stages(case_attempt, items)
    payload = case_attempt_payload(case_attempt, attempt_detail(attempt), stages, finished=finished)
    return CaseAttemptSerializer(payload).data


class CaseStartView(APIView):
    @extend_schema(
        request=None,
        responses={201: CaseAttemptSerializer, 200: CaseAttemptSerializer},
        examples=[
            OpenApiExample("Started", value=EXAMPLE_CASE_ATTEMPT, status_codes=["201"]),
            OpenApiExample("Resumed", value=EXAMPLE_CASE_ATTEMPT, status_codes=["200"]),
        ],
    )
    def post(self, request: AuthenticatedRequest, key: str) -> Response:
        """Start working through a case, or resume the open attempt (201 new, 200 resumed)."""
        case = selectors.case_for_learner(key)
        case_attempt, created = services.start_case(learner=request.user, case=case)
        return Response(
            case_attempt_data(case_attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseAttemptView(APIView):
    @extend_schema(
        responses=CaseAttemptSerializer,
        examples=[OpenApiExample("Stage 2 of 3", value=EXAMPLE_CASE_ATTEMPT)],
    )
    def get(self, request: AuthenticatedRequest, attempt_id: int) -> Response:
        """The case as the learner has reached it: revealed stages with their text, figures and
        question positions, locked ones by kind only, and the debrief once every stage's answers
        are graded (the attempt is then submitted; results at /attempts/{id}/results/)."""
        case_attempt = selectors.case_attempt_for_learner(request.user, attempt_id)
        return Response(case_attempt_data(case_attempt))
