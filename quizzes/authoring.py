"""Authoring services: publish and unpublish questions and quizzes, save edits as versions, and
write the audit row of each, in the same transaction.

The rule "a published quiz or case holds no draft question" lives here once:
`draft_question_problems` for a container about to be published, and `unpublish_problems` for a
question about to go back to draft (asking every registered kind of container: quizzes here,
cases register theirs). The admin's forms show these problems before saving; the services
refuse again, so no other path can break the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction

from quizzes.content import QuestionContent
from quizzes.models import (
    AuditEvent,
    EditKind,
    Figure,
    Question,
    QuestionVersion,
    Quiz,
    Status,
)
from quizzes.validation import content_problems, publication_problems
from quizzes.versioning import content_of, key_changes, questions_with_parts, record_versions

# A kind of container: question ids -> {question id: [titles of published containers]}.
ContainerLookup = Callable[[list[int]], dict[int, list[str]]]
_CONTAINERS: list[tuple[str, ContainerLookup]] = []


def register_container(name: str, lookup: ContainerLookup) -> None:
    """Declare a kind of published container of questions (e.g. "case"), once, at start-up."""
    if all(existing != name for existing, _ in _CONTAINERS):
        _CONTAINERS.append((name, lookup))


def _published_quizzes_holding(question_ids: list[int]) -> dict[int, list[str]]:
    holding: dict[int, list[str]] = {}
    rows = Quiz.objects.filter(is_published=True, quiz_questions__question_id__in=question_ids)
    for question_id, title in rows.values_list("quiz_questions__question_id", "title"):
        holding.setdefault(question_id, []).append(title)
    return holding


register_container("quiz", _published_quizzes_holding)


class PublishRefused(Exception):
    """The change would break a publication rule; `problems` says why, for educators."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def unpublish_problems(question_ids: Iterable[int]) -> list[str]:
    """Why these questions cannot go back to draft: published containers hold them."""
    ids = list(question_ids)
    problems = []
    for name, lookup in _CONTAINERS:
        for titles in lookup(ids).values():
            problems += [
                f'It is in the published {name} "{title}": unpublish the {name} or remove the '
                "question from it first."
                for title in titles
            ]
    return problems


def draft_question_problems(owner: str, questions: Iterable[Question]) -> list[str]:
    """Why a container cannot be published holding these questions (`owner`: "quiz", "case")."""
    drafts = [q.title for q in questions if q.status != Status.PUBLISHED]
    if not drafts:
        return []
    titles = ", ".join(f'"{title}"' for title in drafts)
    return [f"A published {owner} cannot contain draft questions: publish or remove {titles}."]


def question_publication_problems(question: Question) -> list[str]:
    """Why a saved question cannot be published (its content and its explanation and sources)."""
    content = content_of(question)
    return content_problems(content) + publication_problems(content)


def audit(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    version_before: int | None = None,
    version_after: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Record who did `action` to `obj`; call inside the transaction of the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        version_before=version_before,
        version_after=version_after,
        detail=detail,
    )


def audit_versions(
    *,
    actor: User | None,
    action: str,
    versions: Iterable[tuple[Question, int | None, int | None]],
    **detail: Any,
) -> None:
    """One audit row per (question, version before, version after) whose version changed, in
    one insert: the bulk paths (module loads, imports) audit as the admin does."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if actor is not None and actor.pk else None,
                action=action,
                object_type=Question._meta.label_lower,
                object_id=str(question.pk),
                object_repr=str(question)[:200],
                version_before=before,
                version_after=after,
                detail=detail,
            )
            for question, before, after in versions
            if before != after
        ]
    )


def _number(version: QuestionVersion | None) -> int | None:
    return version.number if version is not None else None


@dataclass(frozen=True)
class SavedQuestion:
    """A saved edit: the version it made (None while the content cannot be graded), and why a
    minor edit was saved as a major one (what it changed in the key)."""

    version: QuestionVersion | None
    key_changes: list[str]


@transaction.atomic
def save_question(
    *,
    question: Question,
    actor: User | None,
    edit_kind: str = EditKind.MINOR,
    previous_status: str | None = None,
) -> SavedQuestion:
    """Record an edited question (fields and parts already saved): check its status change,
    freeze its content as a version, and audit the edit and any (un)publication.

    Raises PublishRefused (and the transaction writes nothing) when the question is published
    but cannot be, or goes back to draft while a published container holds it.
    """
    question = questions_with_parts().select_related("current_version").get(pk=question.pk)
    before = _number(question.current_version)
    if question.status == Status.PUBLISHED:
        problems = question_publication_problems(question)
        if problems:
            raise PublishRefused(problems)
    elif previous_status == Status.PUBLISHED:
        problems = unpublish_problems([question.pk])
        if problems:
            raise PublishRefused(problems)
    content = content_of(question)
    if content_problems(content):
        return SavedQuestion(version=None, key_changes=[])
    current = question.current_version
    changes = (
        key_changes(QuestionContent.from_dict(current.content), content)
        if current is not None and edit_kind == EditKind.MINOR
        else []
    )
    version = record_versions(questions=[question], edit_kind=edit_kind, user=actor)[0]
    after = _number(version)
    new_version = after != before
    if previous_status is None:
        audit(actor=actor, action="create", obj=question, version_after=after)
    elif new_version:
        audit(
            actor=actor,
            action=f"edit_{version.edit_kind}",
            obj=question,
            version_before=before,
            version_after=after,
            **({"key_changes": changes} if changes else {}),
        )
    if previous_status is not None and previous_status != question.status:
        action = "publish" if question.status == Status.PUBLISHED else "unpublish"
        audit(actor=actor, action=action, obj=question, version_after=after)
    forced = changes if new_version and version.edit_kind == EditKind.MAJOR else []
    return SavedQuestion(version=version, key_changes=forced)


@transaction.atomic
def refresh_figure_questions(*, figure: Figure, actor: User | None) -> list[tuple[Question, str]]:
    """After a figure's regions are edited (corners, descriptions): record each hotspot question
    on it again, as `save_question` does (a minor edit, made major when the key moved), so
    learners see the new descriptions. A published question the edit leaves unpublishable keeps
    its previous version; returns those, each with the first reason."""
    kept = []
    for question in figure.hotspot_questions.all():
        try:
            save_question(question=question, actor=actor, previous_status=question.status)
        except PublishRefused as refused:
            kept.append((question, refused.problems[0]))
    return kept


@transaction.atomic
def publish_question(*, question: Question, actor: User | None) -> Question:
    """Publish a draft question; PublishRefused says what is missing."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == Status.PUBLISHED:
        return question
    problems = question_publication_problems(questions_with_parts().get(pk=question.pk))
    if problems:
        raise PublishRefused(problems)
    question.status = Status.PUBLISHED
    question.save(update_fields=["status", "updated_at"])
    [version] = record_versions(questions=[question], user=actor)
    audit(actor=actor, action="publish", obj=question, version_after=version.number)
    return question


@dataclass
class BulkPublication:
    """What publishing several questions did: the keys published, and why each other was not."""

    published: list[str]
    refused: dict[str, list[str]]


@transaction.atomic
def publish_questions(*, questions: Iterable[Question], actor: User | None) -> BulkPublication:
    """Publish every question that can be published; list, per question, why the rest cannot.

    Each question is published in its own savepoint, so one that is refused leaves the others
    (and their audit rows) in place. Questions already published count as published.
    """
    report = BulkPublication(published=[], refused={})
    for question in sorted(questions, key=lambda q: q.title):
        try:
            with transaction.atomic():
                publish_question(question=question, actor=actor)
        except PublishRefused as refused:
            report.refused[question.key] = refused.problems
        else:
            report.published.append(question.key)
    return report


@transaction.atomic
def unpublish_question(*, question: Question, actor: User | None) -> Question:
    """Send a question back to draft; PublishRefused names the published containers holding it."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == Status.DRAFT:
        return question
    problems = unpublish_problems([question.pk])
    if problems:
        raise PublishRefused(problems)
    question.status = Status.DRAFT
    question.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action="unpublish", obj=question)
    return question


# With shuffling off this many single-best-answer questions keyed at one position would teach
# the position, not the medicine.
SAME_KEY_POSITION_LIMIT = 3


def key_position_problems(questions: Iterable[Question]) -> list[str]:
    """Why options shown in the author's order would give keys away: every single-best-answer
    question keyed at the same position, or a ranked differential listed in its key's order.
    Only asked of quizzes that do not shuffle options (learners see the author's order)."""
    contents = [
        (question, content_of(question))
        for question in questions
        if question.type in {"single", "ranking"}
    ]
    problems = []
    positions = [
        next(i for i, c in enumerate(content.choices) if c.correct)
        for _, content in contents
        if content.type == "single" and any(c.correct for c in content.choices)
    ]
    if len(positions) >= SAME_KEY_POSITION_LIMIT and len(set(positions)) == 1:
        problems.append(
            f"With options shown in your order, the correct option is always option "
            f"{positions[0] + 1}: learners would learn the position. Vary the key's position "
            "or shuffle the options."
        )
    for question, content in contents:
        ranks = [c.rank for c in content.choices]
        if content.type == "ranking" and content.rank_count >= 2:
            leading = ranks[: content.rank_count]
            if leading == list(range(1, content.rank_count + 1)):
                problems.append(
                    f'"{question.title}" lists its diagnoses in the key\'s order: reorder them '
                    "or shuffle the options."
                )
    return problems


def quiz_publication_problems(quiz: Quiz, questions: Iterable[Question] | None = None) -> list[str]:
    """Why a quiz cannot be published: draft questions, an exam without a time limit, or keys
    its learners could read from the options' order."""
    if questions is None:
        questions = [qq.question for qq in quiz.quiz_questions.select_related("question")]
    questions = list(questions)
    problems = draft_question_problems("quiz", questions)
    if quiz.mode == "exam" and not quiz.time_limit_minutes:
        problems.append("An exam needs a time limit.")
    if not quiz.shuffle_options:
        with_parts = questions_with_parts().filter(pk__in=[q.pk for q in questions])
        problems += key_position_problems(with_parts)
    return problems


@transaction.atomic
def set_quiz_published(
    *, quiz: Quiz, published: bool, actor: User | None, was_published: bool
) -> Quiz:
    """Record a quiz's publication state (already saved with its questions): check it, audit it.
    Raises PublishRefused when a published quiz would hold a draft question."""
    if published:
        problems = quiz_publication_problems(quiz)
        if problems:
            raise PublishRefused(problems)
    if published != was_published:
        audit(actor=actor, action="publish" if published else "unpublish", obj=quiz)
    return quiz
