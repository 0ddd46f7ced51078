"""The JSON API (/api/v1/) and its OpenAPI schema and documentation (/api/schema/; Redoc at
/api/docs/ and /api/redoc/, Swagger UI at /api/swagger/), served from drf-spectacular-sidecar's
static files: no CDN, no inline script."""

from __future__ import annotations

from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.request import Request

from cases.api.views import CaseAttemptView, CaseListView, CaseStartView
from cohorts import api as cohorts_api
from edu_platform.accounts import LogoutView, TokenListView, TokenRevokeView, TokenView
from edu_platform.middleware import with_docs_csp
from quizzes.practice.urls import api_urlpatterns as practice_api_urlpatterns
from quizzes.reviews.urls import api_urlpatterns as review_api_urlpatterns


class RedocView(SpectacularRedocView):
    """Redoc without drf-spectacular's template, which loads web fonts from a CDN and may carry
    an inline script: one custom element and the sidecar's bundle."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: object, **kwargs: object) -> HttpResponse:
        page = format_html(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>{}</title><link rel="stylesheet" href="{}"></head><body>'
            '<redoc spec-url="{}"></redoc><script src="{}"></script></body></html>',
            self.title,
            static("css/redoc.css"),
            self._get_schema_url(request),
            self._redoc_standalone(),
        )
        return HttpResponse(page)


urlpatterns = [
    path("api/v1/", include("quizzes.api.urls")),
    path("api/v1/", include(review_api_urlpatterns)),
    path("api/v1/", include(practice_api_urlpatterns)),
    path("api/v1/cases/", CaseListView.as_view(), name="api-case-list"),
    path("api/v1/cases/<slug:key>/attempts/", CaseStartView.as_view(), name="api-case-start"),
    path(
        "api/v1/case-attempts/<int:attempt_id>/",
        CaseAttemptView.as_view(),
        name="api-case-attempt",
    ),
    path("api/v1/cohorts/", cohorts_api.CohortListView.as_view(), name="api-cohort-list"),
    path(
        "api/v1/cohorts/<int:cohort_id>/memberships/",
        cohorts_api.MembershipListView.as_view(),
        name="api-cohort-memberships",
    ),
    path(
        "api/v1/cohorts/<int:cohort_id>/assignments/",
        cohorts_api.AssignmentListView.as_view(),
        name="api-cohort-assignments",
    ),
    path(
        "api/v1/cohorts/<int:cohort_id>/gradebook/",
        cohorts_api.GradebookView.as_view(),
        name="api-cohort-gradebook",
    ),
    path("api/v1/assignments/", cohorts_api.SetForMeView.as_view(), name="api-set-for-me"),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("api/v1/auth/tokens/<str:token_id>/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("api/v1/auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Redoc is the documentation page: it passes axe's WCAG 2.2 checks, light and dark. Swagger
    # UI (the try-it-out console) keeps upstream markup axe still faults; see the README.
    path("api/docs/", with_docs_csp(RedocView.as_view(url_name="schema")), name="api-docs"),
    # The split view serves Swagger UI's initialiser as a script file, not inline.
    path(
        "api/swagger/",
        with_docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-swagger",
    ),
    path("api/redoc/", with_docs_csp(RedocView.as_view(url_name="schema")), name="api-redoc"),
]
