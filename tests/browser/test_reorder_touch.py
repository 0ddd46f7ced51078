"""Ordering on a phone (touch): a swipe on the list scrolls the page, dragging is by the handle
only, and a dragged item reaches positions that were off-screen (the page scrolls along)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import CDPSession, Page, expect

from quizzes.models import OrderItem
from quizzes.versioning import record_version
from tests.browser.conftest import PHONE, SCREENSHOTS, log_in, reorder_texts
from tests.factories import make_question, make_quiz, start_quiz

pytestmark = pytest.mark.browser

MORE = [
    "Flexor hallucis longus",
    "Medial plantar nerve",
    "Lateral plantar nerve",
    "Abductor hallucis",
]


@pytest.fixture
def phone_page(new_context, learner, base_url) -> Page:
    context = new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in(context, learner, base_url)
    return context.new_page()


def _long_ordering_question_page(page: Page, learner) -> None:
    question = make_question("ordering")
    for position, text in enumerate(MORE, start=4):
        OrderItem.objects.create(question=question, text=text, position=position, feedback="")
    record_version(question=question)
    attempt = start_quiz(learner=learner, quiz=make_quiz([question]))
    page.goto(f"/attempts/{attempt.pk}/q/0/")
    expect(page.get_by_role("button", name=re.compile("^Move .* up$"))).to_have_count(8)


def _center(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _touch(cdp: CDPSession, kind: str, x: float | None = None, y: float | None = None) -> None:
    points = [] if x is None else [{"x": x, "y": y}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def test_swipe_on_an_item_scrolls_the_page(phone_page: Page, learner):
    page = phone_page
    _long_ordering_question_page(page, learner)
    order = reorder_texts(page)
    page.locator(".reorder-item").first.evaluate("li => li.scrollIntoView({block: 'center'})")
    before = page.evaluate("() => window.scrollY")
    x, y = _center(page, ".reorder-item:first-child .reorder-text")
    cdp = page.context.new_cdp_session(page)
    _touch(cdp, "touchStart", x, y)  # a finger swipes up on the first item's text
    for step in range(1, 11):
        _touch(cdp, "touchMove", x, y - 15 * step)
        time.sleep(0.016)
    _touch(cdp, "touchEnd")
    page.wait_for_function(f"() => window.scrollY - {before} > 75")
    assert page.evaluate("() => window.scrollY") - before > 75
    assert reorder_texts(page) == order  # nothing was dragged


def test_dragging_by_the_handle_reaches_an_off_screen_position(phone_page: Page, learner):
    page = phone_page
    _long_ordering_question_page(page, learner)
    expect(page.locator(".reorder-handle")).to_have_count(8)
    moved, second = reorder_texts(page)[:2]
    first = page.locator(".reorder-item").first
    first.evaluate("li => li.scrollIntoView({block: 'start'})")
    last_box = page.locator(".reorder-item").last.bounding_box()
    assert last_box is not None
    assert last_box["y"] > PHONE["height"]  # the last place is off-screen when the drag starts
    page.screenshot(path=SCREENSHOTS / "ordering-phone.png")

    cdp = page.context.new_cdp_session(page)
    x, y = _center(page, ".reorder-item:first-child .reorder-handle")
    _touch(cdp, "touchStart", x, y)
    for step in range(1, 11):  # down to the bottom edge of the screen
        _touch(cdp, "touchMove", x, y + (PHONE["height"] - 10 - y) * step / 10)
    deadline = time.monotonic() + 8
    while reorder_texts(page)[-1] != moved and time.monotonic() < deadline:
        _touch(cdp, "touchMove", x, PHONE["height"] - 10 + (time.monotonic() % 2))
        time.sleep(0.05)  # held at the edge: the page scrolls and the item moves along
    _touch(cdp, "touchEnd")

    assert reorder_texts(page)[-1] == moved
    assert reorder_texts(page)[0] == second
    expect(page.locator('select[name^="pos-"]').last).to_have_value("8")


def test_move_buttons_follow_the_item_off_screen(phone_page: Page, learner):
    page = phone_page
    _long_ordering_question_page(page, learner)
    moved = reorder_texts(page)[0]
    page.get_by_role("button", name=f"Move “{moved}” down").focus()
    for _ in range(7):
        page.keyboard.press("Enter")
    assert reorder_texts(page)[-1] == moved
    expect(page.locator(".reorder-item").last).to_be_in_viewport()
