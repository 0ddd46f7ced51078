"""Browser answer forms: from posted fields to the raw answer (in tokens) the services validate.

One question's form works without JavaScript: radios, checkboxes, a text box, position and rank
selects, match selects, and a region list for hotspots. Scripts only enhance it (drag, move
buttons, clicking the figure) and fill the same fields. Each type parses its own fields
(`QuestionKind.parse_form`); this module holds what every form shares.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from quizzes.models import Confidence
from quizzes.presentation import Presentation
from quizzes.qtypes import kind_of

# The largest sequence number the database keeps (a bigint).
MAX_CLIENT_SEQ = 2**63 - 1


def raw_answer_from_post(
    question_type: str, presentation: Presentation, data: QueryDict
) -> dict[str, Any]:
    """The answer a form posted, in the attempt's tokens; raises AnswerError for what a form
    can get wrong by itself (an unfilled choice, two items in one position)."""
    return kind_of(question_type).parse_form(presentation, data)


def selected_state(
    question_type: str, presentation: Presentation, tokens: dict[str, Any]
) -> dict[str, Any]:
    """What the form shows as already chosen, from an answer in tokens (saved or posted)."""
    return kind_of(question_type).form_state(presentation, tokens)


def posted_state(question_type: str, presentation: Presentation, data: QueryDict) -> dict[str, Any]:
    """The form's own fields, to show back unchanged after an error."""
    return kind_of(question_type).posted_state(presentation, data)


def widget_rows(question_type: str, view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """Rows a type's widget needs (ordering positions, ranks, match selects)."""
    return kind_of(question_type).widget_rows(view, state)


class AnswerMetaForm(forms.Form):
    """The fields every answer form carries besides the answer itself."""

    idempotency_key = forms.UUIDField()
    confidence = forms.ChoiceField(choices=[("", "Not said"), *Confidence.choices], required=False)
    client_seq = forms.IntegerField(min_value=0, max_value=MAX_CLIENT_SEQ, required=False)


class ProblemReportForm(forms.Form):
    text = forms.CharField(
        max_length=2000,
        min_length=5,
        label="What is wrong with this question?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
