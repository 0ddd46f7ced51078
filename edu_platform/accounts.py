"""Accounts: the login page, sign-up (when the school allows it) and the API's token login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from edu_platform.parsers import SafeJSONParser


class SiteLoginView(LoginView):
    """Django's login view, telling the page whether learners may sign themselves up."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"signup_enabled": settings.SIGNUP_ENABLED}


def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is not open; ask your course administrator for an account.")
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


class TokenInputSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


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
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                response_only=True,
            ),
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Exchange a username and password for an API token (send it as `Authorization: Token
        <token>`). Repeated failures lock the account out for a while."""
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data)
