"""OpenID Connect sign-on on mozilla-django-oidc, keyed by issuer and subject.

mozilla-django-oidc runs the authorisation-code flow (state, nonce, the token request, the id
token's signature against the provider's JWKS). On top of it this backend checks what the
library leaves out, the id token's issuer and audience, and finds the person by the verified
(issuer, subject) pair (signon.models), never by e-mail. A first sign-on creates the account.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from signon.models import ExternalIdentity

USERNAME_MAX = 150


class IssuerSubjectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: Any, **credentials: Any) -> User | None:
        # Django asks every backend on every login; only the provider's callback (which passes
        # the nonce it kept) is this backend's, never a password form with ?code= in its URL.
        if not settings.OIDC_ENABLED or "nonce" not in credentials:
            return None
        user: User | None = super().authenticate(request, **credentials)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The id token was issued by another provider.")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id token was issued for another client.")
        if not payload.get("sub"):
            raise SuspiciousOperation("The id token names no subject.")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims: dict[str, Any] = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            # OpenID Connect Core 5.3.2: the UserInfo response must be about the token's subject.
            raise SuspiciousOperation("The user info is about another person than the id token.")
        return sign_in(issuer=payload["iss"], subject=payload["sub"], claims=claims)


@transaction.atomic
def sign_in(*, issuer: str, subject: str, claims: dict[str, Any]) -> User:
    """The user of this (issuer, subject), created on their first sign-on; their name and
    e-mail follow the provider's (the provider is the source of truth for them)."""
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        user = User.objects.create_user(username=_free_username(claims, subject))
        identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    user = identity.user
    user.email = str(claims.get("email") or user.email)[:254]
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.save(update_fields=["email", "first_name", "last_name"])
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return user


def _free_username(claims: dict[str, Any], subject: str) -> str:
    """A readable username not taken yet: the provider's preferred username or the e-mail's
    local part, else the subject; a number appended when taken."""
    wanted = str(claims.get("preferred_username") or claims.get("email") or subject)
    base = re.sub(r"[^\w.@+-]", "", wanted.split("@")[0])[: USERNAME_MAX - 6] or "user"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate
