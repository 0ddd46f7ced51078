"""The exam plan: its pace covers the chosen topics before the date on a simulated calendar, the
retention rises towards it, and the workload preview simulates each retention choice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from quizzes.models import ExamPlan, ReviewCard, ReviewLog
from quizzes.reviews import planning, queue
from tests.factories import TopicFactory, make_question
from tests.quizzes.test_review import answer, set_limits

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_retention_rises_in_a_line_to_the_target_on_the_day_before_the_exam():
    start, exam = date(2026, 3, 1), date(2026, 3, 11)
    on = [
        planning.retention_on(
            day=start + timedelta(days=d), base=0.9, target=0.95, starts_on=start, exam_date=exam
        )
        for d in range(11)
    ]
    assert on[0] == 0.9
    assert on[5] == pytest.approx(0.9 + 0.05 * 5 / 9, abs=1e-4)
    assert on[9] == on[10] == 0.95
    assert on == sorted(on)
    # A target below the learner's own retention never lowers it.
    assert (
        planning.retention_on(day=start, base=0.9, target=0.85, starts_on=start, exam_date=exam)
        == 0.9
    )


def test_the_pace_spreads_what_is_left_over_the_days_before_the_exam():
    assert (
        planning.new_pace(not_introduced=10, day=date(2026, 3, 1), exam_date=date(2026, 3, 5)) == 3
    )
    assert (
        planning.new_pace(not_introduced=10, day=date(2026, 3, 4), exam_date=date(2026, 3, 5)) == 10
    )
    assert planning.new_within_budget(daily_minutes=10, reviews=4) == 3  # 600 s - 240 s, 120 s each


def in_topic(topic):
    question = make_question()
    question.topics.add(topic)
    return question


@pytest.fixture
def bank():
    cardiology, renal, other = TopicFactory(), TopicFactory(), TopicFactory()
    return {
        "cardiology": [in_topic(cardiology) for _ in range(7)],
        "renal": [in_topic(renal) for _ in range(4)],
        "other": [in_topic(other) for _ in range(5)],
        "topics": (cardiology, renal, other),
    }


def test_the_plan_introduces_every_chosen_topic_before_the_exam_day(learner, bank):
    cardiology, renal, _other = bank["topics"]
    set_limits(learner, new=1)  # the learner's own limit would take 11 days
    exam_date = (START + timedelta(days=4)).date()
    with time_machine.travel(START, tick=False):
        planning.set_exam_plan(
            learner=learner,
            exam_date=exam_date,
            topic_ids=[cardiology.pk, renal.pk],
            daily_minutes=60,
            target_retention=0.95,
            today=timezone.localdate(),
        )
    new_per_day = []
    for offset in range(4):  # the four days before the exam
        with time_machine.travel(START + timedelta(days=offset), tick=False):
            now = timezone.now()
            introduced_before = ReviewCard.objects.filter(
                learner=learner, introduced_at__isnull=False
            ).count()
            while (item := queue.next_review_item(learner=learner, now=now)) is not None:
                answer(learner, item, right=True, at=now)
            new_per_day.append(
                ReviewCard.objects.filter(learner=learner, introduced_at__isnull=False).count()
                - introduced_before
            )

    chosen = {q.pk for q in bank["cardiology"] + bank["renal"]}
    met = set(
        ReviewCard.objects.filter(learner=learner)
        .exclude(state=0)
        .values_list("question_id", flat=True)
    )
    assert met == chosen  # every chosen question, none of the other topic
    assert new_per_day == [3, 3, 3, 2]  # ceil(11/4), ceil(8/3), ceil(5/2), 2
    # Retention rose from the learner's 90% towards 95% on the day before the exam.
    first_day = ReviewLog.objects.filter(learner=learner, reviewed_at__date=START.date())
    last_day = ReviewLog.objects.filter(
        learner=learner, reviewed_at__date=exam_date - timedelta(days=1)
    )
    assert set(first_day.values_list("desired_retention", flat=True)) == {0.9}
    assert set(last_day.values_list("desired_retention", flat=True)) == {0.95}


def test_a_time_budget_caps_the_new_questions_of_a_day(learner, bank):
    cardiology, _renal, _other = bank["topics"]
    with time_machine.travel(START, tick=False):
        planning.set_exam_plan(
            learner=learner,
            exam_date=(START + timedelta(days=2)).date(),
            topic_ids=[cardiology.pk],
            daily_minutes=5,  # two new questions of 2 minutes each
            target_retention=0.9,
            today=timezone.localdate(),
        )
        status = queue.queue_status(learner=learner, now=timezone.now())
    assert status.new_limit == 2  # the pace would be 4


def test_the_preview_simulates_each_retention_choice(learner, bank):
    cardiology, renal, _other = bank["topics"]
    workloads = planning.preview(
        learner=learner,
        exam_date=date(2026, 4, 1),
        topic_ids=[cardiology.pk, renal.pk],
        daily_minutes=60,
        today=date(2026, 3, 2),
    )

    assert [w.target_retention for w in workloads] == list(planning.RETENTION_CHOICES)
    for workload in workloads:
        assert len(workload.reviews) == len(workload.days) == 30
        assert workload.covers_all
        assert workload.questions == 11
        assert sum(workload.new) == 11
    # More retention asked: more reviews, more remembered on the day.
    assert workloads[0].exam_retention < workloads[2].exam_retention
    assert sum(workloads[0].reviews) < sum(workloads[2].reviews)


def test_the_plan_page_previews_then_saves(learner, client, bank):
    cardiology, renal, _other = bank["topics"]
    client.force_login(learner)
    exam = (timezone.localdate() + timedelta(days=30)).isoformat()
    form = {
        "exam_date": exam,
        "topics": [cardiology.pk, renal.pk],
        "daily_minutes": 30,
        "target_retention": "0.96",
    }

    page = client.post(reverse("exam-plan"), form | {"action": "preview"}).content.decode()
    assert "<svg" in page
    assert "Expected recall on the exam day" in page
    assert not ExamPlan.objects.exists()

    client.post(reverse("exam-plan"), form | {"action": "save"})
    plan = ExamPlan.objects.get(learner=learner)
    assert plan.target_retention == 0.96
    assert set(plan.topics.all()) == {cardiology, renal}

    past = client.post(reverse("exam-plan"), form | {"exam_date": "2020-01-01", "action": "save"})
    assert "Choose a date after today." in past.content.decode()


def test_the_daily_job_moves_cards_up_the_retention_ramp(learner, bank):
    from quizzes import tasks
    from quizzes.models import OutboxMessage
    from tests.quizzes.test_review import quiz_items

    cardiology, _renal, _other = bank["topics"]
    questions = bank["cardiology"][:3]
    items = quiz_items(learner, questions, at=START)
    for question in questions:
        answer(learner, items[question.pk], right=True, at=START)
    dues = dict(ReviewCard.objects.filter(learner=learner).values_list("pk", "due"))
    with time_machine.travel(START, tick=False):
        planning.set_exam_plan(
            learner=learner,
            exam_date=(START + timedelta(days=10)).date(),
            topic_ids=[cardiology.pk],
            daily_minutes=60,
            target_retention=0.96,
            today=timezone.localdate(),
        )
    with time_machine.travel(START + timedelta(days=9), tick=False):  # the day before the exam
        assert tasks.reschedule_exam_plans() == 1
        assert OutboxMessage.objects.filter(
            task_name="quizzes.tasks.reschedule_learner_cards", args=[learner.pk]
        ).exists()
        assert tasks.reschedule_learner_cards(learner.pk) == 3

    for card in ReviewCard.objects.filter(learner=learner):
        assert card.desired_retention == 0.96
        assert card.due < dues[card.pk]  # higher retention: an earlier review


def test_the_plan_page_runs_a_fixed_number_of_queries(
    learner, client, bank, django_assert_max_num_queries
):
    cardiology, renal, _other = bank["topics"]
    planning.set_exam_plan(
        learner=learner,
        exam_date=timezone.localdate() + timedelta(days=20),
        topic_ids=[cardiology.pk, renal.pk],
        daily_minutes=30,
        target_retention=0.93,
        today=timezone.localdate(),
    )
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("exam-plan")).status_code == 200
