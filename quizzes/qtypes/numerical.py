"""Numerical: a typed number, right within a tolerance, optionally with a unit (Moodle's numerical).

Each accepted answer's text is a number with an optional absolute tolerance, "4.5" or
"300 ± 10" (also "300 +- 10"); its `credit` is the percent of the mark it earns, so a nearly
right value (a common slip of a factor of ten) can earn part of the mark. Units live in the
type's settings: `settings["units"]` is a list of [unit, multiplier] pairs, the first the
answers' own unit (multiplier 1); as in Moodle, a value in another unit is divided by its
multiplier (with "mg" 1 and "g" 0.001, "0.3 g" reads as 300 mg). A number typed without a unit
is read in the first unit. Medical use: doses, rates, drips, BMI, corrected calcium.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from quizzes.content import QuestionContent
from quizzes.qtypes.base import (
    Answer,
    AnswerError,
    GradeResult,
    PartFeedback,
    PartKind,
    QuestionKind,
    TokenGroups,
    refuse_unknown_keys,
    result,
    typed_text,
)

_NUMBER = r"[-+−]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_ANSWER = re.compile(rf"^\s*({_NUMBER})\s*(?:(?:±|\+-|\+/-)\s*({_NUMBER}))?\s*$")
_RESPONSE = re.compile(rf"^\s*({_NUMBER})\s*(.*?)\s*$")


@dataclass(frozen=True)
class NumericAnswer:
    """An accepted value and its absolute tolerance, in the first unit."""

    value: Decimal
    tolerance: Decimal


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace("−", "-"))


def parse_accepted(text: str) -> NumericAnswer | None:
    """An accepted answer's text ("300", "300 ± 10") as a value and tolerance, or None."""
    match = _ANSWER.match(text)
    if match is None:
        return None
    try:
        value = _decimal(match.group(1))
        tolerance = abs(_decimal(match.group(2))) if match.group(2) else Decimal(0)
    except InvalidOperation:
        return None
    return NumericAnswer(value=value, tolerance=tolerance)


def units_of(content: QuestionContent) -> list[tuple[str, Decimal]]:
    """The question's units and their multipliers, the answers' own unit first."""
    units = []
    for entry in content.settings.get("units", []):
        try:
            unit, multiplier = str(entry[0]).strip(), Decimal(str(entry[1]))
        except (IndexError, TypeError, InvalidOperation):
            continue
        if unit and multiplier.is_finite() and multiplier != 0:
            units.append((unit, multiplier))
    return units


def read_response(content: QuestionContent, text: str) -> Decimal:
    """The learner's number in the answers' unit; AnswerError when it is not a number, or its
    unit is not one of the question's."""
    if "," in text:
        # "1,000" or "1,5"? A dose misread by a factor of 1000 is worse than a refusal.
        raise AnswerError(
            "text", "Write decimals with a point (4.5) and no thousands separators (1000)."
        )
    match = _RESPONSE.match(text)
    if match is None:
        raise AnswerError("text", "Type a number, such as 4.5 or 300.")
    try:
        value = _decimal(match.group(1))
    except InvalidOperation as error:
        raise AnswerError("text", "Type a number, such as 4.5 or 300.") from error
    unit = match.group(2).strip()
    units = units_of(content)
    if not unit:
        return value
    for name, multiplier in units:
        if unit == name:
            return value / multiplier
    if units:
        names = ", ".join(name for name, _ in units)
        raise AnswerError("text", f'"{unit}" is not a unit of this question: use {names}.')
    raise AnswerError("text", "Type the number only, without a unit.")


class Numerical(QuestionKind):
    name = "numerical"
    label = "Numerical (a number, with a tolerance and units)"
    widget_template = "quizzes/widgets/numerical.html"
    parts = frozenset({"accepted_answers"})
    answer_schema = {
        "type": "object",
        "properties": {"text": {"type": "string", "maxLength": 500}},
        "required": ["text"],
    }

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        refuse_unknown_keys(raw, {"text"})
        text = typed_text(raw, empty="Type a number.")
        read_response(content, text)
        return Answer(type=self.name, text=text)

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """Rule: the best credit among the accepted answers whose value ± tolerance holds the
        learner's number (converted to the answers' unit), / 100; 0 when none does.

        Bounds are inclusive and compared exactly (decimals, no floating point), so 4.4 is
        within 4.5 ± 0.1. Parts: one ANSWER part, the accepted answer matched (or the first
        full-credit one, not correct).
        """
        if not content.accepted_answers:
            raise ValueError("numerical question has no accepted answer")
        number = read_response(content, answer.text)
        best: tuple[float, int] | None = None
        for index, accepted in enumerate(content.accepted_answers):
            parsed = parse_accepted(accepted.text)
            if parsed is None:
                raise ValueError(f"accepted answer {accepted.text!r} is not a number")
            within = abs(number - parsed.value) <= parsed.tolerance
            if within and (best is None or accepted.credit > best[0]):
                best = (accepted.credit, index)
        if best is None:
            first = next((n for n, a in enumerate(content.accepted_answers) if a.credit == 100), 0)
            part = PartFeedback(
                kind=PartKind.ANSWER,
                id=first,
                correct=False,
                expected=content.accepted_answers[first].text,
            )
            return result(0, [part])
        accepted = content.accepted_answers[best[1]]
        part = PartFeedback(
            kind=PartKind.ANSWER,
            id=best[1],
            correct=accepted.credit == 100,
            selected=True,
            feedback=accepted.feedback,
            expected=accepted.text,
        )
        return result(Fraction(str(accepted.credit)) / 100, [part])

    def problems(self, content: QuestionContent) -> list[str]:
        answers = content.accepted_answers
        if not answers:
            return ["A numerical question needs at least one accepted answer."]
        problems = [
            f'The accepted answer "{a.text}" is not a number with an optional tolerance, such '
            'as "4.5" or "300 ± 10".'
            for a in answers
            if parse_accepted(a.text) is None
        ]
        if any(not 0 < a.credit <= 100 for a in answers):
            problems.append("An accepted answer earns more than 0% and at most 100% of the mark.")
        if not any(a.credit == 100 for a in answers):
            problems.append("At least one accepted answer must earn the full mark (100%).")
        raw_units = content.settings.get("units", [])
        units = units_of(content)
        if len(units) != len(raw_units):
            problems.append("Each unit needs a name and a multiplier that is not 0.")
        elif units and units[0][1] != 1:
            problems.append("The first unit is the answers' own: its multiplier must be 1.")
        if len({name for name, _ in units}) != len(units):
            problems.append("Two units have the same name.")
        return problems

    def key_answer(self, content: QuestionContent) -> Answer:
        full = next(a for a in content.accepted_answers if a.credit == 100)
        parsed = parse_accepted(full.text)
        if parsed is None:
            raise ValueError(f"accepted answer {full.text!r} is not a number")
        units = units_of(content)
        text = f"{parsed.value}" + (f" {units[0][0]}" if units else "")
        return Answer(type=self.name, text=text)

    def key_lines(self, content: QuestionContent) -> list[str]:
        units = units_of(content)
        unit = f" {units[0][0]}" if units else ""
        return [
            f"{answer.text}{unit}"
            + (f" ({answer.credit:g}% of the mark)" if answer.credit != 100 else "")
            for answer in content.accepted_answers
        ]

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        # The units a learner may type (not the key): all of them, in the author's order.
        return {"units": [name for name, _ in units_of(content)]}

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        return {("answer", n): a.text for n, a in enumerate(content.accepted_answers)}

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"text": data.get("text", "")}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": tokens.get("text", "")}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"text": data.get("text", "")}
