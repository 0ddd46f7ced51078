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
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import models, transaction

from cases.models import Case, CaseStage, StageQuestion
from quizzes.authoring import audit_versions, draft_question_problems, quiz_publication_problems
from quizzes.content import (
    AcceptedAnswer,
    Choice,
    FigureRef,
    MatchPair,
    OrderItem,
    QuestionContent,
    Region,
    Scoring,
)
from quizzes.figures import FigureFileError, points_problems, vet_figure
from quizzes.models import (
    EditKind,
    Figure,
    FigureRegion,
    Question,
    Quiz,
    QuizQuestion,
    Status,
    Topic,
)
from quizzes.qtypes import REGISTRY, kind_of
from quizzes.validation import content_problems, publication_problems
from quizzes.versioning import record_versions, write_parts

FORMAT = "edu-platform-module"
VERSION = 1

_Link = TypeVar("_Link", QuizQuestion, StageQuestion)


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


Progress = Callable[[str], object]  # called once per item; what it returns is ignored


def load_module_file(
    path: Path,
    *,
    edit_kind: str = EditKind.MINOR,
    progress: Progress | None = None,
    actor: User | None = None,
) -> LoadReport:
    """Load the module JSON at `path`; figure files are read relative to it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModuleError([f"{path}: {error}"]) from error
    return load_module(
        data,
        base_dir=Path(path).parent,
        edit_kind=edit_kind,
        progress=progress,
        actor=actor,
        source=Path(path).name,
    )


@transaction.atomic
def load_module(
    data: dict[str, Any],
    *,
    base_dir: Path,
    edit_kind: str = EditKind.MINOR,
    progress: Progress | None = None,
    actor: User | None = None,
    source: str = "",
) -> LoadReport:
    """Create or update every topic, figure, question, case and quiz of a module; every
    question whose version changed gets an "import" audit row.

    Raises ModuleError listing every problem; the transaction then writes nothing.
    """
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ModuleError([f'Not a module file: expected format "{FORMAT}" version {VERSION}.'])
    report = LoadReport()
    tick = progress or (lambda _label: None)
    topics = _load_topics(data.get("topics", []), report)
    figures = _load_figures(data.get("figures", []), base_dir, report, tick)
    questions = _load_questions(
        data.get("questions", []), topics, figures, edit_kind, report, tick, actor, source
    )
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
        file_path = (base_dir / str(item["file"])).resolve()
        if not file_path.is_relative_to(base_dir.resolve()):
            problems.append(f"Figure {key}: its file must lie inside the module ({item['file']}).")
            continue
        try:
            vetted = vet_figure(file_path.read_bytes(), file_path.name)
        except (OSError, FigureFileError) as error:
            problems.append(f"Figure {key}: {error}")
            continue
        data, width, height = vetted.data, vetted.width, vetted.height
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
        region.description = item.get("description", "")
        region.points = item["points"]
        region.position = position
        region.save()
    FigureRegion.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    return problems


# --- Module question <-> content --------------------------------------------------------------


@dataclass(frozen=True)
class FigureSpec:
    """A figure as a module question refers to it: its regions by key, with their ids (database
    ids once loaded; positions while an import is only being planned)."""

    id: int
    width: float
    height: float
    # (id, key, label, points, description)
    regions: list[tuple[int, str, str, list[list[float]], str]]
    alt_text: str = ""
    caption: str = ""

    @classmethod
    def of(cls, figure: Figure) -> FigureSpec:
        return cls(
            id=figure.pk,
            width=figure.width,
            height=figure.height,
            regions=[(r.pk, r.key, r.label, r.points, r.description) for r in figure.regions.all()],
            alt_text=figure.alt_text,
            caption=figure.caption,
        )


def question_content(item: dict[str, Any], figure: FigureSpec | None) -> QuestionContent:
    """A module question (docs/module-format.md) as content; part ids are positions."""
    figure_ref = None
    if figure is not None:
        targets = {t["region"]: t for t in item.get("targets", [])}
        figure_ref = FigureRef(
            id=figure.id,
            width=figure.width,
            height=figure.height,
            regions=tuple(
                Region(
                    id=region_id,
                    label=label,
                    points=tuple((float(x), float(y)) for x, y in points),
                    correct=bool(targets.get(key, {}).get("correct", False)),
                    feedback=targets.get(key, {}).get("feedback", ""),
                    description=description,
                    alternative=targets.get(key, {}).get("alternative", ""),
                )
                for region_id, key, label, points, description in figure.regions
            ),
            alt_text=figure.alt_text,
            caption=figure.caption,
        )
    return QuestionContent(
        type=item["type"],
        stem=item.get("stem", ""),
        explanation=item.get("explanation", ""),
        references=item.get("references", ""),
        scoring=Scoring(item.get("scoring", Scoring.ALL_OR_NOTHING)),
        choices=tuple(
            Choice(
                id=i,
                text=c["text"],
                correct=bool(c.get("correct", False)),
                feedback=c.get("feedback", ""),
                rank=c.get("rank"),
                must_not_miss=bool(c.get("must_not_miss", False)),
                weight=None if c.get("weight") is None else float(c["weight"]),
            )
            for i, c in enumerate(item.get("choices", []))
        ),
        accepted_answers=tuple(
            AcceptedAnswer(
                text=a["text"],
                synonyms=tuple(a.get("synonyms", ())),
                feedback=a.get("feedback", ""),
                credit=float(a.get("credit", 100.0)),
            )
            for a in item.get("accepted_answers", [])
        ),
        order_items=tuple(
            OrderItem(id=i, text=o["text"], feedback=o.get("feedback", ""))
            for i, o in enumerate(item.get("order_items", []))
        ),
        pairs=tuple(
            MatchPair(
                id=i,
                prompt=p.get("prompt", ""),
                match=p.get("match", ""),
                feedback=p.get("feedback", ""),
            )
            for i, p in enumerate(item.get("pairs", []))
        ),
        figure=figure_ref,
        rank_count=item.get("rank_count") or 0,
        settings=dict(item.get("settings") or {}),
    )


def module_question(question: Question, content: QuestionContent) -> dict[str, Any]:
    """A question as the module format writes it (the inverse of `question_content`). Parts a
    type does not use are written too when present, so nothing is lost."""
    kind = kind_of(content.type)
    item: dict[str, Any] = {
        "key": question.key,
        "type": content.type,
        "title": question.title,
        "stem": content.stem,
        "explanation": content.explanation,
        "references": content.references,
        "difficulty": question.difficulty,
        "status": question.status,
        "topics": [topic.slug for topic in question.topics.all()],
        "scoring": str(content.scoring),
    }
    if content.choices or "choices" in kind.parts:
        item["choices"] = [
            {
                "text": c.text,
                "correct": c.correct,
                "feedback": c.feedback,
                "rank": c.rank,
                "must_not_miss": c.must_not_miss,
                **({"weight": c.weight} if c.weight is not None else {}),
            }
            for c in content.choices
        ]
    if content.rank_count:
        item["rank_count"] = content.rank_count
    if content.accepted_answers or "accepted_answers" in kind.parts:
        item["accepted_answers"] = [
            {
                "text": a.text,
                "synonyms": list(a.synonyms),
                "feedback": a.feedback,
                **({"credit": a.credit} if a.credit != 100 else {}),
            }
            for a in content.accepted_answers
        ]
    if content.order_items or "order_items" in kind.parts:
        item["order_items"] = [
            {"text": i.text, "feedback": i.feedback} for i in content.order_items
        ]
    if content.pairs or "pairs" in kind.parts:
        item["pairs"] = [
            {"prompt": p.prompt, "match": p.match, "feedback": p.feedback} for p in content.pairs
        ]
    if content.settings:
        item["settings"] = dict(content.settings)
    if question.figure is not None and content.figure is not None:
        item["figure"] = question.figure.key
        keys = {region.pk: region.key for region in question.figure.regions.all()}
        item["targets"] = [
            {"region": keys[r.id], "correct": r.correct, "feedback": r.feedback}
            | ({"alternative": r.alternative} if r.alternative else {})
            for r in content.figure.regions
            if r.correct or r.feedback or r.alternative
        ]
    return item


QUESTION_FIELDS = ("title", "difficulty", "status")
KEPT_WHEN_MISSING = ("stem", "explanation", "references")


def _load_questions(
    items: list[dict[str, Any]],
    topics: dict[str, Topic],
    figures: dict[str, Figure],
    edit_kind: str,
    report: LoadReport,
    tick: Progress,
    actor: User | None,
    source: str,
) -> dict[str, Question]:
    questions = {}
    problems = []
    for item in items:
        key = item["key"]
        figure_key = item.get("figure")
        if figure_key and figure_key not in figures:
            problems.append(f"Question {key}: unknown figure {figure_key}.")
            continue
        figure = FigureSpec.of(figures[figure_key]) if figure_key else None
        unknown = [
            t["region"]
            for t in item.get("targets", [])
            if figure is None or t["region"] not in {r[1] for r in figure.regions}
        ]
        problems += [f"Question {key}: unknown region {region}." for region in unknown]
        if item.get("type") not in REGISTRY.names():
            problems.append(f'Question {key}: "{item.get("type")}" is not a question type here.')
            continue
        question = Question.objects.filter(key=key).first()
        created = question is None
        if question is not None:
            # What the file leaves out keeps its value here (an import adds no explanation).
            item = {name: getattr(question, name) for name in KEPT_WHEN_MISSING} | item
        content = question_content(item, figure)
        question = question or Question(key=key)
        for name in QUESTION_FIELDS:
            setattr(question, name, item.get(name, getattr(question, name)))
        write_parts(question, content)
        question.topics.set(_known(topics, item.get("topics", []), f"Question {key}", problems))
        item_problems = content_problems(content)
        if question.status == Status.PUBLISHED:
            item_problems += publication_problems(content)
        problems += [f"Question {key}: {problem}" for problem in item_problems]
        report.count("questions", created)
        questions[key] = question
        tick(f"question {key}")
    if problems:
        raise ModuleError(problems)
    before = dict(
        Question.objects.filter(pk__in=[q.pk for q in questions.values()]).values_list(
            "pk", "current_version__number"
        )
    )
    versions = record_versions(questions=list(questions.values()), edit_kind=edit_kind, user=actor)
    audit_versions(
        actor=actor,
        action="import",
        versions=[
            (q, before.get(q.pk), v.number)
            for q, v in zip(questions.values(), versions, strict=True)
        ],
        source=source,
    )
    return questions


def _known(mapping: dict[str, Any], keys: Iterable[str], owner: str, problems: list[str]) -> list:
    found = []
    for key in keys:
        if key in mapping:
            found.append(mapping[key])
        else:
            problems.append(f"{owner}: unknown reference {key}.")
    return found


def _replace_links(manager: models.Manager[_Link], rows: list[_Link]) -> None:
    """Replace an ordered list of question links unless it is already exactly this list."""
    current = [(link.question_id, link.position) for link in manager.all()]
    if current == [(row.question_id, row.position) for row in rows]:
        return
    manager.all().delete()
    if rows:
        type(rows[0]).objects.bulk_create(rows)


def _load_cases(
    items: list[dict[str, Any]],
    topics: dict[str, Topic],
    figures: dict[str, Figure],
    questions: dict[str, Question],
    report: LoadReport,
    tick: Progress,
) -> None:
    problems: list[str] = []
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
            problems += [
                f"Case {key}: {p}" for p in draft_question_problems("case", case_questions)
            ]
        report.count("cases", created)
        tick(f"case {key}")
    if problems:
        raise ModuleError(problems)


def _load_quizzes(
    items: list[dict[str, Any]], questions: dict[str, Question], report: LoadReport, tick: Progress
) -> None:
    problems: list[str] = []
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
                "attempts_allowed": item.get("attempts_allowed"),
            },
        )
        quiz_questions = _known(questions, item.get("questions", []), f"Quiz {key}", problems)
        _replace_links(
            quiz.quiz_questions,
            [QuizQuestion(quiz=quiz, question=q, position=i) for i, q in enumerate(quiz_questions)],
        )
        if quiz.is_published:
            problems += [
                f"Quiz {key}: {p}" for p in quiz_publication_problems(quiz, quiz_questions)
            ]
        elif quiz.mode == "exam" and not quiz.time_limit_minutes:
            problems.append(f"Quiz {key}: An exam needs a time limit.")
        report.count("quizzes", created)
        tick(f"quiz {key}")
    if problems:
        raise ModuleError(problems)
