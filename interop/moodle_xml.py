"""Moodle XML: read a question bank into parsed items, and write questions back out.

Reading follows Moodle's "Moodle XML format" documentation and its importer (qformat_xml):
a `<quiz>` of `<question type="...">` elements; `type="category"` switches category; texts are
`<text>` children (plain or CDATA) with a `format` of html, moodle_auto_format, plain_text or
markdown; `<file encoding="base64">` embeds files. The XML is parsed with defusedxml (no DTDs,
no entities, no external references). Errors name the question by its number among the
file's `<question>` elements and by its name.

Writing produces what Moodle imports: multichoice, truefalse, shortanswer, matching, ordering
(qtype_ordering) and ddmarker (from hotspot questions, with the figure embedded). Texts are
written in Moodle's Markdown format, so they keep the platform's Markdown exactly. A few
elements Moodle ignores carry what Moodle has no place for, so a re-import restores it:
`<edu_scoring>`, `<edu_difficulty>` and, on a matching row, `<edu_feedback>`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.db.models import QuerySet

from interop import (
    HTML,
    MARKDOWN,
    TEXT_FORMATS,
    ParsedAnswer,
    ParsedCategory,
    ParsedItem,
    ParsedPair,
    ParsedZone,
    ParseResult,
    images_warning,
    lost_markup,
    to_markdown,
    to_plain,
)
from quizzes.content import QuestionContent, Scoring
from quizzes.models import Question
from quizzes.qtypes import label_of
from quizzes.versioning import content_of, questions_with_parts

FORMAT = "moodle_xml"
REFERENCES_HEADING = "#### References"
DEFAULT_PENALTY = 0.3333333
COMBINED_FEEDBACK = {
    "correct": "correctfeedback",
    "partial": "partiallycorrectfeedback",
    "incorrect": "incorrectfeedback",
}


# Reading.


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    return found.text or "" if found is not None else ""


def _format(element: Element | None, default: str = HTML) -> str:
    value = (element.get("format") if element is not None else None) or default
    return value if value in TEXT_FORMATS else default


def _flag(element: Element, name: str, default: bool = False) -> bool:
    found = element.find(name)
    if found is None:
        return default
    value = (found.text or "").strip().lower()
    # <shownumcorrect/> style flags: present and empty means on.
    return value in {"", "1", "true", "yes"}


class _ItemError(ValueError):
    pass


def parse_moodle_xml(data: bytes) -> ParseResult:
    """Parse a Moodle XML file into items; a file that is not well-formed gives one error."""
    result = ParseResult(format=FORMAT)
    try:
        root = SafeElementTree.fromstring(data)
    except ParseError as error:
        line, column = error.position
        reason = str(error.msg).split(": line")[0]
        result.errors.append(
            f"The file is not well-formed XML: {reason} at line {line}, column {column}."
        )
        return result
    except DefusedXmlException:
        result.errors.append(
            "The file declares a DTD or entities, which are refused for safety; Moodle's own "
            "exports have none."
        )
        return result
    if root.tag != "quiz":
        result.errors.append(
            f"This is not a Moodle XML file: the root is <{root.tag}>, not <quiz>."
        )
        return result
    category = ""
    for number, element in enumerate(root.findall("question"), start=1):
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = _text(element.find("category")).strip()
            info = element.find("info")
            result.categories[category] = ParsedCategory(
                description=to_markdown(_text(info), _format(info))[0] if info is not None else "",
                idnumber=(element.findtext("idnumber") or "").strip(),
            )
            continue
        item = ParsedItem(number=number, qtype=qtype, category=category)
        item.name = to_plain(_text(element.find("name")), "plain_text")[0]
        try:
            _read_question(item, element)
        except _ItemError as error:
            item.errors.append(str(error))
        result.items.append(item)
    return result


def _rich(item: ParsedItem, element: Element | None, where: str) -> str:
    if element is None:
        return ""
    text, images = to_markdown(_text(element), _format(element))
    item.warnings += images_warning(images, where)
    item.warnings += lost_markup(_text(element), _format(element), where)
    return text


def _plain(item: ParsedItem, element: Element | None, where: str, default: str = HTML) -> str:
    if element is None:
        return ""
    text, images = to_plain(_text(element), _format(element, default))
    item.warnings += images_warning(images, where)
    return text


def _fraction(answer: Element) -> float:
    raw = answer.get("fraction", "0")
    try:
        value = float(raw)
    except ValueError as error:
        raise _ItemError(f'The answer fraction "{raw}" is not a number.') from error
    if not math.isfinite(value):
        raise _ItemError(f'The answer fraction "{raw}" is not a number.')
    return value


def _read_question(item: ParsedItem, element: Element) -> None:
    question_text = element.find("questiontext")
    if question_text is None:
        raise _ItemError("It has no <questiontext>.")
    item.stem = _rich(item, question_text, "question text")
    item.general_feedback = _rich(item, element.find("generalfeedback"), "general feedback")
    item.warnings += [
        # An image its text shows is already named by the text's own warning.
        line
        for name, line in _embedded_files(element)
        if not any(name in warning for warning in item.warnings)
    ]
    item.idnumber = _text(element, "idnumber").strip()
    item.tags = [
        (tag.findtext("text") or "").strip()
        for tag in element.findall("tags/tag")
        if (tag.findtext("text") or "").strip()
    ]
    item.difficulty = (element.findtext("edu_difficulty") or "").strip()
    penalty = (element.findtext("penalty") or "").strip()
    if penalty:
        try:
            item.penalty = float(penalty)
        except ValueError as error:
            raise _ItemError(f'The penalty "{penalty}" is not a number.') from error
    scoring = (element.findtext("edu_scoring") or "").strip()
    if scoring in {Scoring.PARTIAL, Scoring.ALL_OR_NOTHING}:
        item.all_or_nothing = scoring == Scoring.ALL_OR_NOTHING
    item.weighted = scoring == Scoring.WEIGHTED
    for which, tag in COMBINED_FEEDBACK.items():
        text = _rich(item, element.find(tag), f"{which} feedback")
        if text:
            item.combined_feedback[which] = text
    item.hints = [text for hint in element.findall("hint") if (text := _rich(item, hint, "hints"))]
    reader = _READERS.get(item.qtype)
    if reader is not None:
        reader(item, element)


_FILE_KINDS = {
    "audio": {".mp3", ".wav", ".ogg", ".m4a", ".aac"},
    "video": {".mp4", ".webm", ".mov", ".ogv"},
    "document": {".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx"},
    "image": {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"},
}


def _file_kind(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return next((kind for kind, suffixes in _FILE_KINDS.items() if suffix in suffixes), "file")


def _embedded_files(element: Element) -> list[tuple[str, str]]:
    """(name, preview line) of each file embedded in a question's texts, and of Moodle 1.9's
    <image>: none is imported (only a drag-markers background becomes a figure)."""
    names: dict[str, str] = {}
    for child in element:
        if child.tag == "file":
            continue  # a drag-markers background, read by its reader
        for embedded in child.iter("file"):
            name = embedded.get("name") or "unnamed"
            names.setdefault(name, _file_kind(name))
    for tag in ("image", "image_base64"):
        found = element.find(tag)
        if found is not None and (found.text or "").strip():
            name = (found.text or "").strip()[:60] if tag == "image" else "a base64 image"
            names.setdefault(name, "image (Moodle 1.9)")
    return [
        (
            name,
            f"The embedded {kind} {name} was not imported: attach it to a case stage or add it "
            "as a figure by hand.",
        )
        for name, kind in names.items()
    ]


def _answers(item: ParsedItem, element: Element, default_format: str = HTML) -> None:
    for answer in element.findall("answer"):
        text = _plain(item, answer, "answers", default_format)
        if not text:
            raise _ItemError("An answer has no text.")
        item.answers.append(
            ParsedAnswer(
                text=text,
                fraction=_fraction(answer),
                feedback=_rich(item, answer.find("feedback"), "feedback"),
            )
        )


def _multichoice(item: ParsedItem, element: Element) -> None:
    item.single = _flag(element, "single", default=True)
    if element.find("shuffleanswers") is not None:
        item.shuffle = _flag(element, "shuffleanswers")
    _answers(item, element)
    if not item.answers:
        raise _ItemError("A multiple-choice question has no <answer>.")


def _multichoiceset(item: ParsedItem, element: Element) -> None:
    item.single = False
    if element.find("shuffleanswers") is not None:
        item.shuffle = _flag(element, "shuffleanswers")
    if item.all_or_nothing is None:
        item.all_or_nothing = True
    _answers(item, element)
    if not item.answers:
        raise _ItemError("An all-or-nothing question has no <answer>.")


def _truefalse(item: ParsedItem, element: Element) -> None:
    found: dict[str, ParsedAnswer] = {}
    for answer in element.findall("answer"):
        text = _plain(item, answer, "answers").lower()
        if text not in {"true", "false"}:
            raise _ItemError(f'A true/false answer must be "true" or "false", not "{text}".')
        found[text] = ParsedAnswer(
            text=text.title(),
            fraction=_fraction(answer),
            feedback=_rich(item, answer.find("feedback"), "feedback"),
        )
    if set(found) != {"true", "false"}:
        raise _ItemError('A true/false question needs a "true" and a "false" answer.')
    item.answers = [found["true"], found["false"]]


def _shortanswer(item: ParsedItem, element: Element) -> None:
    item.case_sensitive = (element.findtext("usecase") or "0").strip() in {"1", "true"}
    _answers(item, element, default_format="moodle_auto_format")
    if not item.answers:
        raise _ItemError("A short-answer question has no <answer>.")


def _numerical(item: ParsedItem, element: Element) -> None:
    _answers(item, element, default_format="moodle_auto_format")
    for answer, source in zip(item.answers, element.findall("answer"), strict=True):
        answer.tolerance = (source.findtext("tolerance") or "").strip()
    for unit in element.findall("units/unit"):
        name = (unit.findtext("unit_name") or "").strip()
        multiplier = (unit.findtext("multiplier") or "1").strip()
        if name:
            item.units.append((name, multiplier))
    item.unit_graded = (element.findtext("unitgradingtype") or "0").strip() not in {"", "0"}
    if not item.answers:
        raise _ItemError("A numerical question has no <answer>.")


def _matching(item: ParsedItem, element: Element) -> None:
    for subquestion in element.findall("subquestion"):
        item.pairs.append(
            ParsedPair(
                prompt=_plain(item, subquestion, "matching items"),
                match=to_plain(_text(subquestion.find("answer")), "plain_text")[0],
                feedback=_rich(item, subquestion.find("edu_feedback"), "feedback"),
            )
        )
    if not item.pairs:
        raise _ItemError("A matching question has no <subquestion>.")


def _ordering(item: ParsedItem, element: Element) -> None:
    _answers(item, element)
    # Moodle stores the correct order in each answer's fraction (1, 2, 3, ...).
    item.answers.sort(key=lambda answer: answer.fraction)
    item.grading = (element.findtext("gradingtype") or "").strip().upper()
    if item.all_or_nothing is None and item.grading:
        item.all_or_nothing = item.grading in {"ALL_OR_NOTHING", "-1"}
    select = (element.findtext("selecttype") or "").strip().upper()
    count = (element.findtext("selectcount") or "0").strip()
    subset = select in {"RANDOM", "CONTIGUOUS", "1", "2"} and count.isdigit()
    if subset and 0 < int(count) < len(item.answers):
        item.warnings.append(
            f"Moodle showed {count} of the {len(item.answers)} items; here learners order "
            "all of them."
        )
    if not item.answers:
        raise _ItemError("An ordering question has no <answer>.")


def _platform_figure(item: ParsedItem, element: Element) -> None:
    raw = (element.findtext("edu_figure") or "").strip()
    if not raw:
        return
    try:
        figure = json.loads(raw)
    except ValueError as error:
        raise _ItemError("The <edu_figure> this platform wrote is not JSON.") from error
    if not isinstance(figure, dict):
        raise _ItemError("The <edu_figure> this platform wrote is not an object.")
    item.platform_figure = figure


def _ddmarker(item: ParsedItem, element: Element) -> None:
    _platform_figure(item, element)
    image = element.find("file")
    if image is not None and (image.text or "").strip():
        item.image_name = image.get("name") or "background.png"
        try:
            item.image_data = base64.b64decode("".join((image.text or "").split()), validate=True)
        except (binascii.Error, ValueError) as error:
            raise _ItemError(f'The background image "{item.image_name}" is not base64.') from error
    for drag in element.findall("drag"):
        number = _int(drag.findtext("no"), "a marker number")
        item.drags[number] = (drag.findtext("text") or "").strip() or f"Marker {number}"
    for drop in element.findall("drop"):
        item.zones.append(
            ParsedZone(
                no=_int(drop.findtext("no"), "a drop zone number"),
                shape=(drop.findtext("shape") or "").strip().lower(),
                coords=(drop.findtext("coords") or "").strip(),
                choice=_int(drop.findtext("choice"), "a drop zone's marker"),
            )
        )


def _int(value: str | None, what: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError as error:
        raise _ItemError(f'"{value}" is not a whole number ({what}).') from error


_READERS = {
    "multichoice": _multichoice,
    "multichoiceset": _multichoiceset,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "ddmarker": _ddmarker,
}


# Writing.


@dataclass
class MoodleExport:
    """An export: the XML bytes, how many questions it holds, and what Moodle cannot carry."""

    xml: bytes
    count: int
    warnings: list[str] = field(default_factory=list)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text_element(tag: str, text: str, text_format: str | None = MARKDOWN, indent: int = 4) -> str:
    pad = " " * indent
    attribute = f" format={quoteattr(text_format)}" if text_format else ""
    return f"{pad}<{tag}{attribute}>\n{pad}  <text>{_cdata(text)}</text>\n{pad}</{tag}>\n"


def _penalty(value: Any) -> str:
    # Moodle's penalties are written to 7 decimals (0.3333333).
    text = f"{float(value):.7f}".rstrip("0").rstrip(".")
    return text or "0"


def _number(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _general_feedback(content: QuestionContent) -> str:
    """The explanation, with the references under a heading the importer splits off again."""
    parts = [content.explanation.strip()]
    if content.references.strip():
        parts.append(f"{REFERENCES_HEADING}\n\n{content.references.strip()}")
    return "\n\n".join(part for part in parts if part)


def _answer_xml(fraction: float, text: str, feedback: str, text_format: str) -> str:
    out = f'    <answer fraction="{_number(fraction)}" format={quoteattr(text_format)}>\n'
    out += f"      <text>{_cdata(text)}</text>\n"
    out += _text_element("feedback", feedback, MARKDOWN, indent=6)
    return out + "    </answer>\n"


def _choices_xml(content: QuestionContent) -> tuple[str, str]:
    options = content.choices
    correct = [option for option in options if option.correct]
    if content.type == "true_false":
        body = "".join(
            _answer_xml(
                100 if option.correct else 0,
                option.text.strip().lower(),
                option.feedback,
                "moodle_auto_format",
            )
            for option in options
        )
        return "truefalse", body
    single = content.type == "single"
    share = 100 / max(len(correct), 1)
    body = f"    <single>{'true' if single else 'false'}</single>\n"
    shuffle = "true" if content.settings.get("shuffle", True) else "false"
    body += f"    <shuffleanswers>{shuffle}</shuffleanswers>\n"
    body += "    <answernumbering>abc</answernumbering>\n"
    for option in options:
        if content.scoring == Scoring.WEIGHTED:
            fraction = option.weight or 0.0
        elif single:
            fraction = 100.0 if option.correct else 0.0
        elif option.correct:
            fraction = share
        elif content.scoring == Scoring.PARTIAL:
            # The platform's partial rule, (right - wrong) / correct, is Moodle's with these
            # fractions: each wrong tick cancels one right one.
            fraction = -share
        else:
            # Moodle has no all-or-nothing multichoice: any wrong tick at least costs it all.
            fraction = -100.0
        body += _answer_xml(fraction, option.text, option.feedback, "plain_text")
    return "multichoice", body


def _short_answer_xml(content: QuestionContent) -> str:
    body = "    <usecase>0</usecase>\n"
    for answer in content.accepted_answers:
        # Moodle has no synonyms: each is an answer with the same feedback, and the importer
        # groups answers that share their feedback back into one answer with synonyms.
        for text in [answer.text, *answer.synonyms]:
            body += _answer_xml(answer.credit, text, answer.feedback, "moodle_auto_format")
    return body


def _numerical_xml(content: QuestionContent) -> str:
    body = ""
    for answer in content.accepted_answers:
        value, _, tolerance = answer.text.replace("+-", "±").partition("±")
        body += f'    <answer fraction="{_number(answer.credit)}" format="moodle_auto_format">\n'
        body += f"      <text>{_cdata(value.strip())}</text>\n"
        body += _text_element("feedback", answer.feedback, MARKDOWN, indent=6)
        body += f"      <tolerance>{tolerance.strip() or '0'}</tolerance>\n    </answer>\n"
    units = content.settings.get("units", [])
    if units:
        body += "    <units>\n"
        for name, multiplier in units:
            body += (
                f"      <unit>\n        <multiplier>{multiplier}</multiplier>\n"
                f"        <unit_name>{_cdata(str(name))}</unit_name>\n      </unit>\n"
            )
        body += "    </units>\n"
    body += "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0</unitpenalty>\n"
    body += f"    <showunits>{'0' if units else '3'}</showunits>\n    <unitsleft>0</unitsleft>\n"
    return body


def _ordering_xml(content: QuestionContent) -> str:
    grading = (
        "ALL_OR_NOTHING"
        if content.scoring == Scoring.ALL_OR_NOTHING
        else ("RELATIVE_ALL_PREVIOUS_AND_NEXT")
    )
    body = (
        "    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n"
        "    <selectcount>0</selectcount>\n"
        f"    <gradingtype>{grading}</gradingtype>\n    <showgrading>SHOW</showgrading>\n"
    )
    for position, item in enumerate(content.order_items, start=1):
        body += _answer_xml(position, item.text, item.feedback, "plain_text")
    return body


def _matching_xml(content: QuestionContent) -> str:
    body = "    <shuffleanswers>true</shuffleanswers>\n"
    for pair in content.pairs:
        body += '    <subquestion format="plain_text">\n'
        body += f"      <text>{_cdata(pair.prompt)}</text>\n"
        body += f"      <answer>\n        <text>{_cdata(pair.match)}</text>\n      </answer>\n"
        if pair.feedback:
            body += _text_element("edu_feedback", pair.feedback, MARKDOWN, indent=6)
        body += "    </subquestion>\n"
    return body


def _hotspot_xml(question: Question, content: QuestionContent, warnings: list[str]) -> str | None:
    figure = question.figure
    if figure is None or not figure.image or content.figure is None:
        warnings.append(f"{question.key}: a hotspot question without a figure was skipped.")
        return None
    with figure.image.open("rb") as handle:
        data = handle.read()
    name = f"{figure.key}{Path(figure.image.name or '').suffix.lower()}"
    regions = content.figure.regions
    correct = [r for r in regions if r.correct]
    if len(correct) < len(regions):
        warnings.append(
            f"{question.key}: Moodle's drag-markers grades only where markers belong, so Moodle "
            "ignores the figure's incorrect regions and per-region feedback (a re-import here "
            "keeps them)."
        )
    if len(correct) > 1:
        warnings.append(
            f"{question.key}: Moodle expects a marker on each of the {len(correct)} correct "
            "regions, where here one click on any of them is right."
        )
    encoded = base64.b64encode(data).decode("ascii")
    body = f'    <file name={quoteattr(name)} encoding="base64">{encoded}</file>\n'
    # What Moodle has no place for (alt text, wrong regions, per-region feedback, the regions'
    # descriptions and text alternatives for screen-reader users), for a
    # lossless re-import here; Moodle ignores the element.
    keys = {region.pk: region.key for region in figure.regions.all()}
    platform = {
        "key": figure.key,
        "title": figure.title,
        "alt_text": figure.alt_text,
        "caption": figure.caption,
        "credit": figure.credit,
        "licence": figure.licence,
        "regions": [
            {"key": r.key, "label": r.label, "points": r.points, "description": r.description}
            for r in figure.regions.all()
        ],
        "targets": [
            {
                "region": keys[r.id],
                "correct": r.correct,
                "feedback": r.feedback,
                "alternative": r.alternative,
            }
            for r in regions
            if r.correct or r.feedback or r.alternative
        ],
    }
    body += f"    <edu_figure>{_cdata(json.dumps(platform))}</edu_figure>\n"
    body += (
        f"    <drag>\n      <no>1</no>\n      <text>{_cdata('Answer')}</text>\n"
        f"      <noofdrags>{max(len(correct), 1)}</noofdrags>\n    </drag>\n"
    )
    for number, region in enumerate(correct, start=1):
        coords = ";".join(f"{round(x)},{round(y)}" for x, y in region.points)
        body += (
            f"    <drop>\n      <no>{number}</no>\n      <shape>polygon</shape>\n"
            f"      <coords>{coords}</coords>\n      <choice>1</choice>\n    </drop>\n"
        )
    return body


def question_xml(question: Question, warnings: list[str]) -> str | None:
    """One question as a Moodle XML `<question>`, or None (with a warning) if Moodle has none."""
    content = content_of(question)
    kind = content.type
    if kind in {"single", "multiple", "true_false"}:
        moodle_type, body = _choices_xml(content)
    elif kind == "short_answer":
        moodle_type, body = "shortanswer", _short_answer_xml(content)
    elif kind == "numerical":
        moodle_type, body = "numerical", _numerical_xml(content)
    elif kind == "ordering":
        moodle_type, body = "ordering", _ordering_xml(content)
    elif kind == "matching":
        moodle_type, body = "matching", _matching_xml(content)
    elif kind == "hotspot":
        hotspot = _hotspot_xml(question, content, warnings)
        if hotspot is None:
            return None
        moodle_type, body = "ddmarker", hotspot
    else:
        warnings.append(
            f"{question.key}: a {label_of(kind).lower()} question has no Moodle "
            "equivalent and was skipped."
        )
        return None
    out = f"  <question type={quoteattr(moodle_type)}>\n"
    out += f"    <name>\n      <text>{_cdata(question.title)}</text>\n    </name>\n"
    out += _text_element("questiontext", content.stem)
    out += _text_element("generalfeedback", _general_feedback(content))
    penalty = content.settings.get("penalty", DEFAULT_PENALTY)
    out += f"    <defaultgrade>1</defaultgrade>\n    <penalty>{_penalty(penalty)}</penalty>\n"
    out += "    <hidden>0</hidden>\n"
    out += f"    <idnumber>{_cdata(question.key)}</idnumber>\n"
    out += f"    <edu_scoring>{content.scoring}</edu_scoring>\n"
    out += f"    <edu_difficulty>{question.difficulty}</edu_difficulty>\n"
    out += body
    feedback = content.settings.get("feedback") or {}
    for which, tag in COMBINED_FEEDBACK.items():
        if feedback.get(which):
            out += _text_element(tag, feedback[which])
    for hint in content.settings.get("hints", []):
        out += _text_element("hint", hint)
    topics = list(question.topics.all())
    if topics:
        out += "    <tags>\n"
        for topic in topics:
            out += f"      <tag><text>{_cdata(topic.name)}</text></tag>\n"
        out += "    </tags>\n"
    return out + "  </question>\n"


def export_moodle_xml(questions: Iterable[Question], *, category: str = "") -> MoodleExport:
    """Questions (with their parts prefetched) as a Moodle XML file.

    `category`, when given, is written first so Moodle files the questions under it.
    """
    warnings: list[str] = []
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    if category:
        parts.append(
            '  <question type="category">\n'
            f"    <category>\n      <text>{_cdata(category)}</text>\n    </category>\n"
            "  </question>\n"
        )
    count = 0
    for question in questions:
        xml = question_xml(question, warnings)
        if xml is not None:
            parts.append(xml)
            count += 1
    parts.append("</quiz>\n")
    return MoodleExport(xml="".join(parts).encode("utf-8"), count=count, warnings=warnings)


def questions_for_export(**filters: Any) -> QuerySet[Question]:
    """Questions with everything the exporter reads, in a fixed number of queries."""
    return questions_with_parts().prefetch_related("topics").filter(**filters)
