"""Finding (or making) the platform's user of a person known to an outside identity provider:
an OpenID Connect sign-on or an LTI launch, both keyed by issuer and subject."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from signon.models import ExternalIdentity

USERNAME_MAX = 150


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
