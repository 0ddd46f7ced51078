"""Browser answer forms: from posted fields to the raw answer (in tokens) the services validate.

One question's form works without JavaScript: radios, checkboxes, a text box, position and rank
selects, match selects, and a region list for hotspots. Scripts only enhance it (drag, move
buttons, clicking the figure) and fill the same fields.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.http import QueryDict

from quizzes.content import QuestionType
from quizzes.grading import AnswerError
from quizzes.models import Confidence
from quizzes.presentation import Presentation


def raw_answer_from_post(
    question_type: QuestionType, presentation: Presentation, data: QueryDict
) -> dict[str, Any]:
    """The answer a form posted, in the attempt's tokens; raises AnswerError for what a form
    can get wrong by itself (an unfilled choice, two items in one position)."""
    match question_type:
        case QuestionType.SINGLE | QuestionType.TRUE_FALSE:
            if not data.get("choice"):
                raise AnswerError("choice", "Choose an answer.")
            return {"choice": data["choice"]}
        case QuestionType.MULTIPLE:
            return {"choices": data.getlist("choices")}
        case QuestionType.SHORT_ANSWER:
            return {"text": data.get("text", "")}
        case QuestionType.ORDERING:
            return {"order": _order_from_positions(presentation, data)}
        case QuestionType.RANKING:
            return {"ranking": _ranking_from_ranks(presentation, data)}
        case QuestionType.MATCHING:
            return {
                "matches": {
                    prompt: data[f"match-{prompt}"]
                    for prompt, _ in presentation.get("prompts", [])
                    if data.get(f"match-{prompt}")
                }
            }
        case QuestionType.HOTSPOT:
            return _hotspot_answer(data)
    raise AnswerError("answer", "Unknown question type.")  # pragma: no cover


def _int_field(data: QueryDict, name: str) -> int | None:
    value = data.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _order_from_positions(presentation: Presentation, data: QueryDict) -> list[str]:
    tokens = [token for token, _ in presentation.get("items", [])]
    positions = {token: _int_field(data, f"pos-{token}") for token in tokens}
    if any(position is None for position in positions.values()):
        raise AnswerError("order", "Give every item a position.")
    if len(set(positions.values())) != len(tokens):
        raise AnswerError("order", "Give each item a different position.")
    return sorted(tokens, key=lambda token: positions[token])


def _ranking_from_ranks(presentation: Presentation, data: QueryDict) -> list[str]:
    ranked = [
        (rank, token)
        for token, _ in presentation.get("choices", [])
        if (rank := _int_field(data, f"rank-{token}")) is not None
    ]
    if len({rank for rank, _ in ranked}) != len(ranked):
        raise AnswerError("ranking", "Use each rank once.")
    return [token for _, token in sorted(ranked)]


def _hotspot_answer(data: QueryDict) -> dict[str, Any]:
    if data.get("region"):
        return {"region": data["region"]}
    try:
        x, y = float(data.get("x", "")), float(data.get("y", ""))
    except ValueError:
        raise AnswerError("region", "Click on the figure or choose a region.") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise AnswerError("region", "Click on the figure or choose a region.")
    return {"x": x, "y": y}


def selected_state(
    question_type: QuestionType, presentation: Presentation, tokens: dict[str, Any]
) -> dict[str, Any]:
    """What the form shows as already chosen, from an answer in tokens (saved or posted)."""
    state: dict[str, Any] = {"choices": set(tokens.get("choices", []))}
    state["choice"] = tokens.get("choice")
    state["text"] = tokens.get("text", "")
    state["matches"] = dict(tokens.get("matches", {}))
    state["region"] = tokens.get("region")
    state["x"], state["y"] = tokens.get("x"), tokens.get("y")
    state["positions"] = {token: n for n, token in enumerate(tokens.get("order", []), start=1)}
    state["ranks"] = {token: n for n, token in enumerate(tokens.get("ranking", []), start=1)}
    return state


def posted_state(
    question_type: QuestionType, presentation: Presentation, data: QueryDict
) -> dict[str, Any]:
    """The form's own fields, to show back unchanged after an error."""
    state = selected_state(question_type, presentation, {})
    state["choice"] = data.get("choice")
    state["choices"] = set(data.getlist("choices"))
    state["text"] = data.get("text", "")
    state["region"] = data.get("region")
    state["x"], state["y"] = data.get("x"), data.get("y")
    for token, _ in presentation.get("items", []):
        state["positions"][token] = _int_field(data, f"pos-{token}")
    for token, _ in presentation.get("choices", []):
        state["ranks"][token] = _int_field(data, f"rank-{token}")
    for token, _ in presentation.get("prompts", []):
        state["matches"][token] = data.get(f"match-{token}")
    return state


class AnswerMetaForm(forms.Form):
    """The fields every answer form carries besides the answer itself."""

    idempotency_key = forms.UUIDField()
    confidence = forms.ChoiceField(choices=[("", "Not said"), *Confidence.choices], required=False)
    client_seq = forms.IntegerField(min_value=0, required=False)


class ProblemReportForm(forms.Form):
    text = forms.CharField(
        max_length=2000,
        min_length=5,
        label="What is wrong with this question?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def widget_rows(view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """Rows for the ordering, ranking and matching widgets, in the order the student left them.

    Ordering items keep the student's saved order (else the attempt's shuffled order, which is
    also their starting positions); ranked choices come first in rank order.
    """
    rows: dict[str, Any] = {}
    if "items" in view:
        items = view["items"]
        positions = state["positions"]
        if not positions or any(positions.get(item["id"]) is None for item in items):
            positions = {item["id"]: n for n, item in enumerate(items, start=1)}
        rows["order_rows"] = sorted(
            ((item, positions[item["id"]]) for item in items), key=lambda row: row[1]
        )
    if "rank_count" in view:
        ranks = state["ranks"]
        choices = view["choices"]
        ranked = sorted((c for c in choices if ranks.get(c["id"])), key=lambda c: ranks[c["id"]])
        unranked = [c for c in choices if not ranks.get(c["id"])]
        rows["rank_rows"] = [(c, ranks.get(c["id"])) for c in ranked + unranked]
    if "prompts" in view:
        rows["match_rows"] = [(p, state["matches"].get(p["id"])) for p in view["prompts"]]
    return rows
