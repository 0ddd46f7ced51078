"""Matching: match each prompt to its answer; extra (distractor) matches may be offered.

The content's `pairs` hold each prompt with its match; a pair with an empty prompt adds a
distractor match. Matches are always shown shuffled, once per distinct text.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from quizzes.content import MatchPair, QuestionContent
from quizzes.qtypes.base import (
    Answer,
    AnswerError,
    GradeResult,
    Groups,
    PartFeedback,
    PartKind,
    QuestionKind,
    TokenGroups,
    as_id,
    as_prompt_id,
    refuse_unknown_keys,
    required,
    result,
    shuffled,
)
from quizzes.qtypes.choice import duplicate_texts


class Matching(QuestionKind):
    name = "matching"
    label = "Matching"
    widget_template = "quizzes/widgets/matching.html"
    parts = frozenset({"pairs"})
    token_fields = {"matches": ("prompts", "matches")}
    answer_schema = {
        "type": "object",
        "properties": {
            "matches": {
                "type": "object",
                "description": "A prompt's token -> the chosen match's token, for every prompt.",
                "additionalProperties": {"type": "string"},
            }
        },
        "required": ["matches"],
    }

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        refuse_unknown_keys(raw, {"matches"})
        value = required(raw, "matches", "Choose a match for every prompt.")
        if not isinstance(value, dict):
            raise AnswerError("matches", "Send the matches as pairs of prompt and match.")
        prompts = {p.id for p in prompt_pairs(content)}
        pair_ids = {p.id for p in content.pairs}
        chosen: dict[int, int] = {}
        for key, match_value in value.items():
            prompt = as_prompt_id(key)
            # Distractor pairs (empty prompt) are possible matches, never prompts.
            if prompt not in prompts:
                raise AnswerError("matches", "One of the prompts is not part of this question.")
            # JSON cannot repeat a key, but {"12": ..., 12: ...} can reach us from Python.
            if prompt in chosen:
                raise AnswerError("matches", "Each prompt can be matched only once.")
            match_id = as_id(match_value, "matches", "One of the matches could not be read.")
            if match_id not in pair_ids:
                raise AnswerError(
                    "matches", "One of the chosen matches is not part of this question."
                )
            chosen[prompt] = match_id
        if chosen.keys() != prompts:
            raise AnswerError("matches", "Choose a match for every prompt.")
        return Answer(type=self.name, matches=tuple(sorted(chosen.items())))

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """Score = prompts matched correctly / number of prompts (every prompt earns its share).

        A match is correct when the chosen pair's `match` text equals the prompt's own `match`
        text, compared with surrounding and repeated whitespace removed and case ignored, so two
        prompts that share a match text accept either pair. Distractor pairs can be chosen but
        are never prompts. Parts: one per prompt, with the expected match text.
        """
        prompts = prompt_pairs(content)
        if not prompts:
            raise ValueError("matching question has no prompt")
        by_id = {p.id: p for p in content.pairs}
        chosen = dict(answer.matches)
        parts = []
        for prompt in prompts:
            right = _match_key(by_id[chosen[prompt.id]].match) == _match_key(prompt.match)
            parts.append(
                PartFeedback(
                    kind=PartKind.PAIR,
                    id=prompt.id,
                    correct=right,
                    selected=True,
                    feedback=prompt.feedback,
                    expected=prompt.match.strip(),
                )
            )
        return result(Fraction(sum(p.correct for p in parts), len(prompts)), parts)

    def problems(self, content: QuestionContent) -> list[str]:
        problems = []
        prompts = prompt_pairs(content)
        for pair in content.pairs:
            if pair.prompt.strip() and not pair.match.strip():
                problems.append(f'"{pair.prompt}" has no match: give every item its match.')
            if not pair.prompt.strip() and not pair.match.strip():
                problems.append("A row has neither an item nor a match: fill it in or delete it.")
        if len(prompts) < 2:
            problems.append("A matching question needs at least two items to match.")
        duplicates = duplicate_texts([pair.prompt for pair in prompts])
        problems += [f'The item "{text}" appears twice.' for text in duplicates]
        return problems

    def key_answer(self, content: QuestionContent) -> Answer:
        first_with_text: dict[str, int] = {}
        for pair in content.pairs:
            first_with_text.setdefault(_match_key(pair.match), pair.id)
        matches = sorted(
            (p.id, first_with_text[_match_key(p.match)]) for p in prompt_pairs(content)
        )
        return Answer(type=self.name, matches=tuple(matches))

    def key_lines(self, content: QuestionContent) -> list[str]:
        return [f"{pair.prompt} → {pair.match}" for pair in prompt_pairs(content)]

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        # One match per distinct text, always shuffled: the authored order would pair them up.
        seen: dict[str, int] = {}
        for pair in content.pairs:
            seen.setdefault(_match_key(pair.match), pair.id)
        return {
            "prompts": [pair.id for pair in prompt_pairs(content)],
            "matches": shuffled(list(seen.values()), rng),
        }

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        pairs = {pair.id: pair for pair in content.pairs}
        return {
            "prompts": [{"id": t, "text": pairs[i].prompt} for t, i in presentation["prompts"]],
            "matches": [{"id": t, "text": pairs[i].match} for t, i in presentation["matches"]],
        }

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        return {("pair", p.id): p.prompt for p in content.pairs}

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {
            "matches": {
                prompt: data[f"match-{prompt}"]
                for prompt, _ in presentation.get("prompts", [])
                if data.get(f"match-{prompt}")
            }
        }

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"matches": dict(tokens.get("matches", {}))}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {
            "matches": {
                token: data.get(f"match-{token}") for token, _ in presentation.get("prompts", [])
            }
        }

    def widget_rows(self, view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        matches = state.get("matches") or {}
        return {"match_rows": [(p, matches.get(p["id"])) for p in view["prompts"]]}


def prompt_pairs(content: QuestionContent) -> list[MatchPair]:
    return [p for p in content.pairs if p.prompt.strip()]


def _match_key(text: str) -> str:
    return " ".join(text.split()).casefold()
