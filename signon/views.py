"""The sign-on callback with clear pages for every refusal, and the failure page."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

log = logging.getLogger(__name__)


def refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "signon/failed.html",
        {"reason": reason, "provider": settings.OIDC_PROVIDER_NAME},
        status=status,
    )


def _require_sign_on() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up here.")


class StartView(OIDCAuthenticationRequestView):
    """Off to the provider's login page (state, nonce and PKCE kept in the session)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_sign_on()
        response: HttpResponse = super().get(request)
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back to us. A refused sign-on logs nobody in and says why in
    plain words; the details go to the log, not to the page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_sign_on()
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as refusal:
            log.warning("sign-on refused: %s", refusal)
            return refused(
                request,
                "The answer from the sign-on service could not be verified (it may be old, "
                "already used, or meant for another site). Start again from the login page.",
                status=400,
            )
        except requests.RequestException as failure:
            log.warning("sign-on provider unreachable: %s", failure)
            return refused(
                request,
                "The sign-on service did not answer. Try again in a few minutes.",
                status=502,
            )
        return response

    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error") == "access_denied":
            reason = "You cancelled the sign-on, or the sign-on service refused it."
        else:
            reason = "The sign-on did not complete. Start again from the login page."
        return refused(self.request, reason)


def failed(request: HttpRequest) -> HttpResponse:
    return refused(request, "The sign-on did not complete. Start again from the login page.")
