"""GIFT export: every type GIFT can hold goes out as Moodle reads it and comes back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from interop.gift import GIFT_TYPES, export_gift, parse_gift
from interop.importer import import_questions, preview_import, read_questions
from interop.moodle_xml import questions_for_export
from quizzes.models import Question, QuestionVersion
from tests.factories import TopicFactory, make_question

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def reimport(text: str):
    preview = preview_import(read_questions(text.encode(), "again.gift"))
    import_questions(preview)
    return preview


def current(question: Question) -> dict:
    assert question.current_version is not None
    return question.current_version.content


@pytest.fixture
def questions():
    made = [make_question(kind, difficulty="hard") for kind in sorted(GIFT_TYPES)]
    made.append(make_question("multiple", scoring="partial", title="Partial"))
    made[0].topics.add(TopicFactory(slug="cardiology-week-1", name="Cardiology / Week 1"))
    return made


def test_every_gift_type_is_exported_and_the_others_are_named(questions):
    hotspot = make_question("hotspot")
    export = export_gift(questions_for_export().order_by("key"))
    assert export.count == len(questions)
    assert f"{hotspot.key}: GIFT cannot hold a hotspot question." in export.warnings
    parsed = parse_gift(export.text)
    assert [item.errors for item in parsed.items] == [[]] * len(questions)


def test_a_gift_round_trip_changes_nothing(questions):
    versions = dict(QuestionVersion.objects.values_list("pk", "content"))
    preview = reimport(export_gift(questions_for_export().order_by("key")).text)
    assert {item.action for item in preview.items} == {"update"}
    assert dict(QuestionVersion.objects.values_list("pk", "content")) == versions


def test_a_gift_round_trip_into_an_empty_instance_keeps_every_field(questions):
    before = {q.key: (current(q), q.difficulty) for q in Question.objects.all()}
    text = export_gift(questions_for_export().order_by("key")).text
    Question.objects.all().delete()
    reimport(text)
    after = {q.key: (current(q), q.difficulty) for q in Question.objects.all()}
    assert set(after) == set(before)
    for key, (content, difficulty) in before.items():
        again, again_difficulty = after[key]
        # Part ids are new rows; everything else is the same.
        for part in ("choices", "order_items", "pairs"):
            for row in content[part] + again[part]:
                row.pop("id")
        assert (again, again_difficulty) == (content, difficulty), key


def test_the_moodle_bank_survives_a_gift_round_trip_where_gift_can_carry_it():
    data = (FILES / "moodle-bank.gift").read_bytes()
    import_questions(preview_import(read_questions(data, "moodle-bank.gift")))
    versions = dict(QuestionVersion.objects.values_list("pk", "content"))
    preview = reimport(export_gift(questions_for_export().order_by("key")).text)
    assert {item.action for item in preview.items} == {"update"}
    assert dict(QuestionVersion.objects.values_list("pk", "content")) == versions


def test_the_admin_action_downloads_a_gift_file(educator_client, questions):
    response = educator_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "export_questions_gift", "_selected_action": [q.pk for q in questions]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('questions.gift"')
    assert b"::" in response.content
