"""Review state through the services: cards and logs from grading, the queue, rescheduling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from django.core import mail
from django.utils import timezone

from quizzes import attempts, pipeline, tasks
from quizzes.models import (
    AttemptKind,
    AttemptStatus,
    CardState,
    EditKind,
    LearnerSettings,
    MasterySnapshot,
    Option,
    Question,
    ReviewCard,
    ReviewLog,
    ReviewRating,
    Status,
)
from quizzes.reviews import cards, days, learner_settings, progress, queue, reminders, scheduling
from quizzes.versioning import record_version
from tests.factories import TopicFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def answer(learner, item, *, right=True, confidence="", at=None, grade_at=None):
    """Submit an answer the way a client does, then grade it the way the worker does."""
    at = at or timezone.now()
    raw = key_tokens(item) if right else wrong_tokens(item)
    response = attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=raw,
        idempotency_key=new_key(),
        confidence=confidence,
        now=at,
    ).response
    return pipeline.grade_response(response_id=response.pk, now=grade_at or at)


def quiz_items(learner, questions, at=MONDAY):
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions), now=at)
    return {item.question_id: item for item in attempt.items.all()}


def set_limits(learner, *, new=20, cap=200):
    learner_settings.learner_settings_for(learner.pk)
    LearnerSettings.objects.filter(learner=learner).update(
        daily_new_limit=new, daily_review_cap=cap
    )


def drain(learner, now, *, right=True):
    """Answer every question the queue serves at `now`; the question ids, in order."""
    served = []
    while (item := queue.next_review_item(learner=learner, now=now)) is not None:
        served.append(item.question_id)
        answer(learner, item, right=right, at=now)
        assert len(served) < 500
    return served


# Recording reviews ------------------------------------------------------------------------


def test_graded_answer_creates_the_card_and_logs_the_rating_inputs(learner):
    question = make_question()
    item = quiz_items(learner, [question])[question.pk]
    response = answer(learner, item, confidence="unsure")
    card = ReviewCard.objects.get(learner=learner, question=question)
    log = ReviewLog.objects.get(response=response)
    assert (card.state, card.reps, card.generation) == (CardState.REVIEW, 1, 1)
    assert (log.rating, log.correct, log.score, log.confidence) == (2, True, 1.0, "unsure")
    assert (log.mapping_version, log.pass_mark, log.easy_enabled) == (1, 0.6, False)
    assert (log.state_before, log.state_after, log.due_after) == (
        CardState.NEW,
        CardState.REVIEW,
        card.due,
    )


def test_review_time_is_when_the_learner_submitted_not_when_graded(learner):
    question = make_question()
    item = quiz_items(learner, [question])[question.pk]
    answer(learner, item, at=MONDAY, grade_at=MONDAY + timedelta(hours=5))
    card = ReviewCard.objects.get()
    assert card.last_review == MONDAY
    assert card.due == MONDAY + timedelta(days=2)


def test_duplicate_grading_updates_the_card_exactly_once(learner):
    question = make_question()
    item = quiz_items(learner, [question])[question.pk]
    response = answer(learner, item)
    card = ReviewCard.objects.get()
    pipeline.grade_response(response_id=response.pk, now=MONDAY + timedelta(hours=1))
    again = ReviewCard.objects.get()
    assert ReviewLog.objects.count() == 1
    assert (again.reps, again.due, again.updated_at) == (1, card.due, card.updated_at)


def test_recording_a_response_twice_is_a_no_op(learner):
    question = make_question()
    item = quiz_items(learner, [question])[question.pk]
    response = answer(learner, item)
    assert cards.record_review(response) is None
    assert ReviewCard.objects.get().reps == 1


def test_grading_task_run_twice_writes_one_review(learner):
    question = make_question()
    item = quiz_items(learner, [question])[question.pk]
    response = attempts.submit_answer(
        learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
    ).response
    tasks.grade_response(response.pk)
    tasks.grade_response(response.pk)
    assert ReviewLog.objects.filter(response=response).count() == 1


def test_due_dates_follow_fsrs_through_the_services(learner, settings):
    questions = [make_question() for _ in range(3)]
    items = quiz_items(learner, questions)
    reference = fsrs.Scheduler(
        learning_steps=(), relearning_steps=(), maximum_interval=730, enable_fuzzing=False
    )
    for question, right in zip(questions, [True, False, True], strict=True):
        answer(learner, items[question.pk], right=right, at=MONDAY)
        card = ReviewCard.objects.get(question=question)
        rating = fsrs.Rating.Good if right else fsrs.Rating.Again
        theirs, _ = reference.review_card(
            fsrs.Card(card_id=card.pk, due=MONDAY), rating, review_datetime=MONDAY
        )
        assert (card.due, card.stability, card.difficulty) == (
            theirs.due,
            theirs.stability,
            theirs.difficulty,
        )


def test_answer_graded_after_a_later_one_is_placed_in_time_order(learner):
    question = make_question()
    early = quiz_items(learner, [question])[question.pk]
    early_response = attempts.submit_answer(
        learner=learner,
        item=early,
        raw_answer=wrong_tokens(early),
        idempotency_key=new_key(),
        now=MONDAY,
    ).response
    later = quiz_items(learner, [question], at=MONDAY + timedelta(days=3))[question.pk]
    answer(learner, later, at=MONDAY + timedelta(days=3))
    pipeline.grade_response(response_id=early_response.pk, now=MONDAY + timedelta(days=3, hours=1))
    card = ReviewCard.objects.get()
    expected = scheduling.replay(
        card_id=card.pk,
        reviews=[
            scheduling.PastReview(scheduling.Rating.Again, MONDAY, MONDAY.date()),
            scheduling.PastReview(
                scheduling.Rating.Good,
                MONDAY + timedelta(days=3),
                (MONDAY + timedelta(days=3)).date(),
            ),
        ],
        config=scheduling.SchedulerConfig(),
        start_due=MONDAY,
    )[-1].after
    assert (card.reps, card.due, card.stability, card.last_review) == (
        2,
        expected.due,
        expected.stability,
        MONDAY + timedelta(days=3),
    )


def test_major_edit_restarts_the_card(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], at=MONDAY)
    Option.objects.filter(question=question, text="Sural nerve").update(is_correct=True)
    Option.objects.filter(question=question, text="Tibial nerve").update(is_correct=False)
    record_version(question=question, edit_kind=EditKind.MAJOR)
    question.refresh_from_db()
    later = MONDAY + timedelta(days=2)
    answer(learner, quiz_items(learner, [question], at=later)[question.pk], at=later)
    card = ReviewCard.objects.get()
    log = ReviewLog.objects.latest("reviewed_at")
    assert (card.generation, card.reps, log.state_before, log.generation) == (
        2,
        1,
        CardState.NEW,
        2,
    )


def test_minor_edit_keeps_the_card(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], at=MONDAY)
    Option.objects.filter(question=question, text="Sural nerve").update(feedback="Reworded.")
    record_version(question=question, edit_kind=EditKind.MINOR)
    later = MONDAY + timedelta(days=2)
    answer(learner, quiz_items(learner, [question], at=later)[question.pk], at=later)
    card = ReviewCard.objects.get()
    assert (card.generation, card.reps) == (1, 2)


def test_lapse_is_counted_when_a_learned_card_is_forgotten(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], at=MONDAY)
    later = MONDAY + timedelta(days=2)
    answer(learner, quiz_items(learner, [question], at=later)[question.pk], right=False, at=later)
    assert ReviewCard.objects.get().lapses == 1


# The queue --------------------------------------------------------------------------------


def test_wrong_quiz_answer_enters_the_queue_the_next_day(learner):
    right, wrong = make_question(), make_question()
    items = quiz_items(learner, [right, wrong])
    answer(learner, items[right.pk], at=MONDAY)
    answer(learner, items[wrong.pk], right=False, at=MONDAY)
    set_limits(learner, new=0)
    assert queue.next_review_item(learner=learner, now=MONDAY + timedelta(hours=1)) is None
    item = queue.next_review_item(learner=learner, now=MONDAY + timedelta(days=1))
    assert item is not None
    assert item.question_id == wrong.pk
    assert (item.attempt.kind, item.attempt.mode, item.attempt.quiz) == (
        AttemptKind.REVIEW,
        "tutor",
        None,
    )


def test_queue_never_serves_a_card_that_is_not_due(learner):
    questions = [make_question() for _ in range(4)]
    items = quiz_items(learner, questions)
    for question in questions:
        answer(learner, items[question.pk], at=MONDAY)
    set_limits(learner, new=0)
    for hours in range(0, 24, 3):
        assert queue.next_review_item(learner=learner, now=MONDAY + timedelta(hours=hours)) is None
    assert queue.due_count(learner=learner, now=MONDAY + timedelta(hours=23)) == 0


def test_queue_serves_the_most_overdue_first(learner):
    first, second = make_question(), make_question()
    items = quiz_items(learner, [second, first])
    answer(learner, items[first.pk], right=False, at=MONDAY)
    answer(learner, items[second.pk], right=False, at=MONDAY + timedelta(days=1))
    set_limits(learner, new=0)
    assert drain(learner, MONDAY + timedelta(days=3)) == [first.pk, second.pk]


def test_queue_interleaves_topics(learner):
    anatomy, treatment = TopicFactory(slug="anatomy"), TopicFactory(slug="treatment")
    a1, a2, t1 = make_question(), make_question(), make_question()
    for question, topic in ((a1, anatomy), (a2, anatomy), (t1, treatment)):
        question.topics.add(topic)
    items = quiz_items(learner, [a1, a2, t1])
    for offset, question in enumerate((a1, a2, t1)):
        answer(learner, items[question.pk], right=False, at=MONDAY + timedelta(minutes=offset))
    set_limits(learner, new=0)
    assert drain(learner, MONDAY + timedelta(days=1)) == [a1.pk, t1.pk, a2.pk]


def test_daily_new_limit_holds(learner):
    for _ in range(5):
        make_question()
    set_limits(learner, new=2)
    assert len(drain(learner, MONDAY)) == 2
    assert len(drain(learner, MONDAY + timedelta(hours=10))) == 0
    assert len(drain(learner, MONDAY + timedelta(days=1))) == 2


def test_daily_review_cap_holds(learner):
    questions = [make_question() for _ in range(5)]
    items = quiz_items(learner, questions)
    for question in questions:
        answer(learner, items[question.pk], right=False, at=MONDAY)
    set_limits(learner, new=0, cap=3)
    tuesday = MONDAY + timedelta(days=1)
    assert len(drain(learner, tuesday)) == 3
    assert queue.due_count(learner=learner, now=tuesday) == 2
    assert len(drain(learner, tuesday + timedelta(days=1))) == 2


def test_due_reviews_come_before_new_questions(learner):
    old = make_question()
    answer(learner, quiz_items(learner, [old])[old.pk], right=False, at=MONDAY)
    new = make_question()
    assert drain(learner, MONDAY + timedelta(days=1)) == [old.pk, new.pk]


def test_unanswered_item_is_served_again_not_a_second_one(learner):
    make_question()
    make_question()
    first = queue.next_review_item(learner=learner, now=MONDAY)
    assert first is not None
    again = queue.next_review_item(learner=learner, now=MONDAY + timedelta(minutes=1))
    assert again is not None
    assert again.pk == first.pk
    assert first.attempt.items.count() == 1


def test_new_question_served_but_unanswered_counts_once_against_the_limit(learner):
    make_question()
    make_question()
    set_limits(learner, new=1)
    queue.next_review_item(learner=learner, now=MONDAY)
    queue.next_review_item(learner=learner, now=MONDAY + timedelta(minutes=5))
    assert queue.today_counts(learner=learner, day=days.review_day(MONDAY)).new == 1


def test_one_review_attempt_per_day(learner):
    for _ in range(2):
        make_question()
    set_limits(learner, new=1)
    monday_item = queue.next_review_item(learner=learner, now=MONDAY)
    assert monday_item is not None
    answer(learner, monday_item, at=MONDAY)
    tuesday_item = queue.next_review_item(learner=learner, now=MONDAY + timedelta(days=1))
    assert tuesday_item is not None
    monday_item.attempt.refresh_from_db()
    assert monday_item.attempt.status == AttemptStatus.SUBMITTED
    assert tuesday_item.attempt_id != monday_item.attempt_id


def test_question_of_an_open_exam_is_not_served(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], right=False, at=MONDAY)
    start_quiz(
        learner=learner,
        quiz=make_quiz([question], mode="exam", time_limit_minutes=600),
        now=MONDAY + timedelta(days=1),
    )
    set_limits(learner, new=0)
    assert (
        queue.next_review_item(learner=learner, now=MONDAY + timedelta(days=1, minutes=1)) is None
    )


def test_answer_waiting_for_grading_is_not_served_again(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], right=False, at=MONDAY)
    tuesday = MONDAY + timedelta(days=1)
    item = queue.next_review_item(learner=learner, now=tuesday)
    assert item is not None
    attempts.submit_answer(
        learner=learner,
        item=item,
        raw_answer=key_tokens(item),
        idempotency_key=new_key(),
        now=tuesday,
    )
    set_limits(learner, new=0)
    assert queue.next_review_item(learner=learner, now=tuesday + timedelta(minutes=1)) is None


def test_unpublished_question_leaves_the_queue(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], right=False, at=MONDAY)
    Question.objects.filter(pk=question.pk).update(status=Status.DRAFT)
    assert queue.next_review_item(learner=learner, now=MONDAY + timedelta(days=1)) is None


def test_a_student_sees_the_right_questions_come_back_on_the_right_days(learner, time_machine):
    """Monday: a quiz (right and sure, wrong, right by a guess). Then the learner drains the
    queue every morning, answering correctly; each day brings back exactly the cards due."""
    time_machine.move_to(MONDAY, tick=False)
    sure, wrong, guessed = (make_question() for _ in range(3))
    items = quiz_items(learner, [sure, wrong, guessed])
    answer(learner, items[sure.pk], confidence="sure")
    answer(learner, items[wrong.pk], right=False)
    answer(learner, items[guessed.pk], confidence="guess")
    set_limits(learner, new=0)

    time_machine.move_to(MONDAY + timedelta(hours=8), tick=False)
    assert drain(learner, timezone.now()) == []
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)
    assert sorted(drain(learner, timezone.now())) == sorted([wrong.pk, guessed.pk])
    time_machine.move_to(MONDAY + timedelta(days=2), tick=False)
    assert drain(learner, timezone.now()) == [sure.pk]

    # From then on, every day serves exactly the cards whose due day has come.
    for day in range(3, 90):
        time_machine.move_to(MONDAY + timedelta(days=day, hours=7), tick=False)
        now = timezone.now()
        expected = set(
            ReviewCard.objects.filter(due__date__lte=now.date()).values_list(
                "question_id", flat=True
            )
        )
        assert set(drain(learner, now)) == expected
    assert ReviewLog.objects.filter(reviewed_at__gt=MONDAY + timedelta(days=3)).exists()
    # Each interval stayed in the fuzz range of FSRS's own interval.
    for log in ReviewLog.objects.exclude(interval_days=None):
        assert log.interval_days is not None
        low, high = scheduling.fuzz_range(log.interval_days, maximum_interval_days=730)
        assert low <= (log.due_after - log.reviewed_at).days <= high


def test_review_queue_status_counts_what_is_due_and_left(learner):
    questions = [make_question() for _ in range(3)]
    items = quiz_items(learner, questions)
    for question in questions[:2]:
        answer(learner, items[question.pk], right=False, at=MONDAY)
    set_limits(learner, new=5, cap=1)
    tuesday = MONDAY + timedelta(days=1)
    answer(learner, queue.next_review_item(learner=learner, now=tuesday), at=tuesday)
    status = queue.queue_status(learner=learner, now=tuesday)
    assert (status.due, status.reviews_today, status.reviews_left, status.new_left) == (1, 1, 0, 5)
    assert not status.waiting


# Rescheduling -----------------------------------------------------------------------------


def make_review_cards(learner, count):
    questions = Question.objects.bulk_create(
        [
            Question(title=f"Q{n}", type="single", stem="?", status=Status.PUBLISHED)
            for n in range(count)
        ]
    )
    cards = []
    for index, question in enumerate(questions):
        last = MONDAY - timedelta(days=index % 40)
        cards.append(
            ReviewCard(
                learner=learner, question=question, state=CardState.REVIEW, stability=5.0 + index % 60, difficulty=5.0,
                due=last + timedelta(days=5 + index % 60), last_review=last, reps=3, desired_retention=0.9,
            )
        )  # fmt: skip
    return ReviewCard.objects.bulk_create(cards)


def test_rescheduling_runs_in_bulk_batches(learner, django_assert_max_num_queries):
    make_review_cards(learner, 3000)
    learner_settings.learner_settings_for(learner.pk)
    LearnerSettings.objects.filter(learner=learner).update(desired_retention=0.8)
    before = dict(ReviewCard.objects.values_list("pk", "due"))
    with django_assert_max_num_queries(40):  # 3000 cards: not one query per card
        moved = cards.reschedule_cards(learner_id=learner.pk, batch_size=1000)
    assert moved == 3000
    after = dict(ReviewCard.objects.values_list("pk", "due"))
    assert sum(after[pk] > before[pk] for pk in before) > 2500  # lower retention: later reviews
    assert set(ReviewCard.objects.values_list("desired_retention", flat=True)) == {0.8}


def test_rescheduling_twice_moves_nothing_the_second_time(learner):
    make_review_cards(learner, 50)
    learner_settings.learner_settings_for(learner.pk)
    LearnerSettings.objects.filter(learner=learner).update(desired_retention=0.95)
    cards.reschedule_cards(learner_id=learner.pk)
    dues = dict(ReviewCard.objects.values_list("pk", "due"))
    assert cards.reschedule_cards(learner_id=learner.pk) == 0
    assert dict(ReviewCard.objects.values_list("pk", "due")) == dues


def test_rescheduled_due_dates_are_the_fsrs_interval_from_the_last_review(learner):
    [card] = make_review_cards(learner, 1)
    learner_settings.learner_settings_for(learner.pk)
    LearnerSettings.objects.filter(learner=learner).update(desired_retention=0.95)
    cards.reschedule_cards(learner_id=learner.pk)
    card.refresh_from_db()
    interval = scheduling.next_interval_days(
        card.stability, desired_retention=0.95, maximum_interval_days=730
    )
    low, high = scheduling.fuzz_range(interval, maximum_interval_days=730)
    assert low <= (card.due - card.last_review).days <= high


def test_changing_retention_enqueues_rescheduling_after_commit(
    learner, django_capture_on_commit_callbacks, sent_tasks
):
    queued = sent_tasks
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        learner_settings.update_learner_settings(
            learner=learner,
            desired_retention=0.85,
            daily_new_limit=10,
            daily_review_cap=100,
            review_emails=True,
        )
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [("quizzes.tasks.reschedule_learner_cards", [learner.pk])]


def test_unchanged_retention_enqueues_nothing(learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        learner_settings.update_learner_settings(
            learner=learner,
            desired_retention=0.9,
            daily_new_limit=5,
            daily_review_cap=100,
            review_emails=False,
        )
    assert callbacks == []


def test_retention_outside_the_range_is_refused_by_the_database(learner):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        learner_settings.update_learner_settings(
            learner=learner,
            desired_retention=0.99,
            daily_new_limit=5,
            daily_review_cap=100,
            review_emails=True,
        )


# Reminders and snapshots ------------------------------------------------------------------


def make_due(learner):
    question = make_question()
    answer(learner, quiz_items(learner, [question])[question.pk], right=False, at=MONDAY)


def test_reminder_is_sent_once_a_day(learner):
    make_due(learner)
    tuesday = MONDAY + timedelta(days=1)
    assert reminders.learners_to_remind(now=tuesday) == [learner.pk]
    assert reminders.send_review_reminder(learner_id=learner.pk, now=tuesday)
    assert not reminders.send_review_reminder(
        learner_id=learner.pk, now=tuesday + timedelta(hours=1)
    )
    assert len(mail.outbox) == 1
    assert "1 review" in mail.outbox[0].subject
    assert reminders.learners_to_remind(now=tuesday) == []


def test_learner_who_opted_out_gets_no_reminder(learner):
    make_due(learner)
    learner_settings.update_learner_settings(
        learner=learner,
        desired_retention=0.9,
        daily_new_limit=5,
        daily_review_cap=100,
        review_emails=False,
    )
    tuesday = MONDAY + timedelta(days=1)
    assert reminders.learners_to_remind(now=tuesday) == []
    assert not reminders.send_review_reminder(learner_id=learner.pk, now=tuesday)
    assert mail.outbox == []


def test_reminder_task_fans_out_one_task_per_learner(
    learner, other_learner, time_machine, django_capture_on_commit_callbacks, sent_tasks
):
    make_due(learner)
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_review_reminders() == 1
    assert sent_tasks == [("quizzes.tasks.send_review_reminder", [learner.pk])]


def test_mastery_snapshot_is_written_once_per_day(learner):
    topic = TopicFactory(slug="anatomy")
    question = make_question()
    question.topics.add(topic)
    answer(learner, quiz_items(learner, [question])[question.pk], at=MONDAY)
    progress.snapshot_mastery(learner_id=learner.pk, now=MONDAY + timedelta(hours=12))
    progress.snapshot_mastery(learner_id=learner.pk, now=MONDAY + timedelta(hours=13))
    snapshot = MasterySnapshot.objects.get()
    assert (snapshot.topic, snapshot.date, snapshot.cards, snapshot.accuracy) == (
        topic,
        MONDAY.date(),
        1,
        1.0,
    )
    # The recall a week after the day's review, for the topic's only question.
    assert 0.5 < snapshot.mastery < 0.95


def test_snapshot_task_fans_out_per_learner_with_cards(
    learner, other_learner, django_capture_on_commit_callbacks, sent_tasks
):
    make_due(learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.snapshot_mastery() == 1
    assert sent_tasks == [("quizzes.tasks.snapshot_learner_mastery", [learner.pk])]


def test_a_partly_right_differential_is_reviewed_as_hard_not_good(learner):
    question = make_question("ranking")  # rank 2: the leading and one must-not-miss diagnosis
    Option.objects.filter(question=question, text="Plantar fasciitis").update(rank=3)
    question.rank_count = 3
    question.save()
    record_version(question=question)
    item = quiz_items(learner, [question])[question.pk]
    choices = {text: token for token, text in choice_tokens(item).items()}
    ranking = [
        choices["Medial calcaneal nerve entrapment"],
        choices["Calcaneal stress fracture"],
        choices["Gout"],
    ]
    saved = attempts.submit_answer(
        learner=learner, item=item, raw_answer={"ranking": ranking}, idempotency_key=new_key()
    )
    graded = pipeline.grade_response(response_id=saved.response.pk)
    assert graded is not None
    assert (graded.score, graded.correct) == (0.9, False)
    assert ReviewLog.objects.get().rating == ReviewRating.HARD


def choice_tokens(item) -> dict[str, str]:
    texts = {c["id"]: c["text"] for c in item.version.content["choices"]}
    return {token: texts[part] for token, part in item.presentation["choices"]}
