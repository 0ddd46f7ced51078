"""The figure admin's region editor: an educator draws a region's corners by clicking on the
figure, or by keyboard alone, and the corners are saved as the region's points."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from quizzes.models import FigureRegion
from tests.browser.conftest import SCREENSHOTS, log_in, press_on, tab_to
from tests.factories import FigureFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def educator_page(context: BrowserContext, page: Page, admin_user, base_url: str) -> Page:
    # The superuser: a transactional test cannot rely on the Educators group a migration made.
    log_in(context, admin_user, base_url)
    return page


def test_a_region_is_drawn_by_clicking_its_corners(educator_page: Page):
    page = educator_page
    figure = FigureFactory()
    page.goto(f"/admin/quizzes/figure/{figure.pk}/change/")
    page.get_by_role("button", name="Draw Left half on the figure").click()
    # Drawing starts from the region's corners; this one is drawn again from scratch.
    expect(page.get_by_role("status")).to_contain_text("Drawing Left half: 4 corners")
    page.get_by_role("button", name="Clear corners").click()
    svg = page.locator(".region-editor svg")
    box = svg.bounding_box()
    assert box is not None
    for fx, fy in ((0.1, 0.1), (0.4, 0.1), (0.4, 0.8)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    expect(page.get_by_role("status").filter(has_text="3 corners")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".region-editor").screenshot(path=SCREENSHOTS / "admin-region-editor.png")
    page.get_by_role("button", name="Finish drawing").click()
    points = json.loads(page.locator("textarea[name='regions-0-points']").input_value())
    assert [[round(x), round(y)] for x, y in points] == [[10, 10], [40, 10], [40, 80]]

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = FigureRegion.objects.get(figure=figure, key="left").points
    assert [[round(x), round(y)] for x, y in saved] == [[10, 10], [40, 10], [40, 80]]


def test_a_region_is_drawn_by_keyboard_alone(educator_page: Page):
    page = educator_page
    figure = FigureFactory()
    page.goto(f"/admin/quizzes/figure/{figure.pk}/change/")
    page.locator("input[name='regions-2-label']").fill("Centre")
    page.locator("input[name='regions-2-description']").fill("the middle")
    press_on(page, page.get_by_role("button", name="Draw Centre on the figure"), "Enter")
    svg = page.get_by_role("application")
    expect(svg).to_be_focused()
    page.keyboard.press("Enter")  # the cross starts at the figure's centre: 50, 50
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press(" ")
    expect(page.get_by_role("status").filter(has_text="Corner 3 at 60, 60")).to_be_visible()
    page.keyboard.press("Escape")
    textarea = page.locator("textarea[name='regions-2-points']")
    expect(textarea).to_be_focused()
    assert json.loads(textarea.input_value()) == [[50, 50], [60, 50], [60, 60]]

    tab_to(page, page.get_by_role("button", name="Save", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert FigureRegion.objects.get(figure=figure, key="centre").points == [
        [50, 50],
        [60, 50],
        [60, 60],
    ]
