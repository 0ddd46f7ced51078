"""Form errors a screen-reader user can find: each error is tied to its input (its accessible
description), password rules are shown and tied to the new-password input."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_login_with_empty_fields_names_each_missing_field(page: Page):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_have_text("Enter your username and password to log in.")
    username = page.get_by_label("Username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_have_accessible_description("Enter your username.")
    expect(page.get_by_label("Password")).to_have_accessible_description("Enter your password.")


def test_password_change_shows_the_rules_and_ties_errors_to_their_inputs(
    page: Page, context: BrowserContext, learner, base_url
):
    log_in(context, learner, base_url)
    page.goto("/accounts/password_change/")
    new = page.get_by_label("New password:", exact=True)
    expect(new).to_have_accessible_description(re.compile("at least 8 characters"))

    page.get_by_label("Old password:").fill("wrong")
    new.fill("short")
    page.get_by_label("New password confirmation:").fill("short")
    page.get_by_role("button", name="Change password").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Old password:")).to_have_accessible_description(
        re.compile("Your old password was entered incorrectly")
    )
    expect(page.get_by_label("New password confirmation:")).to_have_accessible_description(
        re.compile("too short")
    )


@override_settings(SIGNUP_ENABLED=True)
def test_signup_shows_the_password_rules_on_the_password_input(page: Page):
    page.goto("/accounts/signup/")
    expect(page.get_by_label("Password:", exact=True)).to_have_accessible_description(
        re.compile("at least 8 characters")
    )
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_label("Username:")).to_have_accessible_description(
        re.compile("This field is required")
    )
