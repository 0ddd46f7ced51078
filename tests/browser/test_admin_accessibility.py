"""The educators' authoring admin under axe (WCAG 2.2 A/AA and best practice): no serious or
critical problem on the pages an educator authors with, at desktop and phone widths, light and
dark. What Django's own markup still carries below that bar is listed in the README."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from cases.models import Case
from tests.browser.conftest import audit_page, log_in
from tests.factories import make_case, make_question, make_quiz

pytestmark = pytest.mark.browser


@pytest.fixture
def educator_page(context: BrowserContext, page: Page, admin_user, base_url: str) -> Page:
    # The superuser: a transactional test cannot rely on the Educators group a migration made.
    log_in(context, admin_user, base_url)
    return page


def test_authoring_pages_pass_axe(educator_page: Page, axe):
    page = educator_page
    hotspot = make_question("hotspot")
    single = make_question("single")
    quiz = make_quiz([single, make_question("ordering")], title="Heel pain")
    make_case([[make_question()]], title="A runner's heel")
    case = Case.objects.get()
    assert hotspot.figure is not None

    found = []
    pages = {
        "admin-index": "/admin/",
        "admin-questions": "/admin/quizzes/question/",
        "admin-question-add": "/admin/quizzes/question/add/",
        "admin-question-single": f"/admin/quizzes/question/{single.pk}/change/",
        "admin-question-hotspot": f"/admin/quizzes/question/{hotspot.pk}/change/",
        "admin-figure": f"/admin/quizzes/figure/{hotspot.figure.pk}/change/",
        "admin-quiz": f"/admin/quizzes/quiz/{quiz.pk}/change/",
        "admin-case": f"/admin/cases/case/{case.pk}/change/",
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
        found += audit_page(axe, page, name, phone_axe=True)
    assert found == []


def test_inline_inputs_and_autocomplete_comboboxes_have_names(educator_page: Page):
    page = educator_page
    quiz = make_quiz([make_question()], title="Heel pain")
    page.goto(f"/admin/quizzes/quiz/{quiz.pk}/change/")
    expect(page.get_by_role("spinbutton", name="Position, row 1")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Delete, row 1")).to_be_visible()
    expect(page.get_by_role("combobox", name="Question, row 1")).to_be_visible()


def test_figure_preview_shows_a_region_label_on_keyboard_focus(educator_page: Page):
    page = educator_page
    question = make_question("hotspot")
    assert question.figure is not None
    page.goto(f"/admin/quizzes/figure/{question.figure.pk}/change/")
    region = page.get_by_role("img", name="Left half: the left half")
    label = region.locator("text")
    expect(label).to_be_hidden()
    region.focus()
    expect(label).to_be_visible()
