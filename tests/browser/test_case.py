"""The case player in the browser: stages open in order, through to the debrief."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Attempt
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, expect_verdict
from tests.factories import FigureFactory, make_case, make_question

pytestmark = pytest.mark.browser


def stage(page: Page, number: int):
    return page.locator("ol.stages > li").nth(number - 1)


def test_learner_completes_a_case_stage_by_stage(learner_page: Page, learner, worker):
    page = learner_page
    case = make_case(
        [
            [make_question("single")],
            [make_question("true_false")],
            [make_question("short_answer")],
        ],
        title="The runner's heel",
    )
    case.stages.get(position=0).figures.add(FigureFactory(caption="The heel, from the inside."))

    page.goto(case.get_absolute_url())
    expect(page.locator("main")).to_contain_text("A clinical case in 3 stages")
    page.get_by_role("button", name="Start the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The runner's heel")
    expect(stage(page, 1)).to_contain_text("Stage 1 of the story.")
    expect(stage(page, 1).locator("figure img")).to_have_attribute(
        "alt", "A square whose left half is shaded."
    )
    expect(stage(page, 1).locator("figcaption")).to_contain_text("The heel, from the inside.")
    expect(stage(page, 2)).to_have_class(re.compile(r"\bstage-locked\b"))
    expect(stage(page, 2)).not_to_contain_text("Stage 2 of the story.")
    expect(stage(page, 3)).to_have_class(re.compile(r"\bstage-locked\b"))

    # The locked stage's question cannot be opened by its address either.
    attempt = Attempt.objects.get(learner=learner)
    page.goto(f"/attempts/{attempt.pk}/q/1/")
    expect(page).to_have_url(re.compile(rf"/case-attempts/{attempt.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("Answer the questions of the current stage")

    stage(page, 1).get_by_role("link", name="Question 1").click()
    expect(page.locator(".case-context .case-stage-current")).to_contain_text(
        "Stage 1 of the story."
    )
    page.get_by_role("radio", name="Tibial nerve").check()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    page.get_by_role("link", name="← Back to the case").click()
    expect(stage(page, 1).locator(".tag")).to_have_text("answered")
    expect(stage(page, 2)).not_to_have_class(re.compile(r"\bstage-locked\b"))
    expect(stage(page, 2)).to_contain_text("Stage 2 of the story.")
    expect(stage(page, 3)).to_have_class(re.compile(r"\bstage-locked\b"))
    expect(page.locator(".debrief")).to_have_count(0)

    stage(page, 2).get_by_role("link", name="Question 2").click()
    # The case so far beside the question: this stage open, the earlier one collapsed.
    context = page.get_by_role("region", name="The case: The runner's heel")
    expect(context.locator(".case-stage-current")).to_contain_text("Stage 2 of the story.")
    expect(context.get_by_text("Stage 1 of the story.")).to_be_hidden()
    page.screenshot(path=SCREENSHOTS / "case-question-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / "case-question-375.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    context.locator("summary").click()
    expect(context.get_by_text("Stage 1 of the story.")).to_be_visible()
    expect(context).not_to_contain_text("Stage 3 of the story.")
    page.get_by_role("radio", name="False").check()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Not correct")
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 3 of 3")
    page.get_by_role("textbox", name="Your answer").fill("posterior tibial nerve")
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    page.get_by_role("link", name="Back to the case", exact=True).click()

    debrief = page.get_by_role("region", name="Debrief")
    expect(debrief.get_by_role("heading", name="Learning objectives")).to_be_visible()
    expect(debrief).to_contain_text("Recognise medial calcaneal nerve entrapment.")
    expect(debrief).to_contain_text("Your score: 2 of 3.")
    debrief.get_by_role("link", name=re.compile("Review every question")).click()
    expect(page.locator(".score")).to_have_text("Score: 2 of 3 (67%)")
