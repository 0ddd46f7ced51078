"""Answering questions in tests the way a client does: with the attempt's opaque tokens."""

from __future__ import annotations

import uuid
from typing import Any

from quizzes.content import QuestionContent
from quizzes.models import AttemptItem
from quizzes.presentation import to_tokens
from quizzes.qtypes import kind_of


def key_payload(content: QuestionContent) -> dict[str, Any]:
    """The correct answer of a question, in internal ids (the type's own key answer)."""
    return kind_of(content.type).key_answer(content).payload()


def wrong_payload(content: QuestionContent) -> dict[str, Any]:
    """An answer that is not the key (scores below 1)."""
    key = key_payload(content)
    if "choice" in key:
        return {"choice": next(c.id for c in content.choices if not c.correct)}
    if "choices" in key:
        return {
            "choices": [c.id for c in content.choices if not c.correct][:1] or [key["choices"][0]]
        }
    if "text" in key:
        return {"text": "1" if content.type == "numerical" else "sural nerve"}
    if "order" in key:
        return {"order": list(reversed(key["order"]))}
    if "matches" in key:
        prompts = list(key["matches"])
        matches = [key["matches"][p] for p in prompts]
        return {"matches": dict(zip(prompts, matches[1:] + matches[:1], strict=True))}
    if "ranking" in key:
        others = [c.id for c in content.choices if not c.rank]
        return {"ranking": others[: len(key["ranking"])]}
    assert content.figure is not None  # the only type left is the hotspot
    return {"region": next(r.id for r in content.figure.regions if not r.correct)}


def tokens_for(item: AttemptItem, payload: dict[str, Any]) -> dict[str, Any]:
    return to_tokens(item.presentation, item.version.content["type"], payload)


def key_tokens(item: AttemptItem) -> dict[str, Any]:
    return tokens_for(item, key_payload(QuestionContent.from_dict(item.version.content)))


def wrong_tokens(item: AttemptItem) -> dict[str, Any]:
    return tokens_for(item, wrong_payload(QuestionContent.from_dict(item.version.content)))


def new_key() -> uuid.UUID:
    return uuid.uuid4()


def answer_and_grade(
    learner: Any, item: AttemptItem, *, right: bool, confidence: str = "", at: Any
) -> Any:
    """Submit the key (or a wrong answer) to `item` with `confidence` at `at`, and grade it."""
    from quizzes import attempts, pipeline

    raw = key_tokens(item) if right else wrong_tokens(item)
    response = attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=raw,
        idempotency_key=new_key(),
        confidence=confidence,
        now=at,
    ).response
    return pipeline.grade_response(response_id=response.pk, now=at)
