"""Read Moodle's GIFT text format into parsed items, with the line each question starts on.

Written against Moodle's GIFT documentation and its reference importer (qformat_gift):
questions are separated by blank lines; `//` starts a comment line; `$CATEGORY: path` switches
category; `::title::` names a question; `[html]`, `[moodle]`, `[plain]` or `[markdown]` sets a
text's format; the answers sit in `{...}`: `=right ~wrong`, `~%50%weighted`, `#feedback`,
`####general feedback`, `{T}`/`{FALSE}` (true/false, with `#wrong#right` feedback), `{=a =b}`
(short answer), `{=prompt -> match}` (matching; an empty prompt adds a distractor), `{#...}`
(numerical), `{}` (essay), no braces (description). A backslash escapes `~ = # { } :` and `\\n`
is a line break. Text after the closing brace makes a "missing word" question: the answers'
place in the text becomes a blank (_____).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from interop import (
    HTML,
    MARKDOWN,
    MOODLE_AUTO,
    PLAIN,
    ParsedAnswer,
    ParsedItem,
    ParsedPair,
    ParseResult,
    images_warning,
    lost_markup,
    to_markdown,
    to_plain,
)
from interop.moodle_xml import REFERENCES_HEADING
from quizzes.content import QuestionContent, Scoring
from quizzes.models import Question
from quizzes.versioning import content_of

FORMAT = "gift"

# Escaped special characters are swapped for private-use characters while the structure is
# parsed, then restored; a real line break stays a line break, so offsets still give lines.
_ESCAPES = {
    ":": "\ue000",
    "#": "\ue001",
    "=": "\ue002",
    "{": "\ue003",
    "}": "\ue004",
    "~": "\ue005",
    "n": "\ue006",
    "\\": "\ue007",
}
_RESTORE = str.maketrans(
    {placeholder: ("\n" if char == "n" else char) for char, placeholder in _ESCAPES.items()}
)
_FORMAT_NAMES = {"html": HTML, "moodle": MOODLE_AUTO, "plain": PLAIN, "markdown": MARKDOWN}
_FORMAT_PREFIX = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class GiftError(ValueError):
    """A question that cannot be read; `offset` points into the question's text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _protect(text: str) -> str:
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPES:
            out.append(_ESCAPES[text[index + 1]])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


@dataclass
class _Block:
    line: int  # the file line of the block's first character
    text: str  # comment lines blanked, escapes protected
    comments: tuple[str, ...] = ()  # the comment lines before and inside it, without "//"

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, max(offset, 0))


def _blocks(text: str) -> list[_Block]:
    """Split the file at blank lines; comment lines become empty but keep their line."""
    blocks: list[_Block] = []
    current: list[str] = []
    comments: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            # Moodle's GIFT export writes a question's id number and tags in the comment line
            # just before it ("// [id:ecg-1] [tag:cardiology]"): keep comments with the block.
            comments.append(stripped[2:])
            if current:
                current.append("")
            continue
        if not stripped:
            if current:
                blocks.append(_Block(start, _protect("\n".join(current)), tuple(comments)))
                current, comments = [], []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(_Block(start, _protect("\n".join(current)), tuple(comments)))
    return blocks


_METADATA = re.compile(r"\[(id|tag|edu_scoring|edu_difficulty):((?:\\.|[^\]\\])*)\]")


def _metadata(item: ParsedItem, comments: tuple[str, ...]) -> None:
    """The [id:...] and [tag:...] markers of Moodle's GIFT export (a backslash escapes "]")."""
    for comment in comments:
        for kind, raw in _METADATA.findall(comment):
            value = re.sub(r"\\(.)", r"\1", raw).strip()
            if not value:
                continue
            if kind == "id":
                item.idnumber = value
            elif kind == "edu_difficulty":
                # Written by this platform's GIFT export; Moodle ignores it.
                item.difficulty = value
            elif kind == "edu_scoring":
                item.all_or_nothing = {"all_or_nothing": True, "partial": False}.get(value)
                item.weighted = value == "weighted"
            elif value not in item.tags:
                item.tags.append(value)


def parse_gift(text: str) -> ParseResult:
    """Parse a GIFT file; every item carries the line it starts on, every error its line."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    result = ParseResult(format=FORMAT)
    category = ""
    number = 0
    for block in _blocks(text):
        body = block.text
        offset = len(body) - len(body.lstrip())
        if body.lstrip().startswith("$CATEGORY:"):
            first, _, rest = body.lstrip().partition("\n")
            category = _restore(first[len("$CATEGORY:") :]).strip()
            if not rest.strip():
                continue
            offset = len(body) - len(rest) + (len(rest) - len(rest.lstrip()))
        number += 1
        item = ParsedItem(number=number, qtype="", line=block.line_at(offset), category=category)
        _metadata(item, block.comments)
        try:
            _parse_question(item, block, offset)
        except GiftError as error:
            line = block.line_at(error.offset)
            item.errors.append(str(error) if line == item.line else f"line {line}: {error}")
        result.items.append(item)
    return result


def _text_format(text: str, default: str) -> tuple[str, str]:
    match = _FORMAT_PREFIX.match(text)
    if match is None:
        return text, default
    return text[match.end() :], _FORMAT_NAMES[match.group(1).lower()]


def _markdown(item: ParsedItem, text: str, default: str, where: str) -> str:
    text, text_format = _text_format(_restore(text).strip(), default)
    converted, images = to_markdown(text, text_format)
    item.warnings += images_warning(images, where)
    item.warnings += lost_markup(text, text_format, where)
    return converted


def _plain(item: ParsedItem, text: str, default: str, where: str) -> str:
    text, text_format = _text_format(_restore(text).strip(), default)
    converted, images = to_plain(text, text_format)
    item.warnings += images_warning(images, where)
    return converted


def _parse_question(item: ParsedItem, block: _Block, start: int) -> None:
    body = block.text
    position = start
    if body.startswith("::", position):
        end = body.find("::", position + 2)
        if end == -1:
            raise GiftError("The title opened with :: is not closed with ::.", position)
        item.name = _restore(body[position + 2 : end]).strip()
        position = end + 2

    opening = body.find("{", position)
    closing = body.find("}", position)
    if opening == -1 and closing == -1:
        item.qtype = "description"
        item.stem = _markdown(item, body[position:], MOODLE_AUTO, "text")
        return
    if opening != -1 and closing == -1:
        raise GiftError(
            'The answer block opened with "{" is not closed with "}" before the blank line.',
            opening,
        )
    if opening == -1 or closing < opening:
        raise GiftError(
            'A "}" closes an answer block that was never opened (write \\} for a brace).',
            closing,
        )
    nested = body.find("{", opening + 1, closing)
    if nested != -1:
        raise GiftError('A second "{" inside the answer block (write \\{ for a brace).', nested)
    for extra_char in "{}":
        extra = body.find(extra_char, closing + 1)
        if extra != -1:
            raise GiftError(
                f'A second "{extra_char}" after the answer block: a question has one answer '
                f"block (write \\{extra_char} for a brace).",
                extra,
            )

    before = body[position:opening]
    after = body[closing + 1 :]
    question_text = before + ("_____" + after if after.strip() else "")
    question_text, text_format = _text_format(question_text.strip(), MOODLE_AUTO)
    answer_start = opening + 1
    answers = body[answer_start:closing]

    general = answers.rfind("####")
    if general != -1:
        item.general_feedback = _markdown(
            item, answers[general + 4 :], text_format, "general feedback"
        )
        answers = answers[:general]

    item.stem = _markdown(item, question_text, text_format, "question text")
    stripped = answers.strip()
    if not stripped:
        item.qtype = "essay"
    elif stripped.startswith("#"):
        item.qtype = "numerical"
        _numerical(item, answers, answer_start, text_format)
    elif stripped.startswith(">"):
        item.qtype = "ordering (GIFT plugin syntax)"
    elif "~" in stripped:
        item.qtype = "multichoice"
        _multichoice(item, answers, answer_start, text_format)
    elif "=" in stripped and "->" in stripped:
        item.qtype = "matching"
        _matching(item, answers, answer_start, text_format)
    elif stripped.split("#", 1)[0].strip() in _TRUE_FALSE:
        item.qtype = "truefalse"
        _true_false(item, stripped, text_format)
    else:
        item.qtype = "shortanswer"
        _short_answer(item, answers, answer_start, text_format)


def _tokens(answers: str, base: int, markers: str) -> list[tuple[str, str, int]]:
    """Split an answer block at each marker: (marker, text after it, offset of the marker)."""
    tokens: list[tuple[str, str, int]] = []
    positions = [i for i, char in enumerate(answers) if char in markers]
    if not positions or answers[: positions[0]].strip():
        first = len(answers) - len(answers.lstrip())
        raise GiftError(
            f"Each answer starts with {' or '.join(markers)}; this text comes before the first.",
            base + first,
        )
    for index, position in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(answers)
        tokens.append((answers[position], answers[position + 1 : end], base + position))
    return tokens


def _weight(text: str, offset: int) -> tuple[float | None, str]:
    match = _WEIGHT.match(text)
    if match is None:
        return None, text
    weight = float(match.group(1))
    if not -100 <= weight <= 100:
        raise GiftError(f"The weight {match.group(1)}% is outside -100% to 100%.", offset)
    return weight, text[match.end() :]


def _answer(
    item: ParsedItem, text: str, weight: float, offset: int, text_format: str
) -> ParsedAnswer:
    answer_text, _, feedback = text.partition("#")
    plain = _plain(item, answer_text, text_format, "answers")
    if not plain:
        raise GiftError("An answer has no text.", offset)
    return ParsedAnswer(
        text=plain,
        fraction=weight,
        feedback=_markdown(item, feedback, text_format, "feedback") if feedback else "",
    )


def _multichoice(item: ParsedItem, answers: str, base: int, text_format: str) -> None:
    # As Moodle reads GIFT: an answer marked "=" makes a single-answer question; with only "~"
    # answers (weighted by %n%) learners may tick several.
    tokens = _tokens(answers, base, "~=")
    item.single = any(marker == "=" for marker, _text, _offset in tokens)
    for marker, text, offset in tokens:
        weight, text = _weight(text, offset)
        if weight is None:
            weight = 100.0 if marker == "=" else 0.0
        item.answers.append(_answer(item, text, weight, offset, text_format))
    if len(item.answers) < 2:
        raise GiftError("A multiple-choice question needs at least two answers.", base)


def _short_answer(item: ParsedItem, answers: str, base: int, text_format: str) -> None:
    for _marker, text, offset in _tokens(answers, base, "="):
        weight, text = _weight(text, offset)
        item.answers.append(
            _answer(item, text, 100.0 if weight is None else weight, offset, text_format)
        )


def _matching(item: ParsedItem, answers: str, base: int, text_format: str) -> None:
    for _marker, text, offset in _tokens(answers, base, "="):
        if "->" not in text:
            raise GiftError('A matching answer needs "->" between the item and its match.', offset)
        prompt, _, match = text.partition("->")
        item.pairs.append(
            ParsedPair(
                prompt=_plain(item, prompt, text_format, "matching items"),
                match=_plain(item, match, PLAIN, "matches"),
            )
        )
    if len(item.pairs) < 2:
        raise GiftError("A matching question needs at least two pairs.", base)


def _true_false(item: ParsedItem, answers: str, text_format: str) -> None:
    key, *feedback = answers.split("#", 2)
    correct = _TRUE_FALSE[key.strip()]
    wrong_feedback = feedback[0] if feedback else ""
    right_feedback = feedback[1] if len(feedback) > 1 else ""
    right = _markdown(item, right_feedback, text_format, "feedback")
    wrong = _markdown(item, wrong_feedback, text_format, "feedback")
    # Moodle shows the right feedback to whoever answers correctly: beside the key's option.
    true_feedback, false_feedback = (right, wrong) if correct else (wrong, right)
    item.answers = [
        ParsedAnswer(text="True", fraction=100.0 if correct else 0.0, feedback=true_feedback),
        ParsedAnswer(text="False", fraction=0.0 if correct else 100.0, feedback=false_feedback),
    ]


_NUMERIC = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_VALUE = re.compile(rf"^\s*({_NUMERIC})\s*(?::\s*({_NUMERIC}))?\s*$")
_RANGE = re.compile(rf"^\s*({_NUMERIC})\s*\.\.\s*({_NUMERIC})\s*$")


def _numeric_answer(
    item: ParsedItem, text: str, weight: float, offset: int, text_format: str
) -> ParsedAnswer:
    """One numerical answer: "value", "value:tolerance" or "min..max", then "#feedback"."""
    value_text, _, feedback = text.partition("#")
    value_text = _restore(value_text).strip()
    range_match = _RANGE.match(value_text)
    if range_match is not None:
        low, high = (float(range_match.group(1)), float(range_match.group(2)))
        if low > high:
            raise GiftError(f"The range {value_text} runs backwards.", offset)
        # Moodle reads min..max as the midpoint with half the width as tolerance.
        value, tolerance = f"{(low + high) / 2:g}", f"{(high - low) / 2:g}"
    else:
        match = _VALUE.match(value_text)
        if match is None:
            raise GiftError(
                f'"{value_text}" is not a number, number:tolerance or min..max.', offset
            )
        value, tolerance = match.group(1), match.group(2) or ""
    return ParsedAnswer(
        text=value,
        fraction=weight,
        tolerance=tolerance,
        feedback=_markdown(item, feedback, text_format, "feedback") if feedback else "",
    )


def _numerical(item: ParsedItem, answers: str, base: int, text_format: str) -> None:
    body = answers.lstrip()[1:]  # the leading "#"
    start = base + len(answers) - len(answers.lstrip()) + 1
    if "=" not in body:
        item.answers.append(_numeric_answer(item, body, 100.0, start, text_format))
        return
    for _marker, text, offset in _tokens(body, start, "="):
        weight, text = _weight(text, offset)
        item.answers.append(
            _numeric_answer(item, text, 100.0 if weight is None else weight, offset, text_format)
        )


# Writing.


@dataclass
class GiftExport:
    """An export: the GIFT text, how many questions it holds, and what GIFT cannot carry."""

    text: str
    count: int
    warnings: list[str]


# Question types GIFT can hold; the others are skipped with a warning.
GIFT_TYPES = {"single", "multiple", "true_false", "short_answer", "matching", "numerical"}


def escape_gift(text: str) -> str:
    """Text as GIFT writes it: its special characters escaped, line breaks as \\n."""
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _feedback(text: str) -> str:
    return f"#{escape_gift(text)}" if text else ""


def _choice_lines(content: QuestionContent) -> list[str]:
    correct = [c for c in content.choices if c.correct]
    lines = []
    for choice in content.choices:
        if content.type == "single" and content.scoring != Scoring.WEIGHTED:
            mark = "=" if choice.correct else "~"
        elif content.type == "single":
            weight = choice.weight or 0.0
            mark = "=" if choice.correct else (f"~%{_percent(weight)}%" if weight else "~")
        elif content.scoring == Scoring.WEIGHTED:
            mark = f"~%{_percent(choice.weight or 0.0)}%"
        else:
            share = 100 / len(correct)
            # Moodle's weights that give the platform's partial rule; all or nothing is kept in
            # the [edu_scoring:] comment, which only this platform reads.
            mark = f"~%{_percent(share if choice.correct else -share)}%"
        lines.append(f"\t{mark}{escape_gift(choice.text)}{_feedback(choice.feedback)}")
    return lines


def _body(content: QuestionContent, warnings: list[str], key: str) -> str:
    if content.type == "true_false":
        right = next(c for c in content.choices if c.correct)
        wrong = next(c for c in content.choices if not c.correct)
        flag = "TRUE" if right.text.strip().lower() == "true" else "FALSE"
        feedback = f"#{escape_gift(wrong.feedback)}#{escape_gift(right.feedback)}"
        return flag + (feedback if right.feedback or wrong.feedback else "")
    if content.type in {"single", "multiple"}:
        return "\n" + "\n".join(_choice_lines(content)) + "\n"
    if content.type == "short_answer":
        lines = []
        for answer in content.accepted_answers:
            credit = "" if answer.credit == 100 else f"%{_percent(answer.credit)}%"
            for text in (answer.text, *answer.synonyms):
                lines.append(f"\t={credit}{escape_gift(text)}{_feedback(answer.feedback)}")
        return "\n" + "\n".join(lines) + "\n"
    if content.type == "matching":
        if any(pair.feedback for pair in content.pairs):
            warnings.append(f"{key}: GIFT has no feedback on matching rows; it is not exported.")
        lines = [
            f"\t={escape_gift(pair.prompt)} -> {escape_gift(pair.match)}" for pair in content.pairs
        ]
        return "\n" + "\n".join(lines) + "\n"
    # numerical
    if content.settings.get("units"):
        warnings.append(f"{key}: GIFT has no units; only the numbers are exported.")
    lines = []
    for answer in content.accepted_answers:
        value, _, tolerance = answer.text.replace("+-", "±").partition("±")
        credit = "" if answer.credit == 100 else f"%{_percent(answer.credit)}%"
        number = value.strip() + (f":{tolerance.strip()}" if tolerance.strip() else "")
        lines.append(f"\t={credit}{number}{_feedback(answer.feedback)}")
    return "#\n" + "\n".join(lines) + "\n"


def question_gift(
    *,
    key: str,
    title: str,
    difficulty: str,
    topics: list[str],
    content: QuestionContent,
    general_feedback: str,
    warnings: list[str],
) -> str | None:
    """One question in GIFT, or None (with a warning) when GIFT cannot hold its type."""
    if content.type not in GIFT_TYPES:
        warnings.append(f"{key}: GIFT cannot hold a {content.type.replace('_', ' ')} question.")
        return None
    dropped = sorted(
        name for name in ("feedback", "hints", "penalty", "shuffle") if name in content.settings
    )
    if dropped:
        warnings.append(f"{key}: GIFT has no place for the question's {', '.join(dropped)}.")
    if content.type == "multiple" and content.scoring == Scoring.ALL_OR_NOTHING:
        warnings.append(
            f"{key}: Moodle has no all-or-nothing multiple response; Moodle will give partial "
            "credit (a re-import here keeps all or nothing)."
        )
    tags = "".join(" [tag:" + topic.replace("]", "\\]") + "]" for topic in topics)
    meta = f"// [id:{key}]{tags} [edu_scoring:{content.scoring}] [edu_difficulty:{difficulty}]"
    body = _body(content, warnings, key)
    general = f"\t####{escape_gift(general_feedback)}\n" if general_feedback else ""
    if general and body.endswith("\n"):
        body += general
    elif general:
        body += "\n" + general
    return f"{meta}\n::{escape_gift(title)}::[markdown]{escape_gift(content.stem)}{{{body}}}\n"


def export_gift(questions: Iterable[Question]) -> GiftExport:
    """Questions (with their parts and topics prefetched) as a GIFT file Moodle imports.

    The explanation and references travel in the general feedback (under the heading the
    importer splits off again); the key, scoring rule and difficulty in the comment line
    before each question, where Moodle reads [id:] and [tag:] and ignores the rest.
    """
    warnings: list[str] = []
    parts = ["// Exported from MedEd as Moodle GIFT.\n"]
    count = 0
    for question in questions:
        content = content_of(question)
        general = content.explanation.strip()
        if content.references.strip():
            general = f"{general}\n\n{REFERENCES_HEADING}\n\n{content.references.strip()}".strip()
        text = question_gift(
            key=question.key,
            title=question.title,
            difficulty=question.difficulty,
            topics=[topic.name for topic in question.topics.all()],
            content=content,
            general_feedback=general,
            warnings=warnings,
        )
        if text is not None:
            parts.append("\n" + text)
            count += 1
    return GiftExport(text="".join(parts), count=count, warnings=warnings)
