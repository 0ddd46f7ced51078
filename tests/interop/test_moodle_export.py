"""A quiz exported to Moodle XML imports back as the same questions."""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml import ElementTree
from django.core.management import call_command

from cases.models import Case
from interop.importer import import_questions, preview_import, read_questions
from interop.moodle_xml import export_moodle_xml, questions_for_export
from quizzes.models import Figure, Question, QuestionVersion, Quiz, Topic
from quizzes.qtypes import REGISTRY
from tests.factories import TopicFactory, make_question, make_quiz

pytestmark = pytest.mark.django_db

EXPORTABLE = [t for t in REGISTRY.names() if t not in ("ranking", "hotspot")]


def snapshot(question: Question) -> dict[str, Any]:
    """Everything a Moodle round trip keeps, by the question's key."""
    return {
        "type": question.type,
        "title": question.title,
        "stem": question.stem,
        "explanation": question.explanation,
        "references": question.references,
        "difficulty": question.difficulty,
        "scoring": question.scoring,
        "topics": sorted(question.topics.values_list("name", flat=True)),
        "choices": list(question.options.values_list("text", "is_correct", "feedback")),
        "answers": [(a.text, a.synonym_list, a.feedback) for a in question.accepted_answers.all()],
        "items": list(question.order_items.values_list("text", "feedback")),
        "pairs": list(question.match_pairs.values_list("prompt", "match", "feedback")),
    }


def quiz_xml(quiz: Quiz) -> bytes:
    by_id = questions_for_export(quizzes=quiz).in_bulk()
    links = quiz.quiz_questions.order_by("position")
    return export_moodle_xml([by_id[link.question_id] for link in links]).xml


def reimport(xml: bytes):
    preview = preview_import(read_questions(xml, "quiz.xml"))
    import_questions(preview)
    return preview


def empty_the_database() -> None:
    Quiz.objects.all().delete()
    Case.objects.all().delete()
    Question.objects.all().delete()
    Figure.objects.all().delete()
    Topic.objects.all().delete()


@pytest.fixture
def quiz():
    questions = [make_question(t, difficulty="hard") for t in EXPORTABLE]
    questions.append(make_question("multiple", scoring="partial", title="Partial"))
    questions.append(make_question("ordering", scoring="partial", title="Ordered"))
    questions[0].topics.add(TopicFactory(slug="anatomy", name="Anatomy"))
    return make_quiz(questions)


def test_a_quiz_exports_to_well_formed_moodle_xml(quiz):
    root = ElementTree.fromstring(quiz_xml(quiz))
    types = [q.get("type") for q in root.findall("question")]
    assert types == [
        "multichoice", "multichoice", "truefalse", "shortanswer", "ordering", "matching",
        "numerical", "multichoice", "ordering",
    ]  # fmt: skip


def test_the_exported_quiz_reimports_to_the_same_questions(quiz):
    before = {q.key: snapshot(q) for q in Question.objects.all()}
    xml = quiz_xml(quiz)
    empty_the_database()
    preview = reimport(xml)
    assert preview.skipped == []
    after = {q.key: snapshot(q) for q in Question.objects.all()}
    assert after == before


def test_reimporting_into_the_same_instance_updates_and_changes_nothing(quiz):
    versions = dict(QuestionVersion.objects.values_list("pk", "content"))
    preview = reimport(quiz_xml(quiz))
    assert {item.action for item in preview.items} == {"update"}
    assert dict(QuestionVersion.objects.values_list("pk", "content")) == versions


def test_partial_multiple_response_exports_moodles_equivalent_fractions():
    question = make_question("multiple", scoring="partial")
    root = ElementTree.fromstring(export_moodle_xml(questions_for_export(pk=question.pk)).xml)
    fractions = [a.get("fraction") for a in root.iter("answer")]
    assert fractions == ["33.33333", "33.33333", "33.33333", "-33.33333"]


def test_references_travel_in_the_general_feedback_for_moodle_users():
    question = make_question("single")
    root = ElementTree.fromstring(export_moodle_xml(questions_for_export(pk=question.pk)).xml)
    feedback = root.find("question/generalfeedback")
    assert feedback is not None
    assert feedback.get("format") == "markdown"
    assert feedback.findtext("text") == (
        f"{question.explanation}\n\n#### References\n\n{question.references}"
    )


def test_a_hotspot_becomes_drag_markers_with_the_figure_embedded():
    question = make_question("hotspot", title="Where")
    export = export_moodle_xml(questions_for_export(pk=question.pk))
    root = ElementTree.fromstring(export.xml)
    element = root.find("question")
    assert element is not None
    assert element.get("type") == "ddmarker"
    assert element.findtext("drop/coords") == "0,0;50,0;50,100;0,100"
    assert any("incorrect regions" in warning for warning in export.warnings)
    empty_the_database()
    reimport(export.xml)
    hotspot = Question.objects.get(title="Where")
    assert hotspot.figure is not None
    with hotspot.figure.image.open("rb") as handle:
        assert b"<svg" in handle.read()
    (target,) = hotspot.targets.filter(is_correct=True)
    assert target.region.points == [[0, 0], [50, 0], [50, 100], [0, 100]]


def test_a_ranking_question_is_skipped_with_a_warning():
    question = make_question("ranking")
    export = export_moodle_xml(questions_for_export(pk=question.pk))
    assert export.count == 0
    assert export.warnings == [
        f"{question.key}: a ranked differential (choose and rank the top n) question has no "
        "Moodle equivalent and was skipped."
    ]


def test_export_moodle_xml_command_writes_a_quiz(quiz, tmp_path):
    path = tmp_path / "quiz.xml"
    call_command("export_moodle_xml", str(path), "--quiz", quiz.key, verbosity=0)
    assert path.read_bytes() == quiz_xml(quiz)


def test_export_moodle_xml_command_selects_by_topic(quiz, tmp_path):
    path = tmp_path / "anatomy.xml"
    call_command("export_moodle_xml", str(path), "--topic", "anatomy", verbosity=0)
    assert len(ElementTree.fromstring(path.read_bytes()).findall("question")) == 1


def hotspot_snapshot(question: Question) -> dict[str, Any]:
    figure = question.figure
    assert figure is not None
    return {
        "question": snapshot(question),
        "figure": (figure.key, figure.title, figure.alt_text, figure.caption, figure.credit),
        "regions": list(figure.regions.values_list("key", "label", "points")),
        "targets": sorted(question.targets.values_list("region__key", "is_correct", "feedback")),
    }


def test_a_hotspot_reimports_losslessly_into_an_empty_instance():
    question = make_question("hotspot", title="Where")
    before = hotspot_snapshot(question)
    assert any(not correct for _key, correct, _feedback in before["targets"])
    xml = export_moodle_xml(questions_for_export(pk=question.pk)).xml
    empty_the_database()
    preview = reimport(xml)
    assert [item.warnings for item in preview.items] == [[]]
    assert hotspot_snapshot(Question.objects.get()) == before


def test_a_hotspot_reimported_into_the_same_instance_changes_nothing():
    question = make_question("hotspot", title="Where")
    versions = dict(QuestionVersion.objects.values_list("pk", "content"))
    preview = reimport(export_moodle_xml(questions_for_export(pk=question.pk)).xml)
    assert [item.action for item in preview.items] == ["update"]
    assert dict(QuestionVersion.objects.values_list("pk", "content")) == versions
