"""Publishing an imported bank: batch explanation and reference defaults, and a bulk action that
publishes what it can and says, per question, why the rest cannot."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from interop.admin import SESSION_KEY
from quizzes.models import AuditEvent, Question, Status
from tests.factories import make_question

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
REFERENCE = "- National Institute for Health and Care Excellence. Example guideline."
EXPLANATION = "Explained in the lecture notes of week 1."


def test_the_command_gives_every_question_without_one_the_batch_reference():
    out = StringIO()
    call_command(
        "import_questions",
        str(FILES / "constructs.gift"),
        "--publish",
        f"--reference={REFERENCE}",
        f"--explanation={EXPLANATION}",
        stdout=out,
        stderr=StringIO(),
    )
    assert "15 to create, 0 to update, 2 skipped." in out.getvalue()
    assert Question.objects.count() == 15
    assert set(Question.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert set(Question.objects.values_list("references", flat=True)) == {REFERENCE}
    # A question's own general feedback stays its explanation.
    parent = Question.objects.get(title="Parent nerve")
    assert parent.explanation == "Usually the tibial nerve, near the tarsal tunnel."
    assert Question.objects.get(title="True short").explanation == EXPLANATION


def test_without_a_reference_publishing_skips_every_gift_question():
    out = StringIO()
    call_command(
        "import_questions", str(FILES / "constructs.gift"), "--publish", "--dry-run", stdout=out
    )
    assert "0 to create, 0 to update, 17 skipped." in out.getvalue()


def test_the_import_form_takes_the_batch_defaults_through_the_confirmation(educator_client):
    data = (FILES / "constructs.gift").read_bytes()
    page = educator_client.post(
        reverse("admin:interop_import"),
        {
            "file": SimpleUploadedFile("constructs.gift", data),
            "publish": "on",
            "reference": REFERENCE,
            "explanation": EXPLANATION,
        },
    ).content.decode()
    assert "the batch&#x27;s reference is used" in page
    (token,) = educator_client.session[SESSION_KEY]
    educator_client.post(reverse("admin:interop_import_confirm"), {"token": token})
    assert Question.objects.filter(status=Status.PUBLISHED, references=REFERENCE).count() == 15


def test_publish_selected_publishes_what_it_can_and_says_why_not_for_the_rest(
    educator_client,
):
    ready = make_question(status=Status.DRAFT, title="Ready")
    unsourced = make_question(status=Status.DRAFT, title="Unsourced", references="")
    already = make_question(title="Already published")
    response = educator_client.post(
        reverse("admin:quizzes_question_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [ready.pk, unsourced.pk, already.pk],
        },
    )
    assert response.status_code == 302
    statuses = dict(Question.objects.values_list("title", "status"))
    assert statuses == {
        "Ready": Status.PUBLISHED,
        "Unsourced": Status.DRAFT,
        "Already published": Status.PUBLISHED,
    }
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2 questions are published." in texts
    assert "Not published: Unsourced: A published question needs at least one reference." in texts
    assert AuditEvent.objects.filter(action="publish").count() == 1
