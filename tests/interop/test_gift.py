"""The GIFT parser reads every construct of Moodle's GIFT format and points at broken lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from interop.gift import parse_gift

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def items():
    result = parse_gift((FILES / "constructs.gift").read_text(encoding="utf-8"))
    assert result.errors == []
    return {item.name or item.stem: item for item in result.items}


def test_every_question_is_read_with_the_line_it_starts_on(items):
    lines = {name: item.line for name, item in items.items()}
    assert lines["Parent nerve"] == 8
    assert lines["Multiline"] == 36
    assert lines["Description"] == 82


def test_equals_marks_the_right_answer_and_tilde_a_wrong_one(items):
    answers = items["Parent nerve"].answers
    assert [(a.text, a.fraction) for a in answers] == [
        ("Tibial nerve", 100.0),
        ("Sural nerve", 0.0),
        ("Saphenous nerve", 0.0),
    ]


def test_hash_gives_each_answer_its_feedback(items):
    answers = items["Parent nerve"].answers
    assert answers[0].feedback == "Right: it branches from the tibial nerve."
    assert answers[1].feedback == "No: the sural nerve supplies the lateral heel."


def test_four_hashes_give_general_feedback(items):
    assert items["Parent nerve"].general_feedback == (
        "Usually the tibial nerve, near the tarsal tunnel."
    )


def test_percentage_weights_including_negative_ones(items):
    answers = items["Risk factors"].answers
    assert [a.fraction for a in answers] == [50.0, 50.0, -100.0]


def test_escaped_specials_stay_literal_in_title_text_answers_and_feedback(items):
    item = items["Escapes: all six"]
    assert item.stem == "Which characters does GIFT escape with a backslash: ~ = # { } ?"
    assert item.answers[0].text == "All of ~ = # { } :"
    assert item.answers[0].feedback == "Right: all six of them."
    assert item.answers[1].feedback == "No = wrong."


def test_a_multiline_question_keeps_its_line_breaks_and_the_newline_escape(items):
    stem = items["Multiline"].stem
    assert stem.startswith("A 29-year-old runner has burning pain  \non the inside of her heel")
    assert "worse after long runs.  \nShe has no morning stiffness." in stem


def test_comments_are_not_part_of_any_question(items):
    assert not any("//" in item.stem for item in items.values())


def test_categories_apply_to_the_questions_after_them(items):
    assert items["Parent nerve"].category == "$course$/top/Anatomy"
    assert items["Matching"].category == "$course$/top/Differential diagnosis"


@pytest.mark.parametrize(
    ("name", "true_is_correct"),
    [
        ("True short", True),
        ("True long", True),
        ("False short", False),
        ("False with feedback", False),
    ],
)
def test_true_false_in_all_four_spellings(items, name, true_is_correct):
    item = items[name]
    assert item.qtype == "truefalse"
    assert [(a.text, a.fraction > 0) for a in item.answers] == [
        ("True", true_is_correct),
        ("False", not true_is_correct),
    ]


def test_true_false_feedback_goes_wrong_then_right(items):
    true, false = items["False with feedback"].answers
    assert true.feedback == "No: it is sensory."
    assert false.feedback == "Right: it carries sensation only."


def test_short_answer_reads_every_answer_with_its_weight(items):
    item = items["Short answer"]
    assert item.qtype == "shortanswer"
    assert [(a.text, a.fraction) for a in item.answers] == [
        ("tibial nerve", 100.0),
        ("posterior tibial nerve", 100.0),
        ("nerve", 50.0),
    ]


def test_matching_reads_pairs_and_an_empty_item_as_a_distractor(items):
    pairs = items["Matching"].pairs
    assert (pairs[0].prompt, pairs[0].match) == (
        "Plantar fasciitis",
        "Pain with the first steps in the morning",
    )
    assert (pairs[-1].prompt, pairs[-1].match) == ("", "Numbness of the little toe")


def test_missing_word_puts_a_blank_where_the_answers_were(items):
    item = next(i for i in items.values() if not i.name)
    assert item.stem == "The medial calcaneal nerve is a \\_\\_\\_\\_\\_ nerve."


def test_html_format_becomes_markdown(items):
    assert items["Html format"].stem == "Which test is **most** useful for *nerve* irritation?"


def test_markdown_format_is_kept(items):
    assert items["Markdown format"].stem == "Which sign is **positive** in nerve entrapment?"


@pytest.mark.parametrize(
    ("name", "qtype"),
    [("Numerical", "numerical"), ("Essay", "essay"), ("Description", "description")],
)
def test_unsupported_types_are_recognised(items, name, qtype):
    assert items[name].qtype == qtype


def test_an_unclosed_answer_block_names_its_line_and_spares_the_others():
    result = parse_gift((FILES / "malformed-brace.gift").read_text())
    broken = [item for item in result.items if item.errors]
    assert [(item.where, item.errors) for item in broken] == [
        (
            'Line 4 ("Unclosed")',
            ['The answer block opened with "{" is not closed with "}" before the blank line.'],
        )
    ]
    assert len(result.items) == 3


def test_a_matching_answer_without_an_arrow_names_its_own_line():
    (item,) = parse_gift((FILES / "malformed-match.gift").read_text()).items
    assert item.errors == ['line 4: A matching answer needs "->" between the item and its match.']


def test_a_weight_beyond_100_percent_names_its_line():
    (item,) = parse_gift((FILES / "malformed-weight.gift").read_text()).items
    assert item.errors == ["line 3: The weight 150% is outside -100% to 100%."]


def test_a_closing_brace_without_an_opening_one_is_refused():
    (item,) = parse_gift((FILES / "malformed-stray.gift").read_text()).items
    assert item.errors[0].startswith('A "}" closes an answer block that was never opened')


def test_an_unclosed_title_is_refused():
    (item,) = parse_gift("::Title without end Which nerve? {=Tibial ~Sural}").items
    assert item.errors == ["The title opened with :: is not closed with ::."]


def test_a_second_answer_block_is_refused_with_its_line():
    (item,) = parse_gift("::Two::Which nerve? {=Tibial ~Sural}\nand {=a ~b}").items
    assert item.errors == [
        'line 2: A second "{" after the answer block: a question has one answer block (write \\{ for a brace).'
    ]


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    result = parse_gift("\ufeff::A::Tinel's sign taps a nerve. {T}\r\n\r\n::B::Sensory? {TRUE}\r\n")
    assert [(item.name, item.line, item.qtype) for item in result.items] == [
        ("A", 1, "truefalse"),
        ("B", 3, "truefalse"),
    ]
