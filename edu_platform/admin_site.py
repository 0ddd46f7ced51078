"""The authoring admin site: Django's, plus two explicit extension points for apps that add
to other apps' admin pages without re-registering them (interop adds import and export).

INSTALLED_APPS names `edu_platform.apps.AuthoringAdminConfig`, so `django.contrib.admin.site`
is this site everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.urls import URLPattern, URLResolver


class AuthoringAdminSite(admin.AdminSite):
    site_header = "Medical education: authoring"
    site_title = "Authoring"
    index_title = "Cases, figures, questions and quizzes"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self._extra_urls: list[URLPattern | URLResolver] = []

    def add_urls(self, patterns: Sequence[URLPattern | URLResolver]) -> None:
        """Serve more admin pages (their views wrapped in `admin_view` by the caller)."""
        self._extra_urls.extend(patterns)

    def add_actions(self, model: type[Model], actions: Sequence[Callable[..., Any]]) -> None:
        """Offer more bulk actions on a registered model's change list."""
        model_admin = self._registry[model]
        current = list(model_admin.actions or [])
        model_admin.actions = [*current, *(a for a in actions if a not in current)]

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [*self._extra_urls, *super().get_urls()]
