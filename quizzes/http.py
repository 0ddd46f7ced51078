"""Request types for views that only an authenticated user reaches.

`login_required` (HTML views) and the API's default `IsAuthenticated` permission guarantee a real
user; these types tell mypy so, instead of each view guessing between a user and AnonymousUser.
Every HTML request also passes through django-htmx's middleware, which sets `request.htmx`.
They live in the lowest app so that every app (cases, interop, edu_platform) can import them.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


class AuthenticatedRequest(Request):
    """A DRF request behind the `IsAuthenticated` permission."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request only a signed-in user reaches (the admin site's views), for the
    places whose signature is Django's (a ModelAdmin's save_model) and so cannot say so."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
