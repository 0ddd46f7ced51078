"""Reads of cases with the joins each page needs."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from cases.models import Case
from quizzes.models import Status


def published_cases() -> QuerySet[Case]:
    return (
        Case.objects.filter(status=Status.PUBLISHED)
        .annotate(stage_count=Count("stages"))
        .prefetch_related("topics")
    )


def case_for_learner(key: str) -> Case:
    """A published case, or 404: drafts do not exist for learners."""
    try:
        return published_cases().get(key=key)
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error
