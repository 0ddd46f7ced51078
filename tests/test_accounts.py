"""Accounts: every learner page needs a login; sign-up only when the school opens it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "password_change"])
def test_learner_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_logs_a_learner_in(client, learner):
    response = client.post(
        reverse("login"), {"username": "learner", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_an_error(client, learner):
    response = client.post(reverse("login"), {"username": "learner", "password": "wrong"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_signup_is_closed_by_default(client):
    assert client.get(reverse("signup")).status_code == 404


def test_signup_creates_an_account_when_enabled(client, settings):
    settings.SIGNUP_ENABLED = True
    response = client.post(
        reverse("signup"),
        {
            "username": "newlearner",
            "password1": "a-Long-pass-9931",
            "password2": "a-Long-pass-9931",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newlearner").exists()


def test_login_page_offers_signup_only_when_enabled(client, settings):
    assert "Create an account" not in client.get(reverse("login")).content.decode()
    settings.SIGNUP_ENABLED = True
    assert "Create an account" in client.get(reverse("login")).content.decode()


def test_password_change_page_renders_for_a_learner(learner_client):
    assert learner_client.get(reverse("password_change")).status_code == 200
