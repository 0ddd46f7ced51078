"""The educators' admin for figures and their hotspot regions."""

from __future__ import annotations

from typing import Any, Literal, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from quizzes import authoring
from quizzes.admin_labels import LabelledInlineMixin
from quizzes.figures import FigureFileError, points_problems, vet_figure
from quizzes.http import signed_in_user
from quizzes.models import Figure, FigureRegion

PENDING_SALT = "quizzes.figure-upload"
PENDING_DIR = "figures/pending"
PENDING_MAX_AGE = 24 * 3600


class FigureAdminForm(forms.ModelForm):
    """The figure form. A vetted upload is kept across validation errors: browsers cannot refill
    a file input, so the vetted file waits in storage and the re-shown form carries a signed
    reference to it (`pending_image`); sending the form again without a new file uses it."""

    pending_image = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Figure
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending_path: str | None = None
        if self.is_bound and not self.files.get("image"):
            path = _pending_path(self.data.get("pending_image", ""))
            if path is not None:
                with default_storage.open(path, "rb") as handle:
                    data = handle.read()
                files = self.files.copy()
                files["image"] = SimpleUploadedFile(path.rsplit("/", 1)[-1], data)
                self.files = files
                self.pending_path = path

    def clean_image(self) -> File[bytes] | Literal[False] | None:
        image = self.cleaned_data["image"]
        if image and hasattr(image, "content_type"):  # a new upload (or the kept one)
            if image.size > settings.FIGURE_MAX_BYTES:
                limit = settings.FIGURE_MAX_BYTES // (1024 * 1024)
                raise ValidationError(f"A figure must be smaller than {limit} MB.")
            try:
                vetted = vet_figure(image.read(), image.name)
            except FigureFileError as error:
                raise ValidationError(str(error)) from error
            self.instance.width, self.instance.height = vetted.width, vetted.height
            stem = image.name.rsplit(".", 1)[0]
            if self.pending_path is None:
                self.pending_path = default_storage.save(
                    f"{PENDING_DIR}/{stem}.{vetted.extension}", ContentFile(vetted.data)
                )
            # Shown again only if something else on the page is refused.
            data = cast(QueryDict, self.data).copy()
            data["pending_image"] = signing.dumps(self.pending_path, salt=PENDING_SALT)
            self.data = data
            # The bound field copied its help text when it was made; change both.
            self.fields["image"].help_text = self["image"].help_text = (
                f"Your upload {self.pending_path.rsplit('/', 1)[-1]} is kept: save again to use "
                "it, or choose another file to replace it."
            )
            return ContentFile(vetted.data, name=f"{stem}.{vetted.extension}")
        return image

    def discard_pending(self) -> None:
        """Delete the kept upload once the figure is saved with it."""
        if self.pending_path is not None:
            default_storage.delete(self.pending_path)
            self.pending_path = None


def _pending_path(token: str) -> str | None:
    """The kept upload a signed token names, if the signature holds and the file is still there."""
    if not token:
        return None
    try:
        path = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(path, str) or not path.startswith(f"{PENDING_DIR}/"):
        return None
    return path if default_storage.exists(path) else None


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


class FigureRegionInline(LabelledInlineMixin, admin.TabularInline):
    model = FigureRegion
    formset = FigureRegionFormSet
    fields = ["label", "description", "key", "points", "position"]
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
        js = ["admin/js/region_editor.js"]

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
        "pending_image",
    ]

    def save_model(
        self, request: HttpRequest, obj: Figure, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if isinstance(form, FigureAdminForm):
            form.discard_pending()

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        kept = authoring.refresh_figure_questions(
            figure=form.instance, actor=signed_in_user(request)
        )
        for question, problem in kept:
            messages.warning(
                request, f'"{question.title}" keeps its previous version for learners: {problem}'
            )

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
