"""What cannot be graded is refused, in words an educator understands (pure checks)."""

from dataclasses import replace

import pytest

from quizzes.content import (
    AcceptedAnswer,
    Choice,
    FigureRef,
    MatchPair,
    OrderItem,
    QuestionContent,
    Region,
)
from quizzes.validation import content_problems, parts_problems, publication_problems

SQUARE = ((0.0, 0.0), (50.0, 0.0), (50.0, 50.0), (0.0, 50.0))


def single(*correct_flags: bool) -> QuestionContent:
    return QuestionContent(
        type="single",
        stem="Which nerve?",
        choices=tuple(
            Choice(id=i, text=f"Option {i}", correct=c) for i, c in enumerate(correct_flags)
        ),
    )


def test_single_answer_with_one_correct_option_is_gradable():
    assert content_problems(single(True, False, False)) == []


def test_single_answer_without_a_correct_option_is_refused():
    assert content_problems(single(False, False)) == [
        "Mark the one correct option: none is marked correct."
    ]


def test_single_answer_with_two_correct_options_is_refused():
    (problem,) = content_problems(single(True, True, False))
    assert "exactly one correct option; 2 are marked correct" in problem


def test_single_answer_with_duplicate_options_is_refused():
    content = replace(
        single(True, False), choices=(Choice(1, "Tibial", True), Choice(2, "tibial "))
    )
    assert content_problems(content) == ['Two options say the same thing: "tibial".']


def test_question_without_stem_is_refused():
    assert "The question needs a stem." in content_problems(replace(single(True, False), stem=" "))


def test_true_false_needs_true_and_false_options():
    content = QuestionContent(
        type="true_false",
        stem="The MCN is sensory.",
        choices=(Choice(1, "Yes", True), Choice(2, "No")),
    )
    assert 'exactly two options, "True" and "False"' in content_problems(content)[0]


def test_multiple_response_without_a_correct_option_is_refused():
    content = replace(single(False, False), type="multiple")
    assert content_problems(content) == ["Mark at least one option as correct."]


def test_short_answer_without_accepted_answers_is_refused():
    content = QuestionContent(type="short_answer", stem="Name the nerve.")
    assert content_problems(content) == [
        "A short-answer question needs at least one accepted answer."
    ]


def test_short_answer_with_an_accepted_answer_is_gradable():
    content = QuestionContent(
        type="short_answer",
        stem="Name the nerve.",
        accepted_answers=(AcceptedAnswer("tibial nerve", ("posterior tibial nerve",)),),
    )
    assert content_problems(content) == []


def test_ordering_with_one_item_is_refused():
    content = QuestionContent(
        type="ordering", stem="Order them.", order_items=(OrderItem(1, "Only"),)
    )
    assert content_problems(content) == [
        "An ordering question needs at least two items to put in order."
    ]


def test_matching_with_an_unmatched_item_is_refused():
    content = QuestionContent(
        type="matching",
        stem="Match them.",
        pairs=(
            MatchPair(1, "Plantar fasciitis", "First-step pain"),
            MatchPair(2, "Tarsal tunnel syndrome", ""),
        ),
    )
    assert content_problems(content) == [
        '"Tarsal tunnel syndrome" has no match: give every item its match.'
    ]


def test_matching_distractor_without_prompt_is_allowed():
    content = QuestionContent(
        type="matching",
        stem="Match them.",
        pairs=(
            MatchPair(1, "Plantar fasciitis", "First-step pain"),
            MatchPair(2, "Stress fracture", "Positive squeeze test"),
            MatchPair(3, "", "Night pain in the toes"),
        ),
    )
    assert content_problems(content) == []


def ranking(*choices: Choice, rank_count: int = 2) -> QuestionContent:
    return QuestionContent(
        type="ranking", stem="Rank them.", choices=choices, rank_count=rank_count
    )


def test_ranking_with_a_gap_in_the_key_is_refused():
    content = ranking(Choice(1, "A", rank=1), Choice(2, "B", rank=3), Choice(3, "C"))
    assert "Give the key as ranks 1 to 2" in content_problems(content)[0]


def test_ranking_with_must_not_miss_outside_the_key_is_refused():
    content = ranking(
        Choice(1, "A", rank=1), Choice(2, "B", rank=2), Choice(3, "Fracture", must_not_miss=True)
    )
    assert content_problems(content) == [
        '"Fracture" is marked must-not-miss but is not in the key: give it a rank.'
    ]


def test_ranking_must_rank_fewer_than_all_options():
    content = ranking(Choice(1, "A", rank=1), Choice(2, "B", rank=2))
    assert "add more options than the number to rank" in content_problems(content)[0]


def hotspot(*regions: Region, width: float = 100, height: float = 100) -> QuestionContent:
    return QuestionContent(
        type="hotspot",
        stem="Click the heel.",
        figure=FigureRef(id=1, width=width, height=height, regions=regions),
    )


def test_hotspot_without_a_correct_region_is_refused():
    content = hotspot(Region(1, "Heel", SQUARE, correct=False))
    assert content_problems(content) == ["Mark at least one region of the figure as correct."]


def test_hotspot_with_a_polygon_outside_its_figure_is_refused():
    content = hotspot(Region(1, "Heel", ((0, 0), (150, 0), (150, 50)), correct=True))
    assert content_problems(content) == [
        'The region "Heel" has corners outside the figure (100 × 100): 150, 0.'
    ]


def test_hotspot_without_figure_is_refused():
    content = QuestionContent(type="hotspot", stem="Click.")
    assert content_problems(content) == ["An image hotspot question needs a figure."]


def test_hotspot_with_a_correct_region_inside_the_figure_is_gradable():
    assert content_problems(hotspot(Region(1, "Heel", SQUARE, correct=True))) == []


@pytest.mark.parametrize(("explanation", "references"), [("", "- Gray"), ("Because.", "")])
def test_publication_needs_explanation_and_reference(explanation, references):
    content = replace(single(True, False), explanation=explanation, references=references)
    assert len(publication_problems(content)) == 1


def test_parts_that_the_type_does_not_use_are_reported():
    content = replace(single(True, False), order_items=(OrderItem(1, "x"),))
    assert parts_problems(content) == [
        "A single best answer question does not use ordering items; delete them."
    ]
