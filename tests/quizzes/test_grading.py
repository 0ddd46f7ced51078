"""Answer validation and grading of every question type: pure functions, no database."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from quizzes.grading import (
    Answer,
    AnswerError,
    GradeResult,
    PartFeedback,
    PartKind,
    grade,
    validate_answer,
)
from quizzes.qtypes.base import MAX_TEXT_LENGTH
from quizzes.qtypes.hotspot import point_in_polygon
from quizzes.qtypes.short_answer import normalise_text, typo_allowance

# --- Builders -------------------------------------------------------------------------------------


def single_question() -> QuestionContent:
    return QuestionContent(
        type="single",
        stem="The medial calcaneal nerve is usually a branch of which nerve?",
        choices=(
            Choice(id=11, text="Tibial nerve", correct=True, feedback="Yes, most often."),
            Choice(
                id=12, text="Sural nerve", feedback="The sural nerve supplies the lateral heel."
            ),
            Choice(id=13, text="Saphenous nerve"),
        ),
    )


def true_false_question() -> QuestionContent:
    return QuestionContent(
        type="true_false",
        stem="The MCN is purely motor.",
        choices=(Choice(id=21, text="True"), Choice(id=22, text="False", correct=True)),
    )


def multiple_question(scoring: Scoring = Scoring.ALL_OR_NOTHING) -> QuestionContent:
    return QuestionContent(
        type="multiple",
        stem="Which structures run through the tarsal tunnel?",
        scoring=scoring,
        choices=(
            Choice(id=31, text="Tibialis posterior tendon", correct=True),
            Choice(id=32, text="Tibial nerve", correct=True),
            Choice(id=33, text="Flexor hallucis longus tendon", correct=True),
            Choice(id=34, text="Sural nerve"),
            Choice(id=35, text="Peroneus longus tendon"),
        ),
    )


def short_answer_question(*answers: AcceptedAnswer) -> QuestionContent:
    return QuestionContent(
        type="short_answer",
        stem="Name the nerve.",
        accepted_answers=answers
        or (
            AcceptedAnswer(
                text="tibial nerve",
                synonyms=("posterior tibial nerve",),
                feedback="The MCN usually branches from it.",
            ),
        ),
    )


def one_answer(text: str, *synonyms: str) -> QuestionContent:
    return short_answer_question(AcceptedAnswer(text=text, synonyms=synonyms))


def ordering_question(scoring: Scoring = Scoring.PARTIAL, size: int = 3) -> QuestionContent:
    return QuestionContent(
        type="ordering",
        stem="Order the tarsal tunnel contents from anterior to posterior.",
        scoring=scoring,
        order_items=tuple(
            OrderItem(id=41 + i, text=f"Item {i + 1}", feedback=f"Place {i + 1}")
            for i in range(size)
        ),
    )


def matching_question() -> QuestionContent:
    return QuestionContent(
        type="matching",
        stem="Match each muscle to its nerve.",
        pairs=(
            MatchPair(id=51, prompt="Abductor hallucis", match="Medial plantar nerve"),
            MatchPair(id=52, prompt="Abductor digiti minimi", match="Inferior calcaneal nerve"),
            MatchPair(id=53, prompt="Flexor digitorum brevis", match="medial plantar nerve "),
            MatchPair(id=54, prompt="", match="Sural nerve"),
        ),
    )


def ranking_question(*, must_not_miss: tuple[int, ...] = (63,)) -> QuestionContent:
    ranks = {61: 1, 62: 2, 63: 3}
    return QuestionContent(
        type="ranking",
        stem="Rank the three most likely diagnoses.",
        rank_count=3,
        choices=tuple(
            Choice(
                id=choice_id,
                text=f"Diagnosis {choice_id}",
                rank=ranks.get(choice_id),
                must_not_miss=choice_id in must_not_miss,
            )
            for choice_id in (61, 62, 63, 64, 65)
        ),
    )


SQUARE = ((10.0, 10.0), (30.0, 10.0), (30.0, 30.0), (10.0, 30.0))
# A "U": two arms joined at the bottom, with a notch between them (x 20..40, y 0..40).
U_SHAPE: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (20.0, 0.0),
    (20.0, 40.0),
    (40.0, 40.0),
    (40.0, 0.0),
    (60.0, 0.0),
)
U_SHAPE = (*U_SHAPE, (60.0, 60.0), (0.0, 60.0))


def hotspot_question(*regions: Region) -> QuestionContent:
    return QuestionContent(
        type="hotspot",
        stem="Click the flexor retinaculum.",
        figure=FigureRef(
            id=7,
            width=100.0,
            height=80.0,
            regions=regions
            or (
                Region(id=71, label="Retinaculum", points=SQUARE, correct=True, feedback="Yes."),
                Region(id=72, label="Heel", points=((50, 50), (90, 50), (90, 70), (50, 70))),
            ),
        ),
    )


def graded(content: QuestionContent, raw: object) -> GradeResult:
    return grade(content, validate_answer(content, raw))


def refusal(content: QuestionContent, raw: object) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        validate_answer(content, raw)
    return caught.value


# --- Validation: every type -----------------------------------------------------------------------


def test_answer_that_is_not_an_object_is_refused() -> None:
    error = refusal(single_question(), [11])
    assert error.field == "answer"


def test_unknown_key_is_refused_naming_it() -> None:
    error = refusal(single_question(), {"choice": 11, "confidence": 3})
    assert error.field == "confidence"


def test_single_answer_is_accepted() -> None:
    answer = validate_answer(single_question(), {"choice": 12})
    assert answer == Answer(type="single", choice=12)


def test_single_without_choice_asks_for_one() -> None:
    error = refusal(single_question(), {})
    assert (error.field, error.message) == ("choice", "Choose an option.")


def test_true_false_without_choice_asks_for_true_or_false() -> None:
    assert refusal(true_false_question(), {}).message == "Choose true or false."


def test_single_refuses_an_option_of_another_question() -> None:
    error = refusal(single_question(), {"choice": 99})
    assert (error.field, error.message) == ("choice", "That option is not part of this question.")


def test_single_refuses_bool_even_where_an_id_is_one() -> None:
    content = QuestionContent(
        type="single", stem="?", choices=(Choice(id=1, text="A", correct=True),)
    )
    assert refusal(content, {"choice": True}).field == "choice"


@pytest.mark.parametrize("value", ["11", 11.0, None, [11]])
def test_single_refuses_a_choice_that_is_not_an_integer(value: object) -> None:
    assert refusal(single_question(), {"choice": value}).field == "choice"


def test_multiple_refuses_an_empty_list() -> None:
    error = refusal(multiple_question(), {"choices": []})
    assert (error.field, error.message) == ("choices", "Choose at least one option.")


def test_multiple_refuses_a_string_where_a_list_is_expected() -> None:
    assert refusal(multiple_question(), {"choices": "31,32"}).field == "choices"


def test_multiple_refuses_a_bool_in_the_list() -> None:
    assert refusal(multiple_question(), {"choices": [31, True]}).field == "choices"


def test_multiple_refuses_duplicate_ids() -> None:
    error = refusal(multiple_question(), {"choices": [31, 31]})
    assert error.message == "Each option can be chosen only once."


def test_multiple_refuses_an_option_of_another_question() -> None:
    assert refusal(multiple_question(), {"choices": [31, 11]}).field == "choices"


def test_multiple_answer_keeps_choices_sorted() -> None:
    answer = validate_answer(multiple_question(), {"choices": [33, 31]})
    assert answer.choices == (31, 33)


def test_short_answer_is_trimmed() -> None:
    answer = validate_answer(short_answer_question(), {"text": "  tibial nerve \n"})
    assert answer.text == "tibial nerve"


def test_short_answer_refuses_blank_text() -> None:
    error = refusal(short_answer_question(), {"text": "   \t "})
    assert (error.field, error.message) == ("text", "Type an answer.")


def test_short_answer_refuses_ten_thousand_characters() -> None:
    error = refusal(short_answer_question(), {"text": "a" * 10_000})
    assert error.field == "text"
    assert str(MAX_TEXT_LENGTH) in error.message


def test_short_answer_accepts_exactly_the_maximum_length() -> None:
    answer = validate_answer(short_answer_question(), {"text": "a" * MAX_TEXT_LENGTH})
    assert len(answer.text) == MAX_TEXT_LENGTH


@pytest.mark.parametrize("value", [42, ["tibial"], None])
def test_short_answer_refuses_text_that_is_not_a_string(value: object) -> None:
    assert refusal(short_answer_question(), {"text": value}).field == "text"


@pytest.mark.parametrize("text", ["tibial\x00nerve", "tibial \ud800nerve"])
def test_short_answer_refuses_characters_that_cannot_be_stored(text: str) -> None:
    assert refusal(short_answer_question(), {"text": text}).field == "text"


def test_ordering_refuses_a_missing_item() -> None:
    error = refusal(ordering_question(), {"order": [41, 42]})
    assert (error.field, error.message) == ("order", "Place every item in the order.")


def test_ordering_refuses_a_repeated_item() -> None:
    assert refusal(ordering_question(), {"order": [41, 42, 42]}).field == "order"


def test_ordering_refuses_an_extra_item() -> None:
    assert refusal(ordering_question(), {"order": [41, 42, 43, 44]}).field == "order"


def test_ordering_refuses_a_string_where_a_list_is_expected() -> None:
    assert refusal(ordering_question(), {"order": "41,42,43"}).field == "order"


def test_matching_accepts_string_and_integer_prompt_ids() -> None:
    answer = validate_answer(matching_question(), {"matches": {"51": 51, 52: 52, "53": 51}})
    assert answer.matches == ((51, 51), (52, 52), (53, 51))


def test_matching_accepts_a_distractor_as_a_match() -> None:
    answer = validate_answer(matching_question(), {"matches": {"51": 54, "52": 52, "53": 53}})
    assert answer.matches[0] == (51, 54)


def test_matching_refuses_a_distractor_as_a_prompt() -> None:
    error = refusal(matching_question(), {"matches": {"51": 51, "52": 52, "53": 53, "54": 54}})
    assert error.message == "One of the prompts is not part of this question."


def test_matching_refuses_a_missing_prompt() -> None:
    error = refusal(matching_question(), {"matches": {"51": 51, "52": 52}})
    assert (error.field, error.message) == ("matches", "Choose a match for every prompt.")


def test_matching_refuses_the_same_prompt_twice() -> None:
    raw = {"matches": {"51": 51, 51: 53, "52": 52, "53": 53}}
    assert refusal(matching_question(), raw).message == "Each prompt can be matched only once."


def test_matching_refuses_a_match_of_another_question() -> None:
    error = refusal(matching_question(), {"matches": {"51": 99, "52": 52, "53": 53}})
    assert error.message == "One of the chosen matches is not part of this question."


@pytest.mark.parametrize("key", ["fifty-one", " 51", "5.1", True])
def test_matching_refuses_a_prompt_id_that_is_not_a_number(key: object) -> None:
    assert refusal(matching_question(), {"matches": {key: 51}}).field == "matches"


def test_matching_refuses_a_bool_match() -> None:
    assert refusal(matching_question(), {"matches": {"51": True}}).field == "matches"


def test_matching_refuses_a_list_where_an_object_is_expected() -> None:
    assert refusal(matching_question(), {"matches": [[51, 51]]}).field == "matches"


@pytest.mark.parametrize("ranking", [[61, 62], [61, 62, 63, 64]])
def test_ranking_refuses_the_wrong_number_of_options(ranking: list[int]) -> None:
    error = refusal(ranking_question(), {"ranking": ranking})
    assert (error.field, error.message) == ("ranking", "Choose and rank exactly 3 options.")


def test_ranking_refuses_a_repeated_option() -> None:
    assert refusal(ranking_question(), {"ranking": [61, 61, 62]}).field == "ranking"


def test_ranking_refuses_an_option_of_another_question() -> None:
    assert refusal(ranking_question(), {"ranking": [61, 62, 11]}).field == "ranking"


def test_hotspot_point_is_stored_as_floats() -> None:
    answer = validate_answer(hotspot_question(), {"x": 20, "y": 15.5})
    assert (answer.x, answer.y, answer.region) == (20.0, 15.5, None)


@pytest.mark.parametrize(("x", "y"), [(-0.1, 10), (10, 80.01), (101, 10), (10**400, 10)])
def test_hotspot_refuses_a_point_outside_the_figure(x: float, y: float) -> None:
    assert refusal(hotspot_question(), {"x": x, "y": y}).message == (
        "That point is outside the figure."
    )


def test_hotspot_accepts_a_point_on_the_figure_border() -> None:
    answer = validate_answer(hotspot_question(), {"x": 100, "y": 0})
    assert (answer.x, answer.y) == (100.0, 0.0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_hotspot_refuses_a_non_finite_coordinate(value: float) -> None:
    assert refusal(hotspot_question(), {"x": value, "y": 10}).field == "x"


@pytest.mark.parametrize("value", [True, "12", None])
def test_hotspot_refuses_a_coordinate_that_is_not_a_number(value: object) -> None:
    assert refusal(hotspot_question(), {"x": 10, "y": value}).field == "y"


def test_hotspot_refuses_a_point_without_y() -> None:
    assert refusal(hotspot_question(), {"x": 10}).field == "y"


def test_hotspot_refuses_an_empty_answer() -> None:
    assert refusal(hotspot_question(), {}).field == "x"


def test_hotspot_refuses_both_a_point_and_a_region() -> None:
    assert refusal(hotspot_question(), {"x": 10, "y": 10, "region": 71}).field == "region"


def test_hotspot_refuses_a_region_of_another_figure() -> None:
    assert refusal(hotspot_question(), {"region": 99}).field == "region"


def test_hotspot_without_a_figure_is_an_authoring_error() -> None:
    content = QuestionContent(type="hotspot", stem="?")
    with pytest.raises(ValueError, match="no figure"):
        validate_answer(content, {"region": 1})


# --- Storage --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "raw"),
    [
        (single_question(), {"choice": 11}),
        (true_false_question(), {"choice": 22}),
        (multiple_question(), {"choices": [32, 31]}),
        (short_answer_question(), {"text": "Tibial nérve"}),
        (ordering_question(), {"order": [43, 41, 42]}),
        (matching_question(), {"matches": {"51": 53, "52": 54, "53": 51}}),
        (ranking_question(), {"ranking": [63, 61, 65]}),
        (hotspot_question(), {"x": 12.5, "y": 70}),
        (hotspot_question(), {"region": 72}),
    ],
)
def test_answer_round_trips_through_json(content: QuestionContent, raw: dict[str, object]) -> None:
    answer = validate_answer(content, raw)
    stored = json.loads(json.dumps(answer.to_dict()))
    assert Answer.from_dict(stored) == answer
    assert validate_answer(content, answer.payload()) == answer


def test_grade_result_round_trips_through_json() -> None:
    result = graded(short_answer_question(), {"text": "tibail nerve"})
    assert GradeResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_grade_result_refuses_a_correct_flag_that_contradicts_the_score() -> None:
    with pytest.raises(ValueError, match="correct"):
        GradeResult(score=0.5, correct=True)


def test_grade_result_refuses_a_score_above_one() -> None:
    with pytest.raises(ValueError, match="outside"):
        GradeResult(score=1.5, correct=False)


# --- Grading: refusing what does not fit ----------------------------------------------------------


def test_grade_refuses_an_answer_to_another_type() -> None:
    answer = validate_answer(single_question(), {"choice": 11})
    with pytest.raises(ValueError, match="cannot be graded"):
        grade(multiple_question(), answer)


def test_grade_refuses_an_answer_naming_another_questions_option() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        grade(single_question(), Answer(type="single", choice=99))


def test_grade_refuses_an_answer_that_was_not_normalised() -> None:
    answer = Answer(type="multiple", choices=(32, 31))
    with pytest.raises(ValueError, match="not normalised"):
        grade(multiple_question(), answer)


def test_grade_refuses_an_answer_of_another_question_type() -> None:
    answer = Answer(type="true_false", choice=11)
    with pytest.raises(ValueError, match="cannot be graded against"):
        grade(single_question(), answer)


# --- Single best answer and true/false ------------------------------------------------------------


def test_single_correct_choice_scores_one() -> None:
    result = grade(single_question(), validate_answer(single_question(), {"choice": 11}))
    assert (result.score, result.correct) == (1.0, True)


def test_single_wrong_choice_scores_zero_and_flags_the_missed_answer() -> None:
    result = graded(single_question(), {"choice": 12})
    assert (result.score, result.correct) == (0.0, False)
    by_id = {p.id: p for p in result.parts}
    assert not by_id[12].correct
    assert by_id[12].selected
    assert by_id[12].feedback == "The sural nerve supplies the lateral heel."
    assert not by_id[11].correct
    assert by_id[11].expected == "Correct option"
    assert by_id[13].correct


def test_true_false_scores_one_for_the_true_statement() -> None:
    assert graded(true_false_question(), {"choice": 22}).score == 1.0


def test_true_false_scores_zero_for_the_false_statement() -> None:
    assert graded(true_false_question(), {"choice": 21}).score == 0.0


# --- Multiple response ----------------------------------------------------------------------------


def test_all_or_nothing_scores_one_for_the_exact_set() -> None:
    answer = validate_answer(multiple_question(), {"choices": [33, 31, 32]})
    assert grade(multiple_question(), answer).score == 1.0


def test_all_or_nothing_scores_zero_for_a_subset() -> None:
    assert graded(multiple_question(), {"choices": [31, 32]}).score == 0.0


def test_all_or_nothing_scores_zero_with_an_extra_wrong_pick() -> None:
    assert graded(multiple_question(), {"choices": [31, 32, 33, 34]}).score == 0.0


def test_partial_gives_credit_for_each_right_pick() -> None:
    result = graded(multiple_question(Scoring.PARTIAL), {"choices": [31, 32]})
    assert result.score == 0.6667
    assert not result.correct


def test_partial_takes_a_wrong_pick_off_a_right_one() -> None:
    result = graded(multiple_question(Scoring.PARTIAL), {"choices": [31, 32, 34]})
    assert result.score == 0.3333


def test_partial_never_goes_below_zero() -> None:
    assert graded(multiple_question(Scoring.PARTIAL), {"choices": [34, 35]}).score == 0.0


def test_partial_gives_little_for_ticking_every_option() -> None:
    result = graded(multiple_question(Scoring.PARTIAL), {"choices": [31, 32, 33, 34, 35]})
    assert result.score == 0.3333


def test_multiple_parts_mark_a_wrong_pick_and_a_missed_option() -> None:
    result = graded(multiple_question(Scoring.PARTIAL), {"choices": [31, 34]})
    wrong = {p.id for p in result.parts if not p.correct}
    assert wrong == {32, 33, 34}


# --- Short answer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authored", "typed"),
    [
        ("paraesthesia", "paresthesia"),
        ("paresthesia", "Paraesthesia"),
        ("oedema", "edema"),
        ("anaemia", "anemia"),
        ("haemorrhage", "hemorrhage"),
        ("oesophagus", "esophagus"),
        ("orthopaedic surgery", "orthopedic surgery"),
        ("ischaemia", "ischemia"),
        ("foetal", "fetal"),
        ("tumour", "tumor"),
        ("anaesthetic", "anesthetic"),
        ("dyspnoea", "dyspnea"),
        ("immobilise", "immobilize"),
        ("fibre", "fiber"),
    ],
)
def test_british_and_american_spellings_match(authored: str, typed: str) -> None:
    result = graded(one_answer(authored), {"text": typed})
    assert result.correct
    assert result.notes == ()


@pytest.mark.parametrize("word", ["toe", "shoe", "does", "coexist", "vertebrae", "excise", "four"])
def test_spelling_folding_leaves_ordinary_words_alone(word: str) -> None:
    assert normalise_text(word) == word


def test_diacritics_are_ignored() -> None:
    assert graded(one_answer("Ménière disease"), {"text": "Meniere disease"}).correct


def test_case_whitespace_and_punctuation_are_ignored() -> None:
    result = graded(short_answer_question(), {"text": "  TIBIAL,   nerve! "})
    assert result.correct
    assert result.notes == ()


def test_possessive_is_optional() -> None:
    assert graded(one_answer("Tinel's sign"), {"text": "tinel sign"}).correct


def test_curly_apostrophe_counts_as_an_apostrophe() -> None:
    assert graded(one_answer("Tinel sign"), {"text": "Tinel\u2019s sign"}).correct


def test_hyphen_and_space_and_no_space_are_the_same() -> None:
    content = one_answer("postoperative neuroma")
    assert graded(content, {"text": "post-operative neuroma"}).correct


def test_leading_the_is_ignored() -> None:
    assert graded(short_answer_question(), {"text": "The tibial nerve"}).correct


def test_synonym_is_accepted_with_the_answers_feedback() -> None:
    result = graded(short_answer_question(), {"text": "Posterior tibial nerve"})
    assert result.correct
    assert result.parts == (
        PartFeedback(
            kind=PartKind.ANSWER,
            id=0,
            correct=True,
            selected=True,
            feedback="The MCN usually branches from it.",
            expected="tibial nerve",
        ),
    )


def test_second_accepted_answer_is_identified() -> None:
    content = short_answer_question(
        AcceptedAnswer(text="flexor retinaculum"), AcceptedAnswer(text="laciniate ligament")
    )
    result = graded(content, {"text": "laciniate ligament"})
    assert result.parts[0].id == 1


def test_tibail_is_accepted_with_a_note() -> None:
    content = short_answer_question()
    result = grade(content, validate_answer(content, {"text": "tibail nerve"}))
    assert result.correct
    assert result.notes == (
        'Accepted with a spelling slip: you wrote "tibail", the term is "tibial".',
    )


def test_tibial_typo_never_matches_fibular() -> None:
    assert not graded(short_answer_question(), {"text": "fibular nerve"}).correct


def test_palmar_is_refused_for_plantar() -> None:
    assert not graded(one_answer("medial plantar nerve"), {"text": "medial palmar nerve"}).correct


def test_median_is_refused_for_medial_with_a_note() -> None:
    result = graded(one_answer("medial plantar nerve"), {"text": "median plantar nerve"})
    assert not result.correct
    assert result.notes == (
        'Not accepted as a spelling slip: "median" is a different term from "medial".',
    )


def test_media_is_refused_for_medial() -> None:
    assert not graded(
        one_answer("medial calcaneal nerve"), {"text": "media calcaneal nerve"}
    ).correct


def test_abductor_is_refused_for_adductor() -> None:
    assert not graded(one_answer("adductor hallucis"), {"text": "abductor hallucis"}).correct


def test_hypotension_is_refused_for_hypertension() -> None:
    assert not graded(one_answer("hypertension"), {"text": "hypotension"}).correct


def test_calcaneus_is_not_accepted_for_calcaneal() -> None:
    result = graded(one_answer("medial calcaneal nerve"), {"text": "medial calcaneus nerve"})
    assert not result.correct


def test_slip_as_close_to_another_term_is_refused() -> None:
    result = graded(one_answer("medial plantar nerve"), {"text": "mediam plantar nerve"})
    assert not result.correct
    assert result.notes == (
        'Not accepted as a spelling slip: "mediam" could also be a slip for "median".',
    )


def test_five_letter_typo_is_refused() -> None:
    assert not graded(one_answer("ulnar nerve"), {"text": "ulanr nerve"}).correct


def test_two_slips_in_an_eight_letter_word_are_refused() -> None:
    assert not graded(one_answer("ligament"), {"text": "lgamnet"}).correct


def test_two_slips_in_a_nine_letter_word_are_accepted() -> None:
    assert graded(one_answer("saphenous nerve"), {"text": "sapheenus nerve"}).correct


def test_slips_in_two_words_are_both_noted() -> None:
    result = graded(one_answer("medial calcaneal nerve"), {"text": "medail calcanael nerve"})
    assert result.correct
    assert len(result.notes) == 2


def test_plural_is_accepted_with_a_note() -> None:
    result = graded(one_answer("medial calcaneal nerve"), {"text": "medial calcaneal nerves"})
    assert result.correct
    assert result.notes == (
        'Accepted "nerves" for "nerve": a final "s" does not change the answer.',
    )


def test_a_different_number_of_words_is_refused() -> None:
    assert not graded(short_answer_question(), {"text": "tibial"}).correct


def test_wrong_answer_names_the_expected_answer() -> None:
    result = graded(short_answer_question(), {"text": "sural nerve"})
    assert result.score == 0.0
    assert result.parts[0].expected == "tibial nerve"
    assert not result.parts[0].selected


@pytest.mark.parametrize(
    ("word", "allowance"),
    [("ulnar", 0), ("tibial", 1), ("plantar", 1), ("calcanea", 1), ("calcaneal", 2), ("l5s1ab", 0)],
)
def test_typo_allowance_grows_with_word_length(word: str, allowance: int) -> None:
    assert typo_allowance(word) == allowance


# --- Ordering -------------------------------------------------------------------------------------


def test_key_order_scores_one() -> None:
    assert graded(ordering_question(), {"order": [41, 42, 43]}).score == 1.0


def test_partial_ordering_costs_one_pair_per_swap_of_neighbours() -> None:
    assert graded(ordering_question(), {"order": [42, 41, 43]}).score == 0.6667


def test_partial_ordering_scores_zero_for_the_reverse_order() -> None:
    assert graded(ordering_question(size=5), {"order": [45, 44, 43, 42, 41]}).score == 0.0


def test_all_or_nothing_ordering_scores_zero_for_one_swap() -> None:
    content = ordering_question(Scoring.ALL_OR_NOTHING)
    assert graded(content, {"order": [41, 43, 42]}).score == 0.0


def test_single_item_ordering_scores_one() -> None:
    assert graded(ordering_question(size=1), {"order": [41]}).score == 1.0


def test_ordering_parts_mark_items_out_of_place() -> None:
    result = grade(
        ordering_question(), validate_answer(ordering_question(), {"order": [42, 41, 43]})
    )
    assert [(p.id, p.correct, p.expected) for p in result.parts] == [
        (41, False, "Position 1 of 3"),
        (42, False, "Position 2 of 3"),
        (43, True, "Position 3 of 3"),
    ]


# --- Matching -------------------------------------------------------------------------------------


def test_all_prompts_matched_scores_one() -> None:
    result = grade(
        matching_question(),
        validate_answer(matching_question(), {"matches": {"51": 51, "52": 52, "53": 53}}),
    )
    assert result.score == 1.0


def test_prompts_sharing_a_match_text_accept_either_pair() -> None:
    result = graded(matching_question(), {"matches": {"51": 53, "52": 52, "53": 51}})
    assert result.score == 1.0


def test_matching_scores_the_fraction_of_prompts_right() -> None:
    result = graded(matching_question(), {"matches": {"51": 52, "52": 52, "53": 53}})
    assert result.score == 0.6667
    assert [p.correct for p in result.parts] == [False, True, True]
    assert result.parts[0].expected == "Medial plantar nerve"


def test_choosing_a_distractor_is_wrong() -> None:
    result = graded(matching_question(), {"matches": {"51": 54, "52": 54, "53": 54}})
    assert result.score == 0.0


# --- Ranked differential --------------------------------------------------------------------------


def test_the_leading_diagnosis_first_and_the_whole_key_chosen_scores_one() -> None:
    assert graded(ranking_question(), {"ranking": [61, 62, 63]}).score == 1.0


def test_the_order_after_the_leading_diagnosis_is_not_scored() -> None:
    assert graded(ranking_question(), {"ranking": [61, 63, 62]}).score == 1.0


def test_a_wrong_diagnosis_displacing_one_of_the_key_is_only_partly_correct() -> None:
    # The leading diagnosis first, the must-not-miss one in, the key's second left out for a
    # wrong one: 0.5 * 1 + 0.3 * 2/3 + 0.2 * 1.
    result = graded(ranking_question(), {"ranking": [61, 63, 64]})
    assert (result.score, result.correct) == (0.9, False)


def test_leading_chosen_but_not_first_scores_half_its_weight() -> None:
    assert graded(ranking_question(), {"ranking": [63, 61, 62]}).score == 0.75


def test_leading_absent_keeps_the_set_and_must_not_miss_weights() -> None:
    assert graded(ranking_question(), {"ranking": [63, 62, 64]}).score == 0.4


def test_missing_a_must_not_miss_diagnosis_caps_the_score_below_the_pass_mark() -> None:
    result = graded(ranking_question(), {"ranking": [61, 62, 64]})
    assert (result.score, result.correct) == (0.5, False)


def test_without_must_not_miss_the_leading_diagnosis_and_the_set_decide() -> None:
    content = ranking_question(must_not_miss=())
    assert graded(content, {"ranking": [61, 64, 65]}).score == 0.8


def test_ranking_parts_describe_the_key() -> None:
    result = grade(
        ranking_question(), validate_answer(ranking_question(), {"ranking": [62, 61, 65]})
    )
    by_id = {p.id: p for p in result.parts}
    assert by_id[61].expected == "Rank 1 (leading diagnosis)"
    assert not by_id[61].correct
    assert by_id[63].expected == "Rank 3, must not miss"
    assert not by_id[63].correct
    assert by_id[65].expected == "Not in the top 3"
    assert not by_id[65].correct
    assert by_id[64].correct


# --- Hotspot --------------------------------------------------------------------------------------


def test_click_inside_the_correct_region_scores_one() -> None:
    result = grade(hotspot_question(), validate_answer(hotspot_question(), {"x": 20, "y": 20}))
    assert result.score == 1.0
    assert [p.id for p in result.parts if p.selected] == [71]


def test_click_outside_every_region_scores_zero() -> None:
    assert graded(hotspot_question(), {"x": 5, "y": 5}).score == 0.0


def test_click_in_a_wrong_region_scores_zero() -> None:
    result = graded(hotspot_question(), {"x": 60, "y": 60})
    assert result.score == 0.0
    assert [p.id for p in result.parts if not p.correct] == [71, 72]


@pytest.mark.parametrize(("x", "y"), [(20, 10), (30, 25), (10.0, 17.5)])
def test_click_on_an_edge_counts_as_inside(x: float, y: float) -> None:
    assert graded(hotspot_question(), {"x": x, "y": y}).correct


@pytest.mark.parametrize(("x", "y"), [(10, 10), (30, 30), (10, 30)])
def test_click_on_a_vertex_counts_as_inside(x: float, y: float) -> None:
    assert graded(hotspot_question(), {"x": x, "y": y}).correct


def test_click_on_a_slanted_edge_counts_as_inside() -> None:
    triangle = Region(id=73, label="T", points=((0, 0), (30, 70), (60, 0)), correct=True)
    assert graded(hotspot_question(triangle), {"x": 0.3, "y": 0.7}).correct


def test_click_in_the_notch_of_a_concave_region_is_outside() -> None:
    u_region = Region(id=74, label="U", points=U_SHAPE, correct=True)
    assert not graded(hotspot_question(u_region), {"x": 30, "y": 20}).correct


def test_click_in_the_arm_of_a_concave_region_is_inside() -> None:
    u_region = Region(id=74, label="U", points=U_SHAPE, correct=True)
    assert graded(hotspot_question(u_region), {"x": 50, "y": 20}).correct


def test_click_on_the_inner_corner_of_a_concave_region_is_inside() -> None:
    u_region = Region(id=74, label="U", points=U_SHAPE, correct=True)
    assert graded(hotspot_question(u_region), {"x": 40, "y": 40}).correct


# Teeth rising to (20, 40) and (40, 40): a horizontal ray at y = 40 grazes both tips.
SAW = ((10.0, 0.0), (20.0, 40.0), (30.0, 0.0), (40.0, 40.0), (50.0, 0.0), (50.0, 80.0))


@pytest.mark.parametrize(("x", "y", "inside"), [(5, 40, False), (45, 40, True), (35, 40, True)])
def test_a_ray_grazing_a_vertex_is_counted_once(x: float, y: float, inside: bool) -> None:
    assert point_in_polygon(x, y, SAW) is inside


def test_click_in_overlapping_correct_and_wrong_regions_is_correct() -> None:
    correct = Region(id=75, label="A", points=SQUARE, correct=True)
    wrong = Region(id=76, label="B", points=((0, 0), (25, 0), (25, 25), (0, 25)))
    assert graded(hotspot_question(correct, wrong), {"x": 20, "y": 20}).correct


def test_keyboard_choice_of_the_correct_region_scores_one() -> None:
    assert graded(hotspot_question(), {"region": 71}).score == 1.0


def test_keyboard_choice_of_a_wrong_region_scores_zero() -> None:
    assert graded(hotspot_question(), {"region": 72}).score == 0.0


# --- Properties -----------------------------------------------------------------------------------

FAST = settings(max_examples=60, deadline=None)

MATCH_TEXTS = ["Tibial nerve", "tibial nerve ", "Sural nerve", "Saphenous nerve", "Medial plantar"]
PHRASES = [
    "tibial nerve",
    "medial calcaneal nerve",
    "flexor retinaculum",
    "paraesthesia",
    "abductor hallucis",
    "plantar fasciitis",
    "Baxter's neuropathy",
]


def unique_ids(size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True)


@st.composite
def choice_contents(draw: st.DrawFn, kind: str) -> QuestionContent:
    size = 2 if kind == "true_false" else draw(st.integers(2, 6))
    ids = draw(unique_ids(size))
    if kind == "multiple":
        correct = set(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
    else:
        correct = {draw(st.sampled_from(ids))}
    scoring = draw(st.sampled_from(Scoring))
    weights: dict[int, float | None] = dict.fromkeys(ids)
    if scoring == Scoring.WEIGHTED and kind != "true_false":
        # Valid Moodle weights: the correct options share 100%, wrong ones weigh 0 or less.
        shares = draw(st.lists(st.integers(1, 100), min_size=len(correct), max_size=len(correct)))
        right = sorted(correct)
        for index, choice_id in enumerate(right):
            weights[choice_id] = (
                100.0 - sum(weights[i] or 0 for i in right[:-1])
                if index == len(right) - 1
                else 100.0 * shares[index] / sum(shares) // 1
            )
        for choice_id in set(ids) - correct:
            weights[choice_id] = float(draw(st.integers(-100, 99 if kind == "single" else 0)))
    return QuestionContent(
        type=kind,
        stem="?",
        scoring=scoring,
        choices=tuple(
            Choice(id=i, text=f"Option {i}", correct=i in correct, weight=weights[i]) for i in ids
        ),
    )


@st.composite
def short_answer_contents(draw: st.DrawFn) -> QuestionContent:
    texts = draw(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3, unique=True))
    return QuestionContent(
        type="short_answer",
        stem="?",
        accepted_answers=(AcceptedAnswer(text=texts[0], synonyms=tuple(texts[1:])),),
    )


@st.composite
def ordering_contents(draw: st.DrawFn) -> QuestionContent:
    ids = draw(unique_ids(draw(st.integers(1, 7))))
    return QuestionContent(
        type="ordering",
        stem="?",
        scoring=draw(st.sampled_from(Scoring)),
        order_items=tuple(OrderItem(id=i, text=f"Step {i}") for i in ids),
    )


@st.composite
def matching_contents(draw: st.DrawFn) -> QuestionContent:
    prompts = draw(st.integers(1, 5))
    distractors = draw(st.integers(0, 3))
    ids = draw(unique_ids(prompts + distractors))
    pairs = tuple(
        MatchPair(
            id=pair_id,
            prompt=f"Prompt {pair_id}" if index < prompts else "",
            match=draw(st.sampled_from(MATCH_TEXTS)),
        )
        for index, pair_id in enumerate(ids)
    )
    return QuestionContent(type="matching", stem="?", pairs=pairs)


@st.composite
def ranking_contents(draw: st.DrawFn) -> QuestionContent:
    ids = draw(unique_ids(draw(st.integers(2, 7))))
    count = draw(st.integers(1, len(ids)))
    key = ids[:count]
    must_not_miss = set(draw(st.lists(st.sampled_from(key), unique=True)))
    return QuestionContent(
        type="ranking",
        stem="?",
        rank_count=count,
        choices=tuple(
            Choice(
                id=i,
                text=f"Diagnosis {i}",
                rank=key.index(i) + 1 if i in key else None,
                must_not_miss=i in must_not_miss,
            )
            for i in draw(st.permutations(ids))
        ),
    )


@st.composite
def hotspot_contents(draw: st.DrawFn) -> QuestionContent:
    width = draw(st.floats(10, 1000))
    height = draw(st.floats(10, 1000))
    point = st.tuples(st.floats(0, width), st.floats(0, height))
    ids = draw(unique_ids(draw(st.integers(1, 4))))
    correct = draw(st.sampled_from(ids))
    regions = tuple(
        Region(
            id=i,
            label=f"Region {i}",
            points=tuple(draw(st.lists(point, min_size=3, max_size=6))),
            correct=i == correct,
        )
        for i in ids
    )
    return QuestionContent(
        type="hotspot",
        stem="?",
        figure=FigureRef(id=1, width=width, height=height, regions=regions),
    )


def contents() -> st.SearchStrategy[QuestionContent]:
    return st.one_of(
        choice_contents("single"),
        choice_contents("true_false"),
        choice_contents("multiple"),
        short_answer_contents(),
        ordering_contents(),
        matching_contents(),
        ranking_contents(),
        hotspot_contents(),
    )


@st.composite
def key_answers(draw: st.DrawFn, content: QuestionContent) -> dict[str, object]:
    """Raw answers that follow the key exactly."""
    match content.type:
        case "single" | "true_false":
            return {"choice": next(c.id for c in content.choices if c.correct)}
        case "multiple":
            key = [c.id for c in content.choices if c.correct]
            return {"choices": draw(st.permutations(key))}
        case "short_answer":
            accepted = content.accepted_answers[0]
            return {"text": draw(st.sampled_from((accepted.text, *accepted.synonyms)))}
        case "ordering":
            return {"order": [i.id for i in content.order_items]}
        case "matching":
            return {"matches": {str(p.id): p.id for p in content.pairs if p.prompt}}
        case "ranking":
            ranked = sorted((c for c in content.choices if c.rank), key=lambda c: c.rank or 0)
            return {"ranking": [c.id for c in ranked]}
        case "hotspot":
            assert content.figure is not None
            target = next(r for r in content.figure.regions if r.correct)
            if draw(st.booleans()):
                return {"region": target.id}
            x, y = draw(st.sampled_from(target.points))
            return {"x": x, "y": y}
    raise AssertionError(content.type)


@st.composite
def any_answers(draw: st.DrawFn, content: QuestionContent) -> dict[str, object]:
    """Any raw answer validate_answer accepts for `content`."""
    choice_ids = [c.id for c in content.choices]
    match content.type:
        case "single" | "true_false":
            return {"choice": draw(st.sampled_from(choice_ids))}
        case "multiple":
            return {"choices": draw(st.lists(st.sampled_from(choice_ids), min_size=1, unique=True))}
        case "short_answer":
            words = st.sampled_from([*PHRASES, "tibail nerve", "median", "nerves", "é", "-"])
            return {"text": " ".join(draw(st.lists(words, min_size=1, max_size=3)))}
        case "ordering":
            return {"order": draw(st.permutations([i.id for i in content.order_items]))}
        case "matching":
            pair_ids = [p.id for p in content.pairs]
            prompts = [p.id for p in content.pairs if p.prompt]
            return {"matches": {str(p): draw(st.sampled_from(pair_ids)) for p in prompts}}
        case "ranking":
            return {"ranking": draw(st.permutations(choice_ids))[: content.rank_count]}
        case "hotspot":
            assert content.figure is not None
            if draw(st.booleans()):
                return {"region": draw(st.sampled_from([r.id for r in content.figure.regions]))}
            return {
                "x": draw(st.floats(0, content.figure.width)),
                "y": draw(st.floats(0, content.figure.height)),
            }
    raise AssertionError(content.type)


@FAST
@given(data=st.data(), content=contents())
def test_score_is_always_between_zero_and_one(
    data: st.DataObject, content: QuestionContent
) -> None:
    result = graded(content, data.draw(any_answers(content)))
    assert 0.0 <= result.score <= 1.0
    assert result.correct == (result.score == 1.0)
    assert round(result.score, 4) == result.score


@FAST
@given(data=st.data(), content=contents())
def test_the_key_scores_exactly_one(data: st.DataObject, content: QuestionContent) -> None:
    result = graded(content, data.draw(key_answers(content)))
    assert (result.score, result.correct) == (1.0, True)


@FAST
@given(data=st.data(), content=contents())
def test_stored_answers_and_results_survive_json(
    data: st.DataObject, content: QuestionContent
) -> None:
    answer = validate_answer(content, data.draw(any_answers(content)))
    assert Answer.from_dict(json.loads(json.dumps(answer.to_dict()))) == answer
    assert validate_answer(content, answer.payload()) == answer
    result = grade(content, answer)
    assert GradeResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


@FAST
@given(data=st.data(), content=choice_contents("multiple"))
def test_tick_order_never_changes_a_multiple_response_score(
    data: st.DataObject, content: QuestionContent
) -> None:
    ids = [c.id for c in content.choices]
    picked = data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    shuffled = data.draw(st.permutations(picked))
    assert graded(content, {"choices": picked}) == graded(content, {"choices": shuffled})


@FAST
@given(data=st.data(), content=ordering_contents())
def test_only_the_key_ordering_scores_one_under_all_or_nothing(
    data: st.DataObject, content: QuestionContent
) -> None:
    strict = QuestionContent(
        type=content.type,
        stem=content.stem,
        scoring=Scoring.ALL_OR_NOTHING,
        order_items=content.order_items,
    )
    key = [i.id for i in strict.order_items]
    order = data.draw(st.permutations(key))
    assert graded(strict, {"order": order}).correct == (order == key)


@FAST
@given(data=st.data(), content=ranking_contents())
def test_ranking_scores_one_only_with_the_leading_first_and_the_whole_key_chosen(
    data: st.DataObject, content: QuestionContent
) -> None:
    ranking = data.draw(st.permutations([c.id for c in content.choices]))[: content.rank_count]
    leading = next(c.id for c in content.choices if c.rank == 1)
    key = {c.id for c in content.choices if c.rank is not None}
    expected = ranking[0] == leading and key <= set(ranking)
    assert graded(content, {"ranking": ranking}).correct == expected


@FAST
@given(data=st.data(), content=ranking_contents())
def test_a_missed_must_not_miss_diagnosis_always_scores_below_the_pass_mark(
    data: st.DataObject, content: QuestionContent
) -> None:
    ranking = data.draw(st.permutations([c.id for c in content.choices]))[: content.rank_count]
    must_not_miss = {c.id for c in content.choices if c.must_not_miss}
    if not must_not_miss <= set(ranking):
        assert graded(content, {"ranking": ranking}).score <= 0.5


@pytest.mark.parametrize("typed", ["Tinnel's sign", "Tinnels sign", "Tinnel sign", "tinnel’s sign"])
def test_a_slip_in_a_short_eponym_inside_a_longer_answer_is_judged_the_same_way(typed) -> None:
    for accepted in ("Tinel's sign", "Tinels sign", "Tinel sign"):
        result = graded(one_answer(accepted), {"text": typed})
        assert result.correct, (typed, accepted)
        assert any("spelling slip" in note for note in result.notes)


@pytest.mark.parametrize("typed", ["Tinel's sign", "Tinels sign", "tinel sign", "TINEL'S SIGN"])
def test_possessives_of_an_eponym_read_as_the_name(typed) -> None:
    result = graded(one_answer("Tinel's sign"), {"text": typed})
    assert (result.correct, result.notes) == (True, ())


def test_an_eponym_alone_keeps_the_short_word_rule() -> None:
    assert not graded(one_answer("Tinel"), {"text": "Tinnel"}).correct


def test_a_short_word_that_is_not_an_eponym_stays_exact_inside_a_phrase() -> None:
    assert not graded(one_answer("ulnar nerve"), {"text": "lunar nerve"}).correct


def test_one_slip_per_short_eponym_and_no_more() -> None:
    assert not graded(one_answer("Baxter's nerve"), {"text": "Bxtre's nerve"}).correct
