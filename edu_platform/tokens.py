"""API tokens: django-rest-knox's hashed, expiring tokens, one per login, revoked on logout and
on a password change, listed and revocable by their owner.

knox stores only a digest of each token (a stolen database leaks no usable token) and gives
each an expiry (settings.REST_KNOX["TOKEN_TTL"], a few hours by default: an exam's length).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.models import AuthToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's token authentication, minus its sweep of the user's other tokens on every request
    (a query per request): an expired token is still refused, and expired tokens are purged by
    a periodic job (`purge_expired_tokens`)."""

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


@transaction.atomic
def issue_token(*, user: User) -> tuple[str, datetime | None]:
    """A new token for `user` (each login its own), and when it expires."""
    instance, token = AuthToken.objects.create(user=user)
    return token, instance.expiry


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's live tokens, newest first (their digests never leave the database)."""
    return (
        AuthToken.objects.filter(user=user).exclude(expiry__lt=timezone.now()).order_by("-created")
    )


def token_for_user(user: User, token_key: str) -> AuthToken:
    """One of the user's tokens by its public key (the first characters), or 404."""
    token = tokens_of(user).filter(token_key=token_key).first()
    if token is None:
        raise Http404("No such token.")
    return token


def revoke_token(*, token: AuthToken) -> None:
    AuthToken.objects.filter(digest=token.digest).delete()


def revoke_tokens(*, user: User) -> int:
    """Revoke every token of `user` (a password change, a logout): returns how many."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def purge_expired_tokens(*, now: datetime) -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=now).delete()
    return deleted


class RevokeTokensOnPasswordChange:
    """A password "validator" that validates nothing: Django calls `password_changed` whenever
    a user's password is set and saved (the password-change and reset pages, the admin,
    `manage.py changepassword`), and every API token of theirs then stops working."""

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is not None and user.pk is not None:
            revoke_tokens(user=user)

    def get_help_text(self) -> str:
        return ""
