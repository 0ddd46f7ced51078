"""What a learner sees on the home page: the work set for them, with due dates, late or done,
their score only once released; reminders before a due date; the review queue's favoured
topics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts import reminders, selectors, services
from cohorts.models import AssignmentReminder, Release
from cohorts.status import WorkStatus
from quizzes import attempts, pipeline
from quizzes.models import Attempt, QuizMode, Response
from quizzes.reviews import queue
from tests.api.conftest import save_answer
from tests.factories import (
    TopicFactory,
    make_assignment,
    make_question,
    make_quiz,
)

pytestmark = pytest.mark.django_db


def finish(student, assignment, *, now=None):
    attempt = services.start_assignment(learner=student, assignment=assignment, now=now)
    for item in attempt.items.all():
        save_answer(student, item)
    attempts.close_attempt(attempt_id=attempt.pk, now=now)
    for response in Response.objects.filter(item__attempt=attempt):
        pipeline.grade_response(response_id=response.pk)
    return attempt


def test_home_lists_work_set_in_every_cohort_of_the_learner(
    client, student, cohort_a, cohort_b, quiz
):
    make_assignment(cohort=cohort_a, quiz=quiz, title="Week 1 quiz")
    make_assignment(cohort=cohort_b, quiz=quiz, title="Rotation check")
    client.force_login(student)
    page = client.get(reverse("home")).content.decode()
    assert "Set for you" in page
    assert "Week 1 quiz" in page
    assert "Rotation check" in page


def test_a_learner_outside_the_cohort_sees_nothing_set(client, classmate_a, cohort_b, quiz):
    make_assignment(cohort=cohort_b, quiz=quiz, title="Rotation check")
    client.force_login(classmate_a)
    page = client.get(reverse("home")).content.decode()
    assert "Rotation check" not in page
    assert "Set for you" not in page


def test_statuses_follow_the_due_date(student, cohort_a, quiz):
    now = timezone.now()
    on_time = make_assignment(cohort=cohort_a, quiz=quiz, title="on time")
    late = make_assignment(
        cohort=cohort_a,
        quiz=quiz,
        title="late",
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
    )
    make_assignment(
        cohort=cohort_a,
        quiz=quiz,
        title="overdue",
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=1),
    )
    finish(student, on_time)
    finish(student, late)
    statuses = {w.assignment.title: w.status for w in selectors.set_for_learner(student, now=now)}
    assert statuses == {
        "on time": WorkStatus.SUBMITTED,
        "late": WorkStatus.LATE,
        "overdue": WorkStatus.OVERDUE,
    }


def test_the_score_shows_only_once_released(student, cohort_a, educator_a):
    exam = make_quiz([make_question()], mode=QuizMode.EXAM, time_limit_minutes=20)
    assignment = make_assignment(cohort=cohort_a, quiz=exam, release=Release.BY_HAND)
    finish(student, assignment)
    [work] = selectors.set_for_learner(student, now=timezone.now())
    assert work.score is None
    assert work.released is False
    services.release_results(assignment=assignment, actor=educator_a)
    [work] = selectors.set_for_learner(student, now=timezone.now())
    assert work.score == 1.0


def test_results_released_at_close_are_hidden_until_the_close(student, cohort_a):
    exam = make_quiz([make_question()], mode=QuizMode.EXAM, time_limit_minutes=20)
    assignment = make_assignment(cohort=cohort_a, quiz=exam, release=Release.AT_CLOSE)
    attempt = finish(student, assignment)
    from quizzes import learner_view

    assert not learner_view.results_released(attempt)
    fresh = Attempt.objects.get(pk=attempt.pk)
    assert learner_view.results_released(fresh, now=assignment.closes_at)


def test_the_start_button_starts_the_assignment(client, student, cohort_a, quiz):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz)
    client.force_login(student)
    response = client.post(reverse("assignment-start", args=[assignment.pk]))
    assert response.status_code == 302
    assert student.attempts.get().context_id == assignment.pk


def test_another_cohorts_assignment_cannot_be_started(client, classmate_a, cohort_b, quiz):
    assignment = make_assignment(cohort=cohort_b, quiz=quiz)
    client.force_login(classmate_a)
    assert client.post(reverse("assignment-start", args=[assignment.pk])).status_code == 404


# --- Reminders ------------------------------------------------------------------------------------


def test_one_reminder_per_assignment_and_learner(
    settings, student, cohort_a, quiz, sent_tasks, django_capture_on_commit_callbacks
):
    settings.ASSIGNMENT_REMINDER_HOURS = 48
    assignment = make_assignment(cohort=cohort_a, quiz=quiz, title="Due soon")
    with django_capture_on_commit_callbacks(execute=True):
        queued = reminders.queue_reminders(now=timezone.now())
    assert queued == 2  # the student and the classmate
    assert ("cohorts.tasks.send_assignment_reminder", [assignment.pk, student.pk]) in sent_tasks
    now = timezone.now()
    assert reminders.send_assignment_reminder(
        assignment_id=assignment.pk, learner_id=student.pk, now=now
    )
    assert not reminders.send_assignment_reminder(
        assignment_id=assignment.pk, learner_id=student.pk, now=now
    )
    assert len(mail.outbox) == 1
    assert "Due soon" in mail.outbox[0].subject
    assert (assignment.pk, student.pk) not in reminders.pairs_to_remind(now=now)


def test_no_reminder_once_submitted_or_when_due_later(settings, student, cohort_a, quiz):
    settings.ASSIGNMENT_REMINDER_HOURS = 48
    now = timezone.now()
    done = make_assignment(cohort=cohort_a, quiz=quiz)
    finish(student, done)
    make_assignment(
        cohort=cohort_a,
        quiz=quiz,
        due_at=now + timedelta(days=5),
        closes_at=now + timedelta(days=6),
    )
    pairs = reminders.pairs_to_remind(now=now)
    assert all(learner != student.pk for _, learner in pairs)


def test_reminders_go_through_the_outbox(settings, student, cohort_a, quiz):
    from quizzes.models import OutboxMessage

    settings.ASSIGNMENT_REMINDER_HOURS = 48
    make_assignment(cohort=cohort_a, quiz=quiz)
    reminders.queue_reminders(now=timezone.now())
    assert (
        OutboxMessage.objects.filter(task_name="cohorts.tasks.send_assignment_reminder").count()
        == 2
    )
    assert not AssignmentReminder.objects.exists()


# --- The review queue -------------------------------------------------------------------------------


def test_the_review_queue_favours_the_topics_of_upcoming_assignments(student, cohort_a):
    anatomy, treatment = TopicFactory(slug="anatomy"), TopicFactory(slug="treatment")
    first = make_question()
    first.topics.add(anatomy)
    set_one = make_question()
    set_one.topics.add(treatment)
    make_assignment(cohort=cohort_a, quiz=make_quiz([set_one]))
    item = queue.next_review_item(learner=student, now=timezone.now())
    assert item is not None
    assert item.question_id == set_one.pk


def test_submitted_work_links_to_its_results_not_a_new_start(client, student, cohort_a, quiz):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz, attempts_allowed=1)
    attempt = finish(student, assignment)
    [work] = selectors.set_for_learner(student, now=timezone.now())
    assert work.results_url == reverse("attempt-results", args=[attempt.pk])
    client.force_login(student)
    page = client.get(reverse("home")).content.decode()
    assert reverse("attempt-results", args=[attempt.pk]) in page
    assert reverse("assignment-start", args=[assignment.pk]) not in page


def test_the_beat_task_sends_each_reminder_once_through_the_tasks(
    settings, student, cohort_a, quiz, tasks_run_inline, django_capture_on_commit_callbacks
):
    from cohorts import tasks

    settings.ASSIGNMENT_REMINDER_HOURS = 48
    make_assignment(cohort=cohort_a, quiz=quiz, title="Due soon")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_assignment_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_assignment_reminders() == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "classmate_a@example.org",
        "student_ab@example.org",
    ]


@pytest.mark.parametrize("count", [1, 6])
def test_the_home_page_runs_a_fixed_number_of_queries(
    count, client, student, cohort_a, quiz, django_assert_max_num_queries
):
    for number in range(count):
        assignment = make_assignment(cohort=cohort_a, quiz=quiz, title=f"Set {number}")
        if number % 2:
            finish(student, assignment)
    client.force_login(student)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("home"))
    assert f"Set {count - 1}" in page.content.decode()


def test_a_review_target_counts_the_topics_questions_reviewed(student, cohort_a, educator_a):
    from cohorts import dashboard

    topic = TopicFactory(slug="tinel", name="Tinel's sign")
    first, second = make_question(), make_question()
    first.topics.add(topic)
    second.topics.add(topic)
    assignment = make_assignment(cohort=cohort_a, kind="review", topic=topic)
    item = queue.next_review_item(learner=student, now=timezone.now())
    assert item is not None
    response = save_answer(student, item)
    pipeline.grade_response(response_id=response.pk)
    [work] = selectors.set_for_learner(student, now=timezone.now())
    assert work.review_progress == (1, 2)
    assert work.status == WorkStatus.IN_PROGRESS
    book = dashboard.gradebook(cohort_a, now=timezone.now())
    assert book.of(assignment, student).best == 0.5
