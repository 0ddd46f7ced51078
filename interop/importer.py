"""Parsed GIFT or Moodle XML items -> a preview an educator confirms -> questions, in one go.

`read_questions` parses a file; `preview_import` maps every item to a platform question (as a
question of the module format, docs/module-format.md), checks it exactly as the admin and the
module loader do (quizzes.validation), and says per item what will happen: created, updated
(the same file imported before: keys are derived deterministically, so nothing duplicates) or
skipped, with the reason. `import_questions` then writes every importable item in ONE
transaction: if anything fails, nothing is written.

New questions are written in bulk (a fixed number of queries per 200 questions); questions
that already exist go through `interop.modules.load_module`, which updates parts in place and
records a new version only when the content changed.
"""

from __future__ import annotations

import hashlib
import math
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from interop import ParsedCategory, ParsedItem, ParseResult, escape_markdown
from interop.gift import parse_gift
from interop.modules import FORMAT as MODULE_FORMAT
from interop.modules import VERSION as MODULE_VERSION
from interop.modules import FigureSpec, load_module, question_content
from interop.moodle_xml import DEFAULT_PENALTY, REFERENCES_HEADING, parse_moodle_xml
from quizzes.authoring import audit_versions
from quizzes.content import QuestionContent, Scoring
from quizzes.figures import FigureFileError, VettedFigure, points_problems, vet_figure
from quizzes.models import Difficulty, EditKind, Figure, Question, Status, Topic
from quizzes.qtypes import label_of
from quizzes.validation import content_problems, publication_problems
from quizzes.versioning import (
    content_of,
    questions_with_parts,
    record_versions,
    write_new_questions,
)

Progress = Callable[[str], object]  # called once per item; what it returns is ignored

MAX_FILE_BYTES = 20 * 1024 * 1024
BATCH = 200
FULL = 99.999  # Moodle writes 100% as 100 or 1.0000000 * 100; allow rounding
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
TOP_SEGMENTS = {"$course$", "$system$", "$module$", "top"}

DRAFT_NOTE = (
    "Imported questions are drafts: question banks rarely carry the explanation and the "
    "references a published question needs here. Add them, then publish each question."
)

UNSUPPORTED = {
    "essay": "Essay questions are not supported: every question here is graded automatically.",
    "description": "Descriptions are not questions: put the text in a case stage or a quiz "
    "description instead.",
    "multianswer": "Embedded-answer (Cloze) questions are not supported: their blanks are "
    "several questions inside one text; write each blank as a question of its own.",
    "cloze": "Embedded-answer (Cloze) questions are not supported: their blanks are several "
    "questions inside one text; write each blank as a question of its own.",
    "calculated": "Calculated questions are not supported.",
    "calculatedsimple": "Calculated questions are not supported.",
    "calculatedmulti": "Calculated questions are not supported.",
    "randomsamatch": "Random short-answer matching questions are not supported.",
    "ddwtos": "Drag-and-drop into text questions are not supported.",
    "gapselect": "Select-missing-words questions are not supported.",
    "ddimageortext": "Drag-and-drop onto image questions are not supported; drag markers are.",
    "ordering (GIFT plugin syntax)": "Ordering questions in GIFT's plugin syntax are not "
    "supported; import them as Moodle XML.",
}


class ImportRefused(Exception):
    """Nothing was imported; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class PlannedFigure:
    key: str
    file_name: str
    data: bytes
    width: float
    height: float
    title: str
    regions: list[dict[str, Any]]
    alt_text: str = ""
    caption: str = ""
    credit: str = "Imported from Moodle"
    licence: str = ""

    @property
    def module_item(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "file": self.file_name,
            "title": self.title,
            "alt_text": self.alt_text
            or (
                f"Imported from Moodle without a description: the image of “{self.title}”. "
                "Describe what a learner who cannot see it needs to know."
            ),
            "caption": self.caption,
            "credit": self.credit,
            "licence": self.licence,
            "regions": self.regions,
        }


@dataclass
class PlannedItem:
    """What importing one item will do: create or update `key`, or skip it (`problems`)."""

    where: str
    source_type: str
    title: str = ""
    key: str = ""
    type: str = ""
    action: str = "skip"
    question: dict[str, Any] | None = None
    figure: PlannedFigure | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return not self.problems and self.question is not None

    @property
    def type_label(self) -> str:
        return label_of(self.type) if self.type else "-"


@dataclass
class ImportPreview:
    source_name: str
    format: str
    publish: bool
    items: list[PlannedItem] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    topics: dict[str, str] = field(default_factory=dict)  # slug -> name, every topic used
    new_topics: list[str] = field(default_factory=list)
    # slug -> the Moodle category's description and id number, for topics made from categories
    topic_details: dict[str, ParsedCategory] = field(default_factory=dict)

    @property
    def importable(self) -> list[PlannedItem]:
        return [item for item in self.items if item.importable]

    @property
    def to_create(self) -> int:
        return sum(1 for item in self.importable if item.action == "create")

    @property
    def to_update(self) -> int:
        return sum(1 for item in self.importable if item.action == "update")

    @property
    def skipped(self) -> list[PlannedItem]:
        return [item for item in self.items if not item.importable]

    @property
    def notes(self) -> list[str]:
        return [] if self.publish else [DRAFT_NOTE]

    def problem_lines(self) -> list[str]:
        lines = list(self.file_errors)
        for item in self.skipped:
            lines += [f"{item.where}: {problem}" for problem in item.problems]
        return lines


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    topics_created: int = 0

    def summary(self) -> str:
        return (
            f"{self.created} questions created, {self.updated} updated, {self.skipped} skipped, "
            f"{self.topics_created} new topics."
        )


# Reading a file.


def read_questions(data: bytes, filename: str) -> ParseResult:
    """Parse GIFT (.gift, .txt) or Moodle XML (.xml; or any file that starts with "<")."""
    suffix = Path(filename).suffix.lower()
    is_xml = suffix == ".xml" or (suffix not in {".gift", ".txt"} and data.lstrip()[:1] == b"<")
    if len(data) > MAX_FILE_BYTES:
        return ParseResult(
            format="moodle_xml" if is_xml else "gift",
            errors=[f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."],
        )
    if is_xml:
        return parse_moodle_xml(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return ParseResult(
            format="gift", errors=[f"Line {line}: the file is not UTF-8 text (save it as UTF-8)."]
        )
    return parse_gift(text)


# Planning.


@dataclass(frozen=True)
class BatchDefaults:
    """What an educator gives the whole file: an explanation and a reference (Markdown) for
    every question that has none (GIFT carries no references)."""

    explanation: str = ""
    reference: str = ""


def preview_import(
    parsed: ParseResult,
    *,
    source_name: str = "",
    publish: bool = False,
    defaults: BatchDefaults | None = None,
) -> ImportPreview:
    """What importing `parsed` would create, update and skip, checked but not written."""
    batch = defaults or BatchDefaults()
    preview = ImportPreview(
        source_name=source_name, format=parsed.format, publish=publish, file_errors=parsed.errors
    )
    used_keys: set[str] = set()
    topic_names: dict[str, str] = {}
    for item in parsed.items:
        preview.items += _plan(item, used_keys, topic_names, publish, batch)
    _resolve_topics(preview, topic_names)
    for path, details in parsed.categories.items():
        topic = _topic_for_category(path)
        if topic is not None and (details.description or details.idnumber):
            preview.topic_details[topic[0]] = details
    existing = set(
        Question.objects.filter(key__in=[i.key for i in preview.items if i.key]).values_list(
            "key", flat=True
        )
    )
    for planned in preview.items:
        if planned.importable:
            planned.action = "update" if planned.key in existing else "create"
    return preview


def _plan(
    item: ParsedItem,
    used_keys: set[str],
    topic_names: dict[str, str],
    publish: bool,
    batch: BatchDefaults,
) -> list[PlannedItem]:
    base = PlannedItem(where=item.where, source_type=item.qtype or "unknown")
    base.title = _title(item)
    base.warnings = list(item.warnings)
    if item.errors:
        base.problems = list(item.errors)
        return [base]
    mapper = _MAPPERS.get(item.qtype)
    if mapper is None:
        base.problems = [
            UNSUPPORTED.get(item.qtype, f'Moodle "{item.qtype}" questions are not supported.')
        ]
        return [base]
    invalid = invalid_grades(item)
    if invalid:
        base.problems = [
            f"Grades ({', '.join(invalid)}) do not match grade options: Moodle skips this "
            "question too. Moodle's grades are 100%, 90%, 83.33333%, 80%, 75%, 70%, 66.66667%, "
            "60%, 50%, 40%, 33.33333%, 30%, 25%, 20%, 16.66667%, 14.28571%, 12.5%, 11.11111%, "
            "10%, 5%, 0% and the same below zero."
        ]
        return [base]
    key = _unique(_base_key(item), used_keys)
    base.key = key
    topics = _topics_of(item, topic_names)
    explanation, references = _split_feedback(item.general_feedback)
    if not explanation and batch.explanation.strip():
        explanation = batch.explanation.strip()
        base.warnings.append("The file gives no explanation: the batch's explanation is used.")
    if not references and batch.reference.strip():
        references = batch.reference.strip()
        base.warnings.append("The file gives no reference: the batch's reference is used.")
    common: dict[str, Any] = {
        "key": key,
        "title": base.title,
        "stem": item.stem,
        "explanation": explanation,
        "references": references,
        "topics": topics,
    }
    if item.difficulty in Difficulty.values:
        common["difficulty"] = item.difficulty
    if publish:
        common["status"] = Status.PUBLISHED
    if item.shuffle is False and item.qtype in {"multichoice", "multichoiceset"}:
        # "All of the above" stays last: the author's order is shown whatever the quiz says.
        common["settings"] = {"shuffle": False}
    if item.combined_feedback:
        common.setdefault("settings", {})["feedback"] = dict(item.combined_feedback)
    if item.hints:
        common.setdefault("settings", {})["hints"] = list(item.hints)
    if (
        item.penalty is not None
        and item.qtype in GRADED_ANSWER_TYPES
        and abs(item.penalty - DEFAULT_PENALTY) > 1e-6
    ):
        common.setdefault("settings", {})["penalty"] = round(item.penalty, 7)
        if item.penalty:
            base.warnings.append(
                f"Moodle's penalty of {_percent(round(item.penalty * 100, 5))} for each extra "
                "try is kept (and exported back), but not applied: here a learner answers once."
            )
    planned = mapper(item, base, common, used_keys)
    for entry in planned:
        if entry.question is not None and not entry.problems:
            entry.problems += _check(entry, publish)
    return planned


# Moodle's fixed list of answer grades (question_bank::fraction_options_full), as fractions.
MOODLE_GRADES = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip
GRADED_ANSWER_TYPES = {"multichoice", "multichoiceset", "truefalse", "shortanswer", "numerical"}


def invalid_grades(item: ParsedItem) -> list[str]:
    """The answer grades Moodle would refuse (as Moodle writes them: 0.35), none when all fit.

    Moodle imports a question only when every answer's grade is one of its fixed grades or
    its negative, within 0.00001; otherwise it skips the question with this reason.
    """
    if item.qtype not in GRADED_ANSWER_TYPES:
        return []
    invalid = []
    for answer in item.answers:
        fraction = answer.fraction / 100
        if not any(abs(abs(fraction) - grade) < 0.00001 for grade in MOODLE_GRADES):
            invalid.append(f"{fraction:g}")
    return invalid


def _title(item: ParsedItem) -> str:
    title = item.name.strip()
    if not title:
        title = re.sub(r"[\\*_`#>\[\]]", "", item.stem).replace("&lt;", "<")
        title = re.sub(r"\s+", " ", title).strip() or f"Imported question {item.number}"
    return title if len(title) <= 200 else title[:199] + "…"


def _base_key(item: ParsedItem) -> str:
    """A stable key: Moodle's idnumber when it is a slug, else derived from where it sits.

    The same file always gives the same keys (category path + name, or + the text when a GIFT
    question has no title), so importing it again updates rather than duplicates.
    """
    if item.idnumber and SLUG.match(item.idnumber) and len(item.idnumber) <= 68:
        return item.idnumber
    identity = item.idnumber or item.name or item.stem
    digest = hashlib.sha256(f"{item.category}\x1f{identity}".encode()).hexdigest()[:10]
    words = slugify(item.name or _title(item))[:40].strip("-_") or "question"
    return f"{words}-{digest}"


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate = f"{key}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def category_segments(category: str) -> list[str]:
    """The named levels of a Moodle category path, without Moodle's own top levels.

    Moodle writes a "/" inside a category name as "//".
    """
    segments = [
        s.replace("\x00", "/").strip()
        for s in category.replace("//", "\x00").split("/")
        if s.strip()
    ]
    while segments and (
        segments[0].lower() in TOP_SEGMENTS
        or re.fullmatch(r"\$cat\d+\$", segments[0])
        or segments[0].lower().startswith("default for")
    ):
        segments.pop(0)
    return segments


def _topic_for_category(category: str) -> tuple[str, str] | None:
    """A category path as one topic named by the whole path: "Cardiology / Week 1", so that
    Cardiology's and Neurology's "Week 1" stay apart."""
    segments = category_segments(category)
    if not segments:
        return None
    name = " / ".join(segments)
    slug = slugify(" ".join(segments)).strip("-")
    if len(name) > 100 or len(slug) > 60:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = name[:90].rstrip() + f" ({digest})"
        slug = slug[:51].strip("-") + f"-{digest}"
    return (slug, name) if slug else None


def _topics_of(item: ParsedItem, topic_names: dict[str, str]) -> list[str]:
    found = []
    candidates = [_topic_for_category(item.category)] + [
        (slugify(tag)[:60].strip("-"), tag[:100]) for tag in item.tags
    ]
    for candidate in candidates:
        if candidate and candidate[0] and candidate[0] not in found:
            topic_names.setdefault(candidate[0], candidate[1])
            found.append(candidate[0])
    return found


def _resolve_topics(preview: ImportPreview, topic_names: dict[str, str]) -> None:
    """Match topics to existing ones by slug or by name; the rest will be created."""
    if not topic_names:
        return
    names = {name.lower(): slug for slug, name in topic_names.items()}
    existing = Topic.objects.filter(
        Q(slug__in=list(topic_names)) | Q(name__in=list(topic_names.values()))
    )
    rename: dict[str, str] = {}
    for topic in existing:
        if topic.slug in topic_names:
            rename[topic.slug] = topic.slug
            preview.topics[topic.slug] = topic.name
        elif topic.name.lower() in names:
            rename[names[topic.name.lower()]] = topic.slug
            preview.topics[topic.slug] = topic.name
    for slug, name in topic_names.items():
        if slug not in rename:
            rename[slug] = slug
            preview.topics[slug] = name
            preview.new_topics.append(name)
    for planned in preview.items:
        if planned.question is not None:
            planned.question["topics"] = list(
                dict.fromkeys(rename[slug] for slug in planned.question["topics"])
            )


def _split_feedback(text: str) -> tuple[str, str]:
    """Moodle's general feedback, with references under our heading split off again."""
    marker = text.find(REFERENCES_HEADING)
    if marker == -1:
        return text.strip(), ""
    return text[:marker].strip(), text[marker + len(REFERENCES_HEADING) :].strip()


def _percent(value: float) -> str:
    return f"{value:g}%"


def _limit(texts: Iterable[str], limit: int, what: str) -> list[str]:
    return [
        f'{what} "{text[:40]}…" is longer than {limit} characters.'
        for text in texts
        if len(text) > limit
    ]


def _multichoice(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    answers = item.answers
    positive = [a for a in answers if a.fraction > 0]
    full = [a for a in answers if a.fraction >= FULL]
    base.problems += _limit((a.text for a in answers), 500, "The option")
    if not positive:
        base.problems.append(
            "No answer is marked correct: give the correct answer = (GIFT) or a positive "
            "fraction (XML)."
        )
        return [base]
    explicit_multiple = item.single is False
    weights_kept = False
    if not explicit_multiple and len(full) == 1:
        question_type, correct = "single", {id(full[0])}
        scoring = Scoring.ALL_OR_NOTHING
        if item.weighted or any(a.fraction != 0 for a in answers if a is not full[0]):
            # Partly right options, or options that take marks away: Moodle's weights are the
            # question's scoring rule.
            scoring, weights_kept = Scoring.WEIGHTED, True
            if any(a.fraction < 0 for a in answers):
                base.warnings.append(
                    "Moodle can give a negative mark for this question; here a question never "
                    "scores below 0, so a negative option scores 0."
                )
    elif not explicit_multiple and len(positive) == 1:
        base.problems.append(
            f"The best answer is worth only {_percent(positive[0].fraction)}: a single-answer "
            "question needs one answer worth 100%."
        )
        return [base]
    else:
        question_type, correct = "multiple", {id(a) for a in positive}
        share = 100 / len(positive)
        # The platform's partial rule, (right - wrong) / correct, is Moodle's exactly when each
        # correct option is worth an equal share and each wrong one takes a share back.
        platform_partial = all(abs(a.fraction - share) <= 0.01 for a in positive) and all(
            abs(a.fraction + share) <= 0.01 for a in answers if a.fraction <= 0
        )
        if item.weighted:
            scoring, weights_kept = Scoring.WEIGHTED, True
        elif item.all_or_nothing is not None:
            scoring = Scoring.ALL_OR_NOTHING if item.all_or_nothing else Scoring.PARTIAL
        elif len(full) == len(positive):
            scoring = Scoring.ALL_OR_NOTHING
        elif platform_partial:
            scoring = Scoring.PARTIAL
        else:
            scoring, weights_kept = Scoring.WEIGHTED, True
        if not explicit_multiple and len(full) > 1:
            base.warnings.append(
                f"{len(full)} answers are worth 100%: Moodle accepts any one of them; here "
                "learners must tick all of them (multiple response, all or nothing)."
            )
        elif explicit_multiple and len(full) > 1 and item.all_or_nothing is None:
            base.warnings.append(
                f"{len(full)} answers are each worth 100%, so Moodle gave full marks for any one "
                "of them; here learners must tick all of them (all or nothing)."
            )
    choices = [
        {"text": a.text, "correct": id(a) in correct, "feedback": a.feedback} for a in answers
    ]
    if weights_kept:
        for choice, answer in zip(choices, answers, strict=True):
            choice["weight"] = round(answer.fraction, 5)
    base.type = question_type
    base.question = common | {"type": question_type, "scoring": scoring, "choices": choices}
    return [base]


def _true_false(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    base.type = "true_false"
    base.question = common | {
        "type": "true_false",
        "scoring": Scoring.ALL_OR_NOTHING,
        "choices": [
            {"text": a.text, "correct": a.fraction >= FULL, "feedback": a.feedback}
            for a in item.answers
        ],
    }
    return [base]


def _short_answer(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    groups: dict[tuple[str, float], list[str]] = {}
    for answer in item.answers:
        if answer.fraction > 0:
            # Answers that share their feedback and credit are one answer with synonyms (this
            # is also how the exporter writes synonyms, which Moodle does not have).
            group = groups.setdefault((answer.feedback, min(round(answer.fraction, 5), 100.0)), [])
            if answer.text not in group:
                group.append(answer.text)
            if "*" in answer.text:
                base.warnings.append(
                    f'"{answer.text}": Moodle\'s * wildcard is matched literally here.'
                )
        elif answer.text.strip() != "*":
            base.warnings.append(
                f'The {_percent(answer.fraction)} answer "{answer.text}" and its feedback are '
                "not kept: only answers that earn marks are."
            )
        else:
            base.warnings.append("Moodle's catch-all (*) feedback for wrong answers is not kept.")
    if item.case_sensitive:
        base.warnings.append("Moodle matched case; here answers match whatever their case.")
    if not any(credit >= FULL for _feedback, credit in groups):
        base.problems.append(
            "No answer is worth 100%: a short-answer question needs at least one accepted answer."
        )
        return [base]
    base.problems += _limit((t for texts in groups.values() for t in texts), 200, "The answer")
    base.type = "short_answer"
    base.question = common | {
        "type": "short_answer",
        "scoring": Scoring.ALL_OR_NOTHING,
        "accepted_answers": [
            {
                "text": texts[0],
                "synonyms": texts[1:],
                "feedback": feedback,
                **({"credit": credit} if credit < FULL else {}),
            }
            for (feedback, credit), texts in groups.items()
        ],
    }
    return [base]


def _numerical(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    accepted = []
    for answer in item.answers:
        if answer.text.strip() == "*":
            base.warnings.append("Moodle's catch-all (*) feedback for other numbers is not kept.")
            continue
        if answer.fraction <= 0:
            base.warnings.append(
                f'The {_percent(answer.fraction)} answer "{answer.text}" and its feedback are '
                "not kept: only answers that earn marks are."
            )
            continue
        tolerance = answer.tolerance.strip()
        text = answer.text.strip()
        if tolerance and tolerance.lstrip("+-0.") != "":
            text = f"{text} ± {tolerance.lstrip('+-')}"
        accepted.append(
            {"text": text, "feedback": answer.feedback}
            | ({"credit": round(answer.fraction, 5)} if answer.fraction < FULL else {})
        )
    if not any("credit" not in a for a in accepted):
        base.problems.append(
            "No answer is worth 100%: a numerical question needs at least one accepted answer."
        )
        return [base]
    settings = dict(common.get("settings", {}))
    if item.units:
        settings["units"] = [[name, _multiplier(value)] for name, value in item.units]
    if item.unit_graded:
        base.warnings.append(
            "Moodle took marks off for a missing or wrong unit; here a number without a unit "
            "is read in the first unit, and a unit that is not the question's is refused "
            "before grading."
        )
    base.type = "numerical"
    base.question = common | {
        "type": "numerical",
        "scoring": Scoring.ALL_OR_NOTHING,
        "accepted_answers": accepted,
        "settings": settings,
    }
    return [base]


def _multiplier(value: str) -> float | int:
    try:
        number = float(value)
    except ValueError:
        return 0  # refused by the type's checks, with its reason
    return int(number) if number.is_integer() else number


def _matching(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    base.problems += _limit((p.prompt for p in item.pairs), 300, "The item")
    base.problems += _limit((p.match for p in item.pairs), 300, "The match")
    base.type = "matching"
    base.question = common | {
        "type": "matching",
        "scoring": Scoring.ALL_OR_NOTHING,
        "pairs": [
            {"prompt": p.prompt, "match": p.match, "feedback": p.feedback} for p in item.pairs
        ],
    }
    return [base]


def _ordering(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    scoring = Scoring.ALL_OR_NOTHING if item.all_or_nothing else Scoring.PARTIAL
    if scoring == Scoring.PARTIAL and item.grading not in {"", "RELATIVE_ALL_PREVIOUS_AND_NEXT"}:
        base.warnings.append(
            f"Moodle's {item.grading.lower().replace('_', ' ')} grading becomes the platform's "
            "partial credit: the share of item pairs put in the right order."
        )
    base.problems += _limit((a.text for a in item.answers), 500, "The item")
    base.type = "ordering"
    base.question = common | {
        "type": "ordering",
        "scoring": scoring,
        "order_items": [{"text": a.text, "feedback": a.feedback} for a in item.answers],
    }
    return [base]


CIRCLE_CORNERS = 16


def zone_polygon(shape: str, coords: str) -> list[list[float]]:
    """A drag-markers drop zone as a polygon in the image's pixel coordinates.

    Moodle writes a circle as "x,y;r", a rectangle as "left,top;width,height" and a polygon as
    "x1,y1;x2,y2;...". A circle becomes a regular polygon of 16 corners on the circle.
    Raises ValueError for another shape or unreadable coordinates.
    """
    try:
        parts = [[float(v) for v in part.split(",")] for part in coords.split(";") if part.strip()]
    except ValueError as error:
        raise ValueError(f'the coordinates "{coords}" are not numbers') from error
    if shape == "circle" and len(parts) == 2 and len(parts[0]) == 2 and len(parts[1]) == 1:
        (x, y), (r,) = parts
        return [
            [
                round(x + r * math.cos(2 * math.pi * i / CIRCLE_CORNERS), 2),
                round(y + r * math.sin(2 * math.pi * i / CIRCLE_CORNERS), 2),
            ]
            for i in range(CIRCLE_CORNERS)
        ]
    if shape == "rectangle" and len(parts) == 2 and all(len(p) == 2 for p in parts):
        (x, y), (w, h) = parts
        return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
    if shape == "polygon" and len(parts) >= 3 and all(len(p) == 2 for p in parts):
        return [[x, y] for x, y in parts]
    raise ValueError(
        f'a {shape or "shapeless"} zone with coordinates "{coords}" is not a circle, '
        "rectangle or polygon as Moodle writes them"
    )


def _clamped(points: list[list[float]], width: float, height: float) -> list[list[float]]:
    return [[min(max(x, 0.0), width), min(max(y, 0.0), height)] for x, y in points]


def _ddmarker(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], used: set[str]
) -> list[PlannedItem]:
    if not item.image_data:
        base.problems.append(
            "The background image is not embedded in the file, so there is no figure to click."
        )
        return [base]
    try:
        vetted = vet_figure(item.image_data, item.image_name)
    except FigureFileError as error:
        base.problems.append(f"The background image: {error}")
        return [base]
    if item.platform_figure is not None:
        return _platform_hotspot(item, base, common, vetted)
    if not item.zones:
        base.problems.append("It has no drop zones.")
        return [base]
    regions: list[dict[str, Any]] = []
    for zone in item.zones:
        if zone.choice not in item.drags:
            base.problems.append(
                f"Drop zone {zone.no} uses marker {zone.choice}, which is not defined."
            )
            continue
        try:
            points = zone_polygon(zone.shape, zone.coords)
        except ValueError as error:
            base.problems.append(f"Drop zone {zone.no}: {error}.")
            continue
        inside = _clamped(points, vetted.width, vetted.height)
        if inside != points and zone.shape != "circle":
            base.warnings.append(
                f"Drop zone {zone.no} reached past the image's edge; it was trimmed to the image."
            )
        regions.append(
            {
                "key": f"zone-{zone.no}",
                "label": f"Drop zone {zone.no}: {item.drags[zone.choice]}"[:200],
                "points": inside,
                "choice": zone.choice,
            }
        )
    if base.problems:
        return [base]
    suffix = Path(item.image_name).suffix.lower() or ".png"
    figure = PlannedFigure(
        key=f"{base.key}-figure",
        file_name=f"{base.key}-figure{suffix}",
        data=vetted.data,
        width=vetted.width,
        height=vetted.height,
        title=base.title,
        regions=[{k: v for k, v in r.items() if k != "choice"} for r in regions],
    )
    markers = sorted({r["choice"] for r in regions})
    planned = []
    for marker in markers:
        entry = PlannedItem(where=base.where, source_type=base.source_type, title=base.title)
        entry.warnings = list(base.warnings)
        entry.figure = figure
        entry.key = base.key if len(markers) == 1 else _unique(f"{base.key}-m{marker}", used)
        stem = common["stem"]
        if len(markers) > 1:
            label = item.drags[marker]
            entry.title = f"{base.title}: {label}"[:200]
            stem = f"{stem}\n\nClick where **{escape_markdown(label)}** belongs."
            entry.warnings.append(
                f"Moodle's {len(markers)} markers became {len(markers)} hotspot questions, one "
                "per marker; the other markers' zones are its wrong regions."
            )
        if all(r["choice"] == marker for r in regions):
            entry.warnings.append(
                "Every region is correct: add wrong regions to the figure so the keyboard "
                "alternative (choosing a region) is a real question."
            )
        entry.warnings.append(
            "The figure has no alt text in Moodle; a placeholder was written: describe the "
            "image in the figure's admin page."
        )
        entry.type = "hotspot"
        entry.question = common | {
            "key": entry.key,
            "title": entry.title,
            "stem": stem,
            "type": "hotspot",
            "scoring": Scoring.ALL_OR_NOTHING,
            "figure": figure.key,
            "targets": [
                {"region": r["key"], "correct": r["choice"] == marker, "feedback": ""}
                for r in regions
            ],
        }
        planned.append(entry)
    return planned


def _platform_hotspot(
    item: ParsedItem, base: PlannedItem, common: dict[str, Any], vetted: VettedFigure
) -> list[PlannedItem]:
    """A hotspot question this platform exported: its figure, regions and targets as they were."""
    meta = item.platform_figure or {}
    try:
        key = str(meta["key"])
        regions = [
            {
                "key": str(r["key"]),
                "label": str(r["label"]),
                "points": [[float(x), float(y)] for x, y in r["points"]],
                "description": str(r.get("description", "")),
            }
            for r in meta["regions"]
        ]
        targets = [
            {
                "region": str(t["region"]),
                "correct": bool(t["correct"]),
                "feedback": str(t.get("feedback", "")),
                "alternative": str(t.get("alternative", "")),
            }
            for t in meta["targets"]
        ]
    except (KeyError, TypeError, ValueError):
        base.problems.append("The figure data this platform wrote in <edu_figure> is damaged.")
        return [base]
    if not SLUG.match(key) or len(key) > 80:
        base.problems.append(f'The figure key "{key[:40]}" is not a valid key.')
        return [base]
    suffix = Path(item.image_name).suffix.lower() or ".png"
    base.figure = PlannedFigure(
        key=key,
        file_name=f"{key}{suffix}",
        data=vetted.data,
        width=vetted.width,
        height=vetted.height,
        title=str(meta.get("title") or base.title)[:200],
        regions=regions,
        alt_text=str(meta.get("alt_text", "")),
        caption=str(meta.get("caption", "")),
        credit=str(meta.get("credit", "")),
        licence=str(meta.get("licence", ""))[:100],
    )
    base.type = "hotspot"
    base.question = common | {
        "type": "hotspot",
        "scoring": Scoring.ALL_OR_NOTHING,
        "figure": key,
        "targets": targets,
    }
    return [base]


_MAPPERS: dict[str, Callable[..., list[PlannedItem]]] = {
    "multichoice": _multichoice,
    "multichoiceset": _multichoice,
    "truefalse": _true_false,
    "shortanswer": _short_answer,
    "numerical": _numerical,
    "matching": _matching,
    "match": _matching,
    "ordering": _ordering,
    "ddmarker": _ddmarker,
}


def planned_content(question: dict[str, Any], figure: PlannedFigure | None) -> QuestionContent:
    """The content a planned question would have, built without the database."""
    spec = None
    if figure is not None:
        spec = FigureSpec(
            id=0,
            width=figure.width,
            height=figure.height,
            regions=[
                (
                    index,
                    region["key"],
                    region["label"],
                    region["points"],
                    region.get("description", ""),
                )
                for index, region in enumerate(figure.regions)
            ],
        )
    return question_content(question, spec)


def _check(planned: PlannedItem, publish: bool) -> list[str]:
    """The same checks the admin and the module loader make: gradable (and publishable)."""
    assert planned.question is not None  # noqa: S101 - only called for mapped items
    content = planned_content(planned.question, planned.figure)
    problems = content_problems(content)
    if publish:
        problems += publication_problems(content)
    if planned.figure is not None:
        for region in planned.figure.regions:
            problems += points_problems(
                region["points"], planned.figure.width, planned.figure.height
            )
    return problems


# Writing.


@transaction.atomic
def import_questions(
    preview: ImportPreview,
    *,
    user: User | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> ImportReport:
    """Write every importable item of `preview` in one transaction.

    With `strict`, any skipped item (or a file error) refuses the whole import. Raises
    ImportRefused; the transaction then writes nothing. `progress` is called once per question
    written, with its key.
    """
    if preview.file_errors:
        raise ImportRefused(preview.file_errors)
    if strict and preview.skipped:
        raise ImportRefused(preview.problem_lines())
    tick = progress or (lambda _label: None)
    items = preview.importable
    report = ImportReport(skipped=len(preview.items) - len(items))
    if not items:
        return report
    topics = _ensure_topics(preview, items, report)
    updates = [item for item in items if item.action == "update"]
    creates = [item for item in items if item.action == "create"]
    figures = {item.figure.key: item.figure for item in items if item.figure is not None}
    if updates or figures:
        _load_through_module_loader(updates, figures, topics, tick, user, preview.source_name)
    report.updated = len(updates)
    figure_rows = {
        f.key: f for f in Figure.objects.filter(key__in=list(figures)).prefetch_related("regions")
    }
    for start in range(0, len(creates), BATCH):
        _create_batch(
            creates[start : start + BATCH], topics, figure_rows, user, tick, preview.source_name
        )
    report.created = len(creates)
    return report


def _ensure_topics(
    preview: ImportPreview, items: list[PlannedItem], report: ImportReport
) -> dict[str, Topic]:
    needed = {slug for item in items for slug in _question_of(item)["topics"]}
    topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in=needed)}
    details = preview.topic_details
    new = [
        Topic(
            slug=slug,
            name=preview.topics[slug],
            description=details[slug].description if slug in details else "",
            idnumber=details[slug].idnumber[:100] if slug in details else "",
        )
        for slug in sorted(needed - set(topics))
    ]
    for topic in Topic.objects.bulk_create(new):
        topics[topic.slug] = topic
    report.topics_created = len(new)
    return topics


def _load_through_module_loader(
    updates: list[PlannedItem],
    figures: dict[str, PlannedFigure],
    topics: dict[str, Topic],
    tick: Progress,
    user: User | None,
    source_name: str,
) -> None:
    """Figures, and questions imported before, through the module loader (updates in place)."""
    with tempfile.TemporaryDirectory(prefix="question-import-") as directory:
        for figure in figures.values():
            (Path(directory) / figure.file_name).write_bytes(figure.data)
        data = {
            "format": MODULE_FORMAT,
            "version": MODULE_VERSION,
            "topics": [{"slug": t.slug, "name": t.name} for t in topics.values()],
            "figures": [figure.module_item for figure in figures.values()],
            "questions": [_update_item(_question_of(item)) for item in updates],
        }

        def loaded(label: str) -> None:
            if label.startswith("question "):
                tick(label.removeprefix("question "))

        load_module(data, base_dir=Path(directory), progress=loaded, actor=user, source=source_name)


def _question_of(item: PlannedItem) -> dict[str, Any]:
    """The module item of a question being imported (every importable item has one)."""
    if item.question is None:
        raise ValueError(f"{item.where}: there is no question to import.")
    return item.question


def _update_item(question: dict[str, Any]) -> dict[str, Any]:
    """An update leaves out what the file does not give, keeping what educators added here."""
    return {
        name: value
        for name, value in question.items()
        if not (name in {"explanation", "references"} and not value)
    }


def _create_batch(
    items: list[PlannedItem],
    topics: dict[str, Topic],
    figures: dict[str, Figure],
    user: User | None,
    tick: Progress,
    source_name: str,
) -> None:
    pairs = []
    for item in items:
        data = _question_of(item)
        question = Question(
            key=data["key"],
            title=data["title"],
            difficulty=data.get("difficulty", Difficulty.MEDIUM),
            status=data.get("status", Status.DRAFT),
            created_by=user,
        )
        figure = figures.get(data["figure"]) if data.get("figure") else None
        pairs.append((question, question_content(data, FigureSpec.of(figure) if figure else None)))
    write_new_questions(pairs)
    links = [
        Question.topics.through(question_id=question.pk, topic_id=topics[slug].pk)
        for (question, _content), item in zip(pairs, items, strict=True)
        for slug in _question_of(item)["topics"]
    ]
    Question.topics.through.objects.bulk_create(links)
    # Validate what was written, as the module loader does, and freeze version 1 of each.
    saved = questions_with_parts().in_bulk([question.pk for question, _ in pairs])
    for (question, _content), item in zip(pairs, items, strict=True):
        content = content_of(saved[question.pk])
        problems = content_problems(content)
        if question.status == Status.PUBLISHED:
            problems += publication_problems(content)
        if problems:
            raise ImportRefused([f"{item.where}: {problem}" for problem in problems])
    versions = record_versions(
        questions=list(saved.values()), edit_kind=EditKind.INITIAL, user=user
    )
    audit_versions(
        actor=user,
        action="import",
        versions=[(q, None, v.number) for q, v in zip(saved.values(), versions, strict=True)],
        source=source_name,
    )
    for question, _content in pairs:
        tick(question.key)
