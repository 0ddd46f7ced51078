"""Input and output serializers of the learner's API, and the dicts the outputs render.

Input serializers check the shape of a request; the services decide everything else (an
answer's validity against its question, whether an attempt is still open). Output serializers
describe, for the OpenAPI schema, exactly what a learner may see: questions carry the attempt's
opaque tokens and never a key, and feedback exists only once `feedback_visible` says so.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.attempts import SavedAnswer, attempt_kinds
from quizzes.content import QuestionContent
from quizzes.learner_view import item_visibility, results_released, visible_score
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Confidence,
    QuizMode,
    Response,
    ResponseStatus,
)
from quizzes.presentation import answer_tokens, feedback_view, question_view
from quizzes.qtypes import REGISTRY, type_choices
from quizzes.rendering import render_markdown

# PostgreSQL's bigint behind Response.client_seq: a millisecond clock fits for 292 million years.
MAX_CLIENT_SEQ = 2**63 - 1


def answer_schema() -> dict[str, Any]:
    """The answer's JSON schema: any one type's answer (each type declares its own)."""
    variants = []
    for kind in REGISTRY.kinds:
        variant = dict(kind.answer_schema) | {"title": kind.label, "additionalProperties": False}
        variants.append(variant)
    return {
        "type": "object",
        "description": (
            "An answer in the attempt's tokens (the `id` values the question lists), in the "
            "shape of the question's type."
        ),
        "anyOf": variants,
    }


@extend_schema_field(answer_schema())
class AnswerField(serializers.DictField):
    """A JSON object passed to the answer service as it came: its shape is checked there."""


@extend_schema_field({"anyOf": [answer_schema(), {"type": "null"}]})
class NullableAnswerField(serializers.DictField):
    """A saved answer in tokens, or null before the learner answers."""


# --- Input ----------------------------------------------------------------------------------------


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as a string: DRF's own field also takes a JSON number as a UUID."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class AnswerInputSerializer(serializers.Serializer):
    answer = AnswerField()
    idempotency_key = StrictUUIDField(
        help_text=(
            "A new random UUID per answer the learner gives; resend the same key when retrying "
            "the same request, and the first reply comes back."
        )
    )
    confidence = serializers.ChoiceField(
        choices=Confidence.choices, allow_blank=True, required=False, default=""
    )
    client_seq = serializers.IntegerField(
        min_value=0,
        max_value=MAX_CLIENT_SEQ,
        required=False,
        default=0,
        help_text=(
            "Exam autosave: a number that grows with each save of the same question (a "
            "millisecond clock will do); a save older than the one on record changes nothing "
            "and its reply says `applied: false`."
        ),
    )


class JSONBooleanField(serializers.BooleanField):
    """true or false, as JSON says; not DRF's lenient "yes", 1 or "on"."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class FlagInputSerializer(serializers.Serializer):
    flagged = JSONBooleanField()


class ToolsInputSerializer(serializers.Serializer):
    struck = serializers.JSONField(
        help_text="Option ids (as in the item's `choices`) struck out; never changes the answer."
    )
    highlights = serializers.JSONField(
        help_text="[start, end) character offsets into the text of the stem as shown."
    )
    note = serializers.JSONField(help_text="The learner's note on the question (plain text).")
    client_seq = serializers.IntegerField(
        min_value=0, help_text="Milliseconds on the client clock: the latest save wins."
    )


class ToolsSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    struck = serializers.ListField(child=serializers.CharField())
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2)
    )
    note = serializers.CharField(allow_blank=True)
    client_seq = serializers.IntegerField()
    applied = serializers.BooleanField(
        help_text="False: an older save than the stored one, which stays (and is returned)."
    )


class TopicFilterSerializer(serializers.Serializer):
    topic = serializers.SlugField(max_length=60, required=False)


class AttemptFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=AttemptStatus.choices, required=False, help_text="Only attempts in this state."
    )


# --- Output: catalogue ----------------------------------------------------------------------------


class TopicSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class QuizSerializer(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField(help_text="Markdown.")
    description_html = serializers.SerializerMethodField(help_text="Sanitised HTML.")
    mode = serializers.ChoiceField(choices=QuizMode.choices)
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    question_count = serializers.IntegerField()

    def get_description_html(self, quiz: Any) -> str:
        return str(render_markdown(quiz.description))


# --- Output: attempts -----------------------------------------------------------------------------


class AttemptQuizSerializer(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()


class AttemptItemStateSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="0 for the first question.")
    flagged = serializers.BooleanField()
    answered = serializers.BooleanField()
    response_status = serializers.ChoiceField(choices=ResponseStatus.choices, allow_null=True)


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=attempt_kinds())
    mode = serializers.ChoiceField(choices=QuizMode.choices)
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    quiz = AttemptQuizSerializer(allow_null=True)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(
        allow_null=True, help_text="Timed exams: answers are refused from this moment."
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    auto_submitted = serializers.BooleanField()
    score = serializers.SerializerMethodField(
        help_text=(
            "Set once the attempt is submitted and every answer graded, and its results are "
            "released (an exam set by an educator may hold them back until it closes)."
        ),
    )
    max_score = serializers.FloatField(allow_null=True)
    results_released = serializers.SerializerMethodField(
        help_text="False while an educator holds this exam's grades, keys and score back."
    )

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_score(self, attempt: Attempt | dict[str, Any]) -> float | None:
        if isinstance(attempt, dict):
            return cast(float | None, attempt["score"])
        return visible_score(attempt)

    @extend_schema_field(serializers.BooleanField())
    def get_results_released(self, attempt: Attempt | dict[str, Any]) -> bool:
        if isinstance(attempt, dict):
            return bool(attempt["results_released"])
        return results_released(attempt)


class AttemptDetailSerializer(AttemptSerializer):
    items = AttemptItemStateSerializer(many=True)


# --- Output: one question -------------------------------------------------------------------------


class PartSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The token to send back in an answer.")
    text = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The token to send as `region`.")
    # DRF's metaclass moves declared fields off the class; the stubs see Field.label (a str).
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="A neutral name (Region A, Region B, ...)."
    )
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="The region's polygon in figure coordinates: [[x, y], ...].",
    )


class FigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    width = serializers.FloatField()
    height = serializers.FloatField()
    alt_text = serializers.CharField()
    caption = serializers.CharField()
    image_url = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    """A question as a learner sees it before answering: parts in display order, no key."""

    type = serializers.ChoiceField(choices=type_choices())
    stem = serializers.CharField(help_text="Markdown.")
    stem_html = serializers.CharField(help_text="Sanitised HTML.")
    choices = PartSerializer(many=True, required=False)
    rank_count = serializers.IntegerField(required=False)
    items = PartSerializer(many=True, required=False)
    prompts = PartSerializer(many=True, required=False)
    matches = PartSerializer(many=True, required=False)
    figure = FigureSerializer(required=False)
    regions = RegionSerializer(many=True, required=False)


class PartFeedbackSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    text = serializers.CharField()
    selected = serializers.BooleanField()
    correct = serializers.BooleanField()
    feedback = serializers.CharField()
    expected = serializers.CharField()


class FeedbackSerializer(serializers.Serializer):
    """The grade and the key of one answered question, with the why."""

    score = serializers.FloatField(min_value=0, max_value=1)
    correct = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())
    parts = PartFeedbackSerializer(many=True)
    correct_answer = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField(help_text="Markdown.")
    explanation_html = serializers.CharField(help_text="Sanitised HTML.")
    references = serializers.CharField(help_text="Markdown.")
    references_html = serializers.CharField(help_text="Sanitised HTML.")


class PeerShareSerializer(serializers.Serializer):
    id = serializers.CharField()
    share = serializers.FloatField(
        min_value=0, max_value=1, help_text="The share of learners who chose this part."
    )


FEEDBACK_HELP = (
    "Once the answer is graded (tutor, case and review attempts) or the exam submitted; null "
    "before."
)
PEER_SHARES_HELP = "With the feedback, once enough learners have answered; null otherwise."


class ItemFeedbackSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    response_status = serializers.ChoiceField(choices=ResponseStatus.choices, allow_null=True)
    feedback = FeedbackSerializer(allow_null=True, help_text=FEEDBACK_HELP)
    peer_shares = PeerShareSerializer(many=True, allow_null=True, help_text=PEER_SHARES_HELP)


class ItemSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    position = serializers.IntegerField()
    flagged = serializers.BooleanField()
    question = QuestionSerializer()
    answer = NullableAnswerField(
        allow_null=True, help_text="The learner's saved answer, in tokens."
    )
    confidence = serializers.ChoiceField(choices=Confidence.choices, allow_blank=True)
    client_seq = serializers.IntegerField(allow_null=True)
    response_status = serializers.ChoiceField(choices=ResponseStatus.choices, allow_null=True)
    feedback = FeedbackSerializer(allow_null=True, help_text=FEEDBACK_HELP)
    peer_shares = PeerShareSerializer(many=True, allow_null=True, help_text=PEER_SHARES_HELP)


class AnswerReplySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    response_status = serializers.ChoiceField(choices=ResponseStatus.choices)
    answer = AnswerField(help_text="The answer on record, in tokens.")
    confidence = serializers.ChoiceField(choices=Confidence.choices, allow_blank=True)
    client_seq = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    applied = serializers.BooleanField(
        help_text=(
            "False when a newer save of this exam question was already on record (a higher "
            "`client_seq`): this one changed nothing and `answer` is the one on record."
        )
    )


class FlagSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    flagged = serializers.BooleanField()


# --- Output: results ------------------------------------------------------------------------------


class ResultItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    question = QuestionSerializer()
    answer = NullableAnswerField(allow_null=True)
    response_status = serializers.ChoiceField(choices=ResponseStatus.choices, allow_null=True)
    score = serializers.FloatField(allow_null=True)
    correct = serializers.BooleanField(allow_null=True)
    key_visible = serializers.BooleanField(
        help_text=(
            "Whether the key, explanation and feedback below are given: in a tutor quiz only "
            "for questions the learner answered; in a submitted exam for every question."
        )
    )
    notes = serializers.ListField(child=serializers.CharField())
    parts = PartFeedbackSerializer(many=True)
    correct_answer = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    explanation_html = serializers.CharField()
    references = serializers.CharField()
    references_html = serializers.CharField()


class ResultsSerializer(AttemptSerializer):
    grading_complete = serializers.BooleanField(
        help_text="False while answers are still being graded: poll again shortly."
    )
    items = ResultItemSerializer(many=True)


# --- Building the dicts the outputs render -----------------------------------------------------


def figure_image_url(figure_id: int) -> str:
    return reverse("figure-image", args=[figure_id])


def item_response(item: AttemptItem) -> Response | None:
    """The item's response, when the query selected it (None if the learner has not answered)."""
    return getattr(item, "response", None)


def attempt_payload(attempt: Attempt, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload = {
        "id": attempt.pk,
        "kind": attempt.kind,
        "mode": attempt.mode,
        "status": attempt.status,
        "quiz": attempt.quiz,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "auto_submitted": attempt.auto_submitted,
        "score": visible_score(attempt),
        "max_score": attempt.max_score,
        "results_released": results_released(attempt),
    }
    if items is not None:
        payload["items"] = items
    return payload


def question_payload(item: AttemptItem, content: QuestionContent) -> dict[str, Any]:
    view = question_view(content, item.presentation)
    view["stem_html"] = str(render_markdown(content.stem))
    if "figure" in view:
        view["figure"]["image_url"] = figure_image_url(view["figure"]["id"])
    return view


def answer_tokens_of(item: AttemptItem, response: Response | None) -> dict[str, Any] | None:
    if response is None:
        return None
    return answer_tokens(item.presentation, response.answer)


def feedback_payload(
    item: AttemptItem, content: QuestionContent, result: dict[str, Any]
) -> dict[str, Any]:
    feedback = feedback_view(content, item.presentation, result)
    feedback["explanation_html"] = str(render_markdown(content.explanation))
    feedback["references_html"] = str(render_markdown(content.references))
    return feedback


def peer_shares_payload(
    item: AttemptItem, shares: dict[int, float] | None
) -> list[dict[str, Any]] | None:
    """Peer choice shares keyed by the attempt's tokens (never by part ids)."""
    if shares is None:
        return None
    return [
        {"id": token, "share": shares.get(part_id, 0.0)}
        for group in ("choices", "regions")
        for token, part_id in item.presentation.get(group, [])
    ]


def item_feedback_payload(
    item: AttemptItem, content: QuestionContent, shares: dict[int, float] | None
) -> dict[str, Any]:
    """Status, feedback and peer shares of one item, as far as `learner_view` allows."""
    response = item_response(item)
    visible = item_visibility(item.attempt, item, response)
    feedback = None
    if visible.grade and response is not None and response.result:
        feedback = feedback_payload(item, content, response.result)
    return {
        "position": item.position,
        "response_status": response.status if response else None,
        "feedback": feedback,
        "peer_shares": peer_shares_payload(item, shares) if visible.peer_shares else None,
    }


def item_payload(
    item: AttemptItem, content: QuestionContent, shares: dict[int, float] | None
) -> dict[str, Any]:
    response = item_response(item)
    return item_feedback_payload(item, content, shares) | {
        "attempt_id": item.attempt_id,
        "flagged": item.flagged,
        "question": question_payload(item, content),
        "answer": answer_tokens_of(item, response),
        "confidence": response.confidence if response else "",
        "client_seq": response.client_seq if response else None,
    }


def answer_reply_payload(item: AttemptItem, saved: SavedAnswer) -> dict[str, Any]:
    response = saved.response
    return {
        "position": item.position,
        "response_status": response.status,
        "answer": answer_tokens_of(item, response),
        "confidence": response.confidence,
        "client_seq": response.client_seq,
        "submitted_at": response.submitted_at,
        "applied": not saved.stale,
    }


NO_GRADE = {"score": 0.0, "correct": False}


def result_item_payload(item: AttemptItem) -> dict[str, Any]:
    """One question of a submitted attempt: the learner's answer, and the grade and the key as
    far as `learner_view` allows (an unanswered tutor question keeps its key)."""
    content = QuestionContent.from_dict(item.version.content)
    response = item_response(item)
    visible = item_visibility(item.attempt, item, response)
    graded = visible.grade and response is not None
    # A graded response always holds its result (quizzes.pipeline writes both at once).
    result = cast(dict[str, Any], response.result) if graded and response else NO_GRADE
    view = feedback_view(content, item.presentation, result) if visible.key else None
    return {
        "position": item.position,
        "question": question_payload(item, content),
        "answer": answer_tokens_of(item, response),
        "response_status": response.status if response else None,
        "score": response.score if graded and response else None,
        "correct": response.correct if graded and response else None,
        "key_visible": visible.key,
        "notes": view["notes"] if view else [],
        "parts": view["parts"] if view else [],
        "correct_answer": view["correct_answer"] if view else [],
        "explanation": content.explanation if view else "",
        "explanation_html": str(render_markdown(content.explanation)) if view else "",
        "references": content.references if view else "",
        "references_html": str(render_markdown(content.references)) if view else "",
    }
