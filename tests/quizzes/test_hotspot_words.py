"""What a hotspot question says in words: region letters with answer-neutral descriptions for
learners who cannot see the figure, an optional text alternative, never the educators' labels.
Pure: no database."""

from __future__ import annotations

import random
from typing import Any

from quizzes.content import FigureRef, QuestionContent, Region
from quizzes.presentation import correct_answer_lines, question_view
from quizzes.qtypes import kind_of
from quizzes.qtypes.hotspot import letter_point, point_in_polygon
from quizzes.validation import publication_problems

SQUARE_LEFT = ((0.0, 0.0), (50.0, 0.0), (50.0, 100.0), (0.0, 100.0))
SQUARE_RIGHT = ((50.0, 0.0), (100.0, 0.0), (100.0, 100.0), (50.0, 100.0))


def question(
    *, alternatives: tuple[str, str] = ("", ""), described: bool = True
) -> QuestionContent:
    return QuestionContent(
        type="hotspot",
        stem="Click the left half.",
        explanation="Because.",
        references="- A source.",
        figure=FigureRef(
            id=1,
            width=100,
            height=100,
            alt_text="A square.",
            regions=(
                Region(
                    id=1,
                    label="Secret label L",
                    points=SQUARE_LEFT,
                    correct=True,
                    description="the left half" if described else "",
                    alternative=alternatives[0],
                ),
                Region(
                    id=2,
                    label="Secret label R",
                    points=SQUARE_RIGHT,
                    description="the right half" if described else "",
                    alternative=alternatives[1],
                ),
            ),
        ),
    )


def presentation(content: QuestionContent) -> dict[str, list[list[Any]]]:
    groups = kind_of("hotspot").groups(content, shuffle=True, rng=random.Random(1))  # noqa: S311 (a fixed shuffle)
    return {group: [[f"t{i}", i] for i in ids] for group, ids in groups.items()}


def test_learner_view_gives_letters_and_descriptions_never_labels() -> None:
    content = question()
    view = question_view(content, presentation(content))
    assert [r["label"] for r in view["regions"]] == ["Region A", "Region B"]
    assert [r["letter"] for r in view["regions"]] == ["A", "B"]
    assert {r["description"] for r in view["regions"]} == {"the left half", "the right half"}
    assert "Secret label" not in repr(view)
    assert view["text_alternative"] is False


def test_feedback_words_never_carry_the_educators_labels() -> None:
    content = question()
    texts = kind_of("hotspot").part_texts(content, presentation(content))
    assert sorted(texts.values()) == ["Region A: the right half", "Region B: the left half"] or (
        sorted(texts.values()) == ["Region A: the left half", "Region B: the right half"]
    )
    assert correct_answer_lines(content) == ["the left half"]


def test_a_text_alternative_replaces_the_descriptions_when_every_region_has_one() -> None:
    content = question(alternatives=("nearer the midline", "further out"))
    view = question_view(content, presentation(content))
    assert view["text_alternative"] is True
    assert {r["alternative"] for r in view["regions"]} == {"nearer the midline", "further out"}
    assert {r["description"] for r in view["regions"]} == {""}
    assert correct_answer_lines(content) == ["nearer the midline"]


def test_a_partial_text_alternative_is_not_offered() -> None:
    content = question(alternatives=("nearer the midline", ""))
    view = question_view(content, presentation(content))
    assert view["text_alternative"] is False
    assert {r["alternative"] for r in view["regions"]} == {""}


def test_publication_needs_every_region_described_or_a_text_alternative() -> None:
    assert any(
        "Describe every region" in p for p in publication_problems(question(described=False))
    )
    assert publication_problems(question()) == []
    alternative = question(described=False, alternatives=("nearer the midline", "further out"))
    assert publication_problems(alternative) == []


def test_a_letter_is_drawn_inside_its_region_even_when_the_region_is_concave() -> None:
    # An L shape whose centroid falls outside it.
    l_shape = ((0.0, 0.0), (10.0, 0.0), (10.0, 90.0), (90.0, 90.0), (90.0, 100.0), (0.0, 100.0))
    x, y = letter_point(l_shape, 100, 100)
    assert point_in_polygon(x, y, l_shape) or (x, y) == (3.3, 3.3)
    assert letter_point(SQUARE_LEFT, 100, 100) == (25.0, 50.0)
