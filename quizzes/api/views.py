"""The learner's JSON API: catalogue, attempts, answers, feedback and results.

Each view authenticates (session with CSRF, or token), fetches through a `*_for_learner`
selector (another learner's object is a 404), validates with an input serializer, calls one
service and renders an output serializer. What a learner may see is `quizzes.learner_view`'s
decision. Errors share one shape (edu_platform.api), and the OpenAPI schema documents each
error status an endpoint can give.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import attempts, exam_tools, selectors
from quizzes.api import serializers as s
from quizzes.api.errors import Conflict, answer_error_detail
from quizzes.content import QuestionContent
from quizzes.grading import AnswerError
from quizzes.http import AuthenticatedRequest
from quizzes.learner_view import item_visibility, results_visible, withheld_expression
from quizzes.models import Attempt, AttemptItem, Quiz, ResponseStatus, Status, Topic

# --- Examples -------------------------------------------------------------------------------------

EXAMPLE_QUIZ = {
    "key": "quiz-heel-pain-basics",
    "title": "Heel pain: the basics",
    "description": "Ten questions on the **medial calcaneal nerve**.",
    "description_html": "<p>Ten questions on the <strong>medial calcaneal nerve</strong>.</p>",
    "mode": "tutor",
    "time_limit_minutes": None,
    "question_count": 10,
}
EXAMPLE_ATTEMPT = {
    "id": 42,
    "kind": "quiz",
    "mode": "exam",
    "status": "in_progress",
    "quiz": {"key": "quiz-heel-pain-exam", "title": "Heel pain: timed exam"},
    "started_at": "2025-03-01T09:00:00Z",
    "deadline": "2025-03-01T09:20:00Z",
    "submitted_at": None,
    "auto_submitted": False,
    "score": None,
    "max_score": 2.0,
    "results_released": True,
    "items": [
        {"position": 0, "flagged": False, "answered": True, "response_status": "saved"},
        {"position": 1, "flagged": True, "answered": False, "response_status": None},
    ],
}
EXAMPLE_QUESTION = {
    "type": "single",
    "stem": "Which nerve gives rise to the medial calcaneal nerve?",
    "stem_html": "<p>Which nerve gives rise to the medial calcaneal nerve?</p>",
    "choices": [
        {"id": "Xy3k_q1a", "text": "Sural nerve"},
        {"id": "P0o9mZtw", "text": "Tibial nerve"},
        {"id": "aa81Kq_z", "text": "Saphenous nerve"},
    ],
}
EXAMPLE_FEEDBACK = {
    "score": 1.0,
    "correct": True,
    "notes": [],
    "parts": [
        {
            "id": "P0o9mZtw",
            "kind": "choice",
            "text": "Tibial nerve",
            "selected": True,
            "correct": True,
            "feedback": "Yes: it branches from the tibial nerve.",
            "expected": "Correct option",
        }
    ],
    "correct_answer": ["Tibial nerve"],
    "explanation": "The medial calcaneal nerve is usually a branch of the tibial nerve.",
    "explanation_html": (
        "<p>The medial calcaneal nerve is usually a branch of the tibial nerve.</p>"
    ),
    "references": "- TeachMeAnatomy, Calcaneal Nerve (Medial).",
    "references_html": "<ul>\n<li>TeachMeAnatomy, Calcaneal Nerve (Medial).</li>\n</ul>",
}
EXAMPLE_ITEM_BEFORE = {
    "attempt_id": 42,
    "position": 0,
    "flagged": False,
    "question": EXAMPLE_QUESTION,
    "answer": None,
    "confidence": "",
    "client_seq": None,
    "response_status": None,
    "feedback": None,
    "peer_shares": None,
}
EXAMPLE_ITEM_AFTER = EXAMPLE_ITEM_BEFORE | {
    "answer": {"choice": "P0o9mZtw"},
    "confidence": "sure",
    "client_seq": 1,
    "response_status": "graded",
    "feedback": EXAMPLE_FEEDBACK,
    "peer_shares": [
        {"id": "Xy3k_q1a", "share": 0.2},
        {"id": "P0o9mZtw", "share": 0.7},
        {"id": "aa81Kq_z", "share": 0.1},
    ],
}
EXAMPLE_ANSWER_REQUEST = {
    "answer": {"choice": "P0o9mZtw"},
    "idempotency_key": "0b7e4c1e-2f65-4a39-9a55-5d8c0c9d8a11",
    "confidence": "sure",
    "client_seq": 1,
}
EXAMPLE_ANSWER_REPLY = {
    "position": 0,
    "response_status": "pending",
    "answer": {"choice": "P0o9mZtw"},
    "confidence": "sure",
    "client_seq": 1,
    "submitted_at": "2025-03-01T09:03:12Z",
    "applied": True,
}
EXAMPLE_BAD_ANSWER = {
    "detail": "That is not one of this question's options.",
    "code": "invalid",
    "errors": {"answer.choice": ["That is not one of this question's options."]},
}
EXAMPLE_CLOSED = {
    "detail": "Time is up for this exam: the answer was not saved. Your saved answers are being "
    "submitted.",
    "code": "attempt_closed",
    "errors": {},
}
EXAMPLE_NOT_SUBMITTED = {
    "detail": "Submit the attempt to see its results.",
    "code": "not_submitted",
    "errors": {},
}
EXAMPLE_NO_ATTEMPT_LEFT = {
    "detail": "You have used your 1 attempt at this exam.",
    "code": "attempt_limit",
    "errors": {},
}
EXAMPLE_NOT_SUBMITTABLE = {
    "detail": "A case attempt is not submitted: it finishes by itself.",
    "code": "not_submittable",
    "errors": {},
}
EXAMPLE_RESULTS = {key: value for key, value in EXAMPLE_ATTEMPT.items() if key != "items"} | {
    "status": "submitted",
    "submitted_at": "2025-03-01T09:15:40Z",
    "score": 1.0,
    "grading_complete": True,
    "items": [
        {
            "position": 0,
            "question": EXAMPLE_QUESTION,
            "answer": {"choice": "P0o9mZtw"},
            "response_status": "graded",
            "score": 1.0,
            "correct": True,
            "key_visible": True,
            "notes": [],
            "parts": EXAMPLE_FEEDBACK["parts"],
            "correct_answer": ["Tibial nerve"],
            "explanation": EXAMPLE_FEEDBACK["explanation"],
            "explanation_html": EXAMPLE_FEEDBACK["explanation_html"],
            "references": EXAMPLE_FEEDBACK["references"],
            "references_html": EXAMPLE_FEEDBACK["references_html"],
        }
    ],
}


def _example(name: str, value: Any, *, status_code: int = 200, **kwargs: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, status_codes=[str(status_code)], **kwargs)


def _error(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    """An error response in the project's one error shape (edu_platform.api.ErrorSerializer)."""
    return OpenApiResponse(description=description, examples=list(examples))


# --- Catalogue ------------------------------------------------------------------------------------

TOPIC_PARAMETER = OpenApiParameter(
    "topic",
    OpenApiTypes.STR,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="Only items on this topic (its slug, see /topics/).",
)


def topic_filter(request: Request) -> str | None:
    """The `topic` query parameter, checked: a slug, or None when absent (400 otherwise)."""
    filters = s.TopicFilterSerializer(data=request.query_params.dict())
    filters.is_valid(raise_exception=True)
    return filters.validated_data.get("topic") or None


class TopicListView(generics.ListAPIView):
    """The topics questions and cases are tagged with, for the `topic` filters."""

    serializer_class = s.TopicSerializer
    queryset = Topic.objects.order_by("name", "pk")


@extend_schema(parameters=[TOPIC_PARAMETER], examples=[_example("A quiz", EXAMPLE_QUIZ)])
class QuizListView(generics.ListAPIView):
    """Published quizzes, by title."""

    serializer_class = s.QuizSerializer

    def get_queryset(self) -> QuerySet[Quiz]:
        quizzes = selectors.published_quizzes().order_by("title", "pk")
        topic = topic_filter(self.request)
        if topic:
            # A subquery, so the quiz's question count is not multiplied by the join.
            tagged = Quiz.objects.filter(
                quiz_questions__question__topics__slug=topic,
                quiz_questions__question__status=Status.PUBLISHED,
            ).values("pk")
            quizzes = quizzes.filter(pk__in=tagged)
        return quizzes


class QuizDetailView(APIView):
    @extend_schema(responses=s.QuizSerializer, examples=[_example("A quiz", EXAMPLE_QUIZ)])
    def get(self, request: AuthenticatedRequest, key: str) -> Response:
        """One published quiz (drafts do not exist here)."""
        return Response(s.QuizSerializer(selectors.quiz_for_learner(key)).data)


# --- Attempts -------------------------------------------------------------------------------------


def item_states(attempt: Attempt) -> list[dict[str, Any]]:
    """Each item's position, flag and answer status, in one query whatever their number."""
    rows = attempt.items.order_by("position").values_list("position", "flagged", "response__status")
    return [
        {"position": p, "flagged": f, "answered": st is not None, "response_status": st}
        for p, f, st in rows
    ]


def attempt_detail(attempt: Attempt) -> dict[str, Any]:
    return s.AttemptDetailSerializer(s.attempt_payload(attempt, item_states(attempt))).data


class AttemptStartView(APIView):
    @extend_schema(
        request=None,
        responses={
            201: s.AttemptDetailSerializer,
            200: s.AttemptDetailSerializer,
            409: _error(
                "No attempt left: the quiz allows a set number (an exam usually one).",
                _example("Attempts used", EXAMPLE_NO_ATTEMPT_LEFT, status_code=409),
            ),
        },
        examples=[
            _example("A new attempt", EXAMPLE_ATTEMPT, status_code=201),
            _example("The open attempt, resumed", EXAMPLE_ATTEMPT),
        ],
    )
    def post(self, request: AuthenticatedRequest, key: str) -> Response:
        """Start an attempt at a quiz, or resume the open one (201 when new, 200 when resumed).

        Items list the questions by position (from 0); fetch each one from its item endpoint.
        An exam carries its `deadline`.
        """
        quiz = selectors.quiz_for_learner(key)
        try:
            attempt, created = attempts.start_quiz_attempt(learner=request.user, quiz=quiz)
        except attempts.AttemptLimitReached as limit:
            raise Conflict(str(limit), code="attempt_limit") from limit
        return Response(
            attempt_detail(attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(parameters=[s.AttemptFilterSerializer])
class AttemptListView(generics.ListAPIView):
    """The learner's own attempts, most recent first."""

    serializer_class = s.AttemptSerializer
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Attempt]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no learner
            return Attempt.objects.none()
        # A plain dict: DRF reads an empty form value as "not sent", and `?status=` is a mistake.
        filters = s.AttemptFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        attempts = (
            Attempt.objects.filter(learner=self.request.user)
            .select_related("quiz")
            .annotate(withheld=withheld_expression())
        )
        if "status" in filters.validated_data:
            attempts = attempts.filter(status=filters.validated_data["status"])
        return attempts.order_by("-started_at", "-pk")


class AttemptDetailView(APIView):
    @extend_schema(
        responses=s.AttemptDetailSerializer, examples=[_example("An exam", EXAMPLE_ATTEMPT)]
    )
    def get(self, request: AuthenticatedRequest, attempt_id: int) -> Response:
        """One of the learner's attempts with its items' answered and flagged state."""
        attempt = selectors.attempt_for_learner(request.user, attempt_id)
        return Response(attempt_detail(attempt))


class AttemptSubmitView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: s.AttemptDetailSerializer,
            409: _error(
                "Only quiz attempts are submitted by the learner: a case completes when its "
                "last stage is answered, a review attempt when its day ends.",
                _example("A case", EXAMPLE_NOT_SUBMITTABLE, status_code=409),
            ),
        },
        examples=[
            _example(
                "Submitted",
                EXAMPLE_ATTEMPT | {"status": "submitted", "submitted_at": "2025-03-01T09:15:40Z"},
            )
        ],
    )
    def post(self, request: AuthenticatedRequest, attempt_id: int) -> Response:
        """Submit a quiz attempt: its answers are graded, then its results open. Safe to
        repeat."""
        attempt = selectors.attempt_for_learner(request.user, attempt_id)
        try:
            attempts.submit_attempt(attempt_id=attempt.pk)
        except attempts.NotSubmittable as refused:
            raise Conflict(str(refused), code="not_submittable") from refused
        return Response(attempt_detail(selectors.attempt_for_learner(request.user, attempt_id)))


class AttemptResultsView(APIView):
    @extend_schema(
        responses={
            200: s.ResultsSerializer,
            409: _error(
                "The attempt is not submitted yet.",
                _example("Not submitted", EXAMPLE_NOT_SUBMITTED, status_code=409),
            ),
        },
        examples=[_example("Results", EXAMPLE_RESULTS)],
    )
    def get(self, request: AuthenticatedRequest, attempt_id: int) -> Response:
        """The score and, per question, the learner's answer, the key and the explanation.

        Only after submission (409 before). While `grading_complete` is false, poll again.
        """
        attempt = selectors.attempt_for_learner(request.user, attempt_id)
        if not results_visible(attempt):
            raise Conflict("Submit the attempt to see its results.", code="not_submitted")
        items = [s.result_item_payload(item) for item in selectors.items_for_results(attempt)]
        complete = all(item["response_status"] in (None, ResponseStatus.GRADED) for item in items)
        payload = s.attempt_payload(attempt, items) | {"grading_complete": complete}
        return Response(s.ResultsSerializer(payload).data)


# --- One question ---------------------------------------------------------------------------------

NOT_OPEN = _error(
    "A case stage not yet reached: answer the earlier stages first.",
    _example(
        "Stage not open",
        {
            "detail": "Answer the questions of the current stage first.",
            "code": "not_open",
            "errors": {},
        },
        status_code=409,
    ),
)


def open_item(request: AuthenticatedRequest, attempt_id: int, position: int) -> AttemptItem:
    """The learner's item, refused while its case stage is still closed."""
    item = selectors.item_for_learner(request.user, attempt_id, position)
    if not item_visibility(item.attempt, item, s.item_response(item)).question:
        raise Conflict("Answer the questions of the current stage first.", code="not_open")
    return item


def shares_if_visible(item: AttemptItem) -> dict[int, float] | None:
    if not item_visibility(item.attempt, item, s.item_response(item)).peer_shares:
        return None
    return selectors.peer_choice_shares(item.version_id)


class ItemView(APIView):
    @extend_schema(
        responses={200: s.ItemSerializer, 409: NOT_OPEN},
        examples=[
            _example("Before answering", EXAMPLE_ITEM_BEFORE),
            _example("After a graded answer (tutor)", EXAMPLE_ITEM_AFTER),
        ],
    )
    def get(self, request: AuthenticatedRequest, attempt_id: int, position: int) -> Response:
        """One question of the attempt, the learner's saved answer and, once allowed, feedback.

        Before the answer is graded (tutor, case, review) or the exam submitted, there is no
        key, explanation, accepted answer, region key or peer statistic anywhere in it.
        """
        item = open_item(request, attempt_id, position)
        content = QuestionContent.from_dict(item.version.content)
        return Response(
            s.ItemSerializer(s.item_payload(item, content, shares_if_visible(item))).data
        )


class ItemFeedbackView(APIView):
    @extend_schema(
        responses={200: s.ItemFeedbackSerializer, 409: NOT_OPEN},
        examples=[
            _example(
                "Still grading",
                {
                    "position": 0,
                    "response_status": "pending",
                    "feedback": None,
                    "peer_shares": None,
                },
            ),
            _example(
                "Graded",
                {
                    key: EXAMPLE_ITEM_AFTER[key]
                    for key in ("position", "response_status", "feedback", "peer_shares")
                },
            ),
        ],
    )
    def get(self, request: AuthenticatedRequest, attempt_id: int, position: int) -> Response:
        """Poll this after answering: the response's status, then its feedback once graded."""
        item = open_item(request, attempt_id, position)
        content = QuestionContent.from_dict(item.version.content)
        payload = s.item_feedback_payload(item, content, shares_if_visible(item))
        return Response(s.ItemFeedbackSerializer(payload).data)


class AnswerView(APIView):
    throttle_scope = "answers"

    @extend_schema(
        request=s.AnswerInputSerializer,
        responses={
            201: s.AnswerReplySerializer,
            200: s.AnswerReplySerializer,
            400: _error(
                "The answer cannot be accepted; nothing was saved.",
                _example("Not an option", EXAMPLE_BAD_ANSWER, status_code=400),
            ),
            409: _error(
                "The attempt is closed (submitted, or the exam's time is up), or the question's "
                "case stage is not open yet; nothing was saved.",
                _example("Time is up", EXAMPLE_CLOSED, status_code=409),
            ),
        },
        examples=[
            _example("A single best answer", EXAMPLE_ANSWER_REQUEST, request_only=True),
            _example("Saved", EXAMPLE_ANSWER_REPLY, status_code=201, response_only=True),
            _example("A replay of the same request", EXAMPLE_ANSWER_REPLY, response_only=True),
        ],
    )
    def post(self, request: AuthenticatedRequest, attempt_id: int, position: int) -> Response:
        """Answer one question: 201 when saved, 200 for a replay of the same `idempotency_key`.

        Tutor, case and review attempts: the first answer is final and is graded in the
        background; poll the feedback endpoint. Exams: each answer replaces the previous one
        (a higher `client_seq` wins) until the attempt is submitted.
        """
        item = selectors.item_to_answer(request.user, attempt_id, position)
        if not attempts.section_open(item):
            raise Conflict("Answer the questions of the current stage first.", code="not_open")
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = attempts.submit_answer(
                learner=request.user,
                item=item,
                raw_answer=data.validated_data["answer"],
                idempotency_key=data.validated_data["idempotency_key"],
                confidence=data.validated_data["confidence"],
                client_seq=data.validated_data["client_seq"],
            )
        except AnswerError as error:
            raise exceptions.ValidationError(answer_error_detail(error)) from error
        except attempts.AttemptClosed as closed:
            raise Conflict(str(closed), code="attempt_closed") from closed
        return Response(
            s.AnswerReplySerializer(s.answer_reply_payload(item, saved)).data,
            status=status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK,
        )


class FlagView(APIView):
    @extend_schema(
        request=s.FlagInputSerializer,
        responses={
            200: s.FlagSerializer,
            409: _error(
                "The attempt is closed.",
                _example("Time is up", EXAMPLE_CLOSED, status_code=409),
            ),
        },
        examples=[
            _example("Flag", {"flagged": True}, request_only=True),
            _example("Flagged", {"position": 1, "flagged": True}, response_only=True),
        ],
    )
    def post(self, request: AuthenticatedRequest, attempt_id: int, position: int) -> Response:
        """Flag a question to come back to (or clear the flag) while the attempt is open."""
        item = selectors.item_for_learner(request.user, attempt_id, position)
        data = s.FlagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = attempts.set_flag(item=item, flagged=data.validated_data["flagged"])
        except attempts.AttemptClosed as closed:
            raise Conflict(str(closed), code="attempt_closed") from closed
        return Response(s.FlagSerializer({"position": item.position, "flagged": item.flagged}).data)


EXAMPLE_TOOLS = {
    "position": 0,
    "struck": ["c2"],
    "highlights": [[12, 40]],
    "note": "Think of Baxter's nerve.",
    "client_seq": 1764680400000,
    "applied": True,
}


def _tools_payload(item: AttemptItem, state: exam_tools.ToolsState, applied: bool) -> Any:
    return s.ToolsSerializer(
        {
            "position": item.position,
            "struck": state.struck,
            "highlights": state.highlights,
            "note": state.note,
            "client_seq": state.client_seq,
            "applied": applied,
        }
    ).data


class ToolsView(APIView):
    @extend_schema(responses={200: s.ToolsSerializer, 409: NOT_OPEN})
    def get(self, request: AuthenticatedRequest, attempt_id: int, position: int) -> Response:
        """What the learner struck out, highlighted and noted on this question."""
        item = open_item(request, attempt_id, position)
        return Response(_tools_payload(item, exam_tools.tools_of(item), applied=True))

    @extend_schema(
        request=s.ToolsInputSerializer,
        responses={
            200: s.ToolsSerializer,
            400: _error("Not an option of this question, a bad range or too long a note."),
            403: _error("The educator switched the exam-screen tools off for this quiz."),
            409: _error(
                "The attempt is closed.", _example("Time is up", EXAMPLE_CLOSED, status_code=409)
            ),
        },
        examples=[
            _example(
                "Strike out, highlight and note",
                {k: v for k, v in EXAMPLE_TOOLS.items() if k not in ("position", "applied")},
                request_only=True,
            ),
            _example("Saved", EXAMPLE_TOOLS, response_only=True),
        ],
    )
    def put(self, request: AuthenticatedRequest, attempt_id: int, position: int) -> Response:
        """Save the learner's marks on the question while the attempt takes answers; an older
        save than the stored one (a lower `client_seq`) changes nothing."""
        item = open_item(request, attempt_id, position)
        data = s.ToolsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            state = exam_tools.validate_tools(
                item, struck=values["struck"], highlights=values["highlights"], note=values["note"]
            )
            saved = exam_tools.save_tools(item=item, state=state, client_seq=values["client_seq"])
        except exam_tools.ToolsError as error:
            raise exceptions.ValidationError({error.field: [str(error)]}) from error
        except exam_tools.ToolsOff as off:
            raise exceptions.PermissionDenied(str(off), code="tools_off") from off
        except attempts.AttemptClosed as closed:
            raise Conflict(str(closed), code="attempt_closed") from closed
        return Response(_tools_payload(item, saved.state, saved.applied))
