"""OpenID Connect sign-on on mozilla-django-oidc, keyed by issuer and subject.

mozilla-django-oidc runs the authorisation-code flow (state, nonce, the token request, the id
token's signature against the provider's JWKS). On top of it this backend checks what the
library leaves out, the id token's issuer and audience, and finds the person by the verified
(issuer, subject) pair (signon.models), never by e-mail. A first sign-on creates the account.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from signon.identities import sign_in


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
