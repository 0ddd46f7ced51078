"""The review queue, progress and settings pages: login, ownership, forms, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, pipeline, tasks
from quizzes.models import AttemptKind, LearnerSettings, ReviewCard
from quizzes.reviews import reminders
from tests.factories import TopicFactory, UserFactory, make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db

PAGES = ["review-queue", "progress", "learner-settings"]


def answer_quiz(learner, questions, rights, at):
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions), now=at)
    items = {item.question_id: item for item in attempt.items.all()}
    for question, right in zip(questions, rights, strict=True):
        item = items[question.pk]
        raw = key_tokens(item) if right else wrong_tokens(item)
        response = attempts.submit_answer(
            learner=learner, item=item, raw_answer=raw, idempotency_key=new_key(), now=at
        ).response
        pipeline.grade_response(response_id=response.pk, now=at)
    return attempt


def due_questions(learner, count=3):
    """Questions the learner got wrong yesterday: due today."""
    topic = TopicFactory(slug="anatomy")
    questions = [make_question() for _ in range(count)]
    for question in questions:
        question.topics.add(topic)
    answer_quiz(learner, questions, [False] * count, at=timezone.now() - timedelta(days=1))
    return questions


@pytest.mark.parametrize("name", [*PAGES, "review-next"])
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_queue_page_shows_the_reviews_due(learner, learner_client):
    due_questions(learner, 3)
    response = learner_client.get(reverse("review-queue"))
    assert response.status_code == 200
    assert 'Reviews due: <span class="due-number">3</span>' in response.content.decode()
    assert "Start reviewing" in response.content.decode()


def test_queue_page_runs_a_fixed_number_of_queries(
    learner, learner_client, django_assert_max_num_queries
):
    due_questions(learner, 6)
    with django_assert_max_num_queries(14):
        assert learner_client.get(reverse("review-queue")).status_code == 200


def test_start_redirects_to_the_question_page_of_a_review_item(learner, learner_client):
    due_questions(learner, 2)
    response = learner_client.post(reverse("review-next"))
    card = ReviewCard.objects.order_by("due", "pk").first()
    assert card is not None
    item = learner.attempts.get(kind=AttemptKind.REVIEW).items.get()
    assert item.question_id == card.question_id
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "attempt-question", args=(item.attempt_id, item.position)
    )


def test_review_item_opens_on_the_question_page(learner, learner_client):
    due_questions(learner, 1)
    location = learner_client.post(reverse("review-next"))["Location"]
    assert learner_client.get(location).status_code == 200


def test_start_twice_continues_the_same_question(learner, learner_client):
    due_questions(learner, 2)
    first = learner_client.post(reverse("review-next"))["Location"]
    assert learner_client.post(reverse("review-next"))["Location"] == first


def test_start_with_nothing_due_says_so(learner, learner_client):
    LearnerSettings.objects.create(learner=learner, daily_new_limit=0)
    response = learner_client.post(reverse("review-next"), follow=True)
    assert response.redirect_chain == [(reverse("review-queue"), 302)]
    assert "Nothing more to review today" in response.content.decode()


def test_review_next_refuses_get(learner_client):
    assert learner_client.get(reverse("review-next")).status_code == 405


def test_progress_page_draws_charts_with_text_alternatives(learner, learner_client):
    due_questions(learner, 3)
    body = learner_client.get(reverse("progress")).content.decode()
    assert body.count('role="img"') == 3
    for chart in ("topics", "forecast", "accuracy"):
        assert f'aria-describedby="{chart}-summary"' in body
        assert f'<figcaption id="{chart}-summary"' in body
    assert "3 reviews due in the next 30 days, 3 of them today" in body
    assert body.count('<table class="data-table">') == 3


def test_progress_page_explains_an_empty_chart_in_words(learner, learner_client):
    body = learner_client.get(reverse("progress")).content.decode()
    assert "No reviews due in the next 30 days." in body
    assert 'role="img"' not in body


def test_progress_page_runs_a_fixed_number_of_queries(
    learner, learner_client, django_assert_max_num_queries
):
    due_questions(learner, 8)
    answer_quiz(
        learner,
        [make_question() for _ in range(5)],
        [True] * 5,
        at=timezone.now() - timedelta(days=8),
    )
    # 17: one counts true retention and transfer (quizzes.reviews.progress.knowledge_rates), one
    # reads the learner's FSRS parameters for mastery.
    with django_assert_max_num_queries(17):
        assert learner_client.get(reverse("progress")).status_code == 200


def test_progress_page_shows_only_the_learners_own_data(learner, other_learner, learner_client):
    due_questions(other_learner, 4)
    body = learner_client.get(reverse("progress")).content.decode()
    assert "No reviews due in the next 30 days." in body
    assert "No attempts yet" in body


def test_own_card_history_is_shown(learner, learner_client):
    due_questions(learner, 1)
    card = ReviewCard.objects.get()
    response = learner_client.get(reverse("review-card", args=[card.pk]))
    assert response.status_code == 200
    assert "Question history" in response.content.decode()


def test_other_learners_card_history_is_a_404(learner, other_learner, learner_client):
    due_questions(other_learner, 1)
    card = ReviewCard.objects.get(learner=other_learner)
    assert learner_client.get(reverse("review-card", args=[card.pk])).status_code == 404


def test_unanswered_new_card_has_no_history_page(learner, learner_client):
    make_question()
    learner_client.post(reverse("review-next"))
    card = ReviewCard.objects.get()
    assert learner_client.get(reverse("review-card", args=[card.pk])).status_code == 404


def test_settings_page_shows_the_defaults(learner_client):
    body = learner_client.get(reverse("learner-settings")).content.decode()
    assert 'name="desired_retention" value="90"' in body
    assert 'name="daily_new_limit" value="20"' in body


def test_changing_retention_saves_and_reschedules_after_commit(
    learner, learner_client, django_capture_on_commit_callbacks, sent_tasks
):
    queued = sent_tasks
    data = {
        "desired_retention": "85",
        "daily_new_limit": "5",
        "daily_review_cap": "50",
        "review_emails": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(reverse("learner-settings"), data)
    assert response.status_code == 302
    prefs = LearnerSettings.objects.get(learner=learner)
    assert (
        prefs.desired_retention,
        prefs.daily_new_limit,
        prefs.daily_review_cap,
        prefs.review_emails,
    ) == (0.85, 5, 50, True)
    assert queued == [("quizzes.tasks.reschedule_learner_cards", [learner.pk])]


def test_retention_outside_the_range_is_refused_and_nothing_saved(learner, learner_client):
    data = {"desired_retention": "99", "daily_new_limit": "5", "daily_review_cap": "50"}
    response = learner_client.post(reverse("learner-settings"), data)
    assert response.status_code == 200
    assert "less than or equal to 97" in response.content.decode()
    assert not LearnerSettings.objects.filter(learner=learner).exists()


def test_opting_out_of_emails(learner, learner_client):
    data = {"desired_retention": "90", "daily_new_limit": "20", "daily_review_cap": "200"}
    learner_client.post(reverse("learner-settings"), data)
    assert LearnerSettings.objects.get(learner=learner).review_emails is False


def test_educators_get_no_access_to_review_state(educator_client):
    assert educator_client.get(reverse("admin:quizzes_reviewcard_changelist")).status_code == 403
    assert educator_client.get(reverse("admin:quizzes_reviewlog_changelist")).status_code == 403


def test_superuser_sees_review_cards_read_only(admin_user, client, learner):
    due_questions(learner, 1)
    client.force_login(admin_user)
    card = ReviewCard.objects.get()
    assert client.get(reverse("admin:quizzes_reviewcard_changelist")).status_code == 200
    assert client.get(reverse("admin:quizzes_reviewcard_add")).status_code == 403
    page = client.get(reverse("admin:quizzes_reviewcard_change", args=[card.pk])).content.decode()
    assert 'name="_save"' not in page


def test_review_emails_are_sent_to_learners_with_reviews_due(learner, other_learner, mailoutbox):
    due_questions(learner, 2)
    UserFactory(username="no-email", email="")
    for learner_id in reminders.learners_to_remind(now=timezone.now()):
        tasks.send_review_reminder(learner_id)
    assert [message.to for message in mailoutbox] == [[learner.email]]
    assert "2 reviews due today" in mailoutbox[0].subject
    assert reverse("learner-settings") in mailoutbox[0].body


def test_card_history_runs_a_fixed_number_of_queries(
    learner, learner_client, django_assert_max_num_queries
):
    question = due_questions(learner, 1)[0]
    for days in (5, 3):
        answer_quiz(learner, [question], [True], at=timezone.now() - timedelta(days=days))
    card = ReviewCard.objects.get()
    with django_assert_max_num_queries(6):
        assert learner_client.get(reverse("review-card", args=[card.pk])).status_code == 200


def test_settings_page_runs_a_fixed_number_of_queries(
    learner_client, django_assert_max_num_queries
):
    # 5: the fifth reads the learner's memory model (personal parameters).
    with django_assert_max_num_queries(5):
        assert learner_client.get(reverse("learner-settings")).status_code == 200


def _review_one(learner, learner_client):
    """Serve the next review card, answer it right and grade it; return its question page."""
    learner_client.post(reverse("review-next"))
    review = learner.attempts.get(kind=AttemptKind.REVIEW)
    item = review.items.order_by("-position").first()
    response = attempts.submit_answer(
        learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
    ).response
    pipeline.grade_response(response_id=response.pk)
    page = learner_client.get(reverse("attempt-question", args=(item.attempt_id, item.position)))
    assert page.status_code == 200
    return page.content.decode()


def test_review_feedback_offers_the_next_card(learner, learner_client):
    due_questions(learner, 2)
    page = _review_one(learner, learner_client)
    assert 'class="verdict"' in page
    assert f'<form method="post" action="{reverse("review-next")}" class="actions">' in page
    assert "Next review →" in page
    assert "1 review due" in page
    assert "last review for today" not in page


def test_next_button_serves_the_next_due_card(learner, learner_client):
    due_questions(learner, 2)
    _review_one(learner, learner_client)
    response = learner_client.post(reverse("review-next"))
    review = learner.attempts.get(kind=AttemptKind.REVIEW)
    second = review.items.get(position=1)
    assert response["Location"] == reverse("attempt-question", args=(review.pk, 1))
    assert second.question_id != review.items.get(position=0).question_id


def test_last_review_feedback_says_the_day_is_done(learner, learner_client):
    due_questions(learner, 1)
    LearnerSettings.objects.update_or_create(learner=learner, defaults={"daily_new_limit": 0})
    page = _review_one(learner, learner_client)
    assert "That was your last review for today." in page
    assert "Next review →" not in page
