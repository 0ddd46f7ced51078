"""LTI 1.3 endpoints: the tool's keys, third-party login initiation, and the launch."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import login as log_in
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from lti_tool.constants import SESSION_KEY
from lti_tool.models import Key, LtiLaunch
from lti_tool.utils import DjangoToolConfig, get_launch_from_request, sync_data_from_launch
from lti_tool.views import OIDCLoginInitView
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from lti import launch

log = logging.getLogger(__name__)
SESSION_BACKEND = "signon.backends.ExternalIdentityBackend"


def refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


class LoginInitView(OIDCLoginInitView):
    """Third-party login initiation: a plain redirect to the platform's authorisation endpoint.

    django-lti's view first serves pylti1p3's cookie check, a page of inline script that this
    site's Content-Security-Policy refuses; the README asks LMS administrators to open the tool
    in a new window instead, where the state cookie is first-party and needs no check.
    """

    def get_oidc_response(
        self, request: HttpRequest, registration_uuid: Any, params: Any
    ) -> HttpResponse:
        if not params.get("target_link_uri"):
            return refused(request, "The course's link to MedEd is incomplete.", status=400)
        if not Key.objects.active().exists():
            log.error("LTI login initiation with no tool key: run manage.py rotate_keys")
            return refused(
                request,
                "MedEd is not ready for course links yet (it has no signing key). Ask your "
                "school's LMS administrator.",
                status=503,
            )
        login = DjangoOIDCLogin(
            request,
            DjangoToolConfig(registration_uuid),
            launch_data_storage=DjangoCacheDataStorage(),
        )
        try:
            response: HttpResponse = login.disable_check_cookies().redirect(
                self.get_redirect_url(params["target_link_uri"])
            )
        except (OIDCException, LtiException) as problem:
            log.warning("LTI login initiation refused: %s", problem)
            return refused(
                request,
                "Your course's platform is not registered here. Ask your school's LMS "
                "administrator to register MedEd.",
                status=400,
            )
        return response


@method_decorator(csrf_exempt, name="dispatch")
class LaunchView(View):
    """The LMS posts its signed launch here, in a new window (this site may not be framed)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            lti_launch = get_launch_from_request(request)
        except LtiException as problem:
            log.warning("LTI launch refused: %s", problem)
            return refused(
                request,
                "The launch from your course could not be verified (it may be old, already "
                "used, or not signed by your school's platform). Open the activity again from "
                "your course.",
                status=400,
            )
        if not lti_launch.deployment.is_active:
            return refused(
                request,
                "This course's connection to MedEd is not switched on yet. Ask your school's "
                "LMS administrator to activate it.",
            )
        claims = lti_launch.get_launch_data()
        deep_linking = lti_launch.is_deep_link_launch
        try:
            with transaction.atomic():
                launch.use_nonce(claims)
                if deep_linking and not launch.teaches(claims):
                    raise launch.LaunchRefused(
                        "Only teachers can choose which activity a course link opens."
                    )
                activity = None if deep_linking else launch.activity_of(claims)
                user = launch.person(claims, issuer=lti_launch.registration.issuer)
                sync_data_from_launch(lti_launch)
                lti_user = lti_launch.user
                if lti_user.auth_user_id != user.pk:
                    lti_user.auth_user = user
                    lti_user.save(update_fields=["auth_user"])
        except launch.LaunchRefused as refusal:
            return refused(request, str(refusal))
        log_in(request, user, backend=SESSION_BACKEND)
        request.session[SESSION_KEY] = lti_launch.get_launch_id()
        return redirect(activity.url if activity else "lti-deep-link")


def _deep_link_launch(request: HttpRequest) -> LtiLaunch | None:
    """The deep-linking launch this session came from, if it is one and still cached."""
    launch_id = request.session.get(SESSION_KEY)
    if not launch_id or not request.user.is_authenticated:
        return None
    try:
        lti_launch = get_launch_from_request(request, launch_id)
    except LtiException:
        return None
    return lti_launch if lti_launch.is_deep_link_launch else None


def deep_link(request: HttpRequest) -> HttpResponse:
    """A teacher picks the quiz, exam or case a new course link opens; the signed answer goes
    back to the LMS, which places the link in the course."""
    lti_launch = _deep_link_launch(request)
    if lti_launch is None:
        return refused(
            request,
            "Choosing an activity starts from your course: add MedEd there again.",
            status=400,
        )
    choices = launch.activities()
    if request.method == "POST":
        chosen = next((a for a in choices if a.ref == request.POST.get("activity")), None)
        if chosen is not None:
            jwt = launch.deep_link_response(
                lti_launch.get_message_launch(),
                chosen,
                launch_url=request.build_absolute_uri(reverse("lti-launch")),
            )
            settings_claim = lti_launch.get_claim(launch.DEEP_LINKING_SETTINGS_CLAIM) or {}
            return_url = settings_claim["deep_link_return_url"]
            response = render(
                request,
                "lti/deep_link_return.html",
                {"jwt": jwt, "return_url": return_url, "activity": chosen},
            )
            # The answer is a form posted to the LMS: this page alone may send a form there.
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(return_url))
            response.headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
                "form-action 'self'", f"form-action 'self' {origin}"
            )
            return response
    return render(
        request,
        "lti/deep_link.html",
        {"choices": choices, "error": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )
