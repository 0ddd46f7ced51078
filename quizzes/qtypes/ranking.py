"""Ranked differential: choose the top N diagnoses of M and rank them, most likely first.

The options are the content's `choices`; the key gives ranks 1..N (`content.rank_count`) to the
diagnoses that belong in the top N, and marks dangerous ones "must not miss".
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from quizzes.content import Choice, QuestionContent
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
from quizzes.qtypes.choice import TOKEN, choice_text_problems, choice_tokens

# The weights of what a differential gets right: the working diagnosis first, the key's top N
# chosen, and no dangerous diagnosis missed.
LEADING_WEIGHT = Fraction(1, 2)
SET_WEIGHT = Fraction(3, 10)
MUST_NOT_MISS_WEIGHT = Fraction(1, 5)
LEADING_CHOSEN_NOT_FIRST = Fraction(1, 2)
# Leaving out a must-not-miss diagnosis caps the score below the pass mark, whatever else.
MISSED_DANGER_CAP = Fraction(1, 2)


class Ranking(QuestionKind):
    name = "ranking"
    label = "Ranked differential (choose and rank the top N)"
    widget_template = "quizzes/widgets/ranking.html"
    parts = frozenset({"choices"})
    token_fields = {"ranking": "choices"}
    answer_schema = {
        "type": "object",
        "properties": {
            "ranking": {
                "type": "array",
                "items": TOKEN,
                "description": "Exactly `rank_count` options, the leading diagnosis first.",
            }
        },
        "required": ["ranking"],
    }

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        count = content.rank_count
        if not 1 <= count <= len(content.choices):
            raise ValueError(
                f"ranking question has rank_count {count} for {len(content.choices)} choices"
            )
        refuse_unknown_keys(raw, {"ranking"})
        exactly = f"Choose and rank exactly {count} option{'' if count == 1 else 's'}."
        value = required(raw, "ranking", exactly)
        ids = as_id_list(
            value,
            "ranking",
            not_a_list="Send your ranked options as a list, first choice first.",
            not_an_id="One of the ranked options could not be read.",
        )
        refuse_strangers(
            ids,
            {c.id for c in content.choices},
            "ranking",
            "One of the ranked options is not part of this question.",
        )
        refuse_duplicates(ids, "ranking", "Each option can be ranked only once.")
        if len(ids) != count:
            raise AnswerError("ranking", exactly)
        return Answer(type=self.name, ranking=tuple(ids))

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """The key is the choices with `rank` 1..N; rank 1 is the leading diagnosis. Then
        - L = 1 if the leading diagnosis is ranked first, 1/2 if it is chosen lower, 0 if absent;
        - S = the fraction of the key's top N chosen anywhere in the learner's N;
        - M = the fraction of must-not-miss diagnoses chosen (1 when there are none);
        - score = 0.5 * L + 0.3 * S + 0.2 * M, capped at 0.5 when a must-not-miss diagnosis is
          left out (below the pass mark: the review comes back soon).
        Full credit exactly when the leading diagnosis is first and the key's top N are all
        chosen (the order of the others is not scored); a wrong diagnosis in the N costs the
        key's diagnosis it displaced. Parts: one per choice; a key choice is correct when
        chosen (the leading one when first), a choice outside the key when left out.
        """
        leading = [c for c in content.choices if c.rank == 1]
        if len(leading) != 1:
            raise ValueError("ranking question needs exactly one choice with rank 1")
        lead = leading[0]
        must_not_miss = [c for c in content.choices if c.must_not_miss]
        chosen = set(answer.ranking)
        if answer.ranking[0] == lead.id:
            leading_score = Fraction(1)
        elif lead.id in chosen:
            leading_score = LEADING_CHOSEN_NOT_FIRST
        else:
            leading_score = Fraction(0)
        if must_not_miss:
            safety = Fraction(sum(c.id in chosen for c in must_not_miss), len(must_not_miss))
        else:
            safety = Fraction(1)
        key = [c for c in content.choices if c.rank is not None]
        in_set = Fraction(sum(c.id in chosen for c in key), len(key))
        score = LEADING_WEIGHT * leading_score + SET_WEIGHT * in_set + MUST_NOT_MISS_WEIGHT * safety
        if safety < 1:
            score = min(score, MISSED_DANGER_CAP)
        parts = [_ranking_part(c, answer, content.rank_count) for c in content.choices]
        return result(score, parts)

    def problems(self, content: QuestionContent) -> list[str]:
        problems = choice_text_problems(content)
        n = content.rank_count
        if n < 1:
            return [*problems, "Say how many diagnoses the student ranks (the number to rank)."]
        if n >= len(content.choices):
            problems.append(
                f"The student ranks {n} of {len(content.choices)} options: "
                "add more options than the number to rank."
            )
        ranks = sorted(choice.rank for choice in content.choices if choice.rank is not None)
        if ranks != list(range(1, n + 1)):
            problems.append(
                f"Give the key as ranks 1 to {n}, each used once, on the options that belong in "
                f"the top {n} (rank 1 is the leading diagnosis)."
            )
        for choice in content.choices:
            if choice.must_not_miss and choice.rank is None:
                problems.append(
                    f'"{choice.text}" is marked must-not-miss but is not in the key: give it a '
                    "rank."
                )
        return problems

    def key_answer(self, content: QuestionContent) -> Answer:
        return Answer(type=self.name, ranking=tuple(c.id for c in _ranked(content)))

    def key_lines(self, content: QuestionContent) -> list[str]:
        return [
            f"{c.rank}. {c.text}" + (" (must not miss)" if c.must_not_miss else "")
            for c in _ranked(content)
        ]

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        ids = [choice.id for choice in content.choices]
        return {"choices": shuffled(ids, rng) if shuffle else ids}

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        return {
            "choices": choice_tokens(content, presentation),
            "rank_count": content.rank_count,
        }

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        return {("choice", c.id): c.text for c in content.choices}

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        ranked = [
            (rank, token)
            for token, _ in presentation.get("choices", [])
            if (rank := int_field(data, f"rank-{token}")) is not None
        ]
        if len({rank for rank, _ in ranked}) != len(ranked):
            raise AnswerError("ranking", "Use each rank once.")
        return {"ranking": [token for _, token in sorted(ranked)]}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"ranks": {t: n for n, t in enumerate(tokens.get("ranking", []), start=1)}}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {
            "ranks": {
                token: int_field(data, f"rank-{token}")
                for token, _ in presentation.get("choices", [])
            }
        }

    def widget_rows(self, view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Ranked choices first, in rank order, then the others as the attempt shows them."""
        ranks = state.get("ranks") or {}
        choices = view["choices"]
        ranked = sorted((c for c in choices if ranks.get(c["id"])), key=lambda c: ranks[c["id"]])
        unranked = [c for c in choices if not ranks.get(c["id"])]
        return {
            "rank_rows": [(c, ranks.get(c["id"])) for c in ranked + unranked],
            "ranks": range(1, view["rank_count"] + 1),
        }


def _ranked(content: QuestionContent) -> list[Choice]:
    return sorted((c for c in content.choices if c.rank), key=lambda c: c.rank or 0)


def _ranking_part(choice: Choice, answer: Answer, count: int) -> PartFeedback:
    selected = choice.id in answer.ranking
    if choice.rank == 1:
        correct = answer.ranking[0] == choice.id
        expected = "Rank 1 (leading diagnosis)"
    elif choice.rank is not None or choice.must_not_miss:
        correct = selected
        expected = f"Rank {choice.rank}" if choice.rank is not None else f"In the top {count}"
    else:
        correct = not selected
        expected = f"Not in the top {count}"
    if choice.must_not_miss:
        expected += ", must not miss"
    return PartFeedback(
        kind=PartKind.CHOICE,
        id=choice.id,
        correct=correct,
        selected=selected,
        feedback=choice.feedback,
        expected=expected,
    )
