"""Moodle XML: every supported type maps to the platform's; broken files say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from interop.importer import import_questions, preview_import, read_questions, zone_polygon
from interop.moodle_xml import parse_moodle_xml
from quizzes.models import Figure, Question, Topic

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def parsed():
    return parse_moodle_xml((FILES / "constructs.xml").read_bytes())


@pytest.fixture
def imported(db):
    path = FILES / "constructs.xml"
    preview = preview_import(read_questions(path.read_bytes(), path.name))
    import_questions(preview)
    return preview


def by_name(parsed, name):
    return next(item for item in parsed.items if item.name == name)


def test_cdata_html_becomes_markdown(parsed):
    item = by_name(parsed, "Parent nerve")
    assert item.stem == "Which nerve gives rise to the **medial calcaneal** nerve?"
    assert item.answers[0].text == "Tibial nerve"
    assert item.answers[0].feedback == "Right: it branches from the *tibial* nerve."


def test_entities_are_decoded(parsed):
    assert by_name(parsed, "Parent nerve").general_feedback == (
        "Usually the tibial nerve & rarely the lateral plantar nerve."
    )


def test_plain_text_is_escaped_and_markdown_is_kept(parsed):
    assert by_name(parsed, "Tibial branches").stem.endswith("Tick \\*both\\*.")
    assert by_name(parsed, "All or nothing plugin").stem == (
        "Which are **sensory** nerves of the heel?"
    )


def test_moodle_auto_format_keeps_its_line_breaks(parsed):
    assert by_name(parsed, "Tinel").stem == (
        "Tinel's sign is elicited by tapping over a nerve.  \nA tingle in its territory is positive."
    )


def test_an_image_in_question_text_is_dropped_with_a_warning(parsed):
    assert by_name(parsed, "Short answer").warnings == [
        "The image(s) foot.png in the question text were not imported: only drag-marker "
        "backgrounds become figures."
    ]


def test_items_are_numbered_by_their_question_element(parsed):
    assert by_name(parsed, "Parent nerve").where == 'Question 2 ("Parent nerve")'


def test_a_file_that_is_not_well_formed_names_line_and_column():
    result = parse_moodle_xml((FILES / "malformed.xml").read_bytes())
    assert result.errors == [
        "The file is not well-formed XML: mismatched tag at line 11, column 4."
    ]
    assert result.items == []


def test_a_dtd_is_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x "boom">]><quiz>&x;</quiz>'
    assert parse_moodle_xml(data).errors[0].startswith("The file declares a DTD or entities")


def test_another_root_element_is_refused():
    assert parse_moodle_xml(b"<questions/>").errors == [
        "This is not a Moodle XML file: the root is <questions>, not <quiz>."
    ]


@pytest.mark.django_db
def test_broken_questions_are_named_by_number_and_name():
    path = FILES / "bad-questions.xml"
    preview = preview_import(read_questions(path.read_bytes(), path.name))
    assert preview.problem_lines() == [
        'Question 2 ("Bad fraction"): The answer fraction "lots" is not a number.',
        'Question 3 ("Maybe"): A true/false answer must be "true" or "false", not "maybe".',
        'Question 4 ("No text"): It has no <questiontext>.',
        'Question 5 ("No correct answer"): No answer is marked correct: give the correct '
        "answer = (GIFT) or a positive fraction (XML).",
    ]
    assert [item.title for item in preview.importable] == ["Good one"]


@pytest.mark.django_db
def test_a_malformed_file_imports_nothing():
    path = FILES / "malformed.xml"
    preview = preview_import(read_questions(path.read_bytes(), path.name))
    assert preview.items == []
    assert preview.file_errors
    assert not Question.objects.exists()


def test_multichoice_single(imported):
    parent = Question.objects.get(key="mcn-parent")
    assert parent.type == "single"
    assert [o.is_correct for o in parent.options.all()] == [True, False, False]


def test_idnumber_becomes_the_key_and_tags_become_topics(imported):
    parent = Question.objects.get(key="mcn-parent")
    assert set(parent.topics.values_list("name", flat=True)) == {"Anatomy", "Nerves"}


def test_multichoice_multiple_with_fractions_is_partial(imported):
    risk = Question.objects.get(title="Risk factors")
    assert (risk.type, risk.scoring) == ("multiple", "partial")
    assert [o.is_correct for o in risk.options.all()] == [True, True, False]


def test_multichoice_multiple_with_full_fractions_is_all_or_nothing(imported):
    branches = Question.objects.get(title="Tibial branches")
    assert (branches.type, branches.scoring) == ("multiple", "all_or_nothing")


def test_the_all_or_nothing_plugin_type_is_all_or_nothing(imported):
    question = Question.objects.get(title="All or nothing plugin")
    assert (question.type, question.scoring) == ("multiple", "all_or_nothing")


def test_truefalse(imported):
    tinel = Question.objects.get(title="Tinel")
    assert [(o.text, o.is_correct, o.feedback) for o in tinel.options.all()] == [
        ("True", True, "Right."),
        ("False", False, "It is a tapping test."),
    ]


def test_shortanswer_groups_answers_with_the_same_feedback_as_synonyms(imported):
    answer, partial = Question.objects.get(title="Short answer").accepted_answers.all()
    assert (answer.text, answer.synonym_list, answer.feedback, answer.credit) == (
        "tibial nerve",
        ["posterior tibial nerve"],
        "Yes.",
        100,
    )
    assert (partial.text, partial.credit) == ("nerve", 50)


def test_matching_extra_answers_become_distractors(imported):
    pairs = list(Question.objects.get(title="Matching").match_pairs.values_list("prompt", "match"))
    assert pairs[0] == ("Plantar fasciitis", "Pain with the first steps in the morning")
    assert pairs[-1] == ("", "Numbness of the little toe")


def test_ordering_items_follow_the_fraction_order(imported):
    ordering = Question.objects.get(title="Tarsal tunnel order")
    assert list(ordering.order_items.values_list("text", flat=True)) == [
        "Tibialis posterior",
        "Flexor digitorum longus",
        "Posterior tibial artery",
        "Tibial nerve",
    ]
    assert ordering.scoring == "partial"


def test_ordering_all_or_nothing_grading(imported):
    assert Question.objects.get(title="Ordering all or nothing").scoring == "all_or_nothing"


def test_ddmarker_becomes_one_hotspot_question_per_marker_on_one_figure(imported):
    hotspots = Question.objects.filter(type="hotspot").order_by("title")
    assert [q.title for q in hotspots] == ["Heel markers: Fascia", "Heel markers: Nerve"]
    figure = Figure.objects.get()
    assert (figure.width, figure.height) == (200, 100)
    assert {q.figure_id for q in hotspots} == {figure.pk}
    fascia = hotspots[0]
    correct = sorted(t.region.key for t in fascia.targets.all() if t.is_correct)
    assert correct == ["zone-2", "zone-3"]
    assert "Click where **Fascia** belongs." in fascia.stem


def test_the_figure_bytes_are_the_embedded_image(imported):
    figure = Figure.objects.get()
    with figure.image.open("rb") as handle:
        assert handle.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_drop_zone_shapes_become_polygons_in_image_pixels(imported):
    regions = {r.key: r.points for r in Figure.objects.get().regions.all()}
    assert regions["zone-2"] == [[120, 20], [180, 20], [180, 60], [120, 60]]
    assert regions["zone-3"] == [[10, 80], [40, 80], [40, 95], [10, 95]]
    assert len(regions["zone-1"]) == 16
    assert regions["zone-1"][0] == [80, 50]


def test_a_circle_is_a_sixteen_corner_polygon_on_the_circle():
    points = zone_polygon("circle", "100,100;10")
    assert len(points) == 16
    assert all(abs(((x - 100) ** 2 + (y - 100) ** 2) ** 0.5 - 10) < 0.01 for x, y in points)


def test_an_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="not a circle, rectangle or polygon"):
        zone_polygon("star", "1,2;3")


def test_ddmarker_without_an_embedded_image_is_skipped(imported):
    item = next(i for i in imported.items if i.title == "Markers without an image")
    assert item.problems == [
        "The background image is not embedded in the file, so there is no figure to click."
    ]


@pytest.mark.parametrize(
    ("title", "start"),
    [
        ("Essay", "Essay questions are not supported"),
        ("Description", "Descriptions are not questions"),
        ("Cloze", "Embedded-answer (Cloze) questions are not supported"),
    ],
)
def test_unsupported_types_are_reported_by_number(imported, title, start):
    item = next(i for i in imported.items if i.title == title)
    assert item.problems[0].startswith(start)
    assert item.where.startswith("Question ")


def test_categories_become_topics(imported):
    assert {"Anatomy", "Differential diagnosis"} <= set(
        Topic.objects.values_list("name", flat=True)
    )
