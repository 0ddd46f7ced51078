"""axe-core finds no serious or critical problem on any student page, at 375 and 1280 px wide,
in light and dark; every page checked is also screenshotted (SCREENSHOT_DIR, /tmp/screens)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import BrowserContext, Page, expect

from quizzes import attempts, pipeline
from quizzes.models import Attempt, AttemptItem, QuizMode, Response, ResponseStatus
from quizzes.qtypes import REGISTRY
from tests.browser.conftest import audit_page, expect_verdict, log_in
from tests.factories import (
    FigureFactory,
    UserFactory,
    make_case,
    make_question,
    make_quiz,
    start_quiz,
)
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens
from tests.workers import wait_until

pytestmark = pytest.mark.browser

GRADING_TIMEOUT = 20.0


def answer(learner, item: AttemptItem, raw_answer: dict[str, Any]) -> Response:
    with transaction.atomic():
        return attempts.submit_answer(
            learner=learner, item=item, raw_answer=raw_answer, idempotency_key=new_key()
        ).response


def wait_until_graded(count: int) -> None:
    wait_until(
        lambda: Response.objects.filter(status=ResponseStatus.GRADED).count() >= count,
        GRADING_TIMEOUT,
        f"the worker grades {count} responses",
    )


def every_type_quiz(**fields):
    return make_quiz([make_question(question_type) for question_type in REGISTRY.names()], **fields)


def test_login_and_account_pages(page: Page, context: BrowserContext, axe, learner, base_url):
    found = []
    page.goto("/accounts/login/")
    found += audit_page(axe, page, "login")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found += audit_page(axe, page, "login-error")

    log_in(context, learner, base_url)
    page.goto("/accounts/password_change/")
    found += audit_page(axe, page, "password-change")
    assert found == []


def test_home_and_quiz_pages(learner_page: Page, axe, learner):
    page = learner_page
    topic_quiz = every_type_quiz(title="Heel pain: every question type")
    make_quiz([make_question()], title="Timed: nerve anatomy", mode=QuizMode.EXAM,
              time_limit_minutes=20)  # fmt: skip
    make_case([[make_question()]], title="A runner's heel")
    start_quiz(learner=learner, quiz=topic_quiz)

    found = []
    page.goto("/")
    expect(page.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    found += audit_page(axe, page, "home")
    page.get_by_role("link", name="Heel pain: every question type").first.click()
    found += audit_page(axe, page, "quiz-detail")
    page.goto("/")
    page.get_by_role("link", name="Timed: nerve anatomy").click()
    found += audit_page(axe, page, "exam-detail")
    assert found == []


def test_tutor_question_of_every_type_before_and_after_answering(
    learner_page: Page, axe, learner, worker
):
    page = learner_page
    quiz = every_type_quiz(title="Every type")
    unanswered = start_quiz(learner=learner, quiz=quiz)
    found = []
    for item in unanswered.items.order_by("position"):
        page.goto(f"/attempts/{unanswered.pk}/q/{item.position}/")
        found += audit_page(axe, page, f"tutor-{item.version.content['type']}", phone_axe=True)

    # An empty answer: the error next to the question.
    page.goto(f"/attempts/{unanswered.pk}/q/0/")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#answer-error")).to_be_visible()
    found += audit_page(axe, page, "tutor-error")

    # Everyone else answers the first question, so its peer statistics show.
    for n in range(5):
        other = UserFactory(username=f"peer{n}")
        peer_item = start_quiz(learner=other, quiz=quiz).items.get(position=0)
        answer(other, peer_item, key_tokens(peer_item) if n % 2 else wrong_tokens(peer_item))
    Attempt.objects.filter(pk=unanswered.pk).delete()
    answered = start_quiz(learner=learner, quiz=quiz)
    for item in answered.items.order_by("position"):
        content_type = item.version.content["type"]
        if content_type == "hotspot":
            raw = {"x": 30.0, "y": 40.0}
        elif item.position % 2:
            raw = wrong_tokens(item)
        else:
            raw = key_tokens(item)
        answer(learner, item, raw)
    wait_until_graded(5 + len(REGISTRY.names()))
    for item in answered.items.order_by("position"):
        page.goto(f"/attempts/{answered.pk}/q/{item.position}/")
        expect(page.locator("#feedback")).to_be_visible()
        found += audit_page(axe, page, f"tutor-{item.version.content['type']}-feedback")
        if item.version.content["type"] == "hotspot":
            expect(page.locator("main")).to_contain_text("red dot: where you clicked")
    page.goto(f"/attempts/{answered.pk}/q/0/")
    expect(page.locator(".share").first).to_be_visible()
    assert found == []


def test_feedback_swapped_in_after_answering(learner_page: Page, axe, learner, worker):
    page = learner_page
    quiz = make_quiz([make_question("multiple")])
    attempt = start_quiz(learner=learner, quiz=quiz)
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_role("checkbox", name="Running").check()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Not correct")
    assert audit_page(axe, page, "tutor-feedback-swapped") == []


def test_exam_pages(learner_page: Page, axe, learner, worker):
    page = learner_page
    quiz = make_quiz(
        [
            make_question("single"),
            make_question("ordering"),
            make_question("hotspot"),
            make_question("matching"),
        ],
        title="Heel pain exam",
        mode=QuizMode.EXAM,
        time_limit_minutes=30,
    )
    attempt = start_quiz(learner=learner, quiz=quiz)
    items = list(attempt.items.order_by("position"))
    answer(learner, items[0], key_tokens(items[0]))
    answer(learner, items[2], {"x": 70.0, "y": 20.0})
    attempts.set_flag(item=items[1], flagged=True)

    found = []
    for item in items[:3]:
        page.goto(f"/attempts/{attempt.pk}/q/{item.position}/")
        expect(page.locator("#countdown")).to_be_visible()
        found += audit_page(axe, page, f"exam-{item.version.content['type']}", phone_axe=True)
    page.get_by_role("link", name="Next →").click()
    for prompt in ("Plantar fasciitis", "Calcaneal stress fracture", "Fat pad atrophy"):
        page.get_by_label(prompt).select_option(index=1)
    expect(page.locator("[data-save-status]")).to_contain_text("Saved at")
    found += audit_page(axe, page, "exam-autosaved")
    page.get_by_role("link", name="Review and submit").click()
    found += audit_page(axe, page, "exam-submit")
    page.get_by_role("button", name="Submit exam").click()
    expect(page.locator(".score")).to_be_visible(timeout=GRADING_TIMEOUT * 1000)
    found += audit_page(axe, page, "exam-results")
    assert found == []


def test_case_pages(learner_page: Page, axe, learner, worker):
    page = learner_page
    case = make_case(
        [
            [make_question("single")],
            [make_question("true_false")],
            [make_question("short_answer")],
        ],
        title="The runner's heel",
        references="- Alshami AM et al. *Foot Ankle Int* 2008.",
    )
    case.stages.get(position=0).figures.add(FigureFactory(caption="The heel, from the inside."))

    found = []
    page.goto(case.get_absolute_url())
    found += audit_page(axe, page, "case-detail")
    page.get_by_role("button", name="Start the case").click()
    expect(page.locator(".stage-locked")).to_have_count(2)
    found += audit_page(axe, page, "case-player-locked")

    attempt = Attempt.objects.get(learner=learner)
    for item in attempt.items.order_by("position"):
        answer(learner, item, key_tokens(item))
    wait_until_graded(3)
    page.reload()
    expect(page.get_by_role("region", name="Debrief")).to_be_visible()
    found += audit_page(axe, page, "case-debrief")
    assert found == []


def test_review_progress_and_settings_pages(learner_page: Page, axe, learner):
    page = learner_page
    quiz = make_quiz([make_question(), make_question("true_false"), make_question()])
    attempt = start_quiz(learner=learner, quiz=quiz)
    for item in attempt.items.order_by("position")[:2]:
        tokens = key_tokens(item) if item.position == 0 else wrong_tokens(item)
        pipeline.grade_response(response_id=answer(learner, item, tokens).pk)
    card = learner.review_cards.first()

    found = []
    page.goto("/reviews/")
    found += audit_page(axe, page, "review-queue")
    page.goto(f"/reviews/cards/{card.pk}/")
    found += audit_page(axe, page, "review-card")
    page.goto("/progress/")
    found += audit_page(axe, page, "progress", phone_axe=True)
    page.goto("/settings/")
    found += audit_page(axe, page, "learner-settings")
    page.goto("/reviews/")
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    found += audit_page(axe, page, "review-question")
    assert found == []
