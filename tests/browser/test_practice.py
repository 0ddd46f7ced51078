"""Create a test in the browser: build a timed test from two topics, use the exam tools, reload,
submit, read results by topic with calibration, and find the wrong answer in "incorrect"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, AttemptItem, ItemTools
from tests.browser.conftest import FEEDBACK_TIMEOUT_MS, audit_page
from tests.factories import TopicFactory, make_question

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved at ")


@pytest.fixture
def bank():
    """Two topics of 12 single-answer questions each, and a third the test leaves out."""
    topics = [
        TopicFactory(name=name, slug=slug)
        for name, slug in (
            ("Anatomy", "anatomy"),
            ("Tinel's sign", "tinel"),
            ("Treatment", "treatment"),
        )
    ]
    for topic in topics:
        for _ in range(12):
            make_question("single").topics.add(topic)
    return topics


def pools_row(page: Page, topic: str):
    return page.locator(".topic-pools tbody tr").filter(has_text=topic)


def start_timed_test(page: Page, topics: list[str], count: int) -> None:
    page.goto("/practice/")
    for topic in topics:
        pools_row(page, topic).get_by_role("checkbox").check()
    page.get_by_role("radio", name="Unused: never answered").check()
    page.get_by_label("Number of questions").fill(str(count))
    page.get_by_role("radio", name=re.compile(r"^Timed")).check()
    page.get_by_role("button", name="Start the test").click()


def answer(page: Page, option: str, confidence: str) -> None:
    page.get_by_role("radio", name=confidence, exact=True).check()
    with page.expect_response(re.compile(r"/answer/$")):
        page.get_by_label(option, exact=True).check()
    expect(page.locator("[data-save-status]")).to_have_text(SAVED)


def highlight(page: Page, words: str) -> None:
    """Select `words` in the stem as a mouse drag would, then press Highlight."""
    page.locator(".question-card .stem").evaluate(
        """(stem, words) => {
            const walker = document.createTreeWalker(stem, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                document.dispatchEvent(new Event("selectionchange"));
                return;
            }
            throw new Error(`"${words}" is not in the stem`);
        }""",
        words,
    )
    with page.expect_response(re.compile(r"/tools/$")):
        page.get_by_role("button", name="Highlight selection").click()


def test_a_timed_test_keeps_its_tools_over_a_reload_and_feeds_results_and_pools(
    learner_page: Page, learner, bank, worker, axe
):
    page = learner_page
    page.goto("/practice/")
    expect(pools_row(page, "Anatomy").locator("td").first).to_have_text("12")
    found = audit_page(axe, page, "practice-create", phone_axe=True)

    start_timed_test(page, ["Anatomy", "Tinel's sign"], 20)
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 20")
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Time left: (29|30):\d\d"))
    attempt = Attempt.objects.get(learner=learner)
    filed = set(
        AttemptItem.objects.filter(attempt=attempt).values_list("question__topics__name", flat=True)
    )
    assert filed == {"Anatomy", "Tinel's sign"}

    # Question 1: sure, and wrong; strike out an option, highlight, take a note.
    answer(page, "Sural nerve", "Sure")
    strike = page.get_by_role("button", name="Strike out: Saphenous nerve")
    with page.expect_response(re.compile(r"/tools/$")):
        strike.click()
    expect(strike).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Sural nerve", exact=True)).to_be_checked()  # strikes never answer
    highlight(page, "medial calcaneal nerve")
    expect(page.locator(".stem mark.hl")).to_have_text("medial calcaneal nerve")
    page.get_by_text("Your note", exact=True).click()
    page.get_by_label("Your note on this question").fill("Check the tibial branches again.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#note-status")).to_contain_text("Note saved")
    found += audit_page(axe, page, "practice-question-tools", phone_axe=True)

    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 20")
    answer(page, "Tibial nerve", "Sure")

    page.get_by_role("navigation", name="All questions").locator(".nav-item").first.click()
    page.reload()  # mid-test: everything is still there
    expect(page.get_by_label("Sural nerve", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="Sure", exact=True)).to_be_checked()
    expect(page.get_by_role("button", name="Strike out: Saphenous nerve")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".stem mark.hl")).to_have_text("medial calcaneal nerve")
    expect(page.get_by_label("Your note on this question")).to_have_value(
        "Check the tibial branches again."
    )
    tools = ItemTools.objects.get(item__attempt=attempt, item__position=0)
    assert tools.note == "Check the tibial branches again."

    page.get_by_role("link", name="Review and submit").click()  # from any question
    expect(page.locator("main")).to_contain_text("20 questions: 18 not answered")
    page.get_by_role("button", name="Submit exam").click()

    expect(page).to_have_url(re.compile(r"/results/$"))
    expect(page.locator(".score")).to_have_text("Score: 1 of 20 (5%)", timeout=FEEDBACK_TIMEOUT_MS)
    confident = page.get_by_role("region", name="Sure, but not correct: review these first")
    expect(confident.get_by_role("link")).to_have_text(["Question 1"])
    by_topic = page.get_by_role("region", name="By topic").locator("tbody tr")
    expect(by_topic).to_have_count(2)
    expect(by_topic.filter(has_text="Anatomy")).to_have_count(1)
    expect(by_topic.filter(has_text="Tinel's sign")).to_have_count(1)
    sure = page.get_by_role("region", name="How sure you were, and how often right").locator(
        "tbody tr", has=page.get_by_role("rowheader", name="Sure", exact=True)
    )
    expect(sure.locator("td")).to_have_text(["1 of 2", "50%"])
    expect(page.locator("#q-1")).to_contain_text("Check the tibial branches again.")
    found += audit_page(axe, page, "practice-results", phone_axe=True)

    # Next time, the wrong answer is in "Incorrect last time", and the two answered questions
    # are no longer unused.
    page.goto("/practice/")
    first = AttemptItem.objects.get(attempt=attempt, position=0).question.topics.get().name
    cells = pools_row(page, first).locator("td")
    expect(cells.nth(1)).to_have_text("1")
    unused = [
        int(pools_row(page, name).locator("td").first.inner_text())
        for name in ("Anatomy", "Tinel's sign")
    ]
    assert sum(unused) == 22
    assert found == []
