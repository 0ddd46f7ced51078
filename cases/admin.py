"""The educators' authoring admin for cases, stages and figures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from cases.figures import FigureFileError, figure_size, points_problems
from cases.models import Case, CaseStage, Figure, FigureRegion, StageQuestion
from quizzes.models import Status


class FigureAdminForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = "__all__"

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image and hasattr(image, "content_type"):  # a new upload
            if image.size > settings.FIGURE_MAX_BYTES:
                limit = settings.FIGURE_MAX_BYTES // (1024 * 1024)
                raise ValidationError(f"A figure must be smaller than {limit} MB.")
            try:
                self.instance.width, self.instance.height = figure_size(image, image.name)
            except FigureFileError as error:
                raise ValidationError(str(error)) from error
        return image


class FigureRegionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        figure = self.instance
        if any(self.errors) or not figure.width:
            return
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            for problem in points_problems(
                form.cleaned_data.get("points"), figure.width, figure.height
            ):
                form.add_error("points", problem)


class FigureRegionInline(admin.TabularInline):
    model = FigureRegion
    formset = FigureRegionFormSet
    fields = ["label", "key", "points", "position"]
    prepopulated_fields = {"key": ["label"]}
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["points"].widget = forms.Textarea(attrs={"rows": 2, "cols": 50})
        return formset


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    form = FigureAdminForm
    list_display = ["title", "key", "size", "region_count"]
    search_fields = ["title", "key", "caption"]
    inlines = [FigureRegionInline]
    readonly_fields = ["size", "regions_preview"]

    class Media:
        css = {"all": ["admin/css/authoring.css"]}

    fields = [
        "title",
        "image",
        "alt_text",
        "caption",
        "credit",
        "licence",
        "size",
        "regions_preview",
        "key",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Figure]:
        return super().get_queryset(request).annotate(region_count=Count("regions"))

    @admin.display(ordering="region_count", description="regions")
    def region_count(self, figure: Figure) -> int:
        return getattr(figure, "region_count", 0)

    @admin.display(description="coordinate size")
    def size(self, figure: Figure) -> str:
        return f"{figure.width:g} × {figure.height:g}" if figure.width else "read on upload"

    @admin.display(description="regions on the figure")
    def regions_preview(self, figure: Figure) -> SafeString | str:
        if not figure.pk or not figure.image:
            return "Upload the figure and save to see its regions."
        return render_to_string(
            "cases/admin/regions_preview.html",
            {"figure": figure, "regions": figure.regions.all()},
        )


@admin.register(FigureRegion)
class FigureRegionAdmin(admin.ModelAdmin):
    list_display = ["label", "figure", "key"]
    search_fields = ["label", "key", "figure__title"]
    list_select_related = ["figure"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # edited inside its figure; registered for search and permissions


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
        cleaned = super().clean()
        if cleaned.get("status") == Status.PUBLISHED and self.instance.pk:
            drafts = StageQuestion.objects.filter(stage__case=self.instance).exclude(
                question__status=Status.PUBLISHED
            )
            titles = [sq.question.title for sq in drafts.select_related("question")]
            if titles:
                self.add_error(
                    "status",
                    "A published case cannot contain draft questions: publish or remove "
                    + ", ".join(f'"{title}"' for title in titles)
                    + ".",
                )
        return cleaned


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    form = CaseAdminForm
    list_display = ["title", "status", "stage_count"]
    list_filter = ["status", "topics"]
    search_fields = ["title", "summary", "key"]
    filter_horizontal = ["topics"]
    inlines = [CaseStageInline]
    fields = ["title", "summary", "status", "topics", "learning_objectives", "references", "key"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).annotate(stage_count=Count("stages"))

    @admin.display(ordering="stage_count", description="stages")
    def stage_count(self, case: Case) -> int:
        return getattr(case, "stage_count", 0)


class StageQuestionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        stage = self.instance
        if any(self.errors) or stage.case.status != Status.PUBLISHED:
            return
        drafts = [
            form.cleaned_data["question"].title
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data["question"].status != Status.PUBLISHED
        ]
        if drafts:
            raise ValidationError(
                "This case is published: publish these questions first: "
                + ", ".join(f'"{title}"' for title in drafts)
                + "."
            )


class StageQuestionInline(admin.TabularInline):
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


from cases import admin_interop  # noqa: E402,F401 - import/export views and actions
