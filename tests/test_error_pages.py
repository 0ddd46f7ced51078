"""Error pages: the site's own 404, 403 and 500 (DEBUG off, as in the demo and production),
each with the site's header and a way home, and a favicon for every page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# Used by the tests marked with this module as their URLconf: the site's URLs plus two views
# that fail on purpose.
urlpatterns = [
    path("forbidden/", _forbidden),
    path("broken/", _broken),
    path("", include("edu_platform.urls")),
]


def _assert_site_page_with_way_home(body: str) -> None:
    assert '<header class="site-header">' in body
    assert 'class="brand" href="/"' in body
    assert '<a class="button" href="/">Go to the home page</a>' in body


@pytest.mark.django_db
def test_unknown_address_shows_the_styled_404_with_a_way_home(learner_client):
    response = learner_client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page not found</h1>" in body
    _assert_site_page_with_way_home(body)
    assert "Log out" in body  # the header is the logged-in learner's


@pytest.mark.django_db
def test_404_for_anonymous_visitor_is_styled_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_site_page_with_way_home(response.content.decode())


@pytest.mark.django_db
def test_api_404_keeps_the_json_error_shape(learner_client):
    response = learner_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
def test_permission_denied_shows_the_styled_403(learner_client):
    response = learner_client.get("/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>You may not open this page</h1>" in body
    _assert_site_page_with_way_home(body)


@pytest.mark.django_db
@pytest.mark.urls("tests.test_error_pages")
def test_server_error_shows_the_styled_500(learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in body
    assert "a bug" not in body
    _assert_site_page_with_way_home(body)


@pytest.mark.django_db
def test_every_page_links_the_favicon(learner_client):
    body = learner_client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
