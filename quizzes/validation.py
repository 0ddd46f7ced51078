"""Can this question be graded, and published? Pure checks on a question's content, worded for
educators. The admin, the module loader, the importer and publishing all ask here; each type's
own rules live in its module (`QuestionKind.problems`)."""

from __future__ import annotations

from quizzes.content import QuestionContent, Scoring
from quizzes.qtypes import REGISTRY, kind_of

# Content parts and how an educator calls them.
PART_NAMES = {
    "choices": "options",
    "accepted_answers": "accepted answers",
    "order_items": "ordering items",
    "pairs": "matching pairs",
}


def content_problems(content: QuestionContent) -> list[str]:
    """Every reason this content cannot be shown and graded; empty when it can.

    Only the parts the question's type uses are checked; `parts_problems` reports parts
    that a type does not use.
    """
    if content.type not in REGISTRY.names():
        return [f'"{content.type}" is not a question type here.']
    problems = [] if content.stem.strip() else ["The question needs a stem."]
    if content.scoring == Scoring.WEIGHTED and not kind_of(content.type).offers_weighted_scoring:
        problems.append(
            "Weighted options are for single-best-answer and multiple-response questions only."
        )
    return problems + type_problems(content)


def type_problems(content: QuestionContent) -> list[str]:
    """The problems of the parts the question's type uses (options, answers, items, ...)."""
    return kind_of(content.type).problems(content)


def publication_problems(content: QuestionContent) -> list[str]:
    """What stops a gradable question from being published: learners need the why and a source."""
    problems = []
    if not content.explanation.strip():
        problems.append("A published question needs an explanation.")
    if not content.references.strip():
        problems.append("A published question needs at least one reference.")
    if content.type in REGISTRY.names():
        problems += kind_of(content.type).publication_problems(content)
    return problems


def parts_problems(content: QuestionContent) -> list[str]:
    """Parts filled in that the question's type does not use (they would be ignored)."""
    kind = kind_of(content.type)
    present = {
        "choices": content.choices,
        "accepted_answers": content.accepted_answers,
        "order_items": content.order_items,
        "pairs": content.pairs,
    }
    return [
        f"A {kind.label.lower()} question does not use {PART_NAMES[part]}; delete them."
        for part, rows in present.items()
        if rows and part not in kind.parts
    ]
