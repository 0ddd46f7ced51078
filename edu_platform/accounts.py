"""Accounts: the login page, sign-up (when the school allows it) and the API's token login."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from edu_platform import tokens
from edu_platform.clients import client_address
from edu_platform.parsers import SafeJSONParser
from quizzes.http import AuthenticatedHttpRequest, AuthenticatedRequest


def lock_minutes(request: HttpRequest) -> int:
    """How long a login lock lasts (AXES_COOLOFF_TIME), in whole minutes."""
    cool_off = get_cool_off(request)
    return round(cool_off.total_seconds() / 60) if cool_off else 0


class SiteLoginView(LoginView):
    """Django's login view, telling the page which ways in the school offers (sign-on through
    its provider, passwords, sign-up), and warning before the failed attempt that would lock
    the account on this device."""

    attempts_left: int | None = None

    def form_invalid(self, form: Any) -> HttpResponse:
        # django-axes has already counted this failure (it listens to the failed login).
        username = str(form.data.get("username", ""))
        failures = AxesProxyHandler.get_failures(self.request, {"username": username})
        self.attempts_left = max(settings.AXES_FAILURE_LIMIT - failures, 0)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "signup_enabled": settings.SIGNUP_ENABLED and settings.LOCAL_LOGIN_ENABLED,
            "local_login_enabled": settings.LOCAL_LOGIN_ENABLED,
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_provider": settings.OIDC_PROVIDER_NAME,
            "attempts_left": self.attempts_left,
            "lock_minutes": lock_minutes(self.request),
        }


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The lock page (AXES_LOCKOUT_CALLABLE): when the lock ends, whom to ask, a way back."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    cool_off = get_cool_off(request)
    ends_at = (last or timezone.now()) + cool_off if cool_off else None
    context = {
        "ends_at": ends_at,
        "lock_minutes": lock_minutes(request),
        "help_contact": settings.LOGIN_HELP_CONTACT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, limited per client address and per e-mail address each hour,
    so nobody can flood a learner's inbox or probe addresses at speed. The answer never says
    whether an address has an account."""

    def form_valid(self, form: Any) -> HttpResponse:
        address = client_address(self.request)
        email = form.cleaned_data["email"].strip().lower()
        if not (
            _within_limit(f"reset:ip:{address}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS)
            and _within_limit(f"reset:email:{email}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
        ):
            form.add_error(
                None,
                "Too many password reset requests: try again in an hour, or ask your "
                "course administrator.",
            )
            return self.form_invalid(form)
        return super().form_valid(form)


def _within_limit(key: str, limit: int) -> bool:
    """Count one more request under `key` this hour; False once over `limit`. Without the
    cache (Redis down) requests are let through: a reset e-mail is not a secret."""
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # the key could not be stored: no counter
        return True
    return count <= limit


def signup(request: HttpRequest) -> HttpResponse:
    if not (settings.SIGNUP_ENABLED and settings.LOCAL_LOGIN_ENABLED):
        raise Http404("Sign-up is not open; ask your course administrator for an account.")
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="signon.backends.PasswordBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


class TokenInputSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When it stops working (log in again for a new one)."
    )


class TokenInfoSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="token_key", help_text="The token's first characters.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="The token this request was made with.")


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Account locked: too many failed logins. Try again later."
    default_code = "locked_out"


class TokenView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_scope = "token"
    parser_classes = [SafeJSONParser, FormParser]

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="Wrong username or password.",
                examples=[
                    OpenApiExample(
                        "Wrong password",
                        value={
                            "detail": "Unable to log in with the username and password given.",
                            "code": "invalid",
                            "errors": {
                                "non_field_errors": [
                                    "Unable to log in with the username and password given."
                                ]
                            },
                        },
                        status_codes=["400"],
                    ),
                ],
            ),
            429: OpenApiResponse(
                description="Too many attempts: throttled, or the account is locked out."
            ),
        },
        examples=[
            OpenApiExample(
                "Credentials",
                value={"username": "student", "password": "correct horse battery"},
                request_only=True,
            ),
            OpenApiExample(
                "A token",
                value={
                    "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b9944b09199c62bcf9418ad84",
                    "expiry": "2026-12-02T17:00:00Z",
                },
                response_only=True,
            ),
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Exchange a username and password for a new API token (send it as `Authorization:
        Token <token>`), valid until `expiry`. Each login gets its own token; logging out,
        revoking it, or changing the password ends it. Repeated failures lock the account out
        for a while."""
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The DRF request goes to authenticate(), so django-axes flags the lockout on it and
        # this view, not the HTML lockout page of the middleware, answers.
        user = authenticate(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise exceptions.ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]}
            )
        token, expiry = tokens.issue_token(user=user)
        return Response(TokenSerializer({"token": token, "expiry": expiry}).data)


def revoke_tokens_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging out of the site signs the learner out everywhere: their API tokens too."""
    if user is not None:
        tokens.revoke_tokens(user=user)


def _current_digest(request: Request) -> str | None:
    return getattr(request.auth, "digest", None)


class TokenListView(APIView):
    @extend_schema(responses=TokenInfoSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        """The learner's live API tokens (one per login), newest first."""
        current = _current_digest(request)
        rows = [
            {
                "token_key": t.token_key,
                "created": t.created,
                "expiry": t.expiry,
                "current": t.digest == current,
            }
            for t in tokens.tokens_of(request.user)
        ]
        return Response(TokenInfoSerializer(rows, many=True).data)


class TokenRevokeView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, token_id: str) -> Response:
        """Revoke one of the learner's tokens (another learner's is a 404)."""
        tokens.revoke_token(token=tokens.token_for_user(request.user, token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Revoke the token this request is made with (a session request: every token)."""
        if _current_digest(request) is not None:
            tokens.revoke_token(token=request.auth)
        else:
            tokens.revoke_tokens(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The learner's API tokens in the browser: list and revoke."""
    if request.method == "POST":
        if request.POST.get("all"):
            count = tokens.revoke_tokens(user=request.user)
            messages.success(request, f"{count} token{'s' if count != 1 else ''} revoked.")
        else:
            tokens.revoke_token(
                token=tokens.token_for_user(request.user, request.POST.get("token", ""))
            )
            messages.success(request, "The token is revoked: apps using it must log in again.")
        return redirect("account-tokens")
    return render(request, "registration/tokens.html", {"tokens": tokens.tokens_of(request.user)})
