"""Progress selectors: mastery, accuracy, forecast, true retention, streak, history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quizzes import attempts, pipeline
from quizzes.models import CardState, MasterySnapshot, Question, ReviewCard, ReviewLog, Status
from quizzes.reviews import progress, scheduling
from tests.factories import TopicFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)  # a Thursday
MONDAY = datetime(2026, 3, 9, tzinfo=UTC)


def answer(learner, item, *, right=True, confidence="", at=NOW):
    raw = key_tokens(item) if right else wrong_tokens(item)
    response = attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=raw,
        idempotency_key=new_key(),
        confidence=confidence,
        now=at,
    ).response
    return pipeline.grade_response(response_id=response.pk, now=at)


def answer_quiz(learner, questions, rights, at=NOW):
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions), now=at)
    items = {item.question_id: item for item in attempt.items.all()}
    for question, right in zip(questions, rights, strict=True):
        answer(learner, items[question.pk], right=right, at=at)
    return attempt


def card(learner, topic=None, *, stability, days_ago, state=CardState.REVIEW):
    question = make_question()
    if topic is not None:
        question.topics.add(topic)
    last = NOW - timedelta(days=days_ago, hours=2)
    return ReviewCard.objects.create(
        learner=learner,
        question=question,
        state=state,
        stability=stability,
        difficulty=5.0,
        due=last + timedelta(days=stability),
        last_review=last,
        reps=2,
    )


def test_topic_mastery_is_recall_in_seven_days_over_all_the_topics_questions(learner):
    topic = TopicFactory(slug="anatomy")
    cards = [
        card(learner, topic, stability=s, days_ago=d)
        for s, d in [(3.0, 10), (20.0, 5), (1.5, 0), (100.0, 400)]
    ]
    for _ in range(2):  # never met: they count as not learned
        make_question().topics.add(topic)
    in_a_week = NOW + timedelta(days=7)
    expected = (
        sum(
            scheduling.retrievability(
                stability=c.stability, last_review=c.last_review, now=in_a_week
            )
            for c in cards
        )
        / 6
    )
    [row] = progress.topic_mastery(learner_id=learner.pk, now=NOW)
    assert (row.name, row.cards, row.questions) == ("Anatomy", 4, 6)
    assert row.mastery == pytest.approx(expected, rel=1e-9)


def test_a_topic_answered_at_twenty_percent_is_neither_mastered_nor_the_strongest(learner):
    from quizzes.reviews import charts

    weak, other = TopicFactory(slug="anatomy"), TopicFactory(slug="treatment")
    questions = [make_question() for _ in range(5)]
    for question in questions:
        question.topics.add(weak)
    make_question().topics.add(other)
    answer_quiz(learner, questions, [True, False, False, False, False])
    rows = {row.name: row for row in progress.topic_mastery(learner_id=learner.pk, now=NOW)}
    anatomy = rows["Anatomy"]
    assert anatomy.accuracy == 0.2
    assert anatomy.mastery is not None
    assert anatomy.mastery < 0.4
    assert not anatomy.strong
    assert not anatomy.mastered
    summary = charts.topic_summary(list(rows.values()))
    assert "strongest" not in summary
    assert "No topic is strong yet" in summary


def test_a_question_whose_latest_answer_was_wrong_counts_as_not_learned(learner):
    topic = TopicFactory(slug="anatomy")
    question = make_question()
    question.topics.add(topic)
    answer_quiz(learner, [question], [False])
    [row] = progress.topic_mastery(learner_id=learner.pk, now=NOW)
    assert (row.cards, row.mastery) == (1, 0.0)


def test_the_day_after_a_right_answer_mastery_is_not_100_percent(learner):
    topic = TopicFactory(slug="anatomy")
    question = make_question()
    question.topics.add(topic)
    answer_quiz(learner, [question], [True])
    [row] = progress.topic_mastery(learner_id=learner.pk, now=NOW + timedelta(days=1))
    assert row.mastery is not None
    assert 0.3 < row.mastery < 0.95


def test_topic_accuracy_is_the_share_of_correct_answers(learner):
    topic = TopicFactory(slug="treatment")
    questions = [make_question() for _ in range(4)]
    for question in questions:
        question.topics.add(topic)
    answer_quiz(learner, questions, [True, True, True, False])
    [row] = progress.topic_mastery(learner_id=learner.pk, now=NOW)
    assert (row.answered, row.accuracy) == (4, 0.75)


def test_untagged_questions_are_grouped_last(learner):
    TopicFactory(slug="anatomy")
    card(learner, TopicFactory(slug="zeta"), stability=5.0, days_ago=1)
    card(learner, None, stability=5.0, days_ago=1)
    names = [row.name for row in progress.topic_mastery(learner_id=learner.pk, now=NOW)]
    assert names == ["Zeta", "Other questions"]


def test_mastery_ignores_other_learners_and_unpublished_questions(learner, other_learner):
    topic = TopicFactory(slug="anatomy")
    card(learner, topic, stability=10.0, days_ago=1)
    card(other_learner, topic, stability=1.0, days_ago=30)
    hidden = card(learner, topic, stability=1.0, days_ago=30)
    Question.objects.filter(pk=hidden.question_id).update(status=Status.DRAFT)
    [row] = progress.topic_mastery(learner_id=learner.pk, now=NOW)
    assert row.cards == 1


def test_forecast_counts_overdue_reviews_today(learner):
    card(learner, stability=2.0, days_ago=5)  # overdue by three days
    card(learner, stability=3.0, days_ago=0)  # due in three days
    card(learner, stability=90.0, days_ago=0)  # beyond the window
    forecast = progress.due_forecast(learner_id=learner.pk, now=NOW)
    assert len(forecast) == 30
    assert forecast[0] == progress.DayCount(day=NOW.date(), count=1)
    assert forecast[3].count == 1
    assert sum(day.count for day in forecast) == 2


def test_true_retention_counts_only_due_reviews(learner):
    question = make_question()
    answer_quiz(
        learner, [question], [True], at=MONDAY - timedelta(days=14)
    )  # new: not a due review
    card_row = ReviewCard.objects.get()
    due_day = card_row.due
    answer_quiz(learner, [question], [False], at=due_day + timedelta(hours=1))  # due: forgotten
    relearned = ReviewCard.objects.get().due
    answer_quiz(learner, [question], [True], at=relearned + timedelta(hours=1))  # due: recalled
    weeks = progress.retention_by_week(
        learner_id=learner.pk, now=NOW + timedelta(days=30), desired_retention=0.9
    )
    assert sum(w.total for w in weeks) == 2
    assert sum(w.hits for w in weeks) == 1
    assert ReviewLog.objects.filter(due_review=False).count() == 1


def test_retention_weeks_carry_the_desired_retention(learner):
    weeks = progress.retention_by_week(learner_id=learner.pk, now=NOW, desired_retention=0.85)
    assert len(weeks) == 12
    assert weeks[-1].week == date(2026, 3, 9)
    assert {w.target for w in weeks} == {0.85}
    assert weeks[-1].rate is None


def test_accuracy_by_week(learner):
    questions = [make_question() for _ in range(3)]
    answer_quiz(learner, questions, [True, False, True], at=NOW)
    weeks = progress.accuracy_by_week(learner_id=learner.pk, now=NOW)
    assert (weeks[-1].total, weeks[-1].hits) == (3, 2)
    assert weeks[-2].total == 0


@pytest.mark.parametrize(
    ("offsets", "current", "longest", "today"),
    [
        ([], 0, 0, False),
        ([0], 1, 1, True),
        ([1, 2, 3], 3, 3, False),
        ([0, 1, 2, 5, 6, 7, 8], 3, 4, True),
        ([2, 3], 0, 2, False),
    ],
)
def test_streak_from_study_days(offsets, current, longest, today):
    day = date(2026, 3, 12)
    streak = progress.streak_from_days({day - timedelta(days=o) for o in offsets}, today=day)
    assert (streak.current, streak.longest, streak.studied_today) == (current, longest, today)


def test_streak_counts_days_with_answers(learner):
    for days_ago in (0, 1, 2, 4):
        answer_quiz(learner, [make_question()], [True], at=NOW - timedelta(days=days_ago))
    streak = progress.streak(learner_id=learner.pk, now=NOW)
    assert (streak.current, streak.longest) == (3, 3)


def test_attempt_history_counts_answers(learner, other_learner):
    attempt = answer_quiz(learner, [make_question(), make_question()], [True, False])
    answer_quiz(other_learner, [make_question()], [True])
    [row] = progress.attempt_history(learner_id=learner.pk)
    assert (row.pk, row.questions, row.answered, row.correct_count) == (attempt.pk, 2, 2, 1)


def test_mastery_trend_averages_topics_per_day(learner):
    topics = [TopicFactory(slug="a"), TopicFactory(slug="b")]
    for offset in range(3):
        for topic, mastery in zip(topics, (0.5, 0.7), strict=True):
            MasterySnapshot.objects.create(
                learner=learner,
                topic=topic,
                date=NOW.date() - timedelta(days=offset),
                mastery=mastery + offset / 10,
            )
    trend = progress.mastery_trend(learner_id=learner.pk, now=NOW)
    assert [point.count for point in trend] == [80, 70, 60]


def test_dashboard_runs_a_fixed_number_of_queries(learner, django_assert_max_num_queries):
    topic = TopicFactory(slug="anatomy")
    questions = [make_question() for _ in range(12)]
    for question in questions:
        question.topics.add(topic)
    for index in range(3):
        answer_quiz(
            learner,
            questions[index * 4 : index * 4 + 4],
            [True, False, True, True],
            at=NOW - timedelta(days=index * 9),
        )
    progress.snapshot_mastery(learner_id=learner.pk, now=NOW)
    # 13: one counts true retention and transfer (knowledge_rates), one reads the learner's FSRS
    # parameters for mastery.
    with django_assert_max_num_queries(13):
        data = progress.dashboard(learner_id=learner.pk, now=NOW)
    assert data.cards == 12
    assert len(data.history) == 3
