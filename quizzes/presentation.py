"""How one attempt presents a question: display order and opaque per-attempt tokens.

Pure functions. A presentation maps random tokens to the content's part ids, in the order the
attempt shows them, so neither the order nor the identifiers a student (or a script reading
the API) sees encode the key. Answers arrive in tokens and are translated to ids before
`grading.validate_answer` checks their shape. What a learner may see of a question, and when,
is decided in `quizzes.learner_view`; this module only builds the views it asks for.
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from quizzes.content import QuestionContent
from quizzes.qtypes import kind_of
from quizzes.qtypes.base import AnswerError, TokenGroups

Presentation = TokenGroups  # group -> [[token, part id], ...] in display order


def _token() -> str:
    return secrets.token_urlsafe(6)


def build_presentation(
    content: QuestionContent, *, shuffle_options: bool, rng: random.Random | None = None
) -> Presentation:
    """Display order and tokens for one question in one attempt (the type decides the order:
    see each type's `groups`)."""
    groups = kind_of(content.type).groups(
        content, shuffle=shuffle_options, rng=rng or random.SystemRandom()
    )
    return {name: [[_token(), part_id] for part_id in ids] for name, ids in groups.items()}


def to_internal(presentation: Presentation, question_type: str, raw: object) -> object:
    """Replace the tokens in a submitted answer by part ids; shape checks come later.

    Values that are not tokens of this attempt's question are refused here, naming the field,
    so an id from another question (or a guessed database id) never reaches grading.
    """
    if not isinstance(raw, dict):
        return raw
    fields = kind_of(question_type).token_fields
    translated: dict[str, Any] = {}
    for field, value in raw.items():
        spec = fields.get(field) if isinstance(field, str) else None
        if isinstance(spec, tuple) and isinstance(value, dict):
            keys, values = _lookup(presentation, spec[0]), _lookup(presentation, spec[1])
            translated[field] = {
                str(_one(k, keys, field)): _one(v, values, field) for k, v in value.items()
            }
        elif isinstance(spec, str):
            translated[field] = _translate(value, _lookup(presentation, spec), field)
        else:
            translated[field] = value
    return translated


def to_tokens(
    presentation: Presentation, question_type: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The inverse of `to_internal`, to show a saved answer back to its student."""
    fields = kind_of(question_type).token_fields
    tokens: dict[str, Any] = {}
    for field, value in payload.items():
        spec = fields.get(field)
        if isinstance(spec, tuple):
            keys, values = _reverse(presentation, spec[0]), _reverse(presentation, spec[1])
            tokens[field] = {keys[int(k)]: values[v] for k, v in value.items()}
        elif isinstance(spec, str):
            reverse = _reverse(presentation, spec)
            tokens[field] = (
                [reverse[v] for v in value] if isinstance(value, list) else reverse[value]
            )
        else:
            tokens[field] = value
    return tokens


def answer_tokens(presentation: Presentation, stored_answer: dict[str, Any]) -> dict[str, Any]:
    """A stored answer ({"type": ..., **payload}) in the attempt's tokens."""
    payload = {k: v for k, v in stored_answer.items() if k != "type"}
    return to_tokens(presentation, str(stored_answer["type"]), payload)


def _lookup(presentation: Presentation, group: str) -> dict[str, int]:
    # Not dict(pairs): mypy reads [token, part id] lists as list[str] and infers dict[str, str].
    return {token: part_id for token, part_id in presentation.get(group, [])}  # noqa: C416


def _reverse(presentation: Presentation, group: str) -> dict[int, str]:
    return {part_id: token for token, part_id in presentation.get(group, [])}


def _translate(value: object, lookup: dict[str, int], field: str) -> object:
    if isinstance(value, list):
        return [_one(item, lookup, field) for item in value]
    if value is None:
        return None
    return _one(value, lookup, field)


def _one(value: object, lookup: dict[str, int], field: str) -> int:
    if not isinstance(value, str) or value not in lookup:
        raise AnswerError(field, "That is not one of this question's options.")
    return lookup[value]


def question_view(content: QuestionContent, presentation: Presentation) -> dict[str, Any]:
    """A question as a learner sees it before answering: the stem and its parts under the
    attempt's tokens, in display order; no key, feedback or explanation. The figure of a
    hotspot question is described by id, size, alt text and caption; callers add its URL."""
    view: dict[str, Any] = {"type": content.type, "stem": content.stem}
    return view | kind_of(content.type).learner_view(content, presentation)


def correct_answer_lines(content: QuestionContent) -> list[str]:
    """The key in words, one line per part, for the feedback and the results page."""
    return kind_of(content.type).key_lines(content)


# Presentation group of each kind of part in a grade's feedback.
PART_GROUPS = {"choice": "choices", "item": "items", "pair": "prompts", "region": "regions"}


def feedback_view(
    content: QuestionContent,
    presentation: Presentation,
    result: dict[str, Any],
    answer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The grade, the key, per-part feedback and the why, for an answered question.

    `result` is a stored GradeResult (`GradeResult.to_dict()`); `answer` the stored answer, in
    ids. Parts carry the attempt's tokens, never database ids, and come in the order the student
    saw them (an ordering question's items in the student's own order, with where they put each).
    """
    reverse = {group: _reverse(presentation, group) for group in PART_GROUPS.values()}
    texts = kind_of(content.type).part_texts(content, presentation)
    parts = []
    for part in result.get("parts", []):
        group = PART_GROUPS.get(part["kind"])
        token = reverse[group].get(part["id"]) if group else None
        parts.append(
            {
                "id": token,
                "kind": part["kind"],
                "text": texts.get((part["kind"], part["id"]), ""),
                "selected": part["selected"],
                "correct": part["correct"],
                "feedback": part["feedback"],
                "expected": part["expected"],
                "placed": _placed(part, answer, content),
                "mark": _mark(part),
            }
        )
    display = {
        token: index
        for group in PART_GROUPS.values()
        for index, (token, _) in enumerate(presentation.get(group, []))
    }
    if answer and "order" in answer:
        display = {reverse["items"].get(pid): n for n, pid in enumerate(answer["order"])}
    parts.sort(key=lambda part: display.get(part["id"], len(display)))
    return {
        "score": result["score"],
        "correct": result["correct"],
        "notes": list(result.get("notes", [])),
        "parts": parts,
        "correct_answer": correct_answer_lines(content),
        "overall_feedback": overall_feedback(content, float(result["score"])),
        # Hints help with the next try: only after an answer that is not fully right.
        "hints": [] if result["correct"] else list(content.settings.get("hints", [])),
        "explanation": content.explanation,
        "references": content.references,
    }


def overall_feedback(content: QuestionContent, score: float) -> str:
    """The question's feedback for a right (1), partly right (0 < score < 1) or wrong (0) answer
    (Moodle's combined feedback), or "" when the author wrote none."""
    texts = content.settings.get("feedback") or {}
    which = "correct" if score == 1 else "partial" if score > 0 else "incorrect"
    return str(texts.get(which, ""))


def _mark(part: dict[str, Any]) -> str:
    """How a part reads in the feedback: "right", "wrong", "missed" or "neutral".

    For choices and regions, `correct` means the student's treatment agreed with the key, so
    an untouched wrong option is "neutral" rather than ticked, and an untouched key "missed".
    """
    if part["kind"] not in ("choice", "region"):
        return "right" if part["correct"] else "wrong"
    in_key = part["selected"] == part["correct"]
    if part["selected"]:
        return "right" if in_key else "wrong"
    return "missed" if in_key else "neutral"


def _placed(part: dict[str, Any], answer: dict[str, Any] | None, content: QuestionContent) -> str:
    """What the student did with an ordering item, ranked diagnosis or matching prompt."""
    if not answer:
        return ""
    if part["kind"] == "pair":
        matches = {pair.id: pair.match for pair in content.pairs}
        chosen = answer.get("matches", {}).get(str(part["id"]))
        return f"You chose: {matches[chosen]}." if chosen in matches else ""
    if part["kind"] == "item" and part["id"] in answer.get("order", []):
        return f"You put it {answer['order'].index(part['id']) + 1}."
    if part["kind"] == "choice" and "ranking" in answer:
        ranking = answer["ranking"]
        return f"You ranked it {ranking.index(part['id']) + 1}." if part["id"] in ranking else ""
    return ""
