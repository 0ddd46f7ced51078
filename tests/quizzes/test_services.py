"""The learner's write path: attempts, answers, grading and submission, as services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import attempts, dispatch, pipeline, tasks
from quizzes.grading import AnswerError
from quizzes.models import (
    Attempt,
    ChosenPart,
    EditKind,
    ExamAccommodation,
    Option,
    QuestionVersion,
    Response,
    ResponseStatus,
)
from quizzes.qtypes import REGISTRY
from quizzes.versioning import record_version
from tests.factories import make_case, make_question, make_quiz, start_case, start_quiz
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def tutor_quiz():
    return make_quiz([make_question(t) for t in REGISTRY.names()])


@pytest.fixture
def exam_quiz():
    return make_quiz(
        [make_question(), make_question("multiple")], mode="exam", time_limit_minutes=10
    )


def answer(learner, item, raw, **kwargs):
    return attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=raw,
        idempotency_key=kwargs.pop("key", new_key()),
        **kwargs,
    )


def test_start_attempt_pins_every_question_to_its_current_version(learner, tutor_quiz):
    attempt = start_quiz(learner=learner, quiz=tutor_quiz)
    items = list(attempt.items.select_related("question"))
    assert len(items) == len(REGISTRY.names())
    assert all(item.version_id == item.question.current_version_id for item in items)


def test_presentation_tokens_are_not_database_ids(learner, tutor_quiz):
    attempt = start_quiz(learner=learner, quiz=tutor_quiz)
    item = attempt.items.get(question__type="single")
    option_ids = {str(pk) for pk in Option.objects.values_list("pk", flat=True)}
    tokens = {token for token, _ in item.presentation["choices"]}
    assert not tokens & option_ids


def test_start_attempt_returns_the_open_attempt(learner, tutor_quiz):
    first = start_quiz(learner=learner, quiz=tutor_quiz)
    assert start_quiz(learner=learner, quiz=tutor_quiz) == first


def test_tutor_answer_is_saved_pending_and_graded_after_commit(
    learner, tutor_quiz, django_capture_on_commit_callbacks, sent_tasks
):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.first()
    assert item is not None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = answer(learner, item, key_tokens(item))
    assert result.response.status == ResponseStatus.PENDING
    assert sent_tasks == []  # nothing is enqueued before the transaction commits
    for callback in callbacks:
        callback()
    assert sent_tasks == [("quizzes.tasks.grade_response", [result.response.pk])]


@pytest.mark.parametrize("question_type", REGISTRY.names())
def test_key_scores_one_through_the_service(learner, question_type):
    quiz = make_quiz([make_question(question_type)])
    item = start_quiz(learner=learner, quiz=quiz).items.get()
    response = answer(learner, item, key_tokens(item)).response
    graded = pipeline.grade_response(response_id=response.pk)
    assert graded is not None
    assert (graded.score, graded.correct) == (1.0, True)


@pytest.mark.parametrize("question_type", REGISTRY.names())
def test_wrong_answer_scores_below_one_through_the_service(learner, question_type):
    quiz = make_quiz([make_question(question_type)])
    item = start_quiz(learner=learner, quiz=quiz).items.get()
    response = answer(learner, item, wrong_tokens(item)).response
    graded = pipeline.grade_response(response_id=response.pk)
    assert graded is not None
    assert graded.score is not None
    assert graded.score < 1.0


def test_same_idempotency_key_gives_the_same_response(learner, tutor_quiz):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.first()
    assert item is not None
    key = new_key()
    first = answer(learner, item, key_tokens(item), key=key)
    second = answer(learner, item, key_tokens(item), key=key)
    assert (second.response.pk, second.created) == (first.response.pk, False)
    assert Response.objects.count() == 1


def test_second_tab_gets_the_first_answer_in_tutor_mode(learner, tutor_quiz):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.first()
    assert item is not None
    first = answer(learner, item, key_tokens(item))
    second = answer(learner, item, wrong_tokens(item))
    assert second.response.pk == first.response.pk
    assert Response.objects.get().answer == first.response.answer


def test_option_of_another_question_is_refused_and_nothing_saved(learner, tutor_quiz):
    attempt = start_quiz(learner=learner, quiz=tutor_quiz)
    single = attempt.items.get(question__type="single")
    multiple = attempt.items.get(question__type="multiple")
    foreign_token = multiple.presentation["choices"][0][0]
    with pytest.raises(AnswerError) as error:
        answer(learner, single, {"choice": foreign_token})
    assert error.value.field == "choice"
    assert not Response.objects.exists()


def test_raw_database_id_is_refused(learner, tutor_quiz):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.get(question__type="single")
    option = Option.objects.first()
    assert option is not None
    with pytest.raises(AnswerError):
        answer(learner, item, {"choice": option.pk})


def test_wrong_json_type_is_refused_naming_the_field(learner, tutor_quiz):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.get(question__type="multiple")
    with pytest.raises(AnswerError) as error:
        answer(learner, item, {"choices": "all of them"})
    assert error.value.field == "choices"


def test_exam_autosave_replaces_the_saved_answer(learner, exam_quiz):
    item = start_quiz(learner=learner, quiz=exam_quiz).items.get(question__type="single")
    answer(learner, item, wrong_tokens(item), client_seq=1)
    answer(learner, item, key_tokens(item), client_seq=2)
    response = Response.objects.get()
    assert response.status == ResponseStatus.SAVED
    assert response.client_seq == 2


def test_stale_exam_autosave_never_overwrites_a_newer_one(learner, exam_quiz):
    item = start_quiz(learner=learner, quiz=exam_quiz).items.get(question__type="single")
    answer(learner, item, key_tokens(item), client_seq=5)
    answer(learner, item, wrong_tokens(item), client_seq=4)
    assert Response.objects.get().client_seq == 5


def test_exam_answer_after_the_deadline_is_refused(learner, exam_quiz):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    item = attempt.items.first()
    assert item is not None
    assert attempt.deadline is not None
    with pytest.raises(attempts.AttemptClosed, match="Time is up"):
        answer(learner, item, key_tokens(item), now=attempt.deadline + timedelta(seconds=1))
    assert not Response.objects.exists()


def test_answer_after_submission_is_refused(learner, exam_quiz):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    attempts.close_attempt(attempt_id=attempt.pk)
    item = attempt.items.earliest("position")
    with pytest.raises(attempts.AttemptClosed):
        answer(learner, item, key_tokens(item))


def test_accommodation_extends_the_exam_deadline(learner, exam_quiz):
    ExamAccommodation.objects.create(learner=learner, time_multiplier="1.5", extra_minutes=5)
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    assert attempt.deadline is not None
    assert attempt.deadline - attempt.started_at == timedelta(minutes=20)


def test_finalize_grades_saved_exam_answers_and_scores_the_attempt(
    learner, exam_quiz, django_capture_on_commit_callbacks, tasks_run_inline
):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    for item in attempt.items.all():
        answer(learner, item, key_tokens(item))
    with django_capture_on_commit_callbacks(execute=True):
        attempts.close_attempt(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.max_score) == ("submitted", 2.0, 2)


def test_finalize_twice_changes_nothing(learner, exam_quiz):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    first = attempts.close_attempt(attempt_id=attempt.pk)
    second = attempts.close_attempt(attempt_id=attempt.pk, now=timezone.now() + timedelta(hours=1))
    assert second.submitted_at == first.submitted_at


def test_auto_finalize_leaves_a_running_exam_open(learner, exam_quiz):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    assert attempts.close_attempt(attempt_id=attempt.pk, auto=True).status == "in_progress"


def test_overdue_exam_is_auto_submitted_at_its_deadline(learner, exam_quiz):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    assert attempt.deadline is not None
    later = attempt.deadline + timedelta(minutes=3)
    attempts.close_attempt(attempt_id=attempt.pk, now=later, auto=True)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted, attempt.submitted_at) == (
        "submitted",
        True,
        attempt.deadline,
    )


def test_grading_twice_writes_one_result(learner, tutor_quiz):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.get(question__type="multiple")
    response = answer(learner, item, key_tokens(item)).response
    first = pipeline.grade_response(response_id=response.pk)
    assert first is not None
    second = pipeline.grade_response(response_id=response.pk)
    assert second is not None
    assert second.graded_at == first.graded_at
    assert ChosenPart.objects.filter(response=response).count() == 3


def test_editing_an_answered_question_keeps_past_responses_and_scores(learner):
    question = make_question()
    quiz = make_quiz([question])
    item = start_quiz(learner=learner, quiz=quiz).items.get()
    response = answer(learner, item, key_tokens(item)).response
    pipeline.grade_response(response_id=response.pk)
    Option.objects.filter(question=question).update(is_correct=False)
    Option.objects.filter(question=question, text="Sural nerve").update(is_correct=True)
    new_version = record_version(question=question, edit_kind=EditKind.MAJOR)
    response.refresh_from_db()
    question.refresh_from_db()
    assert new_version.number == 2
    assert question.review_generation == 2
    assert response.version.number == 1
    assert (response.score, response.correct) == (1.0, True)
    assert QuestionVersion.objects.get(question=question, number=1).content["choices"][0]["correct"]


def test_minor_edit_of_an_unanswered_question_updates_the_version_in_place():
    question = make_question()
    Option.objects.filter(question=question, text="Sural nerve").update(feedback="New words.")
    version = record_version(question=question, edit_kind=EditKind.MINOR)
    assert version.number == 1
    assert QuestionVersion.objects.filter(question=question).count() == 1


def test_sweeper_finds_responses_left_pending(learner, tutor_quiz, monkeypatch):
    item = start_quiz(learner=learner, quiz=tutor_quiz).items.first()
    assert item is not None
    monkeypatch.setattr(dispatch, "send_now", lambda *a, **k: True)
    response = answer(learner, item, key_tokens(item)).response
    Response.objects.filter(pk=response.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=5)
    )
    swept: list[int] = []
    monkeypatch.setattr(tasks.grade_response, "delay", swept.append)
    assert tasks.sweep_pending_responses() == 1
    assert swept == [response.pk]


def test_overdue_task_submits_expired_exams(learner, exam_quiz, monkeypatch):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    queued = []
    monkeypatch.setattr(tasks.close_attempt, "delay", lambda pk, auto: queued.append((pk, auto)))
    assert tasks.submit_overdue_attempts() == 1
    assert queued == [(attempt.pk, True)]


def test_the_sweeper_repairs_a_submitted_attempt_left_without_a_score(learner, tutor_quiz):
    attempt = start_quiz(learner=learner, quiz=tutor_quiz)
    for item in attempt.items.all():
        pipeline.grade_response(response_id=answer(learner, item, key_tokens(item)).response.pk)
    attempts.submit_attempt(attempt_id=attempt.pk)
    # As a lost race used to leave it: submitted, every answer graded, no score.
    Attempt.objects.filter(pk=attempt.pk).update(score=None, submitted_at=timezone.now())
    later = timezone.now() + timedelta(minutes=5)
    assert attempts.unfinished_attempt_ids(older_than=later) == [attempt.pk]
    assert attempts.repair_attempt(attempt_id=attempt.pk) is True
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score
    assert attempts.unfinished_attempt_ids(older_than=later) == []


def test_the_sweeper_completes_a_case_whose_answers_are_all_graded(learner):
    case_attempt = start_case(learner=learner, case=make_case([[make_question()]]))
    item = case_attempt.attempt.items.get()
    response = answer(learner, item, key_tokens(item)).response
    # Graded without the pipeline's completion step, as a crash between the two would leave it.
    Response.objects.filter(pk=response.pk).update(status=ResponseStatus.GRADED, score=1.0)
    later = timezone.now() + timedelta(minutes=5)
    assert attempts.unfinished_attempt_ids(older_than=later) == [case_attempt.attempt_id]
    attempts.repair_attempt(attempt_id=case_attempt.attempt_id)
    case_attempt.attempt.refresh_from_db()
    assert (case_attempt.attempt.status, case_attempt.attempt.score) == ("submitted", 1.0)


def test_the_sweeper_leaves_attempts_still_being_graded_alone(learner, exam_quiz):
    attempt = start_quiz(learner=learner, quiz=exam_quiz)
    item = attempt.items.earliest("position")
    answer(learner, item, key_tokens(item))
    attempts.submit_attempt(attempt_id=attempt.pk)  # its answer is now pending
    later = timezone.now() + timedelta(minutes=5)
    assert attempts.unfinished_attempt_ids(older_than=later) == []
