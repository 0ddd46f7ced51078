"""Password logins (local accounts), which a school that signs everyone on through its provider
turns off (LOCAL_LOGIN_ENABLED=false): then only superusers keep a password way in, so an
outage of the provider never locks the operators out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def password_login_allowed(user: Any) -> bool:
    return bool(settings.LOCAL_LOGIN_ENABLED or user.is_superuser)


class PasswordBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Django asks this on every password login and on every request of a password-login
        # session, so turning local logins off also ends the sessions they made.
        return super().user_can_authenticate(user) and password_login_allowed(user)


class ExternalIdentityBackend(ModelBackend):
    """The session backend of people who came in through their school (an LTI launch): it
    never checks a password (authenticate finds no one), only keeps their session."""

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kwargs: Any
    ) -> None:
        return None
