"""Can this question be graded? Pure checks on a question's content, worded for educators.

The admin, the module loader and publishing all call `content_problems`; the admin builds the
content from the forms being saved, the others from the saved rows (quizzes.versioning).
"""

from __future__ import annotations

from collections import Counter

from quizzes.content import CHOICE_TYPES, QuestionContent, QuestionType


def content_problems(content: QuestionContent) -> list[str]:
    """Every reason this content cannot be shown and graded; empty when it can.

    Only the parts the question's type uses are checked; `parts_problems` reports parts
    that a type does not use.
    """
    problems = [] if content.stem.strip() else ["The question needs a stem."]
    return problems + type_problems(content)


def type_problems(content: QuestionContent) -> list[str]:
    """The problems of the parts the question's type uses (options, answers, items, ...)."""
    checks = {
        QuestionType.SINGLE: _single_problems,
        QuestionType.TRUE_FALSE: _true_false_problems,
        QuestionType.MULTIPLE: _multiple_problems,
        QuestionType.SHORT_ANSWER: _short_answer_problems,
        QuestionType.ORDERING: _ordering_problems,
        QuestionType.MATCHING: _matching_problems,
        QuestionType.RANKING: _ranking_problems,
        QuestionType.HOTSPOT: _hotspot_problems,
    }
    return checks[content.type](content)


def publication_problems(content: QuestionContent) -> list[str]:
    """What stops a gradable question from being published: learners need the why and a source."""
    problems = []
    if not content.explanation.strip():
        problems.append("A published question needs an explanation.")
    if not content.references.strip():
        problems.append("A published question needs at least one reference.")
    return problems


def _correct_count(content: QuestionContent) -> int:
    return sum(1 for choice in content.choices if choice.correct)


def _duplicate_texts(texts: list[str]) -> list[str]:
    counts = Counter(text.strip().lower() for text in texts)
    return sorted(text for text, count in counts.items() if count > 1)


def _choice_text_problems(content: QuestionContent) -> list[str]:
    duplicates = _duplicate_texts([choice.text for choice in content.choices])
    return [f'Two options say the same thing: "{text}".' for text in duplicates]


def _single_problems(content: QuestionContent) -> list[str]:
    problems = _choice_text_problems(content)
    if len(content.choices) < 2:
        problems.append("A single-best-answer question needs at least two options.")
    correct = _correct_count(content)
    if correct == 0:
        problems.append("Mark the one correct option: none is marked correct.")
    elif correct > 1:
        problems.append(
            f"A single-best-answer question has exactly one correct option; {correct} are marked "
            "correct. Use a multiple-response question if several are right."
        )
    return problems


def _true_false_problems(content: QuestionContent) -> list[str]:
    texts = sorted(choice.text.strip().lower() for choice in content.choices)
    problems = []
    if texts != ["false", "true"]:
        problems.append('A true/false question has exactly two options, "True" and "False".')
    if _correct_count(content) != 1:
        problems.append('Mark exactly one of "True" and "False" as correct.')
    return problems


def _multiple_problems(content: QuestionContent) -> list[str]:
    problems = _choice_text_problems(content)
    if len(content.choices) < 2:
        problems.append("A multiple-response question needs at least two options.")
    if _correct_count(content) == 0:
        problems.append("Mark at least one option as correct.")
    return problems


def _short_answer_problems(content: QuestionContent) -> list[str]:
    if not any(answer.text.strip() for answer in content.accepted_answers):
        return ["A short-answer question needs at least one accepted answer."]
    return []


def _ordering_problems(content: QuestionContent) -> list[str]:
    problems = []
    if len(content.order_items) < 2:
        problems.append("An ordering question needs at least two items to put in order.")
    duplicates = _duplicate_texts([item.text for item in content.order_items])
    problems += [f'Two items say the same thing: "{text}".' for text in duplicates]
    return problems


def _matching_problems(content: QuestionContent) -> list[str]:
    problems = []
    prompts = [pair for pair in content.pairs if pair.prompt.strip()]
    for pair in content.pairs:
        if pair.prompt.strip() and not pair.match.strip():
            problems.append(f'"{pair.prompt}" has no match: give every item its match.')
        if not pair.prompt.strip() and not pair.match.strip():
            problems.append("A row has neither an item nor a match: fill it in or delete it.")
    if len(prompts) < 2:
        problems.append("A matching question needs at least two items to match.")
    duplicates = _duplicate_texts([pair.prompt for pair in prompts])
    problems += [f'The item "{text}" appears twice.' for text in duplicates]
    return problems


def _ranking_problems(content: QuestionContent) -> list[str]:
    problems = _choice_text_problems(content)
    n = content.rank_count
    if n < 1:
        return [*problems, "Say how many diagnoses the student ranks (the number to rank)."]
    if n >= len(content.choices):
        problems.append(
            f"The student ranks {n} of {len(content.choices)} options: "
            "add more options than the number to rank."
        )
    ranks = sorted(choice.rank for choice in content.choices if choice.rank is not None)
    if ranks != list(range(1, n + 1)):
        problems.append(
            f"Give the key as ranks 1 to {n}, each used once, on the options that belong in the "
            f"top {n} (rank 1 is the leading diagnosis)."
        )
    for choice in content.choices:
        if choice.must_not_miss and choice.rank is None:
            problems.append(
                f'"{choice.text}" is marked must-not-miss but is not in the key: give it a rank.'
            )
    return problems


def _hotspot_problems(content: QuestionContent) -> list[str]:
    figure = content.figure
    if figure is None:
        return ["An image hotspot question needs a figure."]
    problems = []
    for region in figure.regions:
        if len(region.points) < 3:
            problems.append(f'The region "{region.label}" needs at least three corners.')
        outside = [
            (x, y)
            for x, y in region.points
            if not (0 <= x <= figure.width and 0 <= y <= figure.height)
        ]
        if outside:
            problems.append(
                f'The region "{region.label}" has corners outside the figure '
                f"({figure.width:g} × {figure.height:g}): {outside[0][0]:g}, {outside[0][1]:g}."
            )
    if not any(region.correct for region in figure.regions):
        problems.append("Mark at least one region of the figure as correct.")
    return problems


def parts_problems(content: QuestionContent) -> list[str]:
    """Parts filled in that the question's type does not use (they would be ignored)."""
    used = {
        "choices": content.type in CHOICE_TYPES,
        "accepted answers": content.type is QuestionType.SHORT_ANSWER,
        "ordering items": content.type is QuestionType.ORDERING,
        "matching pairs": content.type is QuestionType.MATCHING,
    }
    present = {
        "choices": content.choices,
        "accepted answers": content.accepted_answers,
        "ordering items": content.order_items,
        "matching pairs": content.pairs,
    }
    return [
        f"A {content.type.label.lower()} question does not use {name}; delete them."
        for name, rows in present.items()
        if rows and not used[name]
    ]
