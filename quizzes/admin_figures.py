"""The educators' admin for figures and their hotspot regions."""

from __future__ import annotations

from typing import Any, Literal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from quizzes.figures import FigureFileError, points_problems, vet_figure
from quizzes.models import Figure, FigureRegion


class FigureAdminForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = "__all__"

    def clean_image(self) -> File[bytes] | Literal[False] | None:
        image = self.cleaned_data["image"]
        if image and hasattr(image, "content_type"):  # a new upload
            if image.size > settings.FIGURE_MAX_BYTES:
                limit = settings.FIGURE_MAX_BYTES // (1024 * 1024)
                raise ValidationError(f"A figure must be smaller than {limit} MB.")
            try:
                vetted = vet_figure(image.read(), image.name)
            except FigureFileError as error:
                raise ValidationError(str(error)) from error
            self.instance.width, self.instance.height = vetted.width, vetted.height
            stem = image.name.rsplit(".", 1)[0]
            return ContentFile(vetted.data, name=f"{stem}.{vetted.extension}")
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

    def get_formset(
        self, request: HttpRequest, obj: Figure | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
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
            "quizzes/admin/regions_preview.html",
            {"figure": figure, "regions": figure.regions.all()},
        )


@admin.register(FigureRegion)
class FigureRegionAdmin(admin.ModelAdmin):
    list_display = ["label", "figure", "key"]
    search_fields = ["label", "key", "figure__title"]
    list_select_related = ["figure"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # edited inside its figure; registered for search and permissions
