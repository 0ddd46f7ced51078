"""LTI 1.3 endpoints: the tool's keys, third-party login initiation, and the launch."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import login as log_in
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from lti_tool.constants import SESSION_KEY
from lti_tool.models import Key
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


@method_decorator((csrf_exempt, xframe_options_exempt), name="dispatch")
class LaunchView(View):
    """The LMS posts its signed launch here (from its iframe or a new window)."""

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
        try:
            with transaction.atomic():
                launch.use_nonce(claims)
                activity = launch.activity_of(claims)
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
        return redirect(activity.url)
