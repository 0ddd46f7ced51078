"""LTI 1.3 launches from a test LMS (tests/lti_platform.py: its own RSA key and JWKS over HTTP,
signed id tokens) through the browser: a learner lands in the quiz signed in, found again by
issuer and subject next time; broken or hostile launches are refused with a plain page and
create nobody."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from lti_tool.models import LtiDeployment, LtiRegistration, LtiUser
from playwright.sync_api import Page, expect

from lti.keys import ensure_key
from quizzes.models import QuizMode
from signon.models import ExternalIdentity
from tests.factories import make_question, make_quiz
from tests.lti_platform import Platform, running_platform

pytestmark = pytest.mark.browser


@pytest.fixture
def platform(live_server) -> Iterator[Platform]:
    with running_platform(live_server.url) as running:
        ensure_key()  # as `make run` does
        registration = LtiRegistration.objects.create(
            name="Test LMS",
            issuer=running.issuer,
            client_id=running.client_id,
            auth_url=f"{running.url}/auth",
            token_url=f"{running.url}/token",
            keyset_url=f"{running.url}/jwks",
        )
        LtiDeployment.objects.create(
            registration=registration, deployment_id=running.deployment_id, is_active=True
        )
        running.tool_init_url = f"{live_server.url}/lti/init/{registration.uuid}/"
        yield running


@pytest.fixture
def quiz():
    return make_quiz(
        [make_question("single")], title="Heel pain basics", mode=QuizMode.TUTOR, is_published=True
    )


def launch(
    page: Page, platform: Platform, *, activity: str, tamper: str = "", user: str = "ada-lovelace"
) -> None:
    page.goto(platform.course_link(user=user, role="learner", activity=activity, tamper=tamper))
    page.get_by_role("button", name="Open in MedEd").click()
    page.get_by_role("button", name="Continue").click()


def expect_refused(page: Page, reason: str) -> None:
    expect(page.get_by_role("heading", name="The activity could not open")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(reason)
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert not LtiUser.objects.exists()


def test_a_learner_launch_opens_the_quiz_signed_in_and_finds_them_again(
    page: Page, platform: Platform, quiz
):
    launch(page, platform, activity=f"quiz:{quiz.key}")
    expect(page).to_have_url(re.compile(rf"/quizzes/{quiz.key}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Heel pain basics")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    identity = ExternalIdentity.objects.select_related("user").get()
    assert (identity.issuer, identity.subject) == (platform.issuer, "lms-user-ada-lovelace")
    assert identity.user.get_full_name() == "Ada Lovelace"
    assert LtiUser.objects.get().auth_user == identity.user

    page.context.clear_cookies()
    launch(page, platform, activity=f"quiz:{quiz.key}")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.count() == 1


@pytest.mark.parametrize("tamper", ["expired", "wrong-key", "wrong-audience"])
def test_a_launch_that_cannot_be_verified_is_refused(page: Page, platform: Platform, quiz, tamper):
    launch(page, platform, activity=f"quiz:{quiz.key}", tamper=tamper)
    expect_refused(page, "could not be verified")


def test_a_launch_from_an_unknown_deployment_is_refused(page: Page, platform: Platform, quiz):
    launch(page, platform, activity=f"quiz:{quiz.key}", tamper="unknown-deployment")
    expect_refused(page, "not switched on yet")
    # Listed for the LMS administrator to switch on, as django-lti records new deployments.
    assert LtiDeployment.objects.filter(deployment_id="deployment-9", is_active=False).exists()


def test_a_link_to_no_published_activity_is_refused(page: Page, platform: Platform):
    launch(page, platform, activity="quiz:no-such-quiz")
    expect_refused(page, "does not name a published quiz or case")


def test_a_replayed_launch_is_refused(page: Page, platform: Platform, quiz):
    posted: list[str] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.post_data or "") if request.url.endswith("/lti/launch/") else None
        ),
    )
    launch(page, platform, activity=f"quiz:{quiz.key}")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    [form] = posted

    # The same browser posts the same signed launch again (its state cookie still set).
    reply = page.request.post(
        platform.tool_launch_url,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 403
    assert "This launch was already used" in reply.text()
    assert User.objects.count() == 1


def test_a_teacher_places_a_quiz_by_deep_linking_and_a_learner_launches_it(
    page: Page, browser, base_url: str, platform: Platform, quiz
):
    page.goto(platform.course_link(user="grace-hopper", role="instructor", deep=True))
    page.get_by_role("button", name="Open in MedEd").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose an activity for your course")
    page.get_by_role("radio", name=re.compile(r"^Heel pain basics")).check()
    page.get_by_role("button", name="Place in the course").click()
    # The signed answer goes back by itself (static/js/autosubmit.js); the LMS checks its
    # signature against /lti/jwks/ before placing the link.
    expect(page.get_by_role("heading", name="Placed in the course")).to_be_visible()
    [item] = platform.placed
    assert (item["type"], item["title"], item["url"]) == (
        "ltiResourceLink",
        "Heel pain basics",
        platform.tool_launch_url,
    )
    assert item["custom"] == {"activity": f"quiz:{quiz.key}"}

    learner = browser.new_context(base_url=base_url)
    student = learner.new_page()
    launch(student, platform, activity=item["custom"]["activity"], user="ada-lovelace")
    expect(student.get_by_role("heading", level=1)).to_have_text("Heel pain basics")
    learner.close()


def test_a_learner_cannot_choose_what_a_course_link_opens(page: Page, platform: Platform, quiz):
    page.goto(platform.course_link(user="ada-lovelace", role="learner", deep=True))
    page.get_by_role("button", name="Open in MedEd").click()
    page.get_by_role("button", name="Continue").click()
    expect_refused(page, "Only teachers can choose")


def test_the_activity_chooser_needs_a_deep_linking_launch(client, learner):
    client.force_login(learner)
    reply = client.get("/lti/deep-link/")
    assert reply.status_code == 400
    assert "starts from your course" in reply.content.decode()
