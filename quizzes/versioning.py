"""Question versions: freeze what learners answered, record a new version on every later edit."""

from __future__ import annotations

import json

from django.db import transaction

from quizzes.content import (
    AcceptedAnswer,
    Choice,
    FigureRef,
    MatchPair,
    OrderItem,
    QuestionContent,
    QuestionType,
    Region,
    Scoring,
)
from quizzes.models import EditKind, Question, QuestionVersion, Response


def content_of(question: Question) -> QuestionContent:
    """The question's current authored rows as frozen content (what a new version would hold)."""
    figure = None
    if question.figure_id is not None:
        targets = {target.region_id: target for target in question.targets.all()}
        regions = []
        for region in question.figure.regions.all():
            target = targets.get(region.id)
            regions.append(
                Region(
                    id=region.id,
                    label=region.label,
                    points=tuple((float(x), float(y)) for x, y in region.points),
                    correct=bool(target and target.is_correct),
                    feedback=target.feedback if target else "",
                )
            )
        figure = FigureRef(
            id=question.figure.id,
            width=question.figure.width,
            height=question.figure.height,
            regions=tuple(regions),
            alt_text=question.figure.alt_text,
            caption=question.figure.caption,
        )
    return QuestionContent(
        type=QuestionType(question.type),
        stem=question.stem,
        explanation=question.explanation,
        references=question.references,
        scoring=Scoring(question.scoring),
        choices=tuple(
            Choice(
                id=option.id,
                text=option.text,
                correct=option.is_correct,
                feedback=option.feedback,
                rank=option.rank,
                must_not_miss=option.must_not_miss,
            )
            for option in question.options.all()
        ),
        accepted_answers=tuple(
            AcceptedAnswer(
                text=answer.text, synonyms=tuple(answer.synonym_list), feedback=answer.feedback
            )
            for answer in question.accepted_answers.all()
        ),
        order_items=tuple(
            OrderItem(id=item.id, text=item.text, feedback=item.feedback)
            for item in question.order_items.all()
        ),
        pairs=tuple(
            MatchPair(id=pair.id, prompt=pair.prompt, match=pair.match, feedback=pair.feedback)
            for pair in question.match_pairs.all()
        ),
        figure=figure,
        rank_count=question.rank_count or 0,
    )


def questions_with_parts():
    """Questions with every row `content_of` reads, in a fixed number of queries."""
    return Question.objects.select_related("figure").prefetch_related(
        "options", "accepted_answers", "order_items", "match_pairs", "targets", "figure__regions"
    )


def is_frozen(version: QuestionVersion) -> bool:
    """A version is frozen once any learner has answered it."""
    return Response.objects.filter(version=version).exists()


@transaction.atomic
def record_version(
    *, question: Question, edit_kind: str = EditKind.MINOR, user=None
) -> QuestionVersion:
    """Make `question.current_version` hold the question's current content.

    The first call creates version 1. Later, an unanswered version is updated in place; an
    answered (frozen) one is never touched: a new version is created instead, and a major edit
    starts a new review generation so learners' review cards for the question restart.
    Returns the current version.
    """
    question = questions_with_parts().select_for_update(of=("self",)).get(pk=question.pk)
    content = QuestionContent.from_dict(content_of(question).to_dict()).to_dict()
    current = question.current_version
    if current is not None and _same_json(current.content, content):
        return current
    if current is not None and not is_frozen(current):
        current.content = content
        current.save(update_fields=["content"])
        return current
    number = 1 if current is None else current.number + 1
    kind = EditKind.INITIAL if current is None else edit_kind
    version = QuestionVersion.objects.create(
        question=question, number=number, content=content, edit_kind=kind, created_by=user
    )
    update = {"current_version": version}
    if kind == EditKind.MAJOR:
        update["review_generation"] = question.review_generation + 1
    Question.objects.filter(pk=question.pk).update(**update)
    return version


def _same_json(stored: dict, content: dict) -> bool:
    return json.dumps(stored, sort_keys=True) == json.dumps(content, sort_keys=True)
