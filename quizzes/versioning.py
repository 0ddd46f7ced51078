"""Rows <-> frozen content, and question versions.

`content_of(question)` and `write_parts(question, content)` are the only converters between a
question's authored rows and its `QuestionContent`: the admin, the module loader, the importer
and the exporters all go through them. `record_versions` freezes what learners are shown: an
answered version never changes, a later edit records a new one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import QuerySet

from quizzes.content import (
    PRESENTATION_SETTINGS,
    AcceptedAnswer,
    Choice,
    FigureRef,
    MatchPair,
    OrderItem,
    QuestionContent,
    Region,
    Scoring,
)
from quizzes.models import AcceptedAnswer as AcceptedAnswerRow
from quizzes.models import EditKind, HotspotTarget, Question, QuestionVersion, Response
from quizzes.models import MatchPair as MatchPairRow
from quizzes.models import Option as OptionRow
from quizzes.models import OrderItem as OrderItemRow

# The part rows of a question, by the name of their reverse relation on Question.
PART_RELATIONS = ("options", "accepted_answers", "order_items", "match_pairs", "targets")


def questions_with_parts() -> QuerySet[Question]:
    """Questions with every row `content_of` reads, in a fixed number of queries."""
    return Question.objects.select_related("figure").prefetch_related(
        "options", "accepted_answers", "order_items", "match_pairs", "targets", "figure__regions"
    )


def content_of(question: Question, *, parts: dict[str, list[Any]] | None = None) -> QuestionContent:
    """The question's authored rows as frozen content (what a new version would hold).

    `parts` replaces some of the saved part rows by unsaved ones (the admin checks the rows an
    educator is about to save): a relation name from PART_RELATIONS -> model instances.
    """
    parts = parts or {}

    def rows(name: str) -> list[Any]:
        return parts[name] if name in parts else list(getattr(question, name).all())

    figure = None
    figure_row = question.figure if question.figure_id is not None else None
    if figure_row is not None:
        targets = {target.region_id: target for target in rows("targets")}
        regions = []
        for region in figure_row.regions.all():
            target = targets.get(region.id)
            regions.append(
                Region(
                    id=region.id,
                    label=region.label,
                    points=tuple((float(x), float(y)) for x, y in region.points),
                    correct=bool(target and target.is_correct),
                    feedback=target.feedback if target else "",
                    description=region.description,
                    alternative=target.alternative if target else "",
                )
            )
        figure = FigureRef(
            id=figure_row.id,
            width=figure_row.width,
            height=figure_row.height,
            regions=tuple(regions),
            alt_text=figure_row.alt_text,
            caption=figure_row.caption,
        )
    return QuestionContent(
        type=question.type,
        stem=question.stem,
        explanation=question.explanation,
        references=question.references,
        scoring=Scoring(question.scoring or Scoring.ALL_OR_NOTHING),
        choices=tuple(
            Choice(
                id=_part_id(option, index),
                text=option.text,
                correct=option.is_correct,
                feedback=option.feedback,
                rank=option.rank,
                must_not_miss=option.must_not_miss,
                weight=option.weight,
            )
            for index, option in enumerate(rows("options"))
        ),
        accepted_answers=tuple(
            AcceptedAnswer(
                text=answer.text,
                synonyms=tuple(answer.synonym_list),
                feedback=answer.feedback,
                credit=answer.credit,
            )
            for answer in rows("accepted_answers")
        ),
        order_items=tuple(
            OrderItem(id=_part_id(item, index), text=item.text, feedback=item.feedback)
            for index, item in enumerate(rows("order_items"))
        ),
        pairs=tuple(
            MatchPair(
                id=_part_id(pair, index),
                prompt=pair.prompt,
                match=pair.match,
                feedback=pair.feedback,
            )
            for index, pair in enumerate(rows("match_pairs"))
        ),
        figure=figure,
        rank_count=question.rank_count or 0,
        settings=dict(question.type_settings or {}),
    )


def _part_id(row: models.Model, index: int) -> int:
    # Unsaved rows (an admin form being checked) have no id yet: number them apart from saved ids.
    return row.pk if row.pk is not None else -(index + 1)


# --- Content -> rows ---------------------------------------------------------------------------

CONTENT_FIELDS = ("type", "stem", "explanation", "references", "scoring", "rank_count")


def _apply_fields(question: Question, content: QuestionContent) -> None:
    question.type = content.type
    question.stem = content.stem
    question.explanation = content.explanation
    question.references = content.references
    question.scoring = str(content.scoring)
    question.rank_count = content.rank_count or None
    question.type_settings = dict(content.settings)
    question.figure_id = content.figure.id if content.figure else None


def _part_rows(
    question: Question, content: QuestionContent
) -> dict[type[models.Model], list[dict[str, Any]]]:
    """Field values of each kind of part row, in order; hotspot targets by region id."""
    figure = content.figure
    return {
        OptionRow: [
            {
                "text": c.text,
                "is_correct": c.correct,
                "feedback": c.feedback,
                "rank": c.rank,
                "must_not_miss": c.must_not_miss,
                "weight": c.weight,
            }
            for c in content.choices
        ],
        AcceptedAnswerRow: [
            {
                "text": a.text,
                "synonyms": "\n".join(a.synonyms),
                "feedback": a.feedback,
                "credit": a.credit,
            }
            for a in content.accepted_answers
        ],
        OrderItemRow: [{"text": i.text, "feedback": i.feedback} for i in content.order_items],
        MatchPairRow: [
            {"prompt": p.prompt, "match": p.match, "feedback": p.feedback} for p in content.pairs
        ],
        HotspotTarget: [
            {
                "region_id": r.id,
                "is_correct": r.correct,
                "feedback": r.feedback,
                "alternative": r.alternative,
            }
            for r in (figure.regions if figure else ())
            if r.correct or r.feedback or r.alternative
        ],
    }


_RELATION = {
    OptionRow: "options",
    AcceptedAnswerRow: "accepted_answers",
    OrderItemRow: "order_items",
    MatchPairRow: "match_pairs",
    HotspotTarget: "targets",
}


def write_parts(question: Question, content: QuestionContent) -> None:
    """Make a saved question's fields and part rows hold `content`.

    Rows are updated in place by position (hotspot targets by region), so unchanged content
    keeps its row ids, and with them its version. Part ids in `content` are ignored; hotspot
    regions are the figure's regions, named by id.
    """
    _apply_fields(question, content)
    question.save()
    for model, values in _part_rows(question, content).items():
        manager = getattr(question, _RELATION[model])
        existing = list(manager.all())
        if model is HotspotTarget:
            by_region = {row.region_id: row for row in existing}
            keep = []
            for value in values:
                row = by_region.pop(value["region_id"], None) or HotspotTarget(question=question)
                _save_if_changed(row, value)
                keep.append(row.pk)
            manager.exclude(pk__in=keep).delete()
            continue
        for position, value in enumerate(values):
            row = existing[position] if position < len(existing) else model(question=question)
            _save_if_changed(row, value | {"position": position})
        manager.filter(pk__in=[row.pk for row in existing[len(values) :]]).delete()


def _save_if_changed(row: models.Model, values: dict[str, Any]) -> None:
    if row.pk is not None and all(getattr(row, k) == v for k, v in values.items()):
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def write_new_questions(pairs: Sequence[tuple[Question, QuestionContent]]) -> None:
    """The bulk path of `write_parts` for new, unsaved questions: a fixed number of queries
    for any number of questions (their other fields are already set)."""
    for question, content in pairs:
        _apply_fields(question, content)
    Question.objects.bulk_create([question for question, _ in pairs])
    rows: dict[type[models.Model], list[models.Model]] = {}
    for question, content in pairs:
        for model, values in _part_rows(question, content).items():
            extra = (lambda i: {}) if model is HotspotTarget else (lambda i: {"position": i})
            rows.setdefault(model, []).extend(
                model(question=question, **value, **extra(i)) for i, value in enumerate(values)
            )
    for model, instances in rows.items():
        model._default_manager.bulk_create(instances)


# --- Versions ----------------------------------------------------------------------------------


def is_frozen(version: QuestionVersion) -> bool:
    """A version is frozen once any learner has answered it."""
    return Response.objects.filter(version=version).exists()


def record_version(
    *, question: Question, edit_kind: str = EditKind.MINOR, user: User | None = None
) -> QuestionVersion:
    """`record_versions` for one question; returns its current version."""
    [version] = record_versions(questions=[question], edit_kind=edit_kind, user=user)
    return version


@transaction.atomic
def record_versions(
    *,
    questions: Iterable[Question],
    edit_kind: str = EditKind.MINOR,
    user: User | None = None,
) -> list[QuestionVersion]:
    """Make each question's current version hold its current content, in a fixed number of
    queries whatever the number of questions.

    A question without a version gets version 1. Later, an unanswered version is updated in
    place; an answered (frozen) one is never touched: a new version is created instead, and a
    major edit starts a new review generation so learners' review cards restart.
    Returns the current versions, in the order of `questions`.
    """
    ids = [question.pk for question in questions]
    locked = {
        q.pk: q
        for q in questions_with_parts()
        .select_related("current_version")
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
    }
    current_ids = [q.current_version_id for q in locked.values() if q.current_version_id]
    frozen = set(
        Response.objects.filter(version_id__in=current_ids)
        .values_list("version_id", flat=True)
        .distinct()
    )
    results: dict[int, QuestionVersion] = {}
    new_versions: list[tuple[Question, QuestionVersion]] = []
    changed_in_place: list[QuestionVersion] = []
    for question in locked.values():
        content = QuestionContent.from_dict(content_of(question).to_dict()).to_dict()
        current = question.current_version
        if current is not None and same_content(current.content, content):
            results[question.pk] = current
        elif current is not None and current.pk not in frozen:
            current.content = content
            changed_in_place.append(current)
            results[question.pk] = current
        else:
            kind = EditKind.INITIAL if current is None else edit_kind
            if kind == EditKind.MINOR and current is not None:
                # A minor edit keeps learners' review progress: never across a changed key.
                changed = key_changes(
                    QuestionContent.from_dict(current.content), QuestionContent.from_dict(content)
                )
                kind = EditKind.MAJOR if changed else kind
            version = QuestionVersion(
                question=question,
                number=1 if current is None else current.number + 1,
                content=content,
                edit_kind=kind,
                created_by=user,
            )
            new_versions.append((question, version))
            results[question.pk] = version
    QuestionVersion.objects.bulk_update(changed_in_place, ["content"])
    QuestionVersion.objects.bulk_create([version for _, version in new_versions])
    for question, version in new_versions:
        question.current_version = version
        if version.edit_kind == EditKind.MAJOR:
            question.review_generation += 1
    Question.objects.bulk_update(
        [question for question, _ in new_versions], ["current_version", "review_generation"]
    )
    return [results[pk] for pk in ids]


def key_changes(old: QuestionContent, new: QuestionContent) -> list[str]:
    """What an edit changes in the key (so it can only be a major edit), in the educator's
    words; empty when only wording changed (a stem, an option's text, feedback, explanation)."""
    changes = []
    if old.type != new.type:
        changes.append("the question type")
    if old.scoring != new.scoring:
        changes.append("the scoring rule")
    if old.rank_count != new.rank_count:
        changes.append("the number of diagnoses to rank")
    if [(c.correct, c.rank, c.must_not_miss, c.weight) for c in old.choices] != [
        (c.correct, c.rank, c.must_not_miss, c.weight) for c in new.choices
    ]:
        changes.append("which options are correct (or their ranks or weights)")
    if [
        (_fold(a.text), sorted(map(_fold, a.synonyms)), a.credit) for a in old.accepted_answers
    ] != [(_fold(a.text), sorted(map(_fold, a.synonyms)), a.credit) for a in new.accepted_answers]:
        changes.append("the accepted answers")
    if [_fold(i.text) for i in old.order_items] != [_fold(i.text) for i in new.order_items]:
        changes.append("the items or their order")
    if [(_fold(p.prompt), _fold(p.match)) for p in old.pairs] != [
        (_fold(p.prompt), _fold(p.match)) for p in new.pairs
    ]:
        changes.append("the matching pairs")
    if _regions(old) != _regions(new):
        changes.append("the figure's regions or which are correct")
    if _key_settings(old) != _key_settings(new):
        changes.append("the type's settings")
    return changes


def _key_settings(content: QuestionContent) -> dict[str, Any]:
    return {k: v for k, v in content.settings.items() if k not in PRESENTATION_SETTINGS}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _regions(content: QuestionContent) -> tuple[Any, ...]:
    if content.figure is None:
        return ()
    return (
        content.figure.id,
        tuple((region.points, region.correct) for region in content.figure.regions),
    )


def same_content(stored: dict[str, Any], content: dict[str, Any]) -> bool:
    """Whether stored version content says the same as `content` (old rows may lack newer keys
    with their default values)."""
    return (
        QuestionContent.from_dict(stored).to_dict() == QuestionContent.from_dict(content).to_dict()
    )
