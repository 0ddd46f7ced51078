"""Authoring services: one rule for "a published quiz or case holds no draft question", and an
audit row for every publish, unpublish, edit and import."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from interop.modules import load_module_file
from quizzes import attempts, authoring
from quizzes.content import QuestionContent
from quizzes.models import AuditEvent, EditKind, Question, Quiz, Status
from quizzes.versioning import key_changes, record_version, record_versions
from tests.factories import make_case, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key
from tests.test_admin import admin_errors, options, question_form

pytestmark = pytest.mark.django_db


def test_a_question_in_a_published_case_cannot_go_back_to_draft():
    question = make_question()
    make_case([[question]], title="Runner's heel")
    with pytest.raises(authoring.PublishRefused, match='published case "Runner\'s heel"'):
        authoring.unpublish_question(question=question, actor=None)
    question.refresh_from_db()
    assert question.status == Status.PUBLISHED


def test_the_admin_refuses_to_send_a_question_of_a_published_case_to_draft(educator_client):
    question = make_question()
    make_case([[question]], title="Runner's heel")
    data = question_form("single", key=question.key, status="draft") | options(
        ("Tibial nerve", True), ("Sural nerve", False)
    )
    response = educator_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]), data
    )
    assert response.status_code == 200
    assert 'It is in the published case "Runner\'s heel"' in admin_errors(response)
    question.refresh_from_db()
    assert question.status == Status.PUBLISHED


def test_a_question_in_a_published_quiz_cannot_go_back_to_draft():
    question = make_question()
    make_quiz([question], title="Anatomy")
    with pytest.raises(authoring.PublishRefused, match='published quiz "Anatomy"'):
        authoring.unpublish_question(question=question, actor=None)


def test_a_question_in_no_published_container_goes_back_to_draft(educator):
    question = make_question()
    make_case([[question]], status="draft")
    authoring.unpublish_question(question=question, actor=educator)
    question.refresh_from_db()
    assert question.status == Status.DRAFT
    event = AuditEvent.objects.get(action="unpublish")
    assert (event.actor, event.object_id) == (educator, str(question.pk))


def test_publishing_a_question_without_references_is_refused():
    question = make_question(status="draft", references="")
    with pytest.raises(authoring.PublishRefused, match="at least one reference"):
        authoring.publish_question(question=question, actor=None)
    assert not AuditEvent.objects.exists()


def test_publishing_writes_an_audit_row_with_the_version(educator):
    question = make_question(status="draft")
    authoring.publish_question(question=question, actor=educator)
    event = AuditEvent.objects.get(action="publish")
    assert (event.object_type, event.version_after) == ("quizzes.question", 1)


def test_an_edit_through_the_admin_writes_an_audit_row_with_both_versions(
    educator_client, educator, learner
):
    question = make_question()
    item = start_quiz(learner=learner, quiz=make_quiz([question])).items.get()
    attempts.submit_answer(
        learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
    )  # version 1 is now frozen
    data = question_form(
        "single",
        key=question.key,
        stem="A clearer stem.",
        status="published",
        edit_kind=EditKind.MINOR,
    ) | saved_options(question)
    response = educator_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]), data
    )
    assert response.status_code == 302, admin_errors(response)
    event = AuditEvent.objects.get(action="edit_minor")
    assert (event.actor, event.version_before, event.version_after) == (educator, 1, 2)


def saved_options(question: Question) -> dict:
    """The question's options as the change form posts them back (initial forms)."""
    rows = list(question.options.all())
    data = {"options-TOTAL_FORMS": str(len(rows)), "options-INITIAL_FORMS": str(len(rows))}
    for index, option in enumerate(rows):
        data |= {
            f"options-{index}-id": str(option.pk),
            f"options-{index}-question": str(question.pk),
            f"options-{index}-text": option.text,
            f"options-{index}-is_correct": "on" if option.is_correct else "",
            f"options-{index}-feedback": option.feedback,
            f"options-{index}-position": str(option.position),
        }
    return data


def test_creating_a_question_in_the_admin_is_audited(educator_client, educator):
    data = question_form("single") | options(("Tibial nerve", True), ("Sural nerve", False))
    assert educator_client.post(reverse("admin:quizzes_question_add"), data).status_code == 302
    question = Question.objects.get()
    event = AuditEvent.objects.get(action="create")
    assert (event.object_id, event.version_after) == (str(question.pk), 1)


def test_a_save_the_service_refuses_rolls_back_and_says_why(educator_client):
    # Rows the form did not post stay; together they would give two correct options.
    question = make_question()
    before = question.options.count()
    data = question_form("single", key=question.key, status="published") | options(
        ("Tibial nerve", True), ("Sural nerve", False)
    )
    response = educator_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]), data, follow=True
    )
    assert "Nothing was saved: " in response.content.decode()
    assert question.options.count() == before


def test_the_audit_trail_is_read_only_in_the_admin(admin_client):
    authoring.audit(actor=None, action="publish", obj=make_question())
    event = AuditEvent.objects.get()
    change = admin_client.get(reverse("admin:quizzes_auditevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert b'name="action"' not in change.content  # shown, not editable
    assert admin_client.get(reverse("admin:quizzes_auditevent_add")).status_code == 403


def test_loading_a_module_audits_each_new_version_once(educator):
    module = Path(__file__).resolve().parents[2] / "fixtures" / "mcn-module.json"
    load_module_file(module, actor=educator)
    imported = AuditEvent.objects.filter(action="import", actor=educator)
    assert imported.count() == Question.objects.count()
    load_module_file(module, actor=educator)  # unchanged: no new version, no new row
    assert imported.count() == Question.objects.count()


def keyed_first(title: str):
    """A single-best-answer question whose correct option is the first."""
    question = make_question(title=title)
    options = list(question.options.order_by("position"))
    for position, option in enumerate(sorted(options, key=lambda o: not o.is_correct)):
        option.position = position
        option.save()
    record_version(question=question)
    return question


def test_a_quiz_in_the_authors_order_may_not_key_every_question_at_one_position(educator):
    quiz = make_quiz([keyed_first(f"Q{n}") for n in range(3)], shuffle_options=False)
    with pytest.raises(authoring.PublishRefused, match="always option 1"):
        authoring.set_quiz_published(quiz=quiz, published=True, actor=educator, was_published=False)


def test_the_same_quiz_with_shuffled_options_is_published(educator):
    quiz = make_quiz([keyed_first(f"Q{n}") for n in range(3)], shuffle_options=True)
    authoring.set_quiz_published(quiz=quiz, published=True, actor=educator, was_published=False)


def test_a_ranking_listed_in_its_keys_order_is_refused_in_the_authors_order():
    question = make_question("ranking")
    choices = list(question.options.all())
    for position, option in enumerate(sorted(choices, key=lambda o: (o.rank is None, o.rank or 0))):
        option.position = position
        option.save()
    problems = authoring.key_position_problems([question])
    assert any("in the key's order" in problem for problem in problems)


def test_the_seed_modules_quizzes_give_no_key_away_by_position():
    load_module_file(Path(__file__).resolve().parents[2] / "fixtures" / "mcn-module.json")
    for quiz in Quiz.objects.all():
        questions = [qq.question for qq in quiz.quiz_questions.select_related("question")]
        assert authoring.key_position_problems(questions) == [], quiz.key


def answered(question: Question, learner) -> None:
    item = start_quiz(learner=learner, quiz=make_quiz([question])).items.get()
    attempts.submit_answer(
        learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
    )


def test_a_minor_edit_that_changes_the_key_is_saved_as_major_and_says_why(educator_client, learner):
    question = make_question()
    answered(question, learner)
    data = question_form("single", key=question.key, status="published", edit_kind="minor")
    data |= saved_options(question)
    right = next(i for i, o in enumerate(question.options.all()) if o.is_correct)
    wrong = next(i for i, o in enumerate(question.options.all()) if not o.is_correct)
    data[f"options-{right}-is_correct"], data[f"options-{wrong}-is_correct"] = "", "on"
    response = educator_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]), data, follow=True
    )
    assert "Saved as a major edit, not a minor one" in response.content.decode()
    question.refresh_from_db()
    assert question.current_version is not None
    assert question.current_version.edit_kind == EditKind.MAJOR
    assert question.review_generation == 2  # learners' review progress restarts


def test_a_minor_edit_of_wording_stays_minor(educator_client, learner):
    question = make_question()
    answered(question, learner)
    data = question_form("single", key=question.key, status="published", edit_kind="minor")
    data |= saved_options(question) | {"options-0-text": "A better worded option"}
    educator_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    question.refresh_from_db()
    assert question.current_version is not None
    assert (question.current_version.edit_kind, question.review_generation) == (EditKind.MINOR, 1)


def test_a_module_reload_that_changes_an_answered_key_makes_a_major_version(learner):
    question = make_question("short_answer")
    answered(question, learner)
    question.accepted_answers.update(text="fibular nerve")
    [version] = record_versions(questions=[question], edit_kind=EditKind.MINOR)
    assert version.edit_kind == EditKind.MAJOR
    old = QuestionContent.from_dict(question.versions.get(number=1).content)
    assert key_changes(old, QuestionContent.from_dict(version.content)) == ["the accepted answers"]
