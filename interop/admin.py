"""Import and export in the educators' admin: GIFT / Moodle XML upload with a preview, and
"Export as Moodle XML" and "Export module (zip)" actions.

The upload is kept between the preview and the confirmation in the default storage under an
unguessable token held in the educator's session (not re-uploaded); confirming re-reads it,
checks it again against the database as it is then, and imports in one transaction. Only
users who may add questions (educators, admins) can import.

The pages and actions join the question, quiz and case admins through the authoring site's
extension points (edu_platform.admin_site); the change list's links are the template
interop/templates/admin/quizzes/question/change_list.html.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import Case
from interop.export import export_module, module_zip_bytes
from interop.gift import export_gift
from interop.importer import (
    MAX_FILE_BYTES,
    BatchDefaults,
    ImportRefused,
    import_questions,
    preview_import,
    read_questions,
)
from interop.moodle_xml import export_moodle_xml, questions_for_export
from quizzes.http import AuthenticatedHttpRequest
from quizzes.models import Question, Quiz

UPLOAD_DIR = "interop-uploads"
SESSION_KEY = "question_imports"
UPLOAD_LIFETIME = timedelta(days=1)
ALLOWED_SUFFIXES = {".gift", ".txt", ".xml"}
MAX_PENDING_UPLOADS = 5


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label="GIFT or Moodle XML file",
        help_text="A .gift or .txt file in Moodle's GIFT format, or a Moodle XML .xml export.",
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish the imported questions",
        help_text="A published question needs an explanation and a reference; questions "
        "without them are then skipped. Leave this off to import drafts.",
    )

    explanation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Explanation for questions without one",
        help_text="Markdown. Used for every question the file gives no general feedback.",
    )
    reference = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reference for questions without one",
        help_text="Markdown, e.g. a guideline with its DOI. GIFT files carry no references.",
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError("Choose a .gift, .txt or .xml file.")
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload


def _require_import_permission(request: HttpRequest) -> None:
    if not request.user.has_perm("quizzes.add_question"):
        raise PermissionDenied


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sweep_old_uploads() -> None:
    """Delete uploads nobody confirmed or cancelled within a day."""
    try:
        _directories, files = default_storage.listdir(UPLOAD_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - UPLOAD_LIFETIME
    for name in files:
        stored = f"{UPLOAD_DIR}/{name}"
        try:
            if default_storage.get_modified_time(stored) < cutoff:
                default_storage.delete(stored)
        except (OSError, NotImplementedError):
            continue


def _context(request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "opts": Question._meta,
        "title": title,
        **extra,
    }


def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_import_permission(request)
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        defaults = BatchDefaults(
            explanation=form.cleaned_data["explanation"], reference=form.cleaned_data["reference"]
        )
        preview = preview_import(
            read_questions(data, upload.name),
            source_name=upload.name,
            publish=form.cleaned_data["publish"],
            defaults=defaults,
        )
        token = ""
        if not preview.file_errors and preview.importable:
            token = _keep_upload(request, data, upload.name, preview.publish, defaults)
        return TemplateResponse(
            request,
            "admin/interop/import_preview.html",
            _context(request, "Check the import", preview=preview, token=token),
        )
    return TemplateResponse(
        request,
        "admin/interop/import_upload.html",
        _context(request, "Import questions from GIFT or Moodle XML", form=form),
    )


def _keep_upload(
    request: HttpRequest, data: bytes, filename: str, publish: bool, defaults: BatchDefaults
) -> str:
    _sweep_old_uploads()
    token = secrets.token_urlsafe(24)
    suffix = Path(filename).suffix.lower()
    stored = default_storage.save(f"{UPLOAD_DIR}/{token}{suffix}", ContentFile(data))
    uploads = request.session.get(SESSION_KEY, {})
    while len(uploads) >= MAX_PENDING_UPLOADS:  # abandoned previews: keep the newest few
        default_storage.delete(uploads.pop(next(iter(uploads)))["stored"])
    uploads[token] = {
        "stored": stored,
        "filename": filename,
        "publish": publish,
        "explanation": defaults.explanation,
        "reference": defaults.reference,
    }
    request.session[SESSION_KEY] = uploads
    return token


def _take_upload(request: HttpRequest) -> dict[str, Any] | None:
    uploads = request.session.get(SESSION_KEY, {})
    upload = uploads.pop(request.POST.get("token", ""), None)
    request.session[SESSION_KEY] = uploads
    return upload


def confirm_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_import_permission(request)
    upload = _take_upload(request)
    if upload is None:
        messages.error(request, "This preview has expired: upload the file again.")
        return redirect("admin:interop_import")
    try:
        with default_storage.open(upload["stored"], "rb") as handle:
            data = handle.read()
    except OSError:
        messages.error(request, "The uploaded file is gone: upload it again.")
        return redirect("admin:interop_import")
    finally:
        default_storage.delete(upload["stored"])
    preview = preview_import(
        read_questions(data, upload["filename"]),
        source_name=upload["filename"],
        publish=upload["publish"],
        defaults=BatchDefaults(
            explanation=upload.get("explanation", ""), reference=upload.get("reference", "")
        ),
    )
    try:
        report = import_questions(preview, user=request.user)
    except ImportRefused as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("admin:interop_import")
    messages.success(request, f"Imported {upload['filename']}: {report.summary()}")
    return HttpResponseRedirect(reverse("admin:quizzes_question_changelist"))


def cancel_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_import_permission(request)
    upload = _take_upload(request)
    if upload is not None:
        default_storage.delete(upload["stored"])
    messages.info(request, "Import cancelled: nothing was imported.")
    return redirect("admin:interop_import")


def export_everything_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("quizzes.change_question"):
        raise PermissionDenied
    return _attachment(module_zip_bytes(export_module()), "module.zip", "application/zip")


@admin.action(description="Export selected questions as Moodle XML", permissions=["change"])
def export_questions_moodle_xml(
    modeladmin: admin.ModelAdmin[Question], request: HttpRequest, queryset: QuerySet[Question]
) -> HttpResponse:
    export = export_moodle_xml(questions_for_export(pk__in=queryset.values("pk")).order_by("key"))
    for warning in export.warnings:
        messages.warning(request, warning)
    return _attachment(export.xml, "questions.xml", "application/xml")


@admin.action(description="Export selected questions as Moodle GIFT", permissions=["change"])
def export_questions_gift(
    modeladmin: admin.ModelAdmin[Question], request: HttpRequest, queryset: QuerySet[Question]
) -> HttpResponse:
    export = export_gift(questions_for_export(pk__in=queryset.values("pk")).order_by("key"))
    for warning in export.warnings:
        messages.warning(request, warning)
    return _attachment(export.text.encode("utf-8"), "questions.gift", "text/plain; charset=utf-8")


@admin.action(description="Export selected questions as a module (zip)", permissions=["change"])
def export_questions_module(
    modeladmin: admin.ModelAdmin[Question], request: HttpRequest, queryset: QuerySet[Question]
) -> HttpResponse:
    return _attachment(
        module_zip_bytes(export_module(questions=queryset)), "questions.zip", "application/zip"
    )


@admin.action(description="Export selected quizzes as Moodle XML", permissions=["change"])
def export_quizzes_moodle_xml(
    modeladmin: admin.ModelAdmin[Quiz], request: HttpRequest, queryset: QuerySet[Quiz]
) -> HttpResponse:
    questions: list[Question] = []
    seen: set[int] = set()
    for quiz in queryset.order_by("title"):
        by_id = questions_for_export(quizzes=quiz).in_bulk()
        for link in quiz.quiz_questions.order_by("position", "id"):
            if link.question_id not in seen:
                seen.add(link.question_id)
                questions.append(by_id[link.question_id])
    export = export_moodle_xml(questions)
    for warning in export.warnings:
        messages.warning(request, warning)
    return _attachment(export.xml, "quizzes.xml", "application/xml")


@admin.action(description="Export selected quizzes as a module (zip)", permissions=["change"])
def export_quizzes_module(
    modeladmin: admin.ModelAdmin[Quiz], request: HttpRequest, queryset: QuerySet[Quiz]
) -> HttpResponse:
    return _attachment(
        module_zip_bytes(export_module(quizzes=queryset)), "quizzes.zip", "application/zip"
    )


@admin.action(description="Export selected cases as a module (zip)", permissions=["change"])
def export_cases_module(
    modeladmin: admin.ModelAdmin[Case], request: HttpRequest, queryset: QuerySet[Case]
) -> HttpResponse:
    return _attachment(
        module_zip_bytes(export_module(cases=queryset)), "cases.zip", "application/zip"
    )


class ExtensibleAdminSite(Protocol):
    """The project's admin site (edu_platform.admin_site): what interop uses of it."""

    def admin_view(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]: ...

    def add_urls(self, patterns: Sequence[Any]) -> None: ...

    def add_actions(self, model: type[Any], actions: Sequence[Callable[..., Any]]) -> None: ...


site = cast(ExtensibleAdminSite, admin.site)
view = site.admin_view
site.add_urls(
    [
        path("quizzes/question/import/", view(import_view), name="interop_import"),
        path(
            "quizzes/question/import/confirm/",
            view(require_POST(confirm_import_view)),
            name="interop_import_confirm",
        ),
        path(
            "quizzes/question/import/cancel/",
            view(require_POST(cancel_import_view)),
            name="interop_import_cancel",
        ),
        path(
            "quizzes/question/export-module/",
            view(export_everything_view),
            name="interop_export_module",
        ),
    ]
)
site.add_actions(
    Question, [export_questions_moodle_xml, export_questions_gift, export_questions_module]
)
site.add_actions(Quiz, [export_quizzes_moodle_xml, export_quizzes_module])
site.add_actions(Case, [export_cases_module])
