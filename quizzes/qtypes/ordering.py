"""Ordering: put every item in the right order (a sequence of events, of steps, of structures).

The content's `order_items` are authored in the key order; the learner always sees them
shuffled away from it, so the authored order never shows.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from quizzes.content import QuestionContent, Scoring
from quizzes.qtypes.base import (
    Answer,
    AnswerError,
    GradeResult,
    Groups,
    PartFeedback,
    PartKind,
    QuestionKind,
    TokenGroups,
    as_id_list,
    int_field,
    refuse_duplicates,
    refuse_strangers,
    refuse_unknown_keys,
    required,
    result,
    shuffled,
)
from quizzes.qtypes.choice import duplicate_texts


class Ordering(QuestionKind):
    name = "ordering"
    label = "Ordering"
    widget_template = "quizzes/widgets/ordering.html"
    parts = frozenset({"order_items"})
    token_fields = {"order": "items"}
    answer_schema = {
        "type": "object",
        "properties": {"order": {"type": "array", "items": {"type": "string"}}},
        "required": ["order"],
    }
    offers_partial_scoring = True

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        refuse_unknown_keys(raw, {"order"})
        value = required(raw, "order", "Put the items in order.")
        ids = as_id_list(
            value,
            "order",
            not_a_list="Send the items as a list in your chosen order.",
            not_an_id="One of the items could not be read.",
        )
        items = {i.id for i in content.order_items}
        refuse_strangers(ids, items, "order", "One of the items is not part of this question.")
        refuse_duplicates(ids, "order", "Each item can be placed only once.")
        if len(ids) != len(items):
            raise AnswerError("order", "Place every item in the order.")
        return Answer(type=self.name, order=tuple(ids))

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """`content.order_items` are listed in the key order.

        ALL_OR_NOTHING: 1 only for the key order, else 0.
        PARTIAL: 1 - discordant pairs / all pairs (the normalised Kendall tau distance). A pair
        of items is discordant when the student puts them the other way round from the key.
        Swapping two neighbours costs one pair; the reversed order scores 0. One item scores 1.
        Parts: one per item in key order; correct when the item sits at its key position.
        """
        key = [item.id for item in content.order_items]
        position = {item_id: index for index, item_id in enumerate(answer.order)}
        n = len(key)
        parts = [
            PartFeedback(
                kind=PartKind.ITEM,
                id=item.id,
                correct=position[item.id] == index,
                selected=True,
                feedback=item.feedback,
                expected=f"Position {index + 1} of {n}",
            )
            for index, item in enumerate(content.order_items)
        ]
        if content.scoring == Scoring.PARTIAL:
            pairs = n * (n - 1) // 2
            discordant = sum(
                1 for i in range(n) for j in range(i + 1, n) if position[key[i]] > position[key[j]]
            )
            return result(1 - Fraction(discordant, pairs) if pairs else 1, parts)
        return result(1 if list(answer.order) == key else 0, parts)

    def problems(self, content: QuestionContent) -> list[str]:
        problems = []
        if len(content.order_items) < 2:
            problems.append("An ordering question needs at least two items to put in order.")
        duplicates = duplicate_texts([item.text for item in content.order_items])
        problems += [f'Two items say the same thing: "{text}".' for text in duplicates]
        return problems

    def key_answer(self, content: QuestionContent) -> Answer:
        return Answer(type=self.name, order=tuple(item.id for item in content.order_items))

    def key_lines(self, content: QuestionContent) -> list[str]:
        return [f"{n}. {item.text}" for n, item in enumerate(content.order_items, start=1)]

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        # Always shuffled, and never in the key order: that would give the answer away.
        ids = [item.id for item in content.order_items]
        return {"items": shuffled(ids, rng, avoid_identity=True)}

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        texts = {item.id: item.text for item in content.order_items}
        return {"items": [{"id": t, "text": texts[i]} for t, i in presentation["items"]]}

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        return {("item", i.id): i.text for i in content.order_items}

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        tokens = [token for token, _ in presentation.get("items", [])]
        positions = {token: int_field(data, f"pos-{token}") for token in tokens}
        if any(position is None for position in positions.values()):
            raise AnswerError("order", "Give every item a position.")
        if len(set(positions.values())) != len(tokens):
            raise AnswerError("order", "Give each item a different position.")
        return {"order": sorted(tokens, key=lambda token: positions[token] or 0)}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"positions": {t: n for n, t in enumerate(tokens.get("order", []), start=1)}}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {
            "positions": {
                token: int_field(data, f"pos-{token}") for token, _ in presentation.get("items", [])
            }
        }

    def widget_rows(self, view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """The items in the order the student left them (else the attempt's shuffled order,
        which is also their starting positions)."""
        items = view["items"]
        positions = state.get("positions") or {}
        if not positions or any(positions.get(item["id"]) is None for item in items):
            positions = {item["id"]: n for n, item in enumerate(items, start=1)}
        return {
            "order_rows": sorted(((item, positions[item["id"]]) for item in items), key=_second),
            "positions": range(1, len(items) + 1),
        }


def _second(row: tuple[Any, int]) -> int:
    return row[1]
