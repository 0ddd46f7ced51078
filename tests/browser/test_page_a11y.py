"""Page-wide accessibility rules axe cannot judge alone: the focus ring's contrast and extent,
reflow at 320 px with long reference links, keyboard-reachable scrolling tables, unique titles,
and the API documentation page."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from quizzes import attempts, pipeline
from quizzes.models import QuizMode
from tests.browser.conftest import PHONE, audit_page, tab_to
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key

pytestmark = pytest.mark.browser

LONG_REFERENCE = (
    "- Louisia S, Masquelet AC. The medial and inferior calcaneal nerves: an anatomic study. "
    "*Surg Radiol Anat*. 1999;21(3):169–173. "
    "<https://link.springer.com/article/10.1007/s00276-999-0169-8/fulltext/"
    "the-medial-and-inferior-calcaneal-nerves-an-anatomic-study-with-a-very-long-path>"
)


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return r, g, b


def answer_and_grade(learner, item) -> None:
    with transaction.atomic():
        response = attempts.submit_answer(
            learner=learner, item=item, raw_answer=key_tokens(item), idempotency_key=new_key()
        ).response
    pipeline.grade_response(response_id=response.pk)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_contrasts_3_to_1_and_surrounds_the_whole_confidence_chip(
    learner_page: Page, learner, scheme
):
    page = learner_page
    page.emulate_media(color_scheme=scheme)
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question()]))
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    focused = page.get_by_role("radio", name="Guess")
    tab_to(page, focused)  # a keyboard focus, so :focus-visible applies
    chip = focused.locator("xpath=ancestor::label[1]")
    style = chip.evaluate(
        """element => {
            const s = getComputedStyle(element);
            return {color: s.outlineColor, style: s.outlineStyle, width: s.outlineWidth,
                    page: getComputedStyle(document.body).backgroundColor};
        }"""
    )
    assert style["style"] == "solid"
    assert float(style["width"].removesuffix("px")) >= 2
    assert contrast(rgb(style["color"]), rgb(style["page"])) >= 3
    assert focused.evaluate("e => getComputedStyle(e).outlineStyle") == "none"


def test_long_reference_links_wrap_at_320_px(learner_page: Page, learner):
    page = learner_page
    quiz = make_quiz([make_question(references=LONG_REFERENCE)])
    attempt = start_quiz(learner=learner, quiz=quiz)
    answer_and_grade(learner, attempt.items.get())
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    page.get_by_text("References").click()
    expect(page.get_by_role("link", name=re.compile("springer"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_scrolling_data_tables_are_named_regions_reached_by_keyboard(learner_page: Page, learner):
    page = learner_page
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question()]))
    answer_and_grade(learner, attempt.items.get())
    card = learner.review_cards.get()
    page.set_viewport_size(PHONE)
    page.goto(f"/reviews/cards/{card.pk}/")
    region = page.get_by_role("region", name="Table of your answers")
    tab_to(page, region)
    page.goto("/progress/")
    expect(page.get_by_role("region", name="Table of your attempts")).to_have_attribute(
        "tabindex", "0"
    )
    for table in page.locator(".table-scroll").all():
        expect(table).to_have_attribute("tabindex", "0")
        expect(table).to_have_attribute("role", "region")


def test_question_titles_say_which_question_of_which_quiz(learner_page: Page, learner):
    page = learner_page
    quiz = make_quiz([make_question(), make_question()], title="Anatomy of the medial heel")
    attempt = start_quiz(learner=learner, quiz=quiz)
    page.goto(f"/attempts/{attempt.pk}/q/1/")
    expect(page).to_have_title("Question 2 of 2 - Anatomy of the medial heel - MedEd")
    exam = make_quiz([make_question()], title="Timed heel", mode=QuizMode.EXAM)
    exam_attempt = start_quiz(learner=learner, quiz=exam)
    page.goto(f"/attempts/{exam_attempt.pk}/submit/")
    expect(page).to_have_title("Submit exam - Timed heel - MedEd")


def test_the_api_documentation_page_passes_axe(page: Page, axe):
    page.goto("/api/docs/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name=re.compile("API")).first).to_be_visible()
    assert audit_page(axe, page, "api-docs", phone_axe=True) == []
