"""What the test provider says about its users: a stable subject that is not the username (as
at real providers), and the standard profile claims."""

from typing import Any


def subject(user: Any) -> str:
    return f"staff-{user.pk:06d}"


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims.update(
        given_name=user.first_name,
        family_name=user.last_name,
        email=user.email,
        email_verified=True,
        preferred_username=user.username,
    )
    return claims
