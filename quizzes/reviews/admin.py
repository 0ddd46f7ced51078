"""Read-only admin of learners' review state, for operators (superusers) diagnosing scheduling.

Educators get no permission on these models: a learner's memory of each question is theirs
(learning objectives, at the end, are authored content and theirs to edit).
Nothing here can add, change or delete a card or a review; only quizzes.review writes them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from quizzes.models import LearningObjective, PersonalParameters, ReviewCard, ReviewLog


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewCard)
class ReviewCardAdmin(ReadOnlyAdmin):
    list_display = ["learner", "question", "state", "due", "stability", "reps", "lapses"]
    list_filter = ["state"]
    list_select_related = ["learner", "question"]
    search_fields = ["learner__username", "question__title", "question__key"]
    date_hierarchy = "due"
    ordering = ["due"]


@admin.register(ReviewLog)
class ReviewLogAdmin(ReadOnlyAdmin):
    list_display = ["reviewed_at", "learner", "question", "rating", "correct", "confidence"]
    list_filter = ["rating", "mapping_version", "due_review"]
    list_select_related = ["learner", "question"]
    search_fields = ["learner__username", "question__title", "question__key"]
    date_hierarchy = "reviewed_at"
    ordering = ["-reviewed_at"]


@admin.register(PersonalParameters)
class PersonalParametersAdmin(ReadOnlyAdmin):
    list_display = ["learner", "source", "checked_at", "reviews", "adopted", "candidate_log_loss"]
    list_filter = ["source", "adopted"]
    list_select_related = ["learner"]
    search_fields = ["learner__username"]


@admin.register(LearningObjective)
class LearningObjectiveAdmin(admin.ModelAdmin):
    """Authored content, unlike the rest of this module: educators group questions (the forms
    of one objective) under it."""

    list_display = ["title", "slug", "question_count"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["questions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LearningObjective]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, obj: LearningObjective) -> int:
        return int(getattr(obj, "question_total", 0))
