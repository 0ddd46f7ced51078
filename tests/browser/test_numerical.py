"""A numerical question in the browser: a number with its unit, refused units said in place,
hints after a wrong try in tutor mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from quizzes.content import QuestionContent
from quizzes.models import AcceptedAnswer, Question
from quizzes.versioning import record_version
from tests.browser.conftest import expect_verdict
from tests.factories import make_question, make_quiz

pytestmark = pytest.mark.browser


def drip_question() -> Question:
    question = make_question(
        "numerical",
        title="Drip rate",
        stem="1000 mL of saline runs over 8 hours. At what rate?",
    )
    AcceptedAnswer.objects.filter(question=question).delete()
    AcceptedAnswer.objects.create(question=question, text="125", feedback="1000 ÷ 8.")
    question.type_settings = {
        "units": [["mL/h", 1], ["L/h", 0.001]],
        "hints": ["Divide the volume by the time.", "Keep the answer in mL per hour."],
        "feedback": {"incorrect": "Check the units of your answer."},
    }
    question.save()
    record_version(question=question)
    question.refresh_from_db()
    assert question.current_version is not None
    assert QuestionContent.from_dict(question.current_version.content).settings["units"]
    return question


def start(page: Page) -> None:
    make_quiz([drip_question()], title="Drips")
    page.goto("/")
    page.get_by_role("link", name="Drips").click()
    page.get_by_role("button", name="Start").click()


def test_a_number_in_another_unit_is_converted_and_graded(learner_page: Page, worker):
    page = learner_page
    start(page)
    field = page.get_by_role("textbox", name="Your answer (a number, in mL/h, L/h)")
    expect(field).to_have_attribute("inputmode", "decimal")
    field.fill("0.125 L/h")
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    expect(page.locator("#feedback")).to_contain_text("You wrote: 0.125 L/h")
    expect(page.locator("#feedback .hints")).to_have_count(0)


def test_a_wrong_unit_is_refused_in_place_and_a_wrong_number_shows_the_hints(
    learner_page: Page, worker
):
    page = learner_page
    start(page)
    field = page.get_by_role("textbox", name="Your answer (a number, in mL/h, L/h)")
    field.fill("125 mg")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#answer-error")).to_contain_text(
        '"mg" is not a unit of this question: use mL/h, L/h.'
    )
    field = page.get_by_role("textbox", name="Your answer (a number, in mL/h, L/h)")
    field.fill("100")
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Not correct")
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Check the units of your answer.")
    expect(feedback.locator(".hints li")).to_have_text(
        ["Divide the volume by the time.", "Keep the answer in mL per hour."]
    )
