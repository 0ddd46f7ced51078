"""The learner's JSON API: catalogue, attempts, answers, feedback and results.

Each view authenticates (session with CSRF, or token), fetches through a `*_for_learner`
selector (another learner's object is a 404), validates with an input serializer, calls one
service and renders an output serializer. Errors share one shape (`ErrorSerializer`), built by
`api_exception_handler`, and the OpenAPI schema documents each error status an endpoint can give.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView, exception_handler

from quizzes import progress, review, scheduling, selectors, services
from quizzes.api import serializers as s
from quizzes.content import QuestionContent
from quizzes.grading import AnswerError
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Quiz,
    ResponseStatus,
    Status,
    Topic,
)

logger = logging.getLogger(__name__)


# --- Errors ---------------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    """The request is well formed but the object's state refuses it (a closed attempt, ...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done in the attempt's current state."
    default_code = "conflict"


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Account locked: too many failed logins. Try again later."
    default_code = "locked_out"


def _flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"answer.choice": [...], "non_field_errors": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(detail, list) and all(isinstance(item, str) for item in detail):
        return {path or "non_field_errors": [str(item) for item in detail]}
    if isinstance(detail, list):  # a list of nested errors, one per element
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{path}.{index}" if path else str(index)))
        return flat
    return {path or "non_field_errors": [str(detail)]}


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [message for field in errors.values() for message in field]
        detail = (
            messages[0]
            if len(messages) == 1
            else "Some of the data sent is not valid: see `errors`."
        )
        return {"detail": detail, "code": "invalid", "errors": errors}
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return {"detail": str(detail), "code": str(code), "errors": {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (status, headers, rollback) with every error body in one shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


def answer_error_detail(error: AnswerError) -> dict[str, Any]:
    """Where an AnswerError goes in the error body: under `answer.` unless it is the request's."""
    if error.field in ("answer", "idempotency_key"):
        return {error.field: [error.message]}
    return {"answer": {error.field: [error.message]}}


# --- Schema ---------------------------------------------------------------------------------------


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the error responses (one shape) each operation can give."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_responses():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(s.ErrorSerializer, description=description),
                    code,
                    direction=direction,
                )
        return responses

    def _error_responses(self) -> list[tuple[str, str]]:
        codes = []
        is_list = self._is_list_view()
        if self.method != "GET" or is_list:
            codes.append(("400", "Invalid input: `errors` names each field at fault."))
        permissions = self.view.get_permissions()
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            codes.append(("401", "No credentials, or an invalid token."))
            codes.append(("403", "Forbidden, e.g. a session request without its CSRF token."))
        if "{" in self.path or is_list:
            codes.append(("404", "Not found, or not yours (or a page past the end)."))
        if self.view.throttle_classes:
            codes.append(("429", "Too many requests: wait `Retry-After` seconds."))
        return codes


# --- Throttling -----------------------------------------------------------------------------------


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """A scoped rate limit that lets requests through when its cache (Redis) is unreachable:
    an answer must be saved even while Redis is down."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # redis-py raises several connection errors; all mean "no counter"
            logger.warning("Throttle cache unreachable: %s not rate-limited.", request.path)
            return True


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
    return OpenApiResponse(s.ErrorSerializer, description=description, examples=list(examples))


# --- Catalogue ------------------------------------------------------------------------------------

TOPIC_PARAMETER = OpenApiParameter(
    "topic", OpenApiTypes.STR, description="Only items on this topic (its slug, see /topics/)."
)


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
        topic = self.request.query_params.get("topic")
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
    def get(self, request: Request, key: str) -> Response:
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
        responses={201: s.AttemptDetailSerializer, 200: s.AttemptDetailSerializer},
        examples=[
            _example("A new attempt", EXAMPLE_ATTEMPT, status_code=201),
            _example("The open attempt, resumed", EXAMPLE_ATTEMPT),
        ],
    )
    def post(self, request: Request, key: str) -> Response:
        """Start an attempt at a quiz, or resume the open one (201 when new, 200 when resumed).

        Items list the questions by position (from 0); fetch each one from its item endpoint.
        An exam carries its `deadline`.
        """
        quiz = selectors.quiz_for_learner(key)
        now = timezone.now()
        attempt = services.start_attempt(learner=request.user, quiz=quiz, now=now)
        created = attempt.started_at == now
        return Response(
            attempt_detail(attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(parameters=[s.AttemptFilterSerializer])
class AttemptListView(generics.ListAPIView):
    """The learner's own attempts, most recent first."""

    serializer_class = s.AttemptSerializer

    def get_queryset(self) -> QuerySet[Attempt]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no learner
            return Attempt.objects.none()
        # A plain dict: DRF reads an empty form value as "not sent", and `?status=` is a mistake.
        filters = s.AttemptFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        attempts = Attempt.objects.filter(learner=self.request.user).select_related("quiz")
        if "status" in filters.validated_data:
            attempts = attempts.filter(status=filters.validated_data["status"])
        return attempts.order_by("-started_at", "-pk")


class AttemptDetailView(APIView):
    @extend_schema(
        responses=s.AttemptDetailSerializer, examples=[_example("An exam", EXAMPLE_ATTEMPT)]
    )
    def get(self, request: Request, attempt_id: int) -> Response:
        """One of the learner's attempts with its items' answered and flagged state."""
        attempt = selectors.attempt_for_learner(request.user, attempt_id)
        return Response(attempt_detail(attempt))


class AttemptSubmitView(APIView):
    @extend_schema(
        request=None,
        responses=s.AttemptDetailSerializer,
        examples=[
            _example(
                "Submitted",
                EXAMPLE_ATTEMPT | {"status": "submitted", "submitted_at": "2025-03-01T09:15:40Z"},
            )
        ],
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        """Submit the attempt: its answers are graded, then its results open. Safe to repeat."""
        attempt = selectors.attempt_for_learner(request.user, attempt_id)
        services.finalize_attempt(attempt_id=attempt.pk)
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
    def get(self, request: Request, attempt_id: int) -> Response:
        """The score and, per question, the learner's answer, the key and the explanation.

        Only after submission (409 before). While `grading_complete` is false, poll again.
        """
        attempt = selectors.attempt_for_learner(request.user, attempt_id)
        if attempt.status != AttemptStatus.SUBMITTED:
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


def open_item(request: Request, attempt_id: int, position: int) -> AttemptItem:
    """The learner's item, refused while its case stage is still closed."""
    item = selectors.item_for_learner(request.user, attempt_id, position)
    if not services.item_is_open(item):
        raise Conflict("Answer the questions of the current stage first.", code="not_open")
    return item


def shares_if_visible(item: AttemptItem) -> dict[int, float] | None:
    if not s.feedback_visible(item.attempt, s.item_response(item)):
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
    def get(self, request: Request, attempt_id: int, position: int) -> Response:
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
        responses=s.ItemFeedbackSerializer,
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
    def get(self, request: Request, attempt_id: int, position: int) -> Response:
        """Poll this after answering: the response's status, then its feedback once graded."""
        item = selectors.item_for_learner(request.user, attempt_id, position)
        content = QuestionContent.from_dict(item.version.content)
        payload = s.item_feedback_payload(item, content, shares_if_visible(item))
        return Response(s.ItemFeedbackSerializer(payload).data)


class AnswerView(APIView):
    throttle_classes = [FailOpenScopedRateThrottle]
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
    def post(self, request: Request, attempt_id: int, position: int) -> Response:
        """Answer one question: 201 when saved, 200 for a replay of the same `idempotency_key`.

        Tutor, case and review attempts: the first answer is final and is graded in the
        background; poll the feedback endpoint. Exams: each answer replaces the previous one
        (a higher `client_seq` wins) until the attempt is submitted.
        """
        item = selectors.item_to_answer(request.user, attempt_id, position)
        if not services.item_is_open(item):
            raise Conflict("Answer the questions of the current stage first.", code="not_open")
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.submit_answer(
                learner=request.user,
                item=item,
                raw_answer=data.validated_data["answer"],
                idempotency_key=data.validated_data["idempotency_key"],
                confidence=data.validated_data["confidence"],
                client_seq=data.validated_data["client_seq"],
            )
        except AnswerError as error:
            raise exceptions.ValidationError(answer_error_detail(error)) from error
        except services.AttemptClosed as closed:
            raise Conflict(str(closed), code="attempt_closed") from closed
        return Response(
            s.AnswerReplySerializer(s.answer_reply_payload(item, result.response)).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
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
    def post(self, request: Request, attempt_id: int, position: int) -> Response:
        """Flag a question to come back to (or clear the flag) while the attempt is open."""
        item = selectors.item_for_learner(request.user, attempt_id, position)
        data = s.FlagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = services.set_flag(item=item, flagged=data.validated_data["flagged"])
        except services.AttemptClosed as closed:
            raise Conflict(str(closed), code="attempt_closed") from closed
        return Response(s.FlagSerializer({"position": item.position, "flagged": item.flagged}).data)


# --- Authentication -------------------------------------------------------------------------------


class TokenView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "token"
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=s.TokenInputSerializer,
        responses={
            200: s.TokenSerializer,
            400: _error(
                "Wrong username or password.",
                _example(
                    "Wrong password",
                    {
                        "detail": "Unable to log in with the username and password given.",
                        "code": "invalid",
                        "errors": {
                            "non_field_errors": [
                                "Unable to log in with the username and password given."
                            ]
                        },
                    },
                    status_code=400,
                ),
            ),
            429: _error("Too many attempts: throttled, or the account is locked out."),
        },
        examples=[
            _example(
                "Credentials",
                {"username": "student", "password": "correct horse battery"},
                request_only=True,
            ),
            _example(
                "A token",
                {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
            ),
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Exchange a username and password for an API token (send it as `Authorization: Token
        <token>`). Repeated failures lock the account out for a while."""
        data = s.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The DRF request goes to authenticate(), so django-axes flags the lockout on it and
        # this view, not the HTML lockout page of the middleware, answers.
        user = authenticate(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise exceptions.ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response(s.TokenSerializer({"token": token.key}).data)


# --- Review queue, progress, settings -------------------------------------------------------------

EXAMPLE_SETTINGS = {
    "desired_retention": 0.9,
    "daily_new_limit": 20,
    "daily_review_cap": 200,
    "review_emails": True,
}


class ReviewQueueView(APIView):
    @extend_schema(responses=s.ReviewQueueSerializer)
    def get(self, request: Request) -> Response:
        """Today's review queue: due reviews, today's counts and what is still allowed."""
        now = timezone.now()
        queue = review.queue_status(learner=request.user, now=now)
        payload = asdict(queue) | {
            "can_start": queue.can_start,
            "recent": review.recent_reviews(learner=request.user),
        }
        return Response(s.ReviewQueueSerializer(payload).data)


class ReviewNextView(APIView):
    @extend_schema(
        request=None,
        responses=s.ReviewNextSerializer,
        examples=[
            _example("A question to review", {"done": False, "attempt_id": 57, "position": 3}),
            _example("Done for today", {"done": True, "attempt_id": None, "position": None}),
        ],
    )
    def post(self, request: Request) -> Response:
        """Serve the next review question: answer it at its item endpoint
        (/attempts/{attempt_id}/items/{position}/). `done` when nothing is left today."""
        item = review.next_review_item(learner=request.user, now=timezone.now())
        payload = {
            "done": item is None,
            "attempt_id": item.attempt_id if item else None,
            "position": item.position if item else None,
        }
        return Response(s.ReviewNextSerializer(payload).data)


class ReviewCardView(APIView):
    @extend_schema(responses=s.ReviewCardSerializer)
    def get(self, request: Request, card_id: int) -> Response:
        """One of the learner's review cards: its memory state and every review of it."""
        card = review.card_for_learner(request.user, card_id)
        card.recall = scheduling.retrievability(
            stability=card.stability, last_review=card.last_review, now=timezone.now()
        )
        card.log_rows = card.logs.order_by("-reviewed_at", "-id")
        return Response(s.ReviewCardSerializer(card).data)


class ProgressView(APIView):
    @extend_schema(responses=s.ProgressSerializer)
    def get(self, request: Request) -> Response:
        """The learner's progress: mastery by topic, weekly accuracy and retention, the review
        forecast, the mastery trend, the study streak and the latest attempts."""
        data = progress.dashboard(learner_id=request.user.pk, now=timezone.now())
        return Response(s.ProgressSerializer(data).data)


class LearnerSettingsView(APIView):
    @extend_schema(
        responses=s.LearnerSettingsSerializer,
        examples=[_example("Settings", EXAMPLE_SETTINGS)],
    )
    def get(self, request: Request) -> Response:
        """The learner's review settings (the site's defaults until they change them)."""
        return Response(s.LearnerSettingsSerializer(review.current_settings(request.user)).data)

    @extend_schema(
        request=s.LearnerSettingsSerializer,
        responses=s.LearnerSettingsSerializer,
        examples=[_example("Settings", EXAMPLE_SETTINGS)],
    )
    def put(self, request: Request) -> Response:
        """Replace the learner's review settings. A new desired retention reschedules their
        cards in the background."""
        return self._save(request, partial=False)

    @extend_schema(
        request=s.LearnerSettingsSerializer,
        responses=s.LearnerSettingsSerializer,
        examples=[_example("More reviews", {"desired_retention": 0.95}, request_only=True)],
    )
    def patch(self, request: Request) -> Response:
        """Change some of the learner's review settings."""
        return self._save(request, partial=True)

    def _save(self, request: Request, *, partial: bool) -> Response:
        data = s.LearnerSettingsSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        current = s.LearnerSettingsSerializer(review.current_settings(request.user)).data
        saved = review.update_learner_settings(
            learner=request.user, **{**current, **data.validated_data}
        )
        return Response(s.LearnerSettingsSerializer(saved).data)
