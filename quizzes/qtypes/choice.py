"""Choice questions: single best answer, true/false and multiple response (select all that apply).

The options are the content's `choices`; one correct (single, true/false) or several
(multiple response). Display order is the author's unless the quiz shuffles options; the key is
never derivable from it because learners see opaque tokens, and authors vary key positions.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from quizzes.content import Choice, QuestionContent, Scoring
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
    as_id_list,
    refuse_duplicates,
    refuse_strangers,
    refuse_unknown_keys,
    required,
    result,
    shuffled,
)

TOKEN = {"type": "string", "description": "An option's token."}


class ChoiceKind(QuestionKind):
    parts = frozenset({"choices"})

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        ids = [choice.id for choice in content.choices]
        # settings["shuffle"] False (Moodle's <shuffleanswers>false</shuffleanswers>): the
        # options' order means something ("all of the above" last), so it is kept.
        keep_order = content.settings.get("shuffle", True) is False
        return {"choices": shuffled(ids, rng) if shuffle and not keep_order else ids}

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        return {"choices": choice_tokens(content, presentation)}

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        return {("choice", c.id): c.text for c in content.choices}

    def key_lines(self, content: QuestionContent) -> list[str]:
        return [choice.text for choice in content.choices if choice.correct]


class OneChoice(ChoiceKind):
    """Single best answer and true/false: the answer is one choice."""

    token_fields = {"choice": "choices"}
    answer_schema = {"type": "object", "properties": {"choice": TOKEN}, "required": ["choice"]}
    missing = "Choose an option."

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        refuse_unknown_keys(raw, {"choice"})
        choice = as_id(
            required(raw, "choice", self.missing), "choice", "Choose one of the options."
        )
        if choice not in {c.id for c in content.choices}:
            raise AnswerError("choice", "That option is not part of this question.")
        return Answer(type=self.name, choice=choice)

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """Rule: 1 if the chosen option is a correct one, else 0. Parts: one per choice.

        WEIGHTED (single best answer imported from Moodle): the chosen option's weight / 100,
        never below 0, so a "nearly right" option keeps Moodle's partial credit.
        """
        if not any(c.correct for c in content.choices):
            raise ValueError("question has no correct option")
        by_id = {c.id: c for c in content.choices}
        right = by_id[answer.choice].correct if answer.choice is not None else False
        score: Fraction | int = 1 if right else 0
        weighted = self.offers_weighted_scoring and content.scoring == Scoring.WEIGHTED
        if weighted and answer.choice is not None:
            score = weight_fraction([by_id[answer.choice]])
        parts = [
            choice_part(
                c,
                selected=c.id == answer.choice,
                # An unchosen correct option is only a miss when the student's pick was wrong.
                correct=c.correct if c.id == answer.choice else (not c.correct or right),
            )
            for c in content.choices
        ]
        return result(score, parts)

    def key_answer(self, content: QuestionContent) -> Answer:
        return Answer(type=self.name, choice=next(c.id for c in content.choices if c.correct))

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        if not data.get("choice"):
            raise AnswerError("choice", "Choose an answer.")
        return {"choice": data["choice"]}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"choice": tokens.get("choice")}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"choice": data.get("choice")}


class SingleBestAnswer(OneChoice):
    name = "single"
    label = "Single best answer"
    widget_template = "quizzes/widgets/single.html"
    offers_weighted_scoring = True

    def problems(self, content: QuestionContent) -> list[str]:
        problems = choice_text_problems(content) + weight_problems(content, single=True)
        if len(content.choices) < 2:
            problems.append("A single-best-answer question needs at least two options.")
        correct = correct_count(content)
        if correct == 0:
            problems.append("Mark the one correct option: none is marked correct.")
        elif correct > 1:
            problems.append(
                f"A single-best-answer question has exactly one correct option; {correct} are "
                "marked correct. Use a multiple-response question if several are right."
            )
        return problems


class TrueFalse(OneChoice):
    name = "true_false"
    label = "True / false"
    widget_template = "quizzes/widgets/true_false.html"
    missing = "Choose true or false."

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        # True before False, always: a shuffled pair only confuses.
        return {"choices": [choice.id for choice in content.choices]}

    def problems(self, content: QuestionContent) -> list[str]:
        texts = sorted(choice.text.strip().lower() for choice in content.choices)
        problems = []
        if texts != ["false", "true"]:
            problems.append('A true/false question has exactly two options, "True" and "False".')
        if correct_count(content) != 1:
            problems.append('Mark exactly one of "True" and "False" as correct.')
        return problems


class MultipleResponse(ChoiceKind):
    name = "multiple"
    label = "Multiple response (select all that apply)"
    widget_template = "quizzes/widgets/multiple.html"
    token_fields = {"choices": "choices"}
    answer_schema = {
        "type": "object",
        "properties": {"choices": {"type": "array", "items": TOKEN}},
        "required": ["choices"],
    }
    offers_partial_scoring = True
    offers_weighted_scoring = True

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        refuse_unknown_keys(raw, {"choices"})
        value = required(raw, "choices", "Choose at least one option.")
        ids = as_id_list(
            value,
            "choices",
            not_a_list="Send the chosen options as a list.",
            not_an_id="One of the chosen options could not be read.",
        )
        if not ids:
            raise AnswerError("choices", "Choose at least one option.")
        refuse_strangers(
            ids,
            {c.id for c in content.choices},
            "choices",
            "One of the chosen options is not part of this question.",
        )
        refuse_duplicates(ids, "choices", "Each option can be chosen only once.")
        return Answer(type=self.name, choices=tuple(sorted(ids)))

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """`content.scoring` picks the rule.

        ALL_OR_NOTHING: 1 only if the chosen set equals the set of correct options, else 0.
        PARTIAL: max(0, (right picks - wrong picks) / number of correct options). Ticking every
        box therefore earns nothing unless more than half of the options are correct.
        WEIGHTED: the sum of the chosen options' weights / 100, clamped to [0, 1] (Moodle's
        rule: with weights 50, 50, -100, two right and one wrong tick score 0).
        The score depends on the set of choices only, never on the order they were ticked in.
        Parts: one per choice; correct when it was chosen exactly if it is a correct option.
        """
        key = {c.id for c in content.choices if c.correct}
        if not key:
            raise ValueError("multiple-response question has no correct option")
        chosen = set(answer.choices)
        parts = [
            choice_part(c, selected=c.id in chosen, correct=(c.id in chosen) == c.correct)
            for c in content.choices
        ]
        if content.scoring == Scoring.WEIGHTED:
            return result(weight_fraction([c for c in content.choices if c.id in chosen]), parts)
        if content.scoring == Scoring.PARTIAL:
            right = len(chosen & key)
            wrong = len(chosen - key)
            return result(Fraction(right - wrong, len(key)), parts)
        return result(1 if chosen == key else 0, parts)

    def problems(self, content: QuestionContent) -> list[str]:
        problems = choice_text_problems(content) + weight_problems(content, single=False)
        if len(content.choices) < 2:
            problems.append("A multiple-response question needs at least two options.")
        if correct_count(content) == 0:
            problems.append("Mark at least one option as correct.")
        return problems

    def key_answer(self, content: QuestionContent) -> Answer:
        ids = sorted(c.id for c in content.choices if c.correct)
        return Answer(type=self.name, choices=tuple(ids))

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"choices": data.getlist("choices")}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"choices": set(tokens.get("choices", []))}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"choices": set(data.getlist("choices"))}


def weight_fraction(chosen: list[Choice]) -> Fraction:
    """The weighted score of the chosen options: their weights (percent) summed, over 100.

    Weights are Moodle's grades (such as 33.33333), so they are read as exact decimals; the
    sum is clamped to [0, 1] by `result`, and positive weights that add up to 100 within
    0.01% count as 100 (Moodle's 3 x 33.33333%).
    """
    total = sum((Fraction(str(c.weight or 0)) for c in chosen), Fraction(0))
    if abs(total - 100) <= Fraction(1, 100):
        total = Fraction(100)
    return total / 100


WEIGHT_TOLERANCE = 0.01


def weight_problems(content: QuestionContent, *, single: bool) -> list[str]:
    """Why weighted scoring cannot grade these options (empty when it can, or is not used).

    Every option needs a weight from -100 to 100; an option is correct exactly when its weight
    is 100 (single best answer) or positive (multiple response), and the positive weights of a
    multiple-response question add up to 100, as Moodle requires.
    """
    if content.scoring != Scoring.WEIGHTED:
        return []
    if any(c.weight is None for c in content.choices):
        return ["Weighted scoring needs a weight on every option (0 for a plain wrong one)."]
    problems = []
    weights = [c.weight or 0.0 for c in content.choices]
    if any(not -100 <= w <= 100 for w in weights):
        problems.append("An option's weight must be from -100% to 100%.")
    if single:
        mismatched = [c.text for c in content.choices if c.correct != (c.weight == 100)]
        rule = "the correct option weighs 100% and no other option does"
    else:
        mismatched = [c.text for c in content.choices if c.correct != ((c.weight or 0) > 0)]
        rule = "an option is correct exactly when its weight is positive"
        total = sum(w for w in weights if w > 0)
        if abs(total - 100) > WEIGHT_TOLERANCE:
            problems.append(
                f"The positive weights add up to {total:g}%, not 100%: a learner who ticks every "
                "correct option must earn the full mark."
            )
    if mismatched:
        problems.append(f'Under weighted scoring {rule}: check "{mismatched[0]}".')
    return problems


def choice_tokens(content: QuestionContent, presentation: TokenGroups) -> list[dict[str, str]]:
    texts = {choice.id: choice.text for choice in content.choices}
    return [{"id": token, "text": texts[part]} for token, part in presentation["choices"]]


def choice_part(choice: Choice, *, selected: bool, correct: bool) -> PartFeedback:
    return PartFeedback(
        kind=PartKind.CHOICE,
        id=choice.id,
        correct=correct,
        selected=selected,
        feedback=choice.feedback,
        expected="Correct option" if choice.correct else "Not a correct option",
    )


def correct_count(content: QuestionContent) -> int:
    return sum(1 for choice in content.choices if choice.correct)


def duplicate_texts(texts: list[str]) -> list[str]:
    counts = Counter(text.strip().lower() for text in texts)
    return sorted(text for text, count in counts.items() if count > 1)


def choice_text_problems(content: QuestionContent) -> list[str]:
    duplicates = duplicate_texts([choice.text for choice in content.choices])
    return [f'Two options say the same thing: "{text}".' for text in duplicates]
