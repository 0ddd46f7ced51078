"""How one attempt presents a question: shuffled order and opaque per-attempt tokens.

Pure functions. A presentation maps random tokens to the content's part ids, so neither the
order nor the identifiers a student (or a script reading the API) sees encode the key. Answers
arrive in tokens and are translated to ids before `grading.validate_answer` checks their shape.
"""

from __future__ import annotations

import random
import secrets
import string
from typing import Any

from quizzes.content import CHOICE_TYPES, QuestionContent, QuestionType
from quizzes.grading import AnswerError

Presentation = dict[str, list[list[Any]]]  # group -> [[token, part id], ...] in display order


def _token() -> str:
    return secrets.token_urlsafe(6)


def _shuffled(ids: list[int], rng: random.Random, *, avoid_identity: bool = False) -> list[int]:
    order = list(ids)
    rng.shuffle(order)
    if avoid_identity and len(order) > 1:
        while order == ids:  # an ordering question shown in the key order gives the answer away
            rng.shuffle(order)
    return order


def build_presentation(
    content: QuestionContent, *, shuffle_options: bool, rng: random.Random | None = None
) -> Presentation:
    """Display order and tokens for one question in one attempt.

    True/false keeps True before False; ordering items are always shuffled away from the key;
    hotspot regions and matching choices are always shuffled (their authored order could hint).
    """
    rng = rng or random.SystemRandom()
    groups: dict[str, list[int]] = {}
    if content.type in CHOICE_TYPES:
        ids = [choice.id for choice in content.choices]
        shuffle = shuffle_options and content.type is not QuestionType.TRUE_FALSE
        groups["choices"] = _shuffled(ids, rng) if shuffle else ids
    elif content.type is QuestionType.ORDERING:
        groups["items"] = _shuffled([i.id for i in content.order_items], rng, avoid_identity=True)
    elif content.type is QuestionType.MATCHING:
        groups["prompts"] = [pair.id for pair in content.pairs if pair.prompt.strip()]
        seen: dict[str, int] = {}
        for pair in content.pairs:
            seen.setdefault(pair.match.strip().lower(), pair.id)
        groups["matches"] = _shuffled(list(seen.values()), rng)
    elif content.type is QuestionType.HOTSPOT and content.figure is not None:
        groups["regions"] = _shuffled([region.id for region in content.figure.regions], rng)
    return {name: [[_token(), part_id] for part_id in ids] for name, ids in groups.items()}


def region_labels(presentation: Presentation) -> dict[str, str]:
    """Neutral names for the keyboard alternative of a hotspot: Region A, Region B, ..."""
    letters = string.ascii_uppercase
    return {
        token: f"Region {letters[index % 26]}{'' if index < 26 else index // 26}"
        for index, (token, _part_id) in enumerate(presentation.get("regions", []))
    }


# Which presentation group each answer field's tokens come from.
TOKEN_FIELDS = {
    "choice": "choices",
    "choices": "choices",
    "ranking": "choices",
    "order": "items",
    "region": "regions",
}


def to_internal(presentation: Presentation, raw: object) -> object:
    """Replace the tokens in a submitted answer by part ids; shape checks come later.

    Values that are not tokens of this attempt's question are refused here, naming the field,
    so an id from another question (or a guessed database id) never reaches grading.
    """
    if not isinstance(raw, dict):
        return raw
    translated: dict[str, Any] = {}
    for field, value in raw.items():
        if field in TOKEN_FIELDS:
            lookup = _lookup(presentation, TOKEN_FIELDS[field])
            translated[field] = _translate(value, lookup, field)
        elif field == "matches" and isinstance(value, dict):
            prompts = _lookup(presentation, "prompts")
            matches = _lookup(presentation, "matches")
            translated[field] = {
                str(_one(prompt, prompts, field)): _one(match, matches, field)
                for prompt, match in value.items()
            }
        else:
            translated[field] = value
    return translated


def to_tokens(presentation: Presentation, payload: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `to_internal`, to show a saved answer back to its student."""
    tokens: dict[str, Any] = {}
    for field, value in payload.items():
        if field in TOKEN_FIELDS:
            reverse = {
                part_id: token for token, part_id in presentation.get(TOKEN_FIELDS[field], [])
            }
            tokens[field] = (
                [reverse[v] for v in value] if isinstance(value, list) else reverse[value]
            )
        elif field == "matches":
            prompts = {part_id: token for token, part_id in presentation.get("prompts", [])}
            matches = {part_id: token for token, part_id in presentation.get("matches", [])}
            tokens[field] = {prompts[int(p)]: matches[m] for p, m in value.items()}
        else:
            tokens[field] = value
    return tokens


def _lookup(presentation: Presentation, group: str) -> dict[str, int]:
    return dict(presentation.get(group, []))


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
