"""Middleware: the headers every page carries, and the API's error shape everywhere under it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy: scripts and styles from this origin only.

    No inline script anywhere (every script is a static file), so a stored-XSS slip in authored
    text cannot run. A view may set its own, stricter policy (figure images do).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


# Third-party documentation pages (Swagger UI, Redoc) inject style elements at run time.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)


def with_docs_csp(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a documentation page with inline styles allowed (scripts stay file-only)."""

    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    return wrapped


class ApiErrorShapeMiddleware:
    """Every error under /api/ in the API's one JSON shape, even the ones Django answers
    before the API sees the request: an unknown URL (404), a body over the size limit (400),
    a server error (500)."""

    CODES = {
        400: "bad_request",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
    }
    DETAILS = {
        400: "The request could not be read (for example, its body is too large).",
        403: "You may not do this.",
        404: "Not found.",
        405: "This method is not allowed here.",
        413: "The request's body is too large.",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/v1/")
            and response.status_code >= 400
            and not response.headers.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            body = {
                "detail": self.DETAILS.get(status, "Something went wrong on our side; try again."),
                "code": self.CODES.get(status, "server_error"),
                "errors": {},
            }
            return JsonResponse(body, status=status)
        return response
