"""Spaced-repetition pages in a real browser: the memory model on the settings page."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from quizzes.reviews import optimizer, personal, synthetic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_settings_page_says_which_parameters_and_why(learner_page: Page, learner):
    decision = personal.FitDecision(
        adopted=True,
        parameters=synthetic.FORGETFUL_PARAMETERS,
        reason=(
            "Fitted to your own reviews, they predicted better on your latest 412 reviews, "
            "log loss 0.330 against 0.348 and calibration error (RMSE) 0.044 against 0.078."
        ),
        reviews=2060,
        span_days=240,
        held_back=412,
        candidate=synthetic.FORGETFUL_PARAMETERS,
        current=optimizer.Metrics(log_loss=0.348, rmse_bins=0.078, reviews=412),
        fitted=optimizer.Metrics(log_loss=0.330, rmse_bins=0.044, reviews=412),
    )
    personal.store_decision(
        learner_id=learner.pk, decision=decision, now=datetime(2026, 12, 1, tzinfo=UTC)
    )

    learner_page.goto(reverse("learner-settings"))

    section = learner_page.get_by_role("region", name="Your memory model")
    expect(section).to_contain_text("fitted to your own answers")
    expect(section).to_contain_text("log loss 0.330 against 0.348")
    expect(section).to_contain_text("1.2 days if you answered Good")
    shoot(learner_page, "settings")


def test_a_learner_previews_the_workload_of_an_exam_plan_then_saves_it(learner_page: Page):
    from django.utils import timezone

    from tests.factories import TopicFactory, make_question

    topics = [TopicFactory(name="Cardiology"), TopicFactory(name="Renal medicine")]
    for index in range(24):
        make_question().topics.add(topics[index % 2])

    learner_page.goto(reverse("exam-plan"))
    exam = (timezone.localdate() + timedelta(days=30)).isoformat()
    learner_page.get_by_label("Exam date").fill(exam)
    learner_page.get_by_label("Cardiology").check()
    learner_page.get_by_label("Renal medicine").check()
    learner_page.get_by_label("Minutes a day for reviews").fill("20")
    learner_page.get_by_role("button", name="Show the workload").click()

    chart = learner_page.get_by_role("region", name="Expected reviews per day until the exam")
    expect(chart.locator("svg.chart-svg")).to_be_visible()
    expect(chart.get_by_role("table", name="Each choice at a glance")).to_contain_text("24 of 24")
    shoot(learner_page, "exam-plan-preview")

    learner_page.get_by_role("button", name="Save this plan").click()
    expect(learner_page.get_by_role("region", name="Your plan")).to_contain_text(
        "Cardiology, Renal medicine"
    )
    expect(learner_page.get_by_label("Exam date")).to_have_value(exam)
    shoot(learner_page, "exam-plan-saved")


def test_the_progress_page_shows_transfer_beside_true_retention(learner_page: Page, learner):
    from quizzes.models import LearningObjective
    from tests.factories import make_question
    from tests.quizzes.test_review import MONDAY, answer, quiz_items

    seen, new_form = make_question(), make_question()
    objective = LearningObjective.objects.create(slug="tinel", title="Tinel's sign")
    objective.questions.set([seen, new_form])
    answer(learner, quiz_items(learner, [seen])[seen.pk], right=True, at=MONDAY)
    later = MONDAY + timedelta(days=3)
    answer(learner, quiz_items(learner, [new_form], at=later)[new_form.pk], right=True, at=later)

    learner_page.goto(reverse("progress"))

    section = learner_page.get_by_role("region", name="Retention that means knowledge")
    expect(section).to_contain_text("1 of 1 first answers right")
    expect(section).to_contain_text("True retention")
    shoot(learner_page, "progress-transfer")
