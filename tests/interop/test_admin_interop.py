"""Educators import through the admin: upload, preview, confirm; and export with actions."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interop.admin import SESSION_KEY, UPLOAD_DIR
from quizzes.models import Question
from tests.factories import UserFactory, make_case, make_question, make_quiz

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
IMPORT = reverse("admin:interop_import")
CONFIRM = reverse("admin:interop_import_confirm")
CANCEL = reverse("admin:interop_import_cancel")


def upload(client, name: str = "constructs.gift", **fields):
    data = (FILES / name).read_bytes()
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), **fields})


def token_of(client) -> str:
    (token,) = client.session[SESSION_KEY]
    return token


def test_the_upload_page_offers_a_file_field(educator_client):
    response = educator_client.get(IMPORT)
    assert response.status_code == 200
    assert b'type="file"' in response.content


def test_the_preview_lists_every_item_and_writes_nothing(educator_client):
    response = upload(educator_client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>15</strong> questions will be created" in page
    assert "Line 80 (&quot;Essay&quot;)" in page
    assert "Essay questions are not supported" in page
    assert "Imported questions are drafts" in page
    assert not Question.objects.exists()


def test_the_upload_is_kept_until_confirmed(educator_client):
    upload(educator_client)
    stored = educator_client.session[SESSION_KEY][token_of(educator_client)]["stored"]
    assert stored.startswith(f"{UPLOAD_DIR}/")
    assert default_storage.exists(stored)


def test_confirming_imports_without_reuploading(educator_client, educator):
    upload(educator_client)
    token = token_of(educator_client)
    stored = educator_client.session[SESSION_KEY][token]["stored"]
    response = educator_client.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:quizzes_question_changelist")
    assert Question.objects.count() == 15
    assert set(Question.objects.values_list("created_by", flat=True)) == {educator.pk}
    assert not default_storage.exists(stored)


def test_confirming_twice_imports_once(educator_client):
    upload(educator_client)
    token = token_of(educator_client)
    educator_client.post(CONFIRM, {"token": token})
    response = educator_client.post(CONFIRM, {"token": token}, follow=True)
    assert "This preview has expired" in response.content.decode()
    assert Question.objects.count() == 15


def test_cancelling_imports_nothing_and_deletes_the_upload(educator_client):
    upload(educator_client)
    token = token_of(educator_client)
    stored = educator_client.session[SESSION_KEY][token]["stored"]
    educator_client.post(CANCEL, {"token": token})
    assert not default_storage.exists(stored)
    assert not Question.objects.exists()


def test_an_unreadable_file_shows_its_error_and_offers_no_import(educator_client):
    response = upload(educator_client, "malformed.xml")
    page = response.content.decode()
    assert "The file is not well-formed XML: mismatched tag at line 11, column 4." in page
    assert CONFIRM not in page
    assert SESSION_KEY not in educator_client.session or not educator_client.session[SESSION_KEY]


def test_another_kind_of_file_is_refused_by_the_form(educator_client):
    response = educator_client.post(
        IMPORT, {"file": SimpleUploadedFile("bank.docx", b"PK\x03\x04")}
    )
    assert "Choose a .gift, .txt or .xml file." in response.content.decode()


def test_staff_without_the_add_question_permission_cannot_import(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(IMPORT).status_code == 403


def test_a_learner_is_sent_to_the_admin_login(learner_client):
    response = learner_client.get(IMPORT)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_question_list_links_to_the_import(educator_client):
    response = educator_client.get(reverse("admin:quizzes_question_changelist"))
    assert IMPORT in response.content.decode()


def test_export_selected_questions_as_moodle_xml(educator_client):
    question = make_question("single")
    response = educator_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "export_questions_moodle_xml", "_selected_action": [question.pk]},
    )
    assert response["Content-Type"] == "application/xml"
    assert f"<idnumber><![CDATA[{question.key}]]></idnumber>".encode() in response.content


def test_export_selected_quizzes_as_moodle_xml(educator_client):
    quiz = make_quiz([make_question("true_false"), make_question("matching")])
    response = educator_client.post(
        reverse("admin:quizzes_quiz_changelist"),
        {"action": "export_quizzes_moodle_xml", "_selected_action": [quiz.pk]},
    )
    assert response.content.count(b"<question type=") == 2


def test_export_selected_cases_as_a_module_zip(educator_client):
    case = make_case([[make_question("hotspot")]])
    response = educator_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "export_cases_module", "_selected_action": [case.pk]},
    )
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("module.json"))
        assert [c["key"] for c in data["cases"]] == [case.key]
        assert (
            archive.read(data["figures"][0]["file"])
            .lstrip()
            .split(b"?>")[-1]
            .lstrip()
            .startswith(b"<svg")
        )


def test_export_everything_as_a_module_zip(educator_client):
    make_quiz([make_question("single")])
    response = educator_client.get(reverse("admin:interop_export_module"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert len(json.loads(archive.read("module.json"))["questions"]) == 1
