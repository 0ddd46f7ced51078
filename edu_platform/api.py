"""Project-wide pieces of the JSON API: one error shape for every error, and the OpenAPI schema
class that documents it (settings.REST_FRAMEWORK names them).

Every error of the API, and of any URL under /api/ (edu_platform.middleware), has the body
`{"detail": str, "code": str, "errors": {field path: [message]}}`.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error response of the API has this shape."""

    detail = serializers.CharField(help_text="One sentence for the learner.")
    code = serializers.CharField(
        help_text="Machine-readable: invalid, parse_error, not_authenticated, "
        "permission_denied, not_found, attempt_closed, not_submitted, not_open, throttled, ..."
    )
    # DRF's metaclass moves declared fields off the class; the stubs see Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=(
            "For invalid input: the dotted path of each field at fault (`answer.choice`, "
            "`idempotency_key`, `non_field_errors`) -> its messages. Empty otherwise."
        ),
    )


def _flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"answer.choice": [...], "non_field_errors": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(detail, list) and all(isinstance(item, str) for item in detail):
        return {path or "non_field_errors": [str(item) for item in detail]}
    if isinstance(detail, list):  # a list of nested errors, one per element
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{path}.{index}" if path else str(index)))
        return flat
    return {path or "non_field_errors": [str(detail)]}


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [message for field in errors.values() for message in field]
        detail = (
            messages[0]
            if len(messages) == 1
            else "Some of the data sent is not valid: see `errors`."
        )
        return {"detail": detail, "code": "invalid", "errors": errors}
    code = getattr(exc.detail, "code", None) or exc.default_code
    return {"detail": str(exc.detail), "code": str(code), "errors": {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (status, headers, rollback) with every error body in one shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error responses (one shape) each operation can give.

    Views document their own error statuses with `OpenApiResponse(description=..., examples=...)`
    and no serializer; this class gives every error response the ErrorSerializer body.
    """

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in self._error_responses():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description),
                    code,
                    direction=direction,
                )
        return responses

    def _get_response_for_code(
        self,
        serializer: Any,
        status_code: str,
        media_types: Any = None,
        direction: Literal["request", "response"] = "response",
    ) -> Any:
        if (
            isinstance(serializer, OpenApiResponse)
            and serializer.response is None
            and str(status_code).startswith(("4", "5"))
        ):
            serializer = OpenApiResponse(
                ErrorSerializer, description=serializer.description, examples=serializer.examples
            )
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _error_responses(self) -> list[tuple[str, str]]:
        codes = []
        is_list = self._is_list_view()
        if self.method != "GET" or is_list:
            codes.append(("400", "Invalid input: `errors` names each field at fault."))
        permissions = self.view.get_permissions()
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            codes.append(("401", "No credentials, or an invalid token."))
            codes.append(("403", "Forbidden, e.g. a session request without its CSRF token."))
        if "{" in self.path or is_list:
            codes.append(("404", "Not found, or not yours (or a page past the end)."))
        if getattr(self.view, "throttle_scope", None):
            codes.append(("429", "Too many requests: wait `Retry-After` seconds."))
        return codes


class TokenScheme(OpenApiAuthenticationExtension):
    """The API token (django-rest-knox) in the schema: `Authorization: Token <token>`."""

    target_class = "edu_platform.tokens.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 - a scheme name
        )
