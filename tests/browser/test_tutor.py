"""Tutor mode in the browser: every question type by mouse and keyboard, feedback in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import AttemptItem, HotspotTarget, Response
from quizzes.qtypes import REGISTRY
from quizzes.qtypes.hotspot import region_labels
from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    expect_verdict,
    order_by_buttons,
    press_on,
    rank_by_buttons,
    tab_to,
)
from tests.factories import make_question, make_quiz
from tests.quizzes.helpers import key_tokens

pytestmark = pytest.mark.browser

ORDER_KEY = [
    "Tibialis posterior",
    "Flexor digitorum longus",
    "Posterior tibial artery",
    "Tibial nerve",
]
MATCH_KEY = {
    "Plantar fasciitis": "Worst with the first steps in the morning",
    "Calcaneal stress fracture": "Positive calcaneal squeeze test",
    "Fat pad atrophy": "Deep bruise-like pain in the centre of the heel",
}
RANK_KEY = ["Medial calcaneal nerve entrapment", "Calcaneal stress fracture"]


def go_next(page: Page) -> None:
    page.get_by_role("link", name="Next →").click()


def correct_region_centre(question) -> tuple[float, float]:
    """The centre of the key's region, in the figure's own coordinates."""
    region = HotspotTarget.objects.get(question=question, is_correct=True).region
    xs = [x for x, _ in region.points]
    ys = [y for _, y in region.points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def test_learner_logs_in_and_answers_every_question_type(page: Page, learner, worker):
    types = REGISTRY.names()
    questions = [make_question(question_type) for question_type in types]
    keyboard_hotspot = make_question("hotspot")
    make_quiz([*questions, keyboard_hotspot], title="Every type")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username", exact=True).fill("learner")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Every type").click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 10")

    # single
    page.get_by_label("Tibial nerve", exact=True).check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#answer-area")).to_contain_text("Your answer is saved")
    expect_verdict(page, "Correct")
    expect(page.locator("#announcer")).to_contain_text("Correct.")
    expect(page.locator("#feedback")).to_be_focused()
    go_next(page)

    # multiple
    for text in ("Excessive pronation", "Running", "Tight footwear"):
        page.get_by_label(text, exact=True).check()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    go_next(page)

    # true/false
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    go_next(page)

    # short answer
    page.get_by_role("textbox", name="Your answer").fill("Tibial nerve")
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    expect(page.locator("#feedback")).to_contain_text("You wrote: Tibial nerve")
    go_next(page)

    # ordering, by keyboard only
    order_by_buttons(page, ORDER_KEY, keyboard=True)
    press_on(page, page.get_by_role("button", name="Check answer"), "Enter")
    expect_verdict(page, "Correct")
    go_next(page)

    # matching, with selects
    for prompt, match in MATCH_KEY.items():
        page.get_by_label(prompt, exact=True).select_option(label=match)
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    go_next(page)

    # ranking, with the Add buttons
    rank_by_buttons(page, RANK_KEY)
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    go_next(page)

    # hotspot, by clicking the figure inside the key's region
    cx, cy = correct_region_centre(questions[types.index("hotspot")])
    canvas = page.locator("#answer-form .hotspot-canvas")
    box = canvas.bounding_box()
    assert box is not None
    canvas.click(position={"x": box["width"] * cx / 100, "y": box["height"] * cy / 100})
    expect(page.locator("#answer-form .hotspot-marker")).to_be_visible()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    expect(page.locator("#feedback figcaption")).to_contain_text("red dot: where you clicked")
    go_next(page)

    # numerical: a number typed with the phone's decimal keyboard
    field = page.get_by_role("textbox", name="Your answer (a number)")
    expect(field).to_have_attribute("inputmode", "decimal")
    field.fill("22.86")
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    expect(page.locator("#feedback")).to_contain_text("You wrote: 22.86")
    go_next(page)

    # hotspot again, by keyboard: the neutral region list
    item = AttemptItem.objects.get(attempt__learner=learner, position=9)
    wanted = region_labels(item.presentation)[key_tokens(item)["region"]]
    radios = page.locator("#answer-form input[name=region]")
    tab_to(page, radios.first)
    for _ in range(radios.count()):
        # Each region reads "Region <letter>: <where it lies>".
        text = page.evaluate("document.activeElement.parentElement.textContent").strip()
        if text.startswith(f"{wanted}:"):
            break
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=re.compile(f"^{wanted}:"))).to_be_checked()
    press_on(page, page.get_by_role("button", name="Check answer"), "Enter")
    expect_verdict(page, "Correct")

    assert Response.objects.filter(learner=learner, correct=True).count() == 10


def test_incomplete_matching_shows_an_error_keeps_the_choice_and_saves_nothing(
    learner_page: Page, learner, worker
):
    page = learner_page
    quiz = make_quiz([make_question("matching")])
    page.goto(f"/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Plantar fasciitis", exact=True).select_option(
        label=MATCH_KEY["Plantar fasciitis"]
    )

    page.get_by_role("button", name="Check answer").click()

    error = page.locator("#answer-error")
    expect(error).to_have_text("Choose a match for every prompt.")
    # Announced once, by the focus landing on it: no alert role, no live-region copy.
    expect(error).to_be_focused()
    expect(error).not_to_have_attribute("role", "alert")
    expect(page.locator("#announcer")).not_to_contain_text("Choose a match")
    expect(page.locator("fieldset.matching")).to_have_attribute("aria-describedby", "answer-error")
    chosen = page.get_by_label("Plantar fasciitis", exact=True).locator("option:checked")
    expect(chosen).to_have_text(MATCH_KEY["Plantar fasciitis"])
    expect(page.get_by_label("Fat pad atrophy", exact=True)).to_have_value("")
    assert not Response.objects.exists()


def test_an_answer_corrected_after_an_error_goes_through(learner_page: Page, learner, worker):
    page = learner_page
    quiz = make_quiz([make_question("matching")])
    page.goto(f"/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#answer-error")).to_be_visible()

    for prompt, match in MATCH_KEY.items():
        page.get_by_label(prompt, exact=True).select_option(label=match)
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
    assert Response.objects.get().correct is True


def test_check_answer_with_nothing_chosen_says_so_and_saves_nothing(learner_page: Page, learner):
    page = learner_page
    quiz = make_quiz([make_question("single")])
    page.goto(f"/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start").click()

    page.get_by_role("button", name="Check answer").click()

    expect(page.locator("#answer-error")).to_have_text("Choose an answer.")
    expect(page.locator("#answer-error")).to_be_focused()
    expect(page.get_by_role("button", name="Check answer")).to_be_visible()
    assert not Response.objects.exists()


def test_a_tutor_question_is_answered_by_keyboard_alone(learner_page: Page, learner, worker):
    page = learner_page
    quiz = make_quiz([make_question("multiple"), make_question("single")])
    page.goto(f"/quizzes/{quiz.key}/")
    press_on(page, page.get_by_role("button", name="Start"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 2")

    for text in ("Excessive pronation", "Running", "Tight footwear"):
        press_on(page, page.get_by_label(text, exact=True), "Space")
        expect(page.get_by_label(text, exact=True)).to_be_checked()
    # Tab enters a radio group on its first radio: Guess.
    press_on(page, page.get_by_label("Guess", exact=True), "Space")
    press_on(page, page.get_by_role("button", name="Check answer"), "Enter")

    expect_verdict(page, "Correct")
    expect(page.locator("#feedback")).to_be_focused()
    press_on(page, page.get_by_role("link", name="Next →"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 2")
    assert Response.objects.get().confidence == "guess"


def test_matching_feedback_labels_the_correct_match_of_a_wrong_row(
    learner_page: Page, learner, worker
):
    page = learner_page
    quiz = make_quiz([make_question("matching")])
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name=re.compile("^Start")).click()
    chosen = dict(MATCH_KEY)
    chosen["Plantar fasciitis"], chosen["Fat pad atrophy"] = (
        MATCH_KEY["Fat pad atrophy"],
        MATCH_KEY["Plantar fasciitis"],
    )
    for prompt, match in chosen.items():
        page.get_by_label(prompt).select_option(label=match)
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Partly correct")

    rows = page.locator("#feedback .part")
    right = rows.filter(has_text="Calcaneal stress fracture")
    expect(right).to_contain_text(f"You chose: {MATCH_KEY['Calcaneal stress fracture']}.")
    expect(right.get_by_text(MATCH_KEY["Calcaneal stress fracture"])).to_have_count(1)
    wrong = rows.filter(has_text="Plantar fasciitis")
    expect(wrong.locator(".part-correct-match")).to_have_text(
        f"Correct match: {MATCH_KEY['Plantar fasciitis']}"
    )
    page.locator("#feedback").screenshot(path=SCREENSHOTS / "matching-feedback-1280.png")
    page.set_viewport_size(PHONE)
    page.locator("#feedback").screenshot(path=SCREENSHOTS / "matching-feedback-375.png")
