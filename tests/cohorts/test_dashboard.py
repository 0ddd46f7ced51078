"""The class dashboard and the exports: what an educator sees of their cohort, computed by SQL
aggregation in a fixed number of queries whatever the cohort's size."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import dashboard, services
from cohorts.models import Membership
from cohorts.status import WorkStatus
from quizzes import attempts, pipeline
from quizzes.models import AuditEvent, Response
from tests.api.conftest import save_answer
from tests.factories import (
    TopicFactory,
    UserFactory,
    make_assignment,
    make_case,
    make_question,
    make_quiz,
)
from tests.quizzes.helpers import wrong_tokens

pytestmark = pytest.mark.django_db


def answer_all(learner, assignment, *, right=True, now=None):
    attempt = services.start_assignment(learner=learner, assignment=assignment, now=now)
    for item in attempt.items.all():
        save_answer(learner, item, None if right else wrong_tokens(item))
    if attempt.quiz_id:
        attempts.close_attempt(attempt_id=attempt.pk, now=now)
    for response in Response.objects.filter(item__attempt=attempt):
        pipeline.grade_response(response_id=response.pk)
    return attempt


@pytest.fixture
def class_work(cohort_a, student, classmate_a):
    topic = TopicFactory(slug="tinel-sign", name="Tinel's sign")
    first, second = make_question(title="Tibial branch"), make_question(title="Tinel")
    second.topics.add(topic)
    quiz = make_quiz([first, second], title="Week 1")
    case = make_case([[make_question(title="Case stage")]], title="Runner's heel")
    on_quiz = make_assignment(cohort=cohort_a, quiz=quiz)
    on_case = make_assignment(cohort=cohort_a, case=case)
    answer_all(student, on_quiz)
    answer_all(classmate_a, on_quiz, right=False)
    return on_quiz, on_case


def test_statuses_scores_and_histogram_per_assignment(cohort_a, class_work):
    board = dashboard.class_dashboard(cohort_a, now=timezone.now())
    quiz_summary, case_summary = board.summaries
    assert quiz_summary.counts[WorkStatus.SUBMITTED] == 2
    assert quiz_summary.histogram[9] == 1  # full marks
    assert quiz_summary.histogram[0] == 1  # none right
    assert quiz_summary.mean == 0.5
    assert case_summary.counts[WorkStatus.NOT_STARTED] == 2


def test_item_facility_in_the_cohort_beside_the_bank(cohort_a, class_work):
    outsider = UserFactory(username="outsider")  # answers right outside the cohort
    other_quiz_attempt, _ = attempts.start_quiz_attempt(learner=outsider, quiz=class_work[0].quiz)
    for item in other_quiz_attempt.items.all():
        save_answer(outsider, item)
    attempts.close_attempt(attempt_id=other_quiz_attempt.pk)
    for response in Response.objects.filter(item__attempt=other_quiz_attempt):
        pipeline.grade_response(response_id=response.pk)
    items = {row.title: row for row in dashboard.item_facility(cohort_a)}
    assert items["Tibial branch"].answers == 2
    assert items["Tibial branch"].facility == 0.5
    assert items["Tibial branch"].bank_facility == pytest.approx(2 / 3)


def test_topic_accuracy_and_mastery_of_the_cohort(cohort_a, class_work):
    board = dashboard.class_dashboard(cohort_a, now=timezone.now())
    tinel = next(t for t in board.topics if t.name == "Tinel's sign")
    assert tinel.answered == 2
    assert tinel.accuracy == 0.5
    assert tinel.mastery is not None
    assert 0 < tinel.mastery < 0.5  # one of two learners right, recall below 1


def test_at_risk_learners_come_with_their_reasons(cohort_a, student, classmate_a):
    now = timezone.now()
    quiz = make_quiz([make_question()])
    make_assignment(
        cohort=cohort_a,
        quiz=quiz,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
    )
    answer_all(student, make_assignment(cohort=cohort_a, quiz=quiz))
    board = dashboard.class_dashboard(cohort_a, now=now)
    reasons = {row.learner.username: row.reasons for row in board.at_risk}
    assert "missed 1 due date" in reasons["classmate_a"]
    assert any("mastery" in reason for reason in reasons["classmate_a"])


def test_the_dashboard_page_renders_for_the_educator(client, educator_a, cohort_a, class_work):
    client.force_login(educator_a)
    page = client.get(reverse("admin:cohorts_dashboard", args=[cohort_a.pk])).content.decode()
    assert "<svg" in page
    assert "Score distribution" in page
    assert "Ada Both" in page
    assert "Runner&#x27;s heel" in page or "Runner's heel" in page


def test_the_learner_drill_down_shows_their_attempts_and_answers(
    client, educator_a, cohort_a, class_work, student
):
    client.force_login(educator_a)
    url = reverse("admin:cohorts_learner", args=[cohort_a.pk, student.pk])
    page = client.get(url).content.decode()
    assert "Week 1" in page
    assert "Tibial branch" in page
    assert "correct" in page


def test_the_gradebook_csv_has_a_row_per_learner_and_writes_an_audit_row(
    client, educator_a, cohort_a, class_work
):
    client.force_login(educator_a)
    response = client.get(reverse("admin:cohorts_gradebook", args=[cohort_a.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["username", "name", "email", "Week 1: score %"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["student_ab"][3] == "100.0"
    assert by_name["student_ab"][5] == "no"
    assert by_name["classmate_a"][3] == "0.0"
    audit = AuditEvent.objects.get(action="export_gradebook")
    assert audit.actor == educator_a
    assert audit.object_id == str(cohort_a.pk)


def test_the_item_results_csv_lists_every_graded_answer(client, educator_a, cohort_a, class_work):
    client.force_login(educator_a)
    response = client.get(reverse("admin:cohorts_item_results", args=[cohort_a.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + 4  # two learners x two questions
    assert AuditEvent.objects.filter(action="export_item_results").exists()


def grow(cohort, quiz_assignment, size):
    learners = [UserFactory() for _ in range(size)]
    Membership.objects.bulk_create([Membership(cohort=cohort, learner=u) for u in learners])
    for learner in learners[: size // 2]:
        answer_all(learner, quiz_assignment)


@pytest.mark.parametrize("size", [2, 12])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    size, client, educator_a, cohort_a, class_work, django_assert_max_num_queries
):
    grow(cohort_a, class_work[0], size)
    client.force_login(educator_a)
    url = reverse("admin:cohorts_dashboard", args=[cohort_a.pk])
    with django_assert_max_num_queries(23):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_the_gradebook_runs_a_fixed_number_of_queries(
    size, client, educator_a, cohort_a, class_work, django_assert_max_num_queries
):
    grow(cohort_a, class_work[0], size)
    client.force_login(educator_a)
    url = reverse("admin:cohorts_gradebook", args=[cohort_a.pk])
    with django_assert_max_num_queries(9):
        response = client.get(url)
        b"".join(response.streaming_content)
