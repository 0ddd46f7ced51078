"""Importing GIFT and Moodle XML: what is created, mapped, skipped, and never duplicated."""

from __future__ import annotations

from pathlib import Path

import pytest

from interop.importer import (
    DRAFT_NOTE,
    ImportRefused,
    import_questions,
    preview_import,
    read_questions,
)
from quizzes.content import QuestionContent
from quizzes.grading import grade, validate_answer
from quizzes.models import Figure, Question, QuestionVersion, Status, Topic
from quizzes.validation import content_problems
from tests.factories import make_question
from tests.quizzes.helpers import key_payload

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def preview_of(name: str, **options):
    path = FILES / name
    return preview_import(read_questions(path.read_bytes(), path.name), source_name=name, **options)


def import_file(name: str, **options):
    preview = preview_of(name, publish=options.pop("publish", False))
    return preview, import_questions(preview, **options)


def question(title: str) -> Question:
    return Question.objects.get(title=title)


def test_gift_file_creates_a_question_for_every_supported_item():
    _, report = import_file("constructs.gift")
    assert report.created == 15
    assert report.skipped == 2
    assert Question.objects.count() == 15


def test_gift_unsupported_items_are_reported_by_line_and_skipped():
    preview = preview_of("constructs.gift")
    skipped = {item.where: item.problems for item in preview.skipped}
    assert set(skipped) == {
        'Line 80 ("Essay")',
        'Line 82 ("Description")',
    }
    assert skipped['Line 80 ("Essay")'][0].startswith("Essay questions are not supported")


def test_one_fully_correct_answer_makes_a_single_best_answer_question():
    import_file("constructs.gift")
    parent = question("Parent nerve")
    assert parent.type == "single"
    assert [(o.text, o.is_correct) for o in parent.options.all()] == [
        ("Tibial nerve", True),
        ("Sural nerve", False),
        ("Saphenous nerve", False),
    ]
    assert parent.options.all()[0].feedback == "Right: it branches from the tibial nerve."
    assert parent.explanation == "Usually the tibial nerve, near the tarsal tunnel."


def test_moodle_weights_become_the_scoring_rule_of_a_multiple_response():
    import_file("constructs.gift")
    risk = question("Risk factors")
    assert (risk.type, risk.scoring) == ("multiple", "weighted")
    assert list(risk.options.values_list("text", "is_correct", "weight")) == [
        ("Excessive pronation", True, 50.0),
        ("Running", True, 50.0),
        ("Vitamin C", False, -100.0),
    ]
    assert [o.is_correct for o in risk.options.all()] == [True, True, False]


def test_full_weights_make_an_all_or_nothing_multiple_response():
    import_file("constructs.gift")
    branches = question("Tibial branches")
    assert (branches.type, branches.scoring) == ("multiple", "all_or_nothing")


def test_true_false_has_true_and_false_choices_with_moodles_feedback():
    import_file("constructs.gift")
    tf = question("False with feedback")
    assert tf.type == "true_false"
    assert [(o.text, o.is_correct, o.feedback) for o in tf.options.all()] == [
        ("True", False, "No: it is sensory."),
        ("False", True, "Right: it carries sensation only."),
    ]


def test_short_answer_keeps_full_and_partial_credit_answers():
    import_file("constructs.gift")
    short = question("Short answer")
    full, partial = short.accepted_answers.all()
    assert (full.text, full.synonym_list, full.credit) == (
        "tibial nerve",
        ["posterior tibial nerve"],
        100,
    )
    assert (partial.text, partial.synonym_list, partial.credit, partial.feedback) == (
        "nerve",
        [],
        50,
        "Be more specific.",
    )


def test_matching_keeps_the_distractor_as_a_pair_without_prompt():
    import_file("constructs.gift")
    pairs = list(question("Matching").match_pairs.values_list("prompt", "match"))
    assert len(pairs) == 4
    assert pairs[-1] == ("", "Numbness of the little toe")


def test_categories_become_topics():
    import_file("constructs.gift")
    assert set(Topic.objects.values_list("slug", "name")) == {
        ("anatomy", "Anatomy"),
        ("differential-diagnosis", "Differential diagnosis"),
    }
    assert list(question("Matching").topics.values_list("slug", flat=True)) == [
        "differential-diagnosis"
    ]


def test_a_category_matches_an_existing_topic_by_name():
    Topic.objects.create(slug="anat", name="Anatomy")
    import_file("constructs.gift")
    assert list(question("Parent nerve").topics.values_list("slug", flat=True)) == ["anat"]
    assert not Topic.objects.filter(slug="anatomy").exists()


def test_imported_questions_are_drafts_and_the_preview_says_why():
    preview, _ = import_file("constructs.gift")
    assert DRAFT_NOTE in preview.notes
    assert set(Question.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_publishing_refuses_items_without_explanation_and_reference():
    preview = preview_of("constructs.gift", publish=True)
    parent = next(i for i in preview.items if i.title == "Parent nerve")
    assert parent.problems == ["A published question needs at least one reference."]
    assert preview.notes == []


def test_every_imported_question_is_gradable_and_grades_its_key_as_one():
    import_file("constructs.gift")
    import_file("constructs.xml")
    for version in QuestionVersion.objects.select_related("question"):
        content = QuestionContent.from_dict(version.content)
        assert content_problems(content) == [], version.question.title
        result = grade(content, validate_answer(content, key_payload(content)))
        assert result.score == 1.0, version.question.title


def test_every_imported_question_has_its_first_version():
    import_file("constructs.gift")
    assert QuestionVersion.objects.count() == Question.objects.count()
    assert not Question.objects.filter(current_version=None).exists()


def test_reimporting_the_same_file_creates_no_duplicates():
    import_file("constructs.gift")
    keys = set(Question.objects.values_list("key", flat=True))
    preview, report = import_file("constructs.gift")
    assert (report.created, report.updated) == (0, 15)
    assert {item.action for item in preview.importable} == {"update"}
    assert set(Question.objects.values_list("key", flat=True)) == keys
    assert QuestionVersion.objects.count() == 15


def test_reimporting_keeps_what_educators_added_and_the_status():
    import_file("constructs.gift")
    parent = question("Parent nerve")
    parent.references = "- A textbook."
    parent.status = Status.PUBLISHED
    parent.save()
    import_file("constructs.gift")
    parent.refresh_from_db()
    assert (parent.references, parent.status) == ("- A textbook.", Status.PUBLISHED)


def test_keys_derive_from_category_and_name():
    first = {i.title: i.key for i in preview_of("constructs.gift").importable}
    second = {i.title: i.key for i in preview_of("constructs.gift").importable}
    assert first == second
    assert first["Parent nerve"].startswith("parent-nerve-")


def test_an_item_that_fails_to_parse_creates_nothing_and_the_rest_imports():
    preview, report = import_file("malformed-brace.gift")
    assert (report.created, report.skipped) == (2, 1)
    assert not Question.objects.filter(title="Unclosed").exists()
    assert preview.problem_lines() == [
        'Line 4 ("Unclosed"): The answer block opened with "{" is not closed with "}" before '
        "the blank line."
    ]


def test_strict_mode_imports_nothing_when_an_item_fails():
    preview = preview_of("malformed-brace.gift")
    with pytest.raises(ImportRefused) as error:
        import_questions(preview, strict=True)
    assert error.value.problems[0].startswith('Line 4 ("Unclosed")')
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "name", ["malformed-match.gift", "malformed-weight.gift", "malformed-stray.gift"]
)
def test_a_file_whose_only_question_is_malformed_imports_nothing(name):
    preview, report = import_file(name)
    assert report.created == 0
    assert len(preview.problem_lines()) == 1
    assert not Question.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    result = read_questions("::A::Tinel {T}\n\n::B::caf\xe9 {T}".encode("latin-1"), "bank.gift")
    assert result.errors == ["Line 3: the file is not UTF-8 text (save it as UTF-8)."]


def test_a_key_already_used_by_an_authored_question_is_updated_not_duplicated():
    make_question(key="mcn-parent", title="Authored")
    preview = preview_of("constructs.xml")
    parent = next(i for i in preview.items if i.key == "mcn-parent")
    assert parent.action == "update"


def test_the_progress_callback_is_called_once_per_question():
    calls: list[str] = []
    import_file("constructs.gift", progress=calls.append)
    assert len(calls) == 15


def test_a_failure_midway_rolls_back_everything():
    def fail_on_tenth(key: str, calls=[]) -> None:  # noqa: B006 - a counter for this test
        calls.append(key)
        if len(calls) == 10:
            raise RuntimeError("stop")

    preview = preview_of("constructs.gift")
    with pytest.raises(RuntimeError):
        import_questions(preview, progress=fail_on_tenth)
    assert not Question.objects.exists()
    assert not Topic.objects.exists()


def test_ddmarker_figures_are_created_once_per_file():
    import_file("constructs.xml")
    assert Figure.objects.count() == 1
