"""A screen-reader user can answer every hotspot question of the teaching module from the
accessibility tree alone: each region is a radio button named by its letter and an
answer-neutral description, the letters are drawn on the figure, and the order holds for the
whole attempt. The tests read Playwright's ARIA snapshot (what assistive technology is given),
never the pixels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from interop.modules import load_module_file
from quizzes.models import FigureRegion, HotspotTarget, Question, QuizMode
from quizzes.versioning import record_version
from tests.browser.conftest import expect_verdict
from tests.factories import make_question, make_quiz, start_quiz

pytestmark = pytest.mark.browser

MODULE = Path(__file__).resolve().parents[2] / "fixtures" / "mcn-module.json"
RADIO = re.compile(r"""^\s*- '?radio "(?P<name>[^"]+)"'?$""", re.MULTILINE)


def region_radios(page: Page) -> list[str]:
    """The accessible names of the hotspot's radio buttons, as the tree gives them."""
    return RADIO.findall(page.locator("#answer-form .hotspot").aria_snapshot())


def test_every_module_hotspot_question_is_answered_from_the_tree(
    learner_page: Page, learner, worker
):
    page = learner_page
    load_module_file(MODULE)
    questions = list(Question.objects.filter(type="hotspot").order_by("key"))
    assert len(questions) == 7
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions, mode=QuizMode.TUTOR))

    for item in attempt.items.order_by("position"):
        question = item.version.question
        assert question.figure is not None
        regions = list(question.figure.regions.all())
        correct = {t.region.description for t in question.targets.filter(is_correct=True)}
        page.goto(f"/attempts/{attempt.pk}/q/{item.position}/")

        expect(page.get_by_role("img", name=question.figure.alt_text)).to_be_visible()
        names = region_radios(page)
        # One radio per region, each "Region <letter>: <description>", no two alike, and never
        # the educators' labels.
        assert len(names) == len(regions) == len(set(names))
        described = {name.split(": ", 1)[1] for name in names}
        assert described == {region.description for region in regions}
        for region in regions:
            assert region.label not in " ".join(names)
        # The same letters are drawn on the figure, beside their regions (hidden from the tree,
        # which has them in the list already).
        letters = page.locator(".hotspot-overlay text.hotspot-letter").all_text_contents()
        assert [f"Region {letter}" for letter in letters] == [n.split(":")[0] for n in names]
        # The order holds within the attempt.
        page.reload()
        assert region_radios(page) == names

        # The learner picks a region the key holds, by what the tree says of it.
        chosen = next(name for name in names if name.split(": ", 1)[1] in correct)
        page.get_by_role("radio", name=chosen, exact=True).check()
        page.get_by_role("button", name="Check answer").click()
        expect_verdict(page, "Correct")


def test_a_text_alternative_is_offered_and_graded_the_same_way(learner_page: Page, learner, worker):
    page = learner_page
    question = make_question("hotspot")
    assert question.figure is not None
    words = {"left": "the side nearer the patient's midline", "right": "the outer side"}
    for region in question.figure.regions.all():
        target, _ = HotspotTarget.objects.get_or_create(question=question, region=region)
        target.alternative = words[region.key]
        target.save()
    record_version(question=question)
    attempt = start_quiz(learner=learner, quiz=make_quiz([question]))
    page.goto(f"/attempts/{attempt.pk}/q/0/")

    group = page.get_by_role("group", name=re.compile("^Or answer in words"))
    expect(group.get_by_role("radio")).to_have_count(2)
    # With a text alternative the figure list gives only letters: the descriptions would tell.
    assert "the left half" not in page.locator("#answer-form").aria_snapshot()
    left = FigureRegion.objects.get(figure=question.figure, key="left")
    assert HotspotTarget.objects.get(question=question, region=left).is_correct
    group.get_by_role("radio", name=words["left"]).check()
    page.get_by_role("button", name="Check answer").click()
    expect_verdict(page, "Correct")
