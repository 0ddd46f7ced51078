"""Cohorts and assignments in the admin: admins create cohorts; educators see and manage only
the cohorts they teach (object-level checks; others' cohorts do not exist for them), enrol in
bulk, set assignments (written through the services) and open the class dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html

from cohorts import permissions, services, views
from cohorts.models import Assignment, Cohort, EnrolmentCode, Membership
from quizzes.http import signed_in_user


def _teaches(request: HttpRequest, cohort: Cohort | None) -> bool:
    user = signed_in_user(request)
    if user.is_superuser:
        return True
    if cohort is None:
        return permissions.teaches_any(user) or permissions.may_create_cohorts(user)
    return cohort.educators.filter(pk=user.pk).exists()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["learner"]
    readonly_fields = ["via", "joined_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Educators enrol through the bulk enrolment page (all or nothing, audited).
        return signed_in_user(request).is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return signed_in_user(request).is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _teaches(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _teaches(request, obj)


class EnrolmentCodeInline(admin.TabularInline):
    model = EnrolmentCode
    extra = 0
    fields = ["code", "active", "expires_at", "link"]
    readonly_fields = ["code", "link"]

    @admin.display(description="Enrolment link")
    def link(self, code: EnrolmentCode) -> str:
        if not code.pk:
            return "Saved with the cohort."
        return format_html("<code>{}</code>", reverse("cohort-join", args=[code.code]))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _teaches(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _teaches(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _teaches(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _teaches(request, obj)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "learner_count", "links"]
    search_fields = ["name", "term"]
    filter_horizontal = ["educators"]
    inlines = [EnrolmentCodeInline, MembershipInline]
    readonly_fields = ["links"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return permissions.cohorts_taught_by(signed_in_user(request)).annotate(
            learner_total=Count("memberships", distinct=True)
        )

    def get_fields(self, request: HttpRequest, obj: Cohort | None = None) -> Any:
        if signed_in_user(request).is_superuser:
            return ["name", "term", "educators", "links"]
        return ["name", "term", "links"]

    @admin.display(description="Learners")
    def learner_count(self, cohort: Cohort) -> int:
        return getattr(cohort, "learner_total", 0)

    @admin.display(description="Class")
    def links(self, cohort: Cohort) -> str:
        if not cohort.pk:
            return "-"
        return format_html(
            '<a href="{}">Class dashboard</a> · <a href="{}">Enrol learners</a> · '
            '<a href="{}">Gradebook (CSV)</a> · <a href="{}">Item results (CSV)</a>',
            reverse("admin:cohorts_dashboard", args=[cohort.pk]),
            reverse("admin:cohorts_enrol", args=[cohort.pk]),
            reverse("admin:cohorts_gradebook", args=[cohort.pk]),
            reverse("admin:cohorts_item_results", args=[cohort.pk]),
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _teaches(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        return _teaches(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        return _teaches(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An educator may create a class, which they then teach; admins assign educators.
        return permissions.may_create_cohorts(signed_in_user(request))

    def has_delete_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        return signed_in_user(request).is_superuser

    def save_model(self, request: HttpRequest, obj: Cohort, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        user = signed_in_user(request)
        cohort = services.create_cohort(
            name=obj.name, term=obj.term, educators=[] if user.is_superuser else [user], actor=user
        )
        obj.pk, obj.created_at = cohort.pk, cohort.created_at
        obj._state.adding = False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:cohort_id>/dashboard/", view(views.class_dashboard), name="cohorts_dashboard"
            ),
            path(
                "<int:cohort_id>/learners/<int:learner_id>/",
                view(views.learner_detail),
                name="cohorts_learner",
            ),
            path("<int:cohort_id>/enrol/", view(views.enrol), name="cohorts_enrol"),
            path(
                "<int:cohort_id>/gradebook.csv", view(views.gradebook_csv), name="cohorts_gradebook"
            ),
            path(
                "<int:cohort_id>/item-results.csv",
                view(views.item_results_csv),
                name="cohorts_item_results",
            ),
            *super().get_urls(),
        ]


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "cohort",
            "kind",
            "quiz",
            "case",
            "topic",
            "title",
            "opens_at",
            "due_at",
            "closes_at",
            "attempts_allowed",
            "release",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(name) for name in ("kind", "opens_at", "due_at", "closes_at")):
            try:
                services.check_assignment(
                    kind=data["kind"],
                    quiz=data.get("quiz"),
                    case=data.get("case"),
                    topic=data.get("topic"),
                    opens_at=data["opens_at"],
                    due_at=data["due_at"],
                    closes_at=data["closes_at"],
                    release=data.get("release") or "submission",
                )
            except services.AssignmentRefused as refused:
                raise forms.ValidationError(str(refused)) from refused
        return data


@admin.action(description="Withdraw the selected assignments (attempts are kept)")
def withdraw(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
    for assignment in queryset:
        report = services.withdraw_assignment(assignment=assignment, actor=signed_in_user(request))
        messages.info(request, f"{assignment}: " + " ".join(report.notes))


@admin.action(description="Release the results of the selected assignments now")
def release(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
    for assignment in queryset:
        services.release_results(assignment=assignment, actor=signed_in_user(request))
    messages.success(request, f"Results released for {queryset.count()} assignment(s).")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    form = AssignmentForm
    list_display = ["__str__", "cohort", "kind", "due_at", "closes_at", "release", "state"]
    list_filter = ["kind", "release"]
    list_select_related = ["cohort", "quiz", "case", "topic"]
    search_fields = ["title", "quiz__title", "case__title", "cohort__name"]
    actions = [withdraw, release]

    @admin.display(description="State")
    def state(self, assignment: Assignment) -> str:
        if assignment.withdrawn_at:
            return "withdrawn"
        return "released" if assignment.released_at else "set"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return Assignment.objects.filter(
            cohort__in=permissions.cohorts_taught_by(signed_in_user(request))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "cohort":
            kwargs["queryset"] = permissions.cohorts_taught_by(signed_in_user(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        actor = signed_in_user(request)
        data = {name: form.cleaned_data.get(name) for name in AssignmentForm.Meta.fields}
        if not change:
            created = services.set_assignment(actor=actor, **data)
            obj.pk, obj.created_at = created.pk, created.created_at
            obj._state.adding = False
            return
        changes = {name: data[name] for name in form.changed_data if name != "cohort"}
        original = Assignment.objects.get(pk=obj.pk)
        try:
            report = services.change_assignment(assignment=original, actor=actor, **changes)
        except services.AssignmentRefused as refused:
            messages.error(request, str(refused))
            return
        for note in report.notes:
            messages.info(request, note)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _teaches(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return _teaches(request, obj.cohort if obj else None)

    def has_change_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return _teaches(request, obj.cohort if obj else None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _teaches(request, None)

    def has_delete_permission(self, request: HttpRequest, obj: Assignment | None = None) -> bool:
        return False  # withdraw instead: learners' attempts stay attached to it
