"""Teaching a class in the browser, as a new educator would: create a cohort, enrol it from a
CSV file, set a quiz with a due date; a learner then sees it under "Set for you"; the class
dashboard shows the class's work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from cohorts.models import Cohort
from quizzes import attempts, pipeline
from quizzes.models import Attempt, Response
from tests.api.conftest import save_answer
from tests.browser.conftest import audit_page, log_in
from tests.factories import EducatorFactory, UserFactory, make_question, make_quiz
from tests.quizzes.helpers import wrong_tokens

pytestmark = pytest.mark.browser


def fill_datetime(page: Page, field: str, when) -> None:
    local = timezone.localtime(when)
    page.locator(f"#id_{field}_0").fill(local.strftime("%Y-%m-%d"))
    page.locator(f"#id_{field}_1").fill(local.strftime("%H:%M:%S"))


def answer_and_submit(learner, attempt: Attempt, *, right: bool) -> None:
    for item in attempt.items.all():
        save_answer(learner, item, None if right else wrong_tokens(item))
    attempts.close_attempt(attempt_id=attempt.pk)
    for response in Response.objects.filter(item__attempt=attempt):
        pipeline.grade_response(response_id=response.pk)


def test_an_educator_sets_work_for_a_class_and_a_learner_sees_it(
    new_context, base_url: str, axe, tmp_path
):
    make_quiz([make_question(), make_question("true_false")], title="Heel pain: week 1")
    learners = [
        UserFactory(username=f"student{n:02}", first_name="Student", last_name=f"{n:02}")
        for n in range(30)
    ]
    educator = EducatorFactory(username="dr_tinel")
    educator_context: BrowserContext = new_context()
    log_in(educator_context, educator, base_url)
    page = educator_context.new_page()

    # 1. A new cohort, from the admin.
    page.goto("/admin/cohorts/cohort/add/")
    page.get_by_label("Name").fill("Year 3 musculoskeletal")
    page.get_by_label("Term").fill("2026-27")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    cohort = Cohort.objects.get(name="Year 3 musculoskeletal")

    # 2. Thirty learners from a CSV file (a header row, e-mail addresses).
    page.get_by_role("link", name="Enrol learners").first.click()
    csv_file = tmp_path / "class.csv"
    csv_file.write_text("email\n" + "\n".join(u.email for u in learners) + "\n")
    page.get_by_label("Or a CSV file").set_input_files(csv_file)
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".messagelist")).to_contain_text("Enrolled 30 learners.")
    assert cohort.memberships.count() == 30

    # 3. A quiz set with a due date.
    now = timezone.now()
    page.goto(f"/admin/cohorts/assignment/add/?cohort={cohort.pk}")
    page.locator("#id_kind").select_option(label="Quiz or exam")
    page.locator("#id_quiz").select_option(label="Heel pain: week 1")
    fill_datetime(page, "opens_at", now - timedelta(hours=1))
    fill_datetime(page, "due_at", now + timedelta(days=3))
    fill_datetime(page, "closes_at", now + timedelta(days=5))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assignment = cohort.assignments.get()

    # 4. The learner sees it, and starts it from there.
    learner_context: BrowserContext = new_context()
    log_in(learner_context, learners[0], base_url)
    home = learner_context.new_page()
    home.goto("/")
    set_for_you = home.get_by_role("region", name="Set for you")
    expect(set_for_you).to_contain_text("Heel pain: week 1")
    expect(set_for_you).to_contain_text("Not started")
    expect(set_for_you).to_contain_text("Year 3 musculoskeletal")
    assert audit_page(axe, home, "set-for-you") == []
    set_for_you.get_by_role("button", name="Start Heel pain: week 1").click()
    expect(home.get_by_role("heading", level=1)).to_contain_text("Question 1 of 2")
    assert Attempt.objects.get(learner=learners[0]).context_id == assignment.pk

    # 5. Some learners answer; the educator reads the dashboard.
    assert assignment.quiz is not None
    for number, learner in enumerate(learners[1:9]):
        attempt, _ = attempts.start_quiz_attempt(
            learner=learner, quiz=assignment.quiz, context=_context(assignment)
        )
        answer_and_submit(learner, attempt, right=number % 3 != 0)
    page.goto(f"/admin/cohorts/cohort/{cohort.pk}/dashboard/")
    expect(page.locator("svg.histogram")).to_be_visible()
    expect(page.get_by_role("table", name="Where learners stand")).to_contain_text("Submitted")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(_screens() / "class-dashboard.png"), full_page=True)
    home.reload()
    home.screenshot(path=str(_screens() / "set-for-you-in-progress.png"), full_page=True)


def _context(assignment):
    from cohorts.services import attempt_context

    return attempt_context(assignment)


def _screens():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
