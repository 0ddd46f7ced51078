"""Load a whole teaching module (docs/module-format.md) into the database, idempotently.

Everything is matched by its stable key, and parts are updated in place by position, so loading
the same file twice changes nothing and creates no new question versions. A module loads in one
transaction: any problem anywhere and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction

from cases.figures import FigureFileError, figure_size, points_problems
from cases.models import Case, CaseStage, Figure, FigureRegion, StageQuestion
from quizzes.models import (
    AcceptedAnswer,
    EditKind,
    HotspotTarget,
    MatchPair,
    Option,
    OrderItem,
    Question,
    Quiz,
    QuizQuestion,
    Status,
    Topic,
)
from quizzes.validation import content_problems, publication_problems
from quizzes.versioning import content_of, questions_with_parts, record_version

FORMAT = "edu-platform-module"
VERSION = 1


class ModuleError(Exception):
    """The module cannot be loaded; `problems` lists every reason, each naming its item."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated))
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated"
            for kind in kinds
        )


Progress = Callable[[str], None]


def load_module_file(
    path: Path, *, edit_kind: str = EditKind.MINOR, progress: Progress | None = None
) -> LoadReport:
    """Load the module JSON at `path`; figure files are read relative to it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModuleError([f"{path}: {error}"]) from error
    return load_module(data, base_dir=Path(path).parent, edit_kind=edit_kind, progress=progress)


@transaction.atomic
def load_module(
    data: dict[str, Any],
    *,
    base_dir: Path,
    edit_kind: str = EditKind.MINOR,
    progress: Progress | None = None,
) -> LoadReport:
    """Create or update every topic, figure, question, case and quiz of a module.

    Raises ModuleError listing every problem; the transaction then writes nothing.
    """
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ModuleError([f'Not a module file: expected format "{FORMAT}" version {VERSION}.'])
    report = LoadReport()
    tick = progress or (lambda _label: None)
    topics = _load_topics(data.get("topics", []), report)
    figures = _load_figures(data.get("figures", []), base_dir, report, tick)
    questions = _load_questions(data.get("questions", []), topics, figures, edit_kind, report, tick)
    _load_cases(data.get("cases", []), topics, figures, questions, report, tick)
    _load_quizzes(data.get("quizzes", []), questions, report, tick)
    return report


def _load_topics(items: list[dict[str, Any]], report: LoadReport) -> dict[str, Topic]:
    topics = {}
    for item in items:
        topic, created = Topic.objects.update_or_create(
            slug=item["slug"], defaults={"name": item["name"]}
        )
        report.count("topics", created)
        topics[topic.slug] = topic
    return topics


def _load_figures(
    items: list[dict[str, Any]], base_dir: Path, report: LoadReport, tick: Progress
) -> dict[str, Figure]:
    figures = {}
    problems = []
    for item in items:
        key = item["key"]
        file_path = base_dir / item["file"]
        try:
            data = file_path.read_bytes()
            with file_path.open("rb") as handle:
                width, height = figure_size(handle, file_path.name)
        except (OSError, FigureFileError) as error:
            problems.append(f"Figure {key}: {error}")
            continue
        figure = Figure.objects.filter(key=key).first()
        created = figure is None
        figure = figure or Figure(key=key)
        for name in ("title", "alt_text", "caption", "credit", "licence"):
            setattr(figure, name, item.get(name, ""))
        if not figure.alt_text.strip():
            problems.append(f"Figure {key}: alt text is required.")
        figure.width, figure.height = width, height
        if created or _stored_bytes(figure) != data:
            figure.image.save(file_path.name, ContentFile(data), save=False)
        figure.save()
        report.count("figures", created)
        for region_problem in _sync_regions(figure, item.get("regions", [])):
            problems.append(f"Figure {key}: {region_problem}")
        figures[key] = figure
        tick(f"figure {key}")
    if problems:
        raise ModuleError(problems)
    return figures


def _stored_bytes(figure: Figure) -> bytes | None:
    if not figure.image:
        return None
    try:
        with figure.image.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def _sync_regions(figure: Figure, items: list[dict[str, Any]]) -> list[str]:
    problems = []
    existing = {region.key: region for region in figure.regions.all()}
    for position, item in enumerate(items):
        for problem in points_problems(item.get("points"), figure.width, figure.height):
            problems.append(f"region {item.get('key')}: {problem}")
        region = existing.pop(item["key"], None) or FigureRegion(figure=figure, key=item["key"])
        region.label = item["label"]
        region.points = item["points"]
        region.position = position
        region.save()
    FigureRegion.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    return problems


QUESTION_FIELDS = ("title", "type", "stem", "explanation", "references", "difficulty", "status")


def _load_questions(
    items: list[dict[str, Any]],
    topics: dict[str, Topic],
    figures: dict[str, Figure],
    edit_kind: str,
    report: LoadReport,
    tick: Progress,
) -> dict[str, Question]:
    questions = {}
    problems = []
    for item in items:
        key = item["key"]
        question = Question.objects.filter(key=key).first()
        created = question is None
        question = question or Question(key=key)
        for name in QUESTION_FIELDS:
            setattr(question, name, item.get(name, getattr(question, name)))
        question.scoring = item.get("scoring", "all_or_nothing")
        question.rank_count = item.get("rank_count")
        figure_key = item.get("figure")
        if figure_key and figure_key not in figures:
            problems.append(f"Question {key}: unknown figure {figure_key}.")
            continue
        question.figure = figures.get(figure_key) if figure_key else None
        question.save()
        question.topics.set(_known(topics, item.get("topics", []), f"Question {key}", problems))
        _sync_parts(question, item, figures, problems)
        question = questions_with_parts().get(pk=question.pk)
        content = content_of(question)
        item_problems = content_problems(content)
        if question.status == Status.PUBLISHED:
            item_problems += publication_problems(content)
        problems += [f"Question {key}: {problem}" for problem in item_problems]
        if not item_problems:
            record_version(question=question, edit_kind=edit_kind)
        report.count("questions", created)
        questions[key] = question
        tick(f"question {key}")
    if problems:
        raise ModuleError(problems)
    return questions


def _known(mapping: dict[str, Any], keys: Iterable[str], owner: str, problems: list[str]) -> list:
    found = []
    for key in keys:
        if key in mapping:
            found.append(mapping[key])
        else:
            problems.append(f"{owner}: unknown reference {key}.")
    return found


def _sync_rows(
    manager: models.Manager, rows: list[dict[str, Any]], make: Callable[[], models.Model]
) -> None:
    """Update a question's part rows in place by position, so unchanged content keeps its ids."""
    existing = list(manager.all())
    for position, values in enumerate(rows):
        row = existing[position] if position < len(existing) else make()
        for name, value in values.items():
            setattr(row, name, value)
        if hasattr(row, "position"):
            row.position = position
        row.save()
    manager.filter(pk__in=[row.pk for row in existing[len(rows) :]]).delete()


def _replace_links(manager: models.Manager, rows: list[models.Model]) -> None:
    """Replace an ordered list of question links unless it is already exactly this list."""
    current = [(link.question_id, link.position) for link in manager.all()]
    if current == [(row.question_id, row.position) for row in rows]:
        return
    manager.all().delete()
    if rows:
        type(rows[0]).objects.bulk_create(rows)


def part_values(item: dict[str, Any]) -> dict[type[models.Model], list[dict[str, Any]]]:
    """A module question's choices, answers, items and pairs as the field values of their rows,
    in order (hotspot targets need the figure's regions and are mapped by the callers)."""
    return {
        Option: [
            {
                "text": c["text"],
                "is_correct": bool(c.get("correct", False)),
                "feedback": c.get("feedback", ""),
                "rank": c.get("rank"),
                "must_not_miss": bool(c.get("must_not_miss", False)),
            }
            for c in item.get("choices", [])
        ],
        AcceptedAnswer: [
            {
                "text": a["text"],
                "synonyms": "\n".join(a.get("synonyms", [])),
                "feedback": a.get("feedback", ""),
            }
            for a in item.get("accepted_answers", [])
        ],
        OrderItem: [
            {"text": i["text"], "feedback": i.get("feedback", "")}
            for i in item.get("order_items", [])
        ],
        MatchPair: [
            {
                "prompt": p.get("prompt", ""),
                "match": p.get("match", ""),
                "feedback": p.get("feedback", ""),
            }
            for p in item.get("pairs", [])
        ],
    }


PART_MANAGERS = {
    Option: "options",
    AcceptedAnswer: "accepted_answers",
    OrderItem: "order_items",
    MatchPair: "match_pairs",
}


def _sync_parts(
    question: Question, item: dict[str, Any], figures: dict[str, Figure], problems: list[str]
) -> None:
    for model, rows in part_values(item).items():
        _sync_rows(
            getattr(question, PART_MANAGERS[model]),
            rows,
            lambda model=model: model(question=question),
        )
    targets = item.get("targets", [])
    regions = (
        {region.key: region for region in question.figure.regions.all()} if question.figure else {}
    )
    existing = {target.region_id: target for target in question.targets.all()}
    keep = []
    for target in targets:
        region = regions.get(target["region"])
        if region is None:
            problems.append(f"Question {question.key}: unknown region {target['region']}.")
            continue
        row = existing.get(region.id) or HotspotTarget(question=question, region=region)
        row.is_correct = bool(target.get("correct", False))
        row.feedback = target.get("feedback", "")
        row.save()
        keep.append(row.pk)
    question.targets.exclude(pk__in=keep).delete()


def _draft_problem(owner: str, questions: Iterable[Question]) -> list[str]:
    drafts = [q.key for q in questions if q.status != Status.PUBLISHED]
    if drafts:
        return [f"{owner} is published but contains draft questions: {', '.join(drafts)}."]
    return []


def _load_cases(
    items: list[dict[str, Any]],
    topics: dict[str, Topic],
    figures: dict[str, Figure],
    questions: dict[str, Question],
    report: LoadReport,
    tick: Progress,
) -> None:
    problems = []
    for item in items:
        key = item["key"]
        case, created = Case.objects.update_or_create(
            key=key,
            defaults={
                name: item.get(name, "")
                for name in ("title", "summary", "learning_objectives", "references")
            }
            | {"status": item.get("status", Status.DRAFT)},
        )
        case.topics.set(_known(topics, item.get("topics", []), f"Case {key}", problems))
        stages = list(case.stages.all())
        case_questions = []
        for position, stage_item in enumerate(item.get("stages", [])):
            stage = stages[position] if position < len(stages) else CaseStage(case=case)
            stage.kind = stage_item["kind"]
            stage.title = stage_item.get("title", "")
            stage.body = stage_item.get("body", "")
            stage.position = position
            stage.save()
            owner = f"Case {key} stage {position + 1}"
            stage.figures.set(_known(figures, stage_item.get("figures", []), owner, problems))
            stage_questions = _known(questions, stage_item.get("questions", []), owner, problems)
            _replace_links(
                stage.stage_questions,
                [
                    StageQuestion(stage=stage, question=q, position=i)
                    for i, q in enumerate(stage_questions)
                ],
            )
            case_questions += stage_questions
        CaseStage.objects.filter(
            pk__in=[s.pk for s in stages[len(item.get("stages", [])) :]]
        ).delete()
        if case.status == Status.PUBLISHED:
            problems += _draft_problem(f"Case {key}", case_questions)
        report.count("cases", created)
        tick(f"case {key}")
    if problems:
        raise ModuleError(problems)


def _load_quizzes(
    items: list[dict[str, Any]], questions: dict[str, Question], report: LoadReport, tick: Progress
) -> None:
    problems = []
    for item in items:
        key = item["key"]
        quiz, created = Quiz.objects.update_or_create(
            key=key,
            defaults={
                "title": item["title"],
                "description": item.get("description", ""),
                "mode": item.get("mode", "tutor"),
                "time_limit_minutes": item.get("time_limit_minutes"),
                "shuffle_questions": bool(item.get("shuffle_questions", False)),
                "shuffle_options": bool(item.get("shuffle_options", True)),
                "is_published": bool(item.get("published", False)),
            },
        )
        quiz_questions = _known(questions, item.get("questions", []), f"Quiz {key}", problems)
        _replace_links(
            quiz.quiz_questions,
            [QuizQuestion(quiz=quiz, question=q, position=i) for i, q in enumerate(quiz_questions)],
        )
        if quiz.is_published:
            problems += _draft_problem(f"Quiz {key}", quiz_questions)
        if quiz.mode == "exam" and not quiz.time_limit_minutes:
            problems.append(f"Quiz {key}: an exam needs a time limit.")
        report.count("quizzes", created)
        tick(f"quiz {key}")
    if problems:
        raise ModuleError(problems)
