"""Input and output serializers of the learner's API, and the dicts the outputs render.

Input serializers check the shape of a request; the services decide everything else (an
answer's validity against its question, whether an attempt is still open). Output serializers
describe, for the OpenAPI schema, exactly what a learner may see: questions carry the attempt's
opaque tokens and never a key, and feedback exists only once `feedback_visible` says so.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.content import QuestionContent, QuestionType
from quizzes.grading import MAX_TEXT_LENGTH
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    CardState,
    Confidence,
    QuizMode,
    Response,
    ResponseStatus,
    ReviewRating,
)
from quizzes.presentation import feedback_view, question_view, to_tokens
from quizzes.rendering import render_markdown
from quizzes.scheduling import MAX_DESIRED_RETENTION, MIN_DESIRED_RETENTION

# PostgreSQL's integer column behind Response.client_seq.
MAX_CLIENT_SEQ = 2_147_483_647

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An answer in the attempt's tokens (the `id` values the question lists). Send only the "
        "key(s) of the question's type: `choice` (single best answer, true/false), `choices` "
        "(multiple response), `text` (short answer), `order` (ordering: every item, first "
        "first), `matches` (matching: prompt id -> match id, for every prompt), `ranking` "
        "(ranked differential: exactly `rank_count` choice ids, leading diagnosis first), "
        "`x` and `y` (hotspot click in figure coordinates) or `region` (hotspot, keyboard)."
    ),
    "properties": {
        "choice": {"type": "string"},
        "choices": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "string", "maxLength": MAX_TEXT_LENGTH},
        "order": {"type": "array", "items": {"type": "string"}},
        "matches": {"type": "object", "additionalProperties": {"type": "string"}},
        "ranking": {"type": "array", "items": {"type": "string"}},
        "x": {"type": "number"},
        "y": {"type": "number"},
        "region": {"type": "string"},
    },
    "additionalProperties": False,
}


@extend_schema_field(ANSWER_SCHEMA)
class AnswerField(serializers.DictField):
    """A JSON object passed to the answer service as it came: its shape is checked there."""


# --- Input ----------------------------------------------------------------------------------------


class AnswerInputSerializer(serializers.Serializer):
    answer = AnswerField()
    idempotency_key = serializers.UUIDField(
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
            "millisecond clock will do); a save older than the one on record is ignored."
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


class AttemptFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=AttemptStatus.choices, required=False, help_text="Only attempts in this state."
    )


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


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


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


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
    kind = serializers.ChoiceField(choices=AttemptKind.choices)
    mode = serializers.ChoiceField(choices=QuizMode.choices)
    status = serializers.ChoiceField(choices=AttemptStatus.choices)
    quiz = AttemptQuizSerializer(allow_null=True)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(
        allow_null=True, help_text="Timed exams: answers are refused from this moment."
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    auto_submitted = serializers.BooleanField()
    score = serializers.FloatField(
        allow_null=True, help_text="Set once the attempt is submitted and every answer graded."
    )
    max_score = serializers.FloatField(allow_null=True)


class AttemptDetailSerializer(AttemptSerializer):
    items = AttemptItemStateSerializer(many=True)


# --- Output: one question -------------------------------------------------------------------------


class PartSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The token to send back in an answer.")
    text = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The token to send as `region`.")
    label = serializers.CharField(help_text="A neutral name (Region A, Region B, ...).")
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

    type = serializers.ChoiceField(choices=[(t.value, t.label) for t in QuestionType])
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
    answer = AnswerField(allow_null=True, help_text="The learner's saved answer, in tokens.")
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


class FlagSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    flagged = serializers.BooleanField()


# --- Output: results ------------------------------------------------------------------------------


class ResultItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    question = QuestionSerializer()
    answer = AnswerField(allow_null=True)
    response_status = serializers.ChoiceField(choices=ResponseStatus.choices, allow_null=True)
    score = serializers.FloatField(allow_null=True)
    correct = serializers.BooleanField(allow_null=True)
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


# --- Errors ---------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error response of the API has this shape."""

    detail = serializers.CharField(help_text="One sentence for the learner.")
    code = serializers.CharField(
        help_text="Machine-readable: invalid, parse_error, not_authenticated, "
        "permission_denied, not_found, attempt_closed, not_submitted, not_open, throttled, ..."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=(
            "For invalid input: the dotted path of each field at fault (`answer.choice`, "
            "`idempotency_key`, `non_field_errors`) -> its messages. Empty otherwise."
        ),
    )


# --- Building the dicts the outputs render -----------------------------------------------------


def figure_image_url(figure_id: int) -> str:
    try:
        return reverse("figure-image", args=[figure_id])
    except NoReverseMatch:
        return f"/figures/{figure_id}/image/"


def item_response(item: AttemptItem) -> Response | None:
    """The item's response, when the query selected it (None if the learner has not answered)."""
    return getattr(item, "response", None)


def feedback_visible(attempt: Attempt, response: Response | None) -> bool:
    """The key follows the learner's graded answer; in an exam, only the submission."""
    if response is None or response.status != ResponseStatus.GRADED:
        return False
    return attempt.mode != QuizMode.EXAM or attempt.status == AttemptStatus.SUBMITTED


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
        "score": attempt.score,
        "max_score": attempt.max_score,
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


def answer_tokens(item: AttemptItem, response: Response | None) -> dict[str, Any] | None:
    if response is None:
        return None
    payload = {field: value for field, value in response.answer.items() if field != "type"}
    return to_tokens(item.presentation, payload)


def feedback_payload(
    item: AttemptItem, content: QuestionContent, response: Response
) -> dict[str, Any]:
    feedback = feedback_view(content, item.presentation, response.result)
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
    """Status, feedback and peer shares of one item; `shares` only matter once visible."""
    response = item_response(item)
    visible = feedback_visible(item.attempt, response)
    return {
        "position": item.position,
        "response_status": response.status if response else None,
        "feedback": feedback_payload(item, content, response) if visible and response else None,
        "peer_shares": peer_shares_payload(item, shares) if visible else None,
    }


def item_payload(
    item: AttemptItem, content: QuestionContent, shares: dict[int, float] | None
) -> dict[str, Any]:
    response = item_response(item)
    return item_feedback_payload(item, content, shares) | {
        "attempt_id": item.attempt_id,
        "flagged": item.flagged,
        "question": question_payload(item, content),
        "answer": answer_tokens(item, response),
        "confidence": response.confidence if response else "",
        "client_seq": response.client_seq if response else None,
    }


def answer_reply_payload(item: AttemptItem, response: Response) -> dict[str, Any]:
    return {
        "position": item.position,
        "response_status": response.status,
        "answer": answer_tokens(item, response),
        "confidence": response.confidence,
        "client_seq": response.client_seq,
        "submitted_at": response.submitted_at,
    }


def result_item_payload(item: AttemptItem) -> dict[str, Any]:
    """One question of a submitted attempt: the learner's answer, the grade and the key."""
    content = QuestionContent.from_dict(item.version.content)
    response = item_response(item)
    graded = response is not None and response.status == ResponseStatus.GRADED
    # An unanswered or ungraded item still shows the key after submission, with no grade.
    result = response.result if graded and response.result else {"score": 0.0, "correct": False}
    view = feedback_view(content, item.presentation, result)
    return {
        "position": item.position,
        "question": question_payload(item, content),
        "answer": answer_tokens(item, response),
        "response_status": response.status if response else None,
        "score": response.score if graded else None,
        "correct": response.correct if graded else None,
        "notes": view["notes"],
        "parts": view["parts"],
        "correct_answer": view["correct_answer"],
        "explanation": view["explanation"],
        "explanation_html": str(render_markdown(content.explanation)),
        "references": view["references"],
        "references_html": str(render_markdown(content.references)),
    }


# --- Review, progress, settings -------------------------------------------------------------------


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
    state_label = serializers.CharField(source="get_state_display")
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    stability = serializers.FloatField(allow_null=True, help_text="Days until recall falls to 90%.")
    difficulty = serializers.FloatField(allow_null=True, help_text="1 (easy) to 10 (hard).")
    recall = serializers.FloatField(
        allow_null=True, help_text="The probability of recalling it now, 0 to 1."
    )
    logs = ReviewLogSerializer(many=True, source="log_rows")


class TopicProgressSerializer(serializers.Serializer):
    topic_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    cards = serializers.IntegerField(help_text="Questions learned.")
    mastery = serializers.FloatField(allow_null=True)
    answered = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)


class WeekRateSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday starting the week.")
    total = serializers.IntegerField()
    hits = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)


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
