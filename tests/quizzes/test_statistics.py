"""Item statistics: facility, upper/lower 27% discrimination, option shares, KR-20."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, pipeline, statistics
from quizzes.models import QuestionStats, QuizStats
from tests.factories import UserFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db


def take(quiz, learner, right: set[int]) -> None:
    """One submitted, graded attempt answering the quiz's items at `right` positions correctly."""
    attempt = start_quiz(learner=learner, quiz=quiz)
    for item in attempt.items.order_by("position"):
        tokens = key_tokens(item) if item.position in right else wrong_tokens(item)
        response = attempts.submit_answer(
            learner=learner, item=item, raw_answer=tokens, idempotency_key=new_key()
        ).response
        pipeline.grade_response(response_id=response.pk)
    attempts.close_attempt(attempt_id=attempt.pk)


@pytest.fixture
def cohort():
    """20 learners on a 3-question quiz: question 0 tracks ability, question 1 runs against it."""
    quiz = make_quiz([make_question(), make_question(), make_question()])
    for n in range(20):
        strong = n >= 10
        right = {0, 2} if strong else {1}
        take(quiz, UserFactory(), right)
    return quiz


def test_facility_is_the_mean_score(cohort):
    statistics.recompute_item_statistics(now=timezone.now())
    facilities = QuestionStats.objects.order_by("facility").values_list("facility", flat=True)
    assert list(facilities) == [0.5, 0.5, 0.5]


def test_discrimination_separates_strong_from_weak_learners(cohort):
    statistics.recompute_item_statistics(now=timezone.now())
    questions = [qq.question for qq in cohort.quiz_questions.order_by("position")]
    d = [QuestionStats.objects.get(question=q).discrimination for q in questions]
    assert d[0] == 1.0
    assert d[1] == -1.0


def test_negative_discrimination_is_flagged_for_review(cohort):
    statistics.recompute_item_statistics(now=timezone.now())
    questions = [qq.question for qq in cohort.quiz_questions.order_by("position")]
    flags = [QuestionStats.objects.get(question=q).needs_review for q in questions]
    assert flags == [False, True, False]


def test_option_counts_record_each_choice(cohort):
    statistics.recompute_item_statistics(now=timezone.now())
    stats = QuestionStats.objects.get(question=cohort.quiz_questions.first().question)
    assert sum(stats.option_counts.values()) == 20


def test_kr20_matches_the_formula(cohort):
    statistics.recompute_item_statistics(now=timezone.now())
    stats = QuizStats.objects.get(quiz=cohort)
    # Items: variance .25 each; totals are 2 (ten learners) and 1 (ten), variance .25.
    assert stats.kr20 == pytest.approx(3 / 2 * (1 - 0.75 / 0.25))
    assert stats.attempts == 20


def test_recompute_twice_keeps_one_row_per_version(cohort):
    statistics.recompute_item_statistics(now=timezone.now())
    statistics.recompute_item_statistics(now=timezone.now())
    assert QuestionStats.objects.count() == 3


@pytest.mark.parametrize(
    ("items", "item_variance", "total_variance", "expected"),
    [(2, 0.5, 1.0, 1.0), (1, 0.2, 1.0, None), (3, 0.3, 0.0, None)],
)
def test_kr20_formula_edges(items, item_variance, total_variance, expected):
    assert statistics.kr20(items, item_variance, total_variance) == expected


def test_discrimination_needs_five_attempts_in_each_group():
    assert statistics.discrimination(1.0, 0.0, 4, 10) is None
    assert statistics.discrimination(0.9, 0.4, 5, 5) == 0.5


def test_question_admin_lists_questions_needing_review(cohort, admin_client):
    statistics.recompute_item_statistics(now=timezone.now())
    url = reverse("admin:quizzes_question_changelist") + "?needs_review=yes"
    rows = admin_client.get(url).context["cl"].result_list
    flagged = cohort.quiz_questions.order_by("position")[1].question
    assert list(rows) == [flagged]


def test_question_admin_shows_item_statistics(cohort, admin_client):
    statistics.recompute_item_statistics(now=timezone.now())
    question = cohort.quiz_questions.first().question
    page = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert "20 graded responses" in page.content.decode()


def test_a_numerical_question_gets_facility_and_discrimination_like_any_other():
    numerical = make_question("numerical")
    quiz = make_quiz([make_question(), numerical])
    for n in range(20):
        take(quiz, UserFactory(), {0, 1} if n >= 10 else set())
    statistics.recompute_item_statistics(now=timezone.now())
    stats = QuestionStats.objects.get(version__question=numerical)
    assert (stats.facility, stats.discrimination) == (0.5, 1.0)
