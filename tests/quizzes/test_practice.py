"""Created tests: the learner's pools, drawing and starting a test, and taking it like any other."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import attempts, authoring, pipeline
from quizzes.models import (
    AttemptItem,
    AttemptKind,
    EditKind,
    ExamAccommodation,
    Option,
    PracticePool,
    PracticeTest,
    QuizMode,
    ReviewCard,
    Status,
)
from quizzes.practice.builder import NothingToDraw, TestRequest, build_test
from quizzes.practice.pools import pool_candidates, topic_pools
from quizzes.reviews import progress
from tests.factories import TopicFactory, UserFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import answer_and_grade, key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)


def questions_in(topic, n, **fields):
    made = []
    for _ in range(n):
        question = make_question(**fields)
        question.topics.add(topic)
        made.append(question)
    return made


def answer(learner, item, *, right, confidence="", at=NOW):
    return answer_and_grade(learner, item, right=right, confidence=confidence, at=at)


def answer_questions(learner, questions, *, right, at=NOW):
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions), now=at)
    for item in attempt.items.all():
        answer(learner, item, right=right, at=at)
    return attempt


def pool_ids(learner, topic, pool):
    return set(pool_candidates(learner=learner, topic_ids=[topic.pk], pool=pool)[topic.pk])


# --- Pools -------------------------------------------------------------------------------------


def test_unused_holds_only_questions_never_answered(learner):
    topic = TopicFactory()
    answered, fresh = questions_in(topic, 2)
    answer_questions(learner, [answered], right=True)
    assert pool_ids(learner, topic, PracticePool.UNUSED) == {fresh.pk}


def test_a_question_the_review_queue_only_introduced_is_still_unused(learner):
    topic = TopicFactory()
    [question] = questions_in(topic, 1)
    ReviewCard.objects.create(learner=learner, question=question, due=NOW, introduced_at=NOW)
    assert pool_ids(learner, topic, PracticePool.UNUSED) == {question.pk}


def test_incorrect_holds_questions_whose_latest_answer_was_wrong(learner):
    topic = TopicFactory()
    wrong, right = questions_in(topic, 2)
    answer_questions(learner, [wrong], right=False)
    answer_questions(learner, [right], right=True)
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == {wrong.pk}


def test_answering_correctly_later_takes_a_question_out_of_incorrect(learner):
    topic = TopicFactory()
    [question] = questions_in(topic, 1)
    answer_questions(learner, [question], right=False)
    answer_questions(learner, [question], right=True, at=NOW + timedelta(days=1))
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == set()


def test_the_latest_answer_decides_even_when_graded_out_of_order(learner):
    topic = TopicFactory()
    [question] = questions_in(topic, 1)
    earlier = start_quiz(learner=learner, quiz=make_quiz([question]), now=NOW)
    later = start_quiz(learner=learner, quiz=make_quiz([question]), now=NOW)
    first = attempts.submit_answer(
        learner=learner,
        item=earlier.items.get(),
        raw_answer=key_tokens(earlier.items.get()),
        idempotency_key=new_key(),
        now=NOW,
    ).response
    second = attempts.submit_answer(
        learner=learner,
        item=later.items.get(),
        raw_answer=wrong_tokens(later.items.get()),
        idempotency_key=new_key(),
        now=NOW + timedelta(hours=1),
    ).response
    pipeline.grade_response(response_id=second.pk)  # the newer, wrong answer graded first
    pipeline.grade_response(response_id=first.pk)
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == {question.pk}


@pytest.mark.parametrize("edit_kind", [EditKind.MINOR, EditKind.MAJOR])
def test_a_new_version_keeps_the_learners_history_with_the_question(learner, educator, edit_kind):
    topic = TopicFactory()
    [question] = questions_in(topic, 1)
    answer_questions(learner, [question], right=False)
    question.stem = "Which nerve, arising in the tarsal tunnel, supplies the medial heel?"
    question.save()
    if edit_kind == EditKind.MAJOR:
        Option.objects.filter(question=question).update(is_correct=False)
        Option.objects.filter(question=question, position=1).update(is_correct=True)
    authoring.save_question(question=question, actor=educator, edit_kind=edit_kind)
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == {question.pk}
    assert pool_ids(learner, topic, PracticePool.UNUSED) == set()
    # Answered right on the new version, it leaves "incorrect".
    answer_questions(learner, [question], right=True, at=NOW + timedelta(days=1))
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == set()


def test_marked_holds_questions_the_learner_flagged_for_review(learner):
    topic = TopicFactory()
    flagged, plain = questions_in(topic, 2)
    attempt = start_quiz(learner=learner, quiz=make_quiz([flagged, plain]), now=NOW)
    attempts.set_flag(item=attempt.items.get(question=flagged), flagged=True)
    assert pool_ids(learner, topic, PracticePool.MARKED) == {flagged.pk}


def test_pools_are_each_learners_own(learner, other_learner):
    topic = TopicFactory()
    [question] = questions_in(topic, 1)
    answer_questions(other_learner, [question], right=False)
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == set()
    assert pool_ids(learner, topic, PracticePool.UNUSED) == {question.pk}


def test_drafts_and_questions_of_an_open_exam_are_in_no_pool(learner):
    topic = TopicFactory()
    draft, in_exam, free = questions_in(topic, 3)
    draft.status = Status.DRAFT
    draft.save()
    start_quiz(learner=learner, quiz=make_quiz([in_exam], mode=QuizMode.EXAM), now=NOW)
    assert pool_ids(learner, topic, PracticePool.ALL) == {free.pk}


def test_difficulty_narrows_the_pool(learner):
    topic = TopicFactory()
    [hard] = questions_in(topic, 1, difficulty="hard")
    questions_in(topic, 2, difficulty="easy")
    found = pool_candidates(
        learner=learner, topic_ids=[topic.pk], pool=PracticePool.ALL, difficulty="hard"
    )
    assert found == {topic.pk: [hard.pk]}


def test_topic_pools_count_each_pool(learner):
    anatomy, treatment = TopicFactory(name="Anatomy"), TopicFactory(name="Treatment")
    wrong, right, _unused = questions_in(anatomy, 3)
    questions_in(treatment, 2)
    answer_questions(learner, [wrong], right=False)
    answer_questions(learner, [right], right=True)
    rows = {row.topic.name: row.counts for row in topic_pools(learner)}
    assert rows == {
        "Anatomy": {"unused": 1, "incorrect": 1, "marked": 0, "all": 3},
        "Treatment": {"unused": 2, "incorrect": 0, "marked": 0, "all": 2},
    }


def test_pool_queries_do_not_grow_with_the_learners_history(learner):
    topic = TopicFactory()
    questions = questions_in(topic, 12)

    def queries():
        with CaptureQueriesContext(connection) as counted:
            topic_pools(learner)
            for pool in PracticePool:
                pool_candidates(learner=learner, topic_ids=[topic.pk], pool=pool)
        return len(counted)

    before = queries()
    answer_questions(learner, questions[:3], right=False)
    answer_questions(learner, questions[3:9], right=True)
    assert queries() == before == 2 + len(PracticePool)


# --- Building a test ---------------------------------------------------------------------------


def test_a_test_is_spread_over_its_topics_in_proportion(learner):
    anatomy, tinel = TopicFactory(), TopicFactory()
    questions_in(anatomy, 30)
    questions_in(tinel, 10)
    attempt = build_test(
        learner=learner,
        request=TestRequest(
            topic_ids=[anatomy.pk, tinel.pk], pool=PracticePool.UNUSED, count=20, timed=False
        ),
        now=NOW,
    )
    items = list(attempt.items.prefetch_related("question__topics"))
    per_topic = Counter(item.question.topics.get().pk for item in items)
    assert per_topic == {anatomy.pk: 15, tinel.pk: 5}
    assert len({item.question_id for item in items}) == 20
    assert (attempt.kind, attempt.mode, attempt.quiz, attempt.max_score) == (
        AttemptKind.PRACTICE,
        QuizMode.TUTOR,
        None,
        20,
    )


def test_a_timed_test_has_its_time_per_question_with_the_learners_extra_time(learner):
    topic = TopicFactory()
    questions_in(topic, 10)
    ExamAccommodation.objects.create(learner=learner, time_multiplier=1.5, extra_minutes=2)
    attempt = build_test(
        learner=learner,
        request=TestRequest(
            topic_ids=[topic.pk],
            pool=PracticePool.ALL,
            count=10,
            timed=True,
            seconds_per_question=90,
        ),
        now=NOW,
    )
    assert attempt.mode == QuizMode.EXAM
    # 10 x 90 s = 15 min, x 1.5 = 22.5 min, + 2 min.
    assert attempt.deadline == NOW + timedelta(minutes=24.5)
    assert PracticeTest.objects.get(attempt=attempt).seconds_per_question == 90


def test_a_test_holds_fewer_questions_when_fewer_match(learner):
    topic = TopicFactory()
    questions_in(topic, 3)
    attempt = build_test(
        learner=learner,
        request=TestRequest(topic_ids=[topic.pk], pool=PracticePool.ALL, count=20, timed=False),
    )
    assert attempt.items.count() == 3
    assert PracticeTest.objects.get(attempt=attempt).requested == 20


def test_nothing_to_draw_is_refused_and_creates_nothing(learner):
    topic = TopicFactory()
    questions_in(topic, 2)
    with pytest.raises(NothingToDraw, match="Incorrect last time"):
        build_test(
            learner=learner,
            request=TestRequest(
                topic_ids=[topic.pk], pool=PracticePool.INCORRECT, count=5, timed=False
            ),
        )
    assert not AttemptItem.objects.exists()
    assert not PracticeTest.objects.exists()


def test_a_test_never_holds_more_than_the_limit(learner, settings):
    settings.PRACTICE_MAX_QUESTIONS = 5
    topic = TopicFactory()
    questions_in(topic, 8)
    attempt = build_test(
        learner=learner,
        request=TestRequest(topic_ids=[topic.pk], pool=PracticePool.ALL, count=8, timed=False),
    )
    assert attempt.items.count() == 5


# --- Taking it like any other attempt ----------------------------------------------------------


def test_a_created_test_is_graded_scheduled_and_counted_like_any_attempt(learner):
    topic = TopicFactory()
    questions_in(topic, 4)
    attempt = build_test(
        learner=learner,
        request=TestRequest(topic_ids=[topic.pk], pool=PracticePool.UNUSED, count=4, timed=False),
        now=NOW,
    )
    items = list(attempt.items.all())
    for index, item in enumerate(items):
        answer(learner, item, right=index < 3)
    attempts.submit_attempt(attempt_id=attempt.pk, now=NOW)
    attempt.refresh_from_db()
    assert attempt.score == 3
    assert ReviewCard.objects.filter(learner=learner).count() == 4
    history = progress.dashboard(learner_id=learner.pk, now=NOW).history
    assert [row.pk for row in history] == [attempt.pk]
    # What was wrong is in "incorrect" next time; nothing is unused any more.
    assert pool_ids(learner, topic, PracticePool.INCORRECT) == {items[3].question_id}
    assert pool_ids(learner, topic, PracticePool.UNUSED) == set()


def test_an_open_timed_tests_questions_are_in_no_pool_until_submitted(learner):
    topic = TopicFactory()
    questions_in(topic, 3)
    attempt = build_test(
        learner=learner,
        request=TestRequest(topic_ids=[topic.pk], pool=PracticePool.ALL, count=2, timed=True),
    )
    in_test = set(attempt.items.values_list("question_id", flat=True))
    assert pool_ids(learner, topic, PracticePool.ALL).isdisjoint(in_test)
    attempts.submit_attempt(attempt_id=attempt.pk)
    assert pool_ids(learner, topic, PracticePool.ALL) >= in_test


def test_another_learner_cannot_open_a_created_test(learner, other_learner, client):
    topic = TopicFactory()
    questions_in(topic, 2)
    attempt = build_test(
        learner=learner,
        request=TestRequest(topic_ids=[topic.pk], pool=PracticePool.ALL, count=2, timed=False),
    )
    client.force_login(other_learner)
    assert client.get(f"/attempts/{attempt.pk}/q/0/").status_code == 404
    assert client.get(f"/attempts/{attempt.pk}/results/").status_code == 404


def test_learners_tests_are_drawn_independently(learner):
    topic = TopicFactory()
    questions_in(topic, 30)
    other = UserFactory(username="third")
    drawn = [
        {
            item.question_id
            for item in build_test(
                learner=who,
                request=TestRequest(
                    topic_ids=[topic.pk], pool=PracticePool.ALL, count=10, timed=False
                ),
            ).items.all()
        }
        for who in (learner, other)
    ]
    assert drawn[0] != drawn[1]  # 1 in 30 million to be equal by chance
