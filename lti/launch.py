"""What an LTI launch means here: who the person is, and which activity the link opens.

The platform (the school's LMS) signs the launch; pylti1p3 (through django-lti) has verified it
by the time these run. A link names its activity in the launch's custom parameters,
`activity=quiz:<key>` or `activity=case:<key>`, which the LMS administrator types in or deep
linking sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pylti1p3.deep_link_resource import DeepLinkResource

from cases.models import Case
from lti.models import UsedLaunchNonce
from quizzes.models import Quiz, Status
from signon.identities import sign_in

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
DEEP_LINKING_SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
TEACHING_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
}


class LaunchRefused(Exception):
    """The launch is valid but cannot be served; the message says why, to the person."""


@dataclass(frozen=True)
class Activity:
    kind: str  # "quiz" or "case"
    key: str
    title: str

    @property
    def ref(self) -> str:
        """How a course link names it (its custom parameter `activity`)."""
        return f"{self.kind}:{self.key}"

    @property
    def url(self) -> str:
        name = "quiz-detail" if self.kind == "quiz" else "case-detail"
        return reverse(name, args=[self.key])


def person(claims: dict[str, Any], issuer: str) -> User:
    subject = claims.get("sub")
    if not subject:
        raise LaunchRefused("Your course did not say who you are (an anonymous launch).")
    return sign_in(issuer=issuer, subject=str(subject), claims=claims)


def teaches(claims: dict[str, Any]) -> bool:
    return bool(TEACHING_ROLES.intersection(claims.get(ROLES_CLAIM) or []))


def activities() -> list[Activity]:
    """What a teacher may place in a course: every published quiz (and exam) and case."""
    quizzes = Quiz.objects.filter(is_published=True).order_by("title")
    cases = Case.objects.filter(status=Status.PUBLISHED).order_by("title")
    return [Activity("quiz", quiz.key, quiz.title) for quiz in quizzes] + [
        Activity("case", case.key, case.title) for case in cases
    ]


def deep_link_response(message_launch: Any, activity: Activity, *, launch_url: str) -> str:
    """The signed deep-linking answer placing one link to `activity` (pylti1p3 signs it with
    the tool's current key, which the platform checks against /lti/jwks/)."""
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(activity.title)
        .set_custom_params({"activity": activity.ref})
    )
    jwt: str = message_launch.get_deep_link().get_response_jwt([resource])
    return jwt


def activity_of(claims: dict[str, Any]) -> Activity:
    named = str((claims.get(CUSTOM_CLAIM) or {}).get("activity", ""))
    kind, _, key = named.partition(":")
    if kind == "quiz":
        quiz = Quiz.objects.filter(key=key, is_published=True).first()
        if quiz is not None:
            return Activity("quiz", quiz.key, quiz.title)
    elif kind == "case":
        case = Case.objects.filter(key=key, status=Status.PUBLISHED).first()
        if case is not None:
            return Activity("case", case.key, case.title)
    raise LaunchRefused(
        "This link does not name a published quiz or case here. Ask your teacher to set the "
        "link up again."
    )


def use_nonce(claims: dict[str, Any]) -> None:
    """Accept this launch's nonce once; LaunchRefused when it was used before."""
    now = timezone.now()
    UsedLaunchNonce.objects.filter(expires_at__lt=now).delete()
    expires = datetime.fromtimestamp(int(claims.get("exp", 0)), tz=UTC)
    try:
        with transaction.atomic():
            UsedLaunchNonce.objects.create(
                issuer=str(claims["iss"]),
                nonce=str(claims["nonce"]),
                # Kept until the token has expired (and a day at least, for clock skew).
                expires_at=max(expires, now + timedelta(days=1)),
            )
    except IntegrityError:
        raise LaunchRefused(
            "This launch was already used. Open the activity again from your course."
        ) from None
