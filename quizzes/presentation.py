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


def question_view(content: QuestionContent, presentation: Presentation) -> dict[str, Any]:
    """What a student may see of a question before answering: no key, feedback or explanation.

    Parts are listed in the attempt's display order under their opaque tokens. The figure of a
    hotspot question is described by id, size, alt text and caption; callers add its URL.
    """
    view: dict[str, Any] = {"type": str(content.type), "stem": content.stem}
    texts = {choice.id: choice.text for choice in content.choices}
    if "choices" in presentation:
        view["choices"] = [{"id": t, "text": texts[i]} for t, i in presentation["choices"]]
    if content.type is QuestionType.RANKING:
        view["rank_count"] = content.rank_count
    if "items" in presentation:
        items = {item.id: item.text for item in content.order_items}
        view["items"] = [{"id": t, "text": items[i]} for t, i in presentation["items"]]
    if "prompts" in presentation:
        pairs = {pair.id: pair for pair in content.pairs}
        view["prompts"] = [{"id": t, "text": pairs[i].prompt} for t, i in presentation["prompts"]]
        view["matches"] = [{"id": t, "text": pairs[i].match} for t, i in presentation["matches"]]
    if content.figure is not None:
        figure = content.figure
        view["figure"] = {
            "id": figure.id,
            "width": figure.width,
            "height": figure.height,
            "alt_text": figure.alt_text,
            "caption": figure.caption,
        }
        labels = region_labels(presentation)
        points = {region.id: region.points for region in figure.regions}
        view["regions"] = [
            {"id": t, "label": labels[t], "points": [list(p) for p in points[i]]}
            for t, i in presentation["regions"]
        ]
    return view


def correct_answer_lines(content: QuestionContent) -> list[str]:
    """The key in words, one line per part, for the feedback and the results page."""
    match content.type:
        case QuestionType.SINGLE | QuestionType.TRUE_FALSE | QuestionType.MULTIPLE:
            return [choice.text for choice in content.choices if choice.correct]
        case QuestionType.SHORT_ANSWER:
            return [
                answer.text + (f" (also: {', '.join(answer.synonyms)})" if answer.synonyms else "")
                for answer in content.accepted_answers
            ]
        case QuestionType.ORDERING:
            return [f"{n}. {item.text}" for n, item in enumerate(content.order_items, start=1)]
        case QuestionType.MATCHING:
            return [
                f"{pair.prompt} → {pair.match}" for pair in content.pairs if pair.prompt.strip()
            ]
        case QuestionType.RANKING:
            ranked = sorted((c for c in content.choices if c.rank), key=lambda c: c.rank or 0)
            return [
                f"{c.rank}. {c.text}" + (" (must not miss)" if c.must_not_miss else "")
                for c in ranked
            ]
        case QuestionType.HOTSPOT:
            regions = content.figure.regions if content.figure else ()
            return [region.label for region in regions if region.correct]
    return []  # pragma: no cover


def feedback_view(
    content: QuestionContent,
    presentation: Presentation,
    result: dict[str, Any],
    answer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What a student sees after answering: the grade, the key, per-part feedback, the why.

    `result` is a stored GradeResult (`GradeResult.to_dict()`); `answer` the stored answer, in
    ids. Parts carry the attempt's tokens, never database ids, and come in the order the student
    saw them (an ordering question's items in the student's own order, with where they put each).
    """
    groups = {
        "choice": "choices",
        "item": "items",
        "pair": "prompts",
        "region": "regions",
    }
    reverse = {
        group: {part_id: token for token, part_id in presentation.get(group, [])}
        for group in groups.values()
    }
    texts = _part_texts(content)
    labels = region_labels(presentation)
    matches = {pair.id: pair.match for pair in content.pairs}
    parts = []
    for part in result.get("parts", []):
        group = groups.get(part["kind"])
        token = reverse.get(group, {}).get(part["id"]) if group else None
        text = texts.get((part["kind"], part["id"]), "")
        if part["kind"] == "region" and token:
            text = f"{labels[token]}: {text}"
        parts.append(
            {
                "id": token,
                "kind": part["kind"],
                "text": text,
                "selected": part["selected"],
                "correct": part["correct"],
                "feedback": part["feedback"],
                "expected": part["expected"],
                "placed": _placed(part, answer, matches),
                "mark": _mark(part),
            }
        )
    display = {
        token: index
        for group in groups.values()
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
        "explanation": content.explanation,
        "references": content.references,
    }


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


def _placed(part: dict[str, Any], answer: dict[str, Any] | None, matches: dict[int, str]) -> str:
    """What the student did with an ordering item, ranked diagnosis or matching prompt."""
    if not answer:
        return ""
    if part["kind"] == "pair":
        chosen = answer.get("matches", {}).get(str(part["id"]))
        return f"You chose: {matches[chosen]}." if chosen in matches else ""
    if part["kind"] == "item" and part["id"] in answer.get("order", []):
        return f"You put it {answer['order'].index(part['id']) + 1}."
    if part["kind"] == "choice" and "ranking" in answer:
        ranking = answer["ranking"]
        return f"You ranked it {ranking.index(part['id']) + 1}." if part["id"] in ranking else ""
    return ""


def _part_texts(content: QuestionContent) -> dict[tuple[str, int], str]:
    texts: dict[tuple[str, int], str] = {}
    texts |= {("choice", c.id): c.text for c in content.choices}
    texts |= {("item", i.id): i.text for i in content.order_items}
    texts |= {("pair", p.id): p.prompt for p in content.pairs}
    texts |= {("answer", n): a.text for n, a in enumerate(content.accepted_answers)}
    if content.figure is not None:
        texts |= {("region", r.id): r.label for r in content.figure.regions}
    return texts
