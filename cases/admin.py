"""The educators' authoring admin for cases and their stages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from cases.models import Case, CaseStage, StageQuestion
from cases.services import case_publication_problems, set_case_published
from quizzes.admin import PublishingAdmin
from quizzes.admin_labels import LabelledInlineMixin
from quizzes.authoring import draft_question_problems
from quizzes.http import signed_in_user
from quizzes.models import Status


class CaseStageInline(admin.StackedInline):
    model = CaseStage
    fields = ["position", "kind", "title", "body", "figures", "question_list"]
    readonly_fields = ["question_list"]
    autocomplete_fields = ["figures"]
    show_change_link = True
    extra = 0

    def get_extra(self, request: HttpRequest, obj: Case | None = None, **kwargs: Any) -> int:
        return 3 if obj is None else 1

    @admin.display(description="questions")
    def question_list(self, stage: CaseStage) -> SafeString | str:
        if stage.pk is None:
            return "Save the case, then open the stage (Change) to add its questions."
        questions = [sq.question for sq in stage.stage_questions.select_related("question")]
        if not questions:
            return "None yet: open the stage (Change) to add questions."
        return format_html_join(", ", "{}", ((q.title,) for q in questions))


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("status") == Status.PUBLISHED and self.instance.pk:
            for problem in case_publication_problems(self.instance):
                self.add_error("status", problem)
        return cleaned


@admin.register(Case)
class CaseAdmin(PublishingAdmin):
    form = CaseAdminForm
    list_display = ["title", "status", "stage_count"]
    list_filter = ["status", "topics"]
    search_fields = ["title", "summary", "key"]
    filter_horizontal = ["topics"]
    inlines = [CaseStageInline]
    fields = ["title", "summary", "status", "topics", "learning_objectives", "references", "key"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).annotate(stage_count=Count("stages"))

    def save_related(
        self, request: HttpRequest, form: CaseAdminForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        set_case_published(
            case=form.instance,
            published=form.instance.status == Status.PUBLISHED,
            actor=signed_in_user(request),
            was_published=form.initial.get("status") == Status.PUBLISHED if change else False,
        )

    @admin.display(ordering="stage_count", description="stages")
    def stage_count(self, case: Case) -> int:
        return getattr(case, "stage_count", 0)


class StageQuestionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        stage = self.instance
        if any(self.errors) or stage.case.status != Status.PUBLISHED:
            return
        questions = [
            form.cleaned_data["question"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = draft_question_problems("case", questions)
        if problems:
            raise ValidationError(problems)


class StageQuestionInline(LabelledInlineMixin, admin.TabularInline):
    model = StageQuestion
    formset = StageQuestionFormSet
    autocomplete_fields = ["question"]
    fields = ["question", "position"]
    extra = 1


@admin.register(CaseStage)
class CaseStageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "case", "kind", "position"]
    list_filter = ["kind", "case"]
    search_fields = ["title", "body", "case__title"]
    list_select_related = ["case"]
    autocomplete_fields = ["figures"]
    fields = ["case", "position", "kind", "title", "body", "figures"]
    inlines = [StageQuestionInline]
