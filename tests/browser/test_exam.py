"""Exam mode in the browser: autosave and restore, navigator, flags, submission, the clock."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from quizzes.content import QuestionContent
from quizzes.models import Attempt, AttemptItem, QuizMode, Response
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, log_in
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_payload

pytestmark = pytest.mark.browser

EXPLANATION = "The medial calcaneal nerve is usually a branch of the tibial nerve."
SAVED = re.compile(r"^Saved at ")


def make_exam(*types: str, minutes: int = 30):
    return make_quiz(
        [make_question(question_type) for question_type in types],
        title="Heel pain exam",
        mode=QuizMode.EXAM,
        time_limit_minutes=minutes,
    )


def save_status(page: Page):
    return page.locator("[data-save-status]")


def navigator_item(page: Page, number: int):
    return page.get_by_role("navigation", name="All questions").locator(".nav-item").nth(number - 1)


def expect_no_feedback(page: Page) -> None:
    """Nothing of the key leaks into an open exam's question page."""
    expect(page.locator("#feedback")).to_have_count(0)
    expect(page.locator(".verdict")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(EXPLANATION)
    expect(page.locator("main")).not_to_contain_text("Correct option")


def test_exam_autosaves_restores_after_reload_flags_and_submits(
    learner_page: Page, learner, worker
):
    page = learner_page
    quiz = make_exam("single", "short_answer", "multiple")
    page.goto(f"/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Time left: (29|30):\d\d"))
    expect_no_feedback(page)

    # The autosave talks to the JSON API with the session and its CSRF token, in the API's
    # one error shape, with the browser's millisecond clock as the sequence number.
    with page.expect_response(re.compile(r"/api/v1/attempts/\d+/items/0/answer/$")) as saved:
        page.get_by_role("radio", name="Tibial nerve").check()
    assert saved.value.status == 201
    assert saved.value.json()["client_seq"] > 1_700_000_000_000
    expect(save_status(page)).to_have_text(SAVED)
    expect(navigator_item(page, 1)).to_have_class(re.compile(r"\bis-answered\b"))
    expect_no_feedback(page)
    page.get_by_role("link", name="Next →").click()

    page.get_by_role("textbox", name="Your answer").fill("sural nerve")
    expect(save_status(page)).to_have_text(SAVED)
    expect_no_feedback(page)

    page.reload()  # in the middle of the exam
    expect(page.get_by_role("textbox", name="Your answer")).to_have_value("sural nerve")
    expect(save_status(page)).to_have_text("Saved.")
    expect(navigator_item(page, 1)).to_have_accessible_name(re.compile(r"^1\s*, answered$"))
    expect(navigator_item(page, 2)).to_have_accessible_name(re.compile(r"^2\s*, answered$"))
    expect(navigator_item(page, 3)).to_have_accessible_name(re.compile(r"^3\s*, not answered$"))
    navigator_item(page, 1).click()
    expect(page.get_by_role("radio", name="Tibial nerve")).to_be_checked()
    expect_no_feedback(page)

    navigator_item(page, 3).click()
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Flagged for review")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(navigator_item(page, 3)).to_have_accessible_name(
        re.compile(r"^3\s*, not answered, flagged")
    )
    expect_no_feedback(page)

    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your exam?")
    unanswered = page.get_by_role("heading", name="Not answered").locator("+ ul")
    expect(unanswered.get_by_role("listitem")).to_have_text(["Question 3"])
    flagged = page.get_by_role("heading", name="Flagged for review").locator("+ ul")
    expect(flagged.get_by_role("listitem")).to_have_text(["Question 3"])
    expect(page.locator("main")).to_contain_text("3 questions: 1 not answered, 1 flagged")
    page.get_by_role("button", name="Submit exam").click()

    expect(page).to_have_url(re.compile(r"/results/$"))
    expect(page.locator(".score")).to_have_text("Score: 1 of 3 (33%)", timeout=20_000)
    rows = page.locator(".result-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("h2 .tag")).to_have_text("✓ correct")
    expect(rows.nth(1).locator("h2 .tag")).to_have_text("✗ not correct")
    expect(rows.nth(1)).to_contain_text("You wrote: sural nerve")
    expect(rows.nth(2).locator("h2 .tag")).to_have_text("not answered")
    for index, key in enumerate(["Tibial nerve", "tibial nerve", "Excessive pronation"]):
        row = rows.nth(index)
        expect(row.locator(".key")).to_contain_text(key)
        row.get_by_text("Why", exact=True).click()
        expect(row.get_by_text(EXPLANATION)).to_be_visible()
    attempt = Attempt.objects.get(learner=learner)
    assert (attempt.score, attempt.auto_submitted) == (1.0, False)


def test_exam_that_runs_out_of_time_is_submitted_and_shows_results(
    learner_page: Page, learner, worker
):
    page = learner_page
    quiz = make_exam("single", "true_false")
    attempt = start_quiz(learner=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=5))

    page.goto(f"/attempts/{attempt.pk}/q/0/")
    expect(page.locator("#alerts")).to_have_text(re.compile(r"^[1-9] seconds? left\."))
    page.get_by_role("radio", name="Tibial nerve").check()
    expect(save_status(page)).to_have_text(SAVED)

    expect(page.locator("#alerts")).to_have_text(
        "Time is up. Your saved answers are being submitted.", timeout=8_000
    )
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.pk}/results/$"), timeout=8_000)
    expect(page.locator(".messages")).to_contain_text("Time is up")
    expect(page.locator(".score-card")).to_contain_text(
        "Submitted automatically when the time ran out."
    )
    expect(page.locator(".score")).to_have_text("Score: 1 of 2 (50%)", timeout=20_000)
    attempt.refresh_from_db()
    assert attempt.auto_submitted is True
    assert attempt.submitted_at == attempt.deadline


def choice_id(item: AttemptItem, text: str) -> int:
    content = QuestionContent.from_dict(item.version.content)
    return next(choice.id for choice in content.choices if choice.text == text)


def test_answer_not_saved_offline_is_kept_and_retried(
    context: BrowserContext, learner_page: Page, learner
):
    page = learner_page
    quiz = make_exam("single")
    attempt = start_quiz(learner=learner, quiz=quiz)
    item = attempt.items.get()
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_role("radio", name="Sural nerve").check()
    expect(save_status(page)).to_have_text(SAVED)

    context.set_offline(True)
    page.get_by_role("radio", name="Tibial nerve").check()
    expect(save_status(page)).to_contain_text("Not saved yet")
    expect(save_status(page)).to_have_class(re.compile(r"\bis-unsaved\b"))
    expect(page.get_by_role("radio", name="Tibial nerve")).to_be_checked()
    assert Response.objects.get(item=item).answer["choice"] == choice_id(item, "Sural nerve")

    context.set_offline(False)
    expect(save_status(page)).to_have_text(SAVED, timeout=20_000)
    expect(save_status(page)).not_to_have_class(re.compile(r"\bis-unsaved\b"))
    response = Response.objects.get(item=item)
    assert response.answer["choice"] == choice_id(item, "Tibial nerve")
    assert (
        response.answer["choice"]
        == key_payload(QuestionContent.from_dict(item.version.content))["choice"]
    )


def test_answer_refused_then_tab_closed_is_restored_and_saved_on_return(
    context: BrowserContext, learner_page: Page, learner
):
    page = learner_page
    quiz = make_exam("single")
    attempt = start_quiz(learner=learner, quiz=quiz)
    item = attempt.items.get()
    page.route("**/answer/", lambda route: route.abort())
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_role("radio", name="Tibial nerve").check()
    expect(save_status(page)).to_contain_text("Not saved yet")
    # The send on pagehide as the tab closes fails too (Playwright cannot intercept a
    # keepalive request; a token the server refuses stands in for a lost connection).
    page.locator("#answer-form [name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'; }"
    )
    page.close(run_before_unload=False)
    time.sleep(0.5)
    assert not Response.objects.exists()

    page = context.new_page()
    page.goto(f"/attempts/{attempt.pk}/q/0/")

    expect(page.get_by_role("radio", name="Tibial nerve")).to_be_checked()
    expect(save_status(page)).to_have_text(SAVED)
    assert Response.objects.get(item=item).answer["choice"] == choice_id(item, "Tibial nerve")


def _response_for(item: AttemptItem, *, wait_s: float = 10.0) -> Response:
    """The item's saved response, waiting for a request the browser sent in the background."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        response = Response.objects.filter(item=item).first()
        if response is not None:
            return response
        time.sleep(0.1)
    raise AssertionError(f"No answer was saved for item {item.pk}.")


def test_answer_chosen_just_before_a_reload_is_kept_and_saved_once(learner_page: Page, learner):
    page = learner_page
    attempt = start_quiz(learner=learner, quiz=make_exam("single", "true_false"))
    item = attempt.items.get(position=0)
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_role("radio", name="Tibial nerve").check()
    # Kept in this browser at once, before any request (the autosave waits 0.7 s).
    stored = page.evaluate(f"() => JSON.parse(localStorage.getItem('edu-answer-{attempt.pk}-0'))")
    assert stored is not None
    page.reload()

    expect(page.get_by_role("radio", name="Tibial nerve")).to_be_checked()
    expect(save_status(page)).to_have_text(re.compile(r"^Saved"))
    response = _response_for(item)
    assert response.answer["choice"] == choice_id(item, "Tibial nerve")
    # The pagehide send and the restored copy carry one key and one sequence number: the
    # server took the answer once, under the sequence number the browser gave it at the click.
    assert response.client_seq == stored["seq"]
    assert str(response.idempotency_key) == stored["key"]
    assert page.evaluate(f"() => localStorage.getItem('edu-answer-{attempt.pk}-0')") is None


def test_answer_chosen_just_before_leaving_is_sent_on_pagehide(learner_page: Page, learner):
    page = learner_page
    attempt = start_quiz(learner=learner, quiz=make_exam("single", "true_false"))
    item = attempt.items.get(position=0)
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_role("radio", name="Tibial nerve").check()
    navigator_item(page, 2).click()  # at once, before the autosave's pause is over

    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 2")
    response = _response_for(item)  # question 1's page never came back: pagehide sent it
    assert response.answer["choice"] == choice_id(item, "Tibial nerve")
    page.reload()
    expect(navigator_item(page, 1)).to_have_accessible_name(re.compile(r"^1\s*, answered$"))


def test_submit_is_offered_from_every_question(learner_page: Page, learner):
    page = learner_page
    attempt = start_quiz(learner=learner, quiz=make_exam("single", "true_false", "multiple"))
    for position in range(3):
        page.goto(f"/attempts/{attempt.pk}/q/{position}/")
        navigator = page.get_by_role("navigation", name="All questions")
        expect(navigator.get_by_role("link", name="Review and submit")).to_be_visible()
        expect(page.get_by_role("link", name="Review and submit")).to_have_count(1)
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your exam?")
    expect(page.locator("main")).to_contain_text("3 questions: 3 not answered")
    expect(page.get_by_role("button", name="Submit exam")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None  # only the confirmation submits


def test_clock_stays_on_screen_on_a_phone_beside_a_figure(new_context, learner, base_url):
    context = new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in(context, learner, base_url)
    page = context.new_page()
    attempt = start_quiz(learner=learner, quiz=make_exam("hotspot", "single"))
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    expect(page.locator(".hotspot-canvas img")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "exam-phone-top.png", full_page=True)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 300")  # far enough to lose a clock that scrolls
    box = page.locator("#countdown").bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= PHONE["height"]
    expect(page.locator("#countdown")).to_be_in_viewport()
    page.screenshot(path=SCREENSHOTS / "exam-phone-scrolled.png")
    page.set_viewport_size(DESKTOP)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator("#countdown")).to_be_in_viewport()
    page.screenshot(path=SCREENSHOTS / "exam-desktop-scrolled.png")
