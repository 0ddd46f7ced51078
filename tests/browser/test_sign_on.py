"""Single sign-on against a real OpenID provider run in its own process: the first sign-on
creates the account, the next finds it by issuer and subject (never by e-mail), refusals log
nobody in and say why, and local password logins can be turned off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Page, expect

from signon.models import ExternalIdentity
from tests.factories import UserFactory
from tests.oidc_op.provider import PEOPLE, Provider, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server, settings, tmp_path: Path) -> Iterator[Provider]:
    with running_provider(f"{live_server.url}/oidc/callback/", tmp_path) as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        settings.OIDC_ENABLED = True
        settings.OIDC_PROVIDER_NAME = "Test University"
        yield running


def sign_on(page: Page, username: str, password: str | None = None) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test University").click()
    expect(page.get_by_role("heading", name="Test university sign-in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or PEOPLE[username])
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_on_creates_the_account_and_the_next_finds_it(page: Page, provider):
    sign_on(page, "ada-lovelace")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    identity = ExternalIdentity.objects.select_related("user").get()
    assert identity.issuer == provider.issuer
    assert re.fullmatch(r"staff-\d{6}", identity.subject)
    user = identity.user
    assert (user.username, user.email, user.get_full_name()) == (
        "ada-lovelace",
        "ada-lovelace@example.edu",
        "Ada Lovelace",
    )
    assert not user.has_usable_password()

    page.context.clear_cookies()
    sign_on(page, "ada-lovelace")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.count() == 1
    assert ExternalIdentity.objects.count() == 1


def test_a_local_account_with_the_same_email_is_never_taken_over(page: Page, provider):
    local = UserFactory(username="grace-hopper", email="grace-hopper@example.edu")
    sign_on(page, "grace-hopper")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    identity = ExternalIdentity.objects.get()
    assert identity.user != local
    assert identity.user.username == "grace-hopper2"


def test_a_replayed_callback_is_refused_and_logs_nobody_in(page: Page, provider):
    callbacks: list[str] = []
    page.on("request", lambda request: callbacks.append(request.url))
    sign_on(page, "ada-lovelace")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    [callback] = [url for url in callbacks if "/oidc/callback/" in url]

    attacker = page.context.browser.new_context()  # type: ignore[union-attr]
    stolen = attacker.new_page()
    reply = stolen.goto(callback)
    assert reply is not None
    assert reply.status == 403
    expect(stolen.get_by_role("heading", name="Sign-on failed")).to_be_visible()
    expect(stolen.get_by_role("alert")).to_contain_text("did not complete")
    expect(stolen.get_by_role("button", name="Log out")).to_have_count(0)
    attacker.close()

    page.goto(callback)  # the same browser, the state already used
    expect(page.get_by_role("heading", name="Sign-on failed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("could not be verified")


def test_an_id_token_from_another_issuer_is_refused(page: Page, provider, settings):
    settings.OIDC_OP_ISSUER = "https://login.other-university.example/"
    sign_on(page, "ada-lovelace")
    expect(page.get_by_role("heading", name="Sign-on failed")).to_be_visible()
    assert not ExternalIdentity.objects.exists()
    assert User.objects.count() == 0


def test_sign_on_is_a_404_where_it_is_not_set_up(client: Client, settings):
    settings.OIDC_ENABLED = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_local_logins_turned_off_leave_only_superusers_a_password(client: Client, settings):
    settings.LOCAL_LOGIN_ENABLED = False
    learner = UserFactory(username="learner")
    learner.set_password("a-long-password-1")
    learner.save()
    admin = User.objects.create_superuser("root", "root@example.edu", "a-long-password-2")
    refused = client.post(
        "/accounts/login/", {"username": "learner", "password": "a-long-password-1"}
    )
    assert refused.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    allowed = client.post("/accounts/login/", {"username": "root", "password": "a-long-password-2"})
    assert allowed.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
