"""A whole module out as a zip (module.json + figure files), and such a zip back in.

The JSON is exactly the module format the loader reads (docs/module-format.md,
interop.modules.load_module): everything by its stable key, figures as files beside the JSON. A
zip exported here and loaded into an empty instance gives the same module, field by field.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.db.models import Prefetch

from cases.models import Case, CaseStage
from interop.modules import (
    FORMAT,
    VERSION,
    LoadReport,
    ModuleError,
    Progress,
    load_module_file,
    module_question,
)
from quizzes.models import EditKind, Figure, Question, Quiz, QuizQuestion, Topic
from quizzes.versioning import content_of, questions_with_parts

MODULE_JSON = "module.json"
# A module zip holds one JSON and its figures: refuse archives that would unpack to far more.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 5000


@dataclass
class ModuleExport:
    data: dict[str, Any]
    files: dict[str, bytes]  # path inside the zip -> bytes


def export_module(
    *,
    title: str = "",
    quizzes: Iterable[Quiz] | None = None,
    cases: Iterable[Case] | None = None,
    questions: Iterable[Question] | None = None,
) -> ModuleExport:
    """The module JSON and figure files of everything, or of a selection.

    With no selection, every topic, figure, question, case and quiz is exported. With quizzes,
    cases or questions, exactly those plus every question, figure and topic they use.
    """
    everything = quizzes is None and cases is None and questions is None
    quiz_rows = _quizzes(Quiz.objects.all() if everything else quizzes or [])
    case_rows = _cases(Case.objects.all() if everything else cases or [])
    question_keys = {q.key for q in questions or []}
    for quiz in quiz_rows:
        question_keys |= {link.question.key for link in quiz.quiz_questions.all()}
    for case in case_rows:
        for stage in case.stages.all():
            question_keys |= {link.question.key for link in stage.stage_questions.all()}
    question_filter = {} if everything else {"key__in": question_keys}
    question_rows = list(
        questions_with_parts().filter(**question_filter).prefetch_related("topics").order_by("key")
    )
    figure_keys = {q.figure.key for q in question_rows if q.figure is not None}
    for case in case_rows:
        for stage in case.stages.all():
            figure_keys |= {figure.key for figure in stage.figures.all()}
    figure_filter = {} if everything else {"key__in": figure_keys}
    figure_rows = list(
        Figure.objects.filter(**figure_filter).prefetch_related("regions").order_by("key")
    )
    topic_slugs = {t.slug for q in question_rows for t in q.topics.all()}
    topic_slugs |= {t.slug for case in case_rows for t in case.topics.all()}
    topic_filter = {} if everything else {"slug__in": topic_slugs}
    topic_rows = Topic.objects.filter(**topic_filter).order_by("slug")

    files: dict[str, bytes] = {}
    figures = []
    for figure in figure_rows:
        name = f"figures/{figure.key}{PurePosixPath(figure.image.name or '').suffix.lower()}"
        with figure.image.open("rb") as handle:
            files[name] = handle.read()
        figures.append(_figure(figure, name))
    data = {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "topics": [{"slug": topic.slug, "name": topic.name} for topic in topic_rows],
        "figures": figures,
        "questions": [_question(question) for question in question_rows],
        "cases": [_case(case) for case in case_rows],
        "quizzes": [_quiz(quiz) for quiz in quiz_rows],
    }
    return ModuleExport(data=data, files=files)


def _quizzes(quizzes: Iterable[Quiz]) -> list[Quiz]:
    keys = [quiz.key for quiz in quizzes]
    return list(
        Quiz.objects.filter(key__in=keys)
        .prefetch_related(
            Prefetch("quiz_questions", queryset=QuizQuestion.objects.select_related("question"))
        )
        .order_by("key")
    )


def _cases(cases: Iterable[Case]) -> list[Case]:
    keys = [case.key for case in cases]
    return list(
        Case.objects.filter(key__in=keys)
        .prefetch_related(
            "topics",
            Prefetch(
                "stages",
                queryset=CaseStage.objects.prefetch_related("figures", "stage_questions__question"),
            ),
        )
        .order_by("key")
    )


def _figure(figure: Figure, name: str) -> dict[str, Any]:
    return {
        "key": figure.key,
        "file": name,
        "title": figure.title,
        "alt_text": figure.alt_text,
        "caption": figure.caption,
        "credit": figure.credit,
        "licence": figure.licence,
        "width": figure.width,
        "height": figure.height,
        "regions": [
            {
                "key": region.key,
                "label": region.label,
                "description": region.description,
                "points": region.points,
            }
            for region in figure.regions.all()
        ],
    }


def _question(question: Question) -> dict[str, Any]:
    return module_question(question, content_of(question))


def _case(case: Case) -> dict[str, Any]:
    return {
        "key": case.key,
        "title": case.title,
        "summary": case.summary,
        "learning_objectives": case.learning_objectives,
        "references": case.references,
        "status": case.status,
        "topics": [topic.slug for topic in case.topics.all()],
        "stages": [
            {
                "kind": stage.kind,
                "title": stage.title,
                "body": stage.body,
                "figures": sorted(figure.key for figure in stage.figures.all()),
                "questions": [link.question.key for link in stage.stage_questions.all()],
            }
            for stage in case.stages.all()
        ],
    }


def _quiz(quiz: Quiz) -> dict[str, Any]:
    return {
        "key": quiz.key,
        "title": quiz.title,
        "description": quiz.description,
        "mode": quiz.mode,
        "time_limit_minutes": quiz.time_limit_minutes,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "published": quiz.is_published,
        "questions": [link.question.key for link in quiz.quiz_questions.all()],
    } | _attempts_allowed(quiz)


def _attempts_allowed(quiz: Quiz) -> dict[str, Any]:
    """Written only when set (empty means the mode's default)."""
    return {} if quiz.attempts_allowed is None else {"attempts_allowed": quiz.attempts_allowed}


def write_module_zip(export: ModuleExport, target: str | Path | IO[bytes]) -> None:
    """Write `module.json` and the figure files beside it into a zip."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MODULE_JSON, json.dumps(export.data, indent=2, ensure_ascii=False) + "\n")
        for name, data in sorted(export.files.items()):
            archive.writestr(name, data)


def module_zip_bytes(export: ModuleExport) -> bytes:
    buffer = io.BytesIO()
    write_module_zip(export, buffer)
    return buffer.getvalue()


def load_module_zip(
    path: str | Path | IO[bytes],
    *,
    edit_kind: str = EditKind.MINOR,
    progress: Progress | None = None,
) -> LoadReport:
    """Load a module zip (as written by `write_module_zip`) through the module loader.

    The archive is unpacked into a temporary directory first, refusing absolute paths, `..`
    and archives that would unpack to more than MAX_UNPACKED_BYTES. Raises ModuleError.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ModuleError([f"Not a module zip: {error}."]) from error
    with archive, tempfile.TemporaryDirectory(prefix="module-zip-") as directory:
        members = archive.infolist()
        problems = []
        if len(members) > MAX_MEMBERS:
            problems.append(
                f"The zip holds {len(members)} files; a module has at most {MAX_MEMBERS}."
            )
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            problems.append("The zip would unpack to more than 200 MB.")
        names = [member.filename for member in members]
        unsafe = [n for n in names if n.startswith(("/", "\\")) or ".." in PurePosixPath(n).parts]
        problems += [f"The zip member {name} points outside the module." for name in unsafe]
        if MODULE_JSON not in names:
            problems.append(f"The zip has no {MODULE_JSON} at its top level.")
        if problems:
            raise ModuleError(problems)
        root = Path(directory)
        for member in members:
            if member.is_dir():
                continue
            target = root / PurePosixPath(member.filename)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
        return load_module_file(root / MODULE_JSON, edit_kind=edit_kind, progress=progress)
