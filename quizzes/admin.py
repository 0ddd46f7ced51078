"""The educators' authoring admin for the question bank and quizzes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, ForeignKey, OuterRef, Q, QuerySet, Subquery
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from quizzes import dispatch
from quizzes.admin_labels import LabelledInlineMixin
from quizzes.authoring import (
    PublishRefused,
    draft_question_problems,
    key_position_problems,
    publish_questions,
    save_question,
    set_quiz_published,
    unpublish_problems,
)
from quizzes.content import QuestionContent
from quizzes.http import signed_in_user
from quizzes.models import (
    AcceptedAnswer,
    Attempt,
    AuditEvent,
    EditKind,
    ExamAccommodation,
    FigureRegion,
    HotspotTarget,
    MatchPair,
    Option,
    OrderItem,
    ProblemReport,
    Question,
    QuestionStats,
    QuestionVersion,
    Quiz,
    QuizQuestion,
    QuizStats,
    ReportStatus,
    Response,
    Status,
    Topic,
)
from quizzes.qtypes import REGISTRY, kind_of
from quizzes.selectors import item_statistics_rows
from quizzes.validation import publication_problems, type_problems
from quizzes.versioning import PART_RELATIONS, content_of, is_frozen

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec
    from django_stubs_ext import WithAnnotations


class QuestionCount(TypedDict):
    question_count: int


class QuestionListStats(TypedDict):
    facility: float | None
    discrimination: float | None
    open_reports: int


class PublishingAdmin(admin.ModelAdmin):
    """Saves that go through the authoring services: when a service refuses (a rule the forms
    did not catch, such as a race with another educator), the whole save rolls back and the
    page says why, instead of an error page."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except PublishRefused as refused:
            messages.error(request, "Nothing was saved: " + " ".join(refused.problems))
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "question_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(ordering="question_count", description="questions")
    def question_count(self, topic: WithAnnotations[Topic, QuestionCount]) -> int:
        return topic.question_count


class PartsFormSet(BaseInlineFormSet):
    """An inline of one kind of question part, checked as a whole against the question's type.

    The rows about to be saved (unsaved instances: `form.instance` holds each form's cleaned
    values) become content through `quizzes.versioning.content_of`, which the question's type
    then checks (`quizzes.validation.type_problems`), in the educator's wording.
    """

    relation = ""  # the part rows' relation on Question ("options", "targets", ...)
    part = ""  # the content part they become ("choices", "figure", ...)
    part_name = "parts"

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not self.instance.type or self.instance.type not in REGISTRY.names():
            return
        rows = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kind = kind_of(self.instance.type)
        if self.part not in kind.parts:
            if rows:
                raise ValidationError(
                    f"A {kind.label.lower()} question does not use {self.part_name}: "
                    "delete them or change the question type."
                )
            return
        self.check_rows(rows)
        content = (
            content_of(self.instance, parts={self.relation: rows})
            if self.instance.pk
            else (content_of_unsaved(self.instance, self.relation, rows))
        )
        problems = type_problems(content)
        if problems:
            raise ValidationError(problems)

    def check_rows(self, rows: list[Any]) -> None:
        """Checks of the rows themselves, before the type's (ValidationError)."""


def content_of_unsaved(question: Question, relation: str, rows: list[Any]) -> QuestionContent:
    """`content_of` for a question not saved yet: its other parts are empty."""
    empty: dict[str, list[Any]] = {name: [] for name in PART_RELATIONS}
    return content_of(question, parts=empty | {relation: rows})


class OptionFormSet(PartsFormSet):
    relation, part, part_name = "options", "choices", "options"


class AcceptedAnswerFormSet(PartsFormSet):
    relation, part, part_name = "accepted_answers", "accepted_answers", "accepted answers"


class OrderItemFormSet(PartsFormSet):
    relation, part, part_name = "order_items", "order_items", "ordering items"

    def check_rows(self, rows: list[Any]) -> None:
        # The key is the items in order of their correct position: two items at one position
        # would leave the key to the order the rows happened to be created in.
        positions = [row.position for row in rows]
        repeated = sorted({p for p in positions if positions.count(p) > 1})
        if repeated:
            raise ValidationError(
                "Give each item its own correct position: "
                + ", ".join(f"{positions.count(p)} items are at position {p}" for p in repeated)
                + "."
            )


class MatchPairFormSet(PartsFormSet):
    relation, part, part_name = "match_pairs", "pairs", "matching pairs"


class HotspotTargetFormSet(PartsFormSet):
    relation, part, part_name = "targets", "figure", "hotspot targets"

    def check_rows(self, rows: list[HotspotTarget]) -> None:
        figure = self.instance.figure
        if figure is None:
            return
        wrong_figure = [row.region for row in rows if row.region.figure_id != figure.id]
        if wrong_figure:
            raise ValidationError(
                f'The region "{wrong_figure[0].label}" belongs to another figure; choose regions '
                f'of "{figure.title}".'
            )


class PartInline(LabelledInlineMixin, admin.TabularInline):
    extra = 0
    classes = ["question-parts"]

    def get_extra(self, request: HttpRequest, obj: Question | None = None, **kwargs: Any) -> int:
        return 3 if obj is None else 1


class OptionInline(PartInline):
    model = Option
    formset = OptionFormSet
    fields = ["text", "is_correct", "weight", "feedback", "rank", "must_not_miss", "position"]
    verbose_name_plural = (
        "Options (single best answer, multiple response, true/false, ranked differential)"
    )

    def get_formset(
        self, request: HttpRequest, obj: Question | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["feedback"].widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return formset


class AcceptedAnswerForm(forms.ModelForm):
    def clean_credit(self) -> float:
        # Most answers earn the whole mark: an empty credit means 100%.
        credit = self.cleaned_data.get("credit")
        return 100.0 if credit is None else float(credit)


class AcceptedAnswerInline(PartInline):
    model = AcceptedAnswer
    form = AcceptedAnswerForm
    formset = AcceptedAnswerFormSet
    fields = ["text", "synonyms", "feedback", "credit", "position"]
    verbose_name_plural = "Accepted answers (short answer)"

    def get_formset(
        self, request: HttpRequest, obj: Question | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("synonyms", "feedback"):
            formset.form.base_fields[name].widget = forms.Textarea(attrs={"rows": 2, "cols": 34})
        formset.form.base_fields["credit"].required = False
        return formset


class OrderItemInline(PartInline):
    model = OrderItem
    formset = OrderItemFormSet
    fields = ["text", "feedback", "position"]
    verbose_name_plural = "Items in the correct order (ordering)"


class MatchPairInline(PartInline):
    model = MatchPair
    formset = MatchPairFormSet
    fields = ["prompt", "match", "feedback", "position"]
    verbose_name_plural = "Matching pairs (leave the item empty to add a distractor match)"


class HotspotTargetInline(PartInline):
    model = HotspotTarget
    formset = HotspotTargetFormSet
    fields = ["region", "is_correct", "feedback", "alternative"]
    verbose_name_plural = "Hotspot regions (choose the figure above, save, then mark its regions)"

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "region":
            match = request.resolver_match
            object_id = match.kwargs.get("object_id") if match else None
            question = Question.objects.filter(pk=object_id).first() if object_id else None
            queryset = FigureRegion.objects.select_related("figure")
            if question is not None and question.figure_id:
                queryset = queryset.filter(figure_id=question.figure_id)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "item statistics"
    parameter_name = "needs_review"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Needs review (low or negative discrimination)"), ("no", "Looks fine")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> QuerySet[Question]:
        flagged = QuestionStats.objects.filter(
            version_id=OuterRef("current_version_id"), needs_review=True
        )
        if self.value() == "yes":
            return queryset.filter(Exists(flagged))
        if self.value() == "no":
            return queryset.exclude(Exists(flagged))
        return queryset


class ProblemReportInline(LabelledInlineMixin, admin.TabularInline):
    model = ProblemReport
    fields = ["created_at", "version", "text", "status", "educator_note"]
    readonly_fields = ["created_at", "version", "text"]
    extra = 0
    can_delete = False
    verbose_name_plural = "Problem reports from learners"

    def has_add_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return False


class QuestionAdminForm(forms.ModelForm):
    edit_kind = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        choices=[(EditKind.MINOR, EditKind.MINOR.label), (EditKind.MAJOR, EditKind.MAJOR.label)],
        label="This question has been answered: what kind of edit is this?",
        help_text="Past answers always keep the version they were graded against.",
    )

    class Meta:
        model = Question
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.current_version if self.instance.pk else None
        self.answered = current is not None and is_frozen(current)
        if not self.answered:
            del self.fields["edit_kind"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        question_type = cleaned.get("type")
        if self.answered and self.has_changed() and not cleaned.get("edit_kind"):
            self.add_error("edit_kind", "Choose whether this is a minor or a major edit.")
        if question_type == "ranking" and not cleaned.get("rank_count"):
            self.add_error("rank_count", "Say how many diagnoses the student ranks.")
        if question_type == "hotspot" and not cleaned.get("figure"):
            self.add_error("figure", "An image hotspot question needs a figure.")
        if question_type != "hotspot" and cleaned.get("figure"):
            self.add_error("figure", "Only image hotspot questions use a figure.")
        if cleaned.get("status") == Status.PUBLISHED:
            content = QuestionContent(
                type=question_type or "single",
                stem=cleaned.get("stem", ""),
                explanation=cleaned.get("explanation", ""),
                references=cleaned.get("references", ""),
            )
            for problem in publication_problems(content):
                self.add_error("status", problem)
        if cleaned.get("status") == Status.DRAFT and self.instance.pk:
            for problem in unpublish_problems([self.instance.pk]):
                self.add_error("status", problem)
        return cleaned


@admin.register(Question)
class QuestionAdmin(PublishingAdmin):
    form = QuestionAdminForm
    list_display = [
        "title",
        "type",
        "status",
        "difficulty",
        "topic_list",
        "version_number",
        "facility",
        "discrimination",
        "open_reports",
    ]
    actions = ["publish_selected"]
    list_filter = ["type", "status", "difficulty", "topics", NeedsReviewFilter]
    search_fields = ["title", "stem", "key"]
    list_select_related = ["current_version"]
    filter_horizontal = ["topics"]
    autocomplete_fields = ["figure"]
    readonly_fields = ["student_preview", "version_number", "item_statistics"]
    inlines = [
        OptionInline,
        AcceptedAnswerInline,
        OrderItemInline,
        MatchPairInline,
        HotspotTargetInline,
        ProblemReportInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "type", "status", "difficulty", "topics"]}),
        ("What the student reads", {"fields": ["stem"]}),
        ("After the answer", {"fields": ["explanation", "references"]}),
        (
            "Type settings",
            {"fields": ["scoring", "rank_count", "figure"], "classes": ["type-settings"]},
        ),
        ("Student preview", {"fields": ["student_preview", "version_number"]}),
        ("Item statistics", {"fields": ["item_statistics"], "classes": ["collapse"]}),
        ("Import/export", {"fields": ["key"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["admin/js/question_type.js"]
        css = {"all": ["admin/css/authoring.css"]}

    @admin.action(description="Publish the selected questions (those that can be)")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        report = publish_questions(questions=list(queryset), actor=signed_in_user(request))
        if report.published:
            self.message_user(
                request, f"{len(report.published)} questions are published.", messages.SUCCESS
            )
        titles = dict(queryset.values_list("key", "title"))
        for key, problems in report.refused.items():
            self.message_user(
                request,
                f"Not published: {titles.get(key, key)}: {' '.join(problems)}",
                messages.WARNING,
            )

    def get_fieldsets(self, request: HttpRequest, obj: Question | None = None) -> _FieldsetSpec:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.current_version and is_frozen(obj.current_version):
            fieldsets.insert(0, ("Editing an answered question", {"fields": ["edit_kind"]}))
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        current = QuestionStats.objects.filter(version_id=OuterRef("current_version_id"))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(
                facility=Subquery(current.values("facility")[:1]),
                discrimination=Subquery(current.values("discrimination")[:1]),
                open_reports=Count("reports", filter=Q(reports__status=ReportStatus.OPEN)),
            )
        )

    @admin.display(ordering="facility", description="facility")
    def facility(self, question: WithAnnotations[Question, QuestionListStats]) -> str:
        return "-" if question.facility is None else f"{question.facility:.2f}"

    @admin.display(ordering="discrimination", description="discrimination")
    def discrimination(self, question: WithAnnotations[Question, QuestionListStats]) -> str:
        return "-" if question.discrimination is None else f"{question.discrimination:+.2f}"

    @admin.display(ordering="open_reports", description="open reports")
    def open_reports(self, question: WithAnnotations[Question, QuestionListStats]) -> int:
        return question.open_reports

    @admin.display(description="Per version (recomputed nightly)")
    def item_statistics(self, question: Question) -> SafeString | str:
        if question.pk is None:
            return "-"
        return render_to_string(
            "quizzes/admin/item_statistics.html", {"rows": item_statistics_rows(question)}
        )

    @admin.display(description="topics")
    def topic_list(self, question: Question) -> str:
        return ", ".join(topic.name for topic in question.topics.all())

    @admin.display(description="version")
    def version_number(self, question: Question) -> str:
        return f"v{question.current_version.number}" if question.current_version else "-"

    @admin.display(description="As a student sees it")
    def student_preview(self, question: Question) -> SafeString | str:
        if question.pk is None:
            return "Save the question to see the preview."
        return render_to_string(
            "quizzes/admin/question_preview.html", {"content": content_of(question)}
        )

    def save_model(
        self, request: HttpRequest, obj: Question, form: QuestionAdminForm, change: bool
    ) -> None:
        if not change:
            obj.created_by = signed_in_user(request)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: QuestionAdminForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        edit_kind = form.cleaned_data.get("edit_kind") or EditKind.MINOR
        saved = save_question(
            question=form.instance,
            actor=signed_in_user(request),
            edit_kind=edit_kind,
            previous_status=form.initial.get("status") if change else None,
        )
        version = saved.version
        if saved.key_changes:
            messages.warning(
                request,
                "Saved as a major edit, not a minor one: it changes "
                + ", ".join(saved.key_changes)
                + ". Learners' review progress on this question restarts; past answers keep "
                "the version they were graded against.",
            )
        elif version and version.number > 1 and version.edit_kind == EditKind.MAJOR and change:
            messages.info(request, "Major edit saved as a new version; review progress restarts.")


@admin.register(QuestionVersion)
class QuestionVersionAdmin(admin.ModelAdmin):
    list_display = ["question", "number", "edit_kind", "created_at", "created_by"]
    list_filter = ["edit_kind"]
    search_fields = ["question__title"]
    list_select_related = ["question", "created_by"]
    readonly_fields = ["question", "number", "content", "edit_kind", "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: QuestionVersion | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: QuestionVersion | None = None
    ) -> bool:
        return False


class QuizQuestionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not self.instance.is_published:
            return
        questions = [
            form.cleaned_data["question"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = draft_question_problems("quiz", questions)
        if not self.instance.shuffle_options:
            problems += key_position_problems(questions)
        if problems:
            raise ValidationError(problems)


class QuizQuestionInline(LabelledInlineMixin, admin.TabularInline):
    model = QuizQuestion
    formset = QuizQuestionFormSet
    autocomplete_fields = ["question"]
    fields = ["question", "position"]
    extra = 1


class QuizAdminForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("mode") == "exam" and not cleaned.get("time_limit_minutes"):
            self.add_error("time_limit_minutes", "An exam needs a time limit.")
        return cleaned


@admin.register(Quiz)
class QuizAdmin(PublishingAdmin):
    form = QuizAdminForm
    list_display = ["title", "mode", "is_published", "question_count", "preview_link"]
    list_filter = ["mode", "is_published"]
    search_fields = ["title", "key"]
    inlines = [QuizQuestionInline]
    readonly_fields = ["preview_link", "reliability"]
    actions = ["recompute_statistics"]
    fields = [
        "title",
        "description",
        "mode",
        "time_limit_minutes",
        "shuffle_questions",
        "shuffle_options",
        "attempts_allowed",
        "is_published",
        "preview_link",
        "reliability",
        "key",
    ]

    def save_related(
        self, request: HttpRequest, form: QuizAdminForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        set_quiz_published(
            quiz=form.instance,
            published=form.instance.is_published,
            actor=signed_in_user(request),
            was_published=bool(form.initial.get("is_published")) if change else False,
        )

    @admin.display(description="reliability (KR-20)")
    def reliability(self, quiz: Quiz) -> str:
        stats = QuizStats.objects.filter(quiz=quiz).first()
        if stats is None:
            return "Not computed yet (nightly, or use the action on the quiz list)."
        kr20 = "not enough data" if stats.kr20 is None else f"{stats.kr20:.2f}"
        mean = "-" if stats.mean_score is None else f"{stats.mean_score:.0%}"
        return f"KR-20 {kr20} over {stats.attempts} submitted attempts; mean score {mean}."

    @admin.action(description="Recompute item statistics now (runs in the background)")
    def recompute_statistics(self, request: HttpRequest, queryset: QuerySet[Quiz]) -> None:
        with transaction.atomic():
            dispatch.enqueue_on_commit("quizzes.tasks.recompute_item_statistics", [])
        self.message_user(request, "Item statistics are being recomputed; reload in a minute.")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        return super().get_queryset(request).annotate(question_count=Count("quiz_questions"))

    @admin.display(ordering="question_count", description="questions")
    def question_count(self, quiz: Quiz) -> int:
        return getattr(quiz, "question_count", 0)

    @admin.display(description="preview")
    def preview_link(self, quiz: Quiz) -> SafeString | str:
        if quiz.pk is None:
            return "-"
        url = reverse("quiz-preview", args=[quiz.key])
        return format_html('<a href="{}" target="_blank">Preview as a student</a>', url)


class LearnerDataAdmin(admin.ModelAdmin):
    """Learner records are read-only evidence: nobody edits an attempt or a response by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Attempt)
class AttemptAdmin(LearnerDataAdmin):
    list_display = ["id", "learner", "kind", "quiz", "mode", "status", "started_at", "score"]
    list_filter = ["kind", "mode", "status"]
    search_fields = ["learner__username", "quiz__title"]
    list_select_related = ["learner", "quiz"]


@admin.register(Response)
class ResponseAdmin(LearnerDataAdmin):
    list_display = ["id", "learner", "version", "status", "score", "submitted_at", "graded_at"]
    list_filter = ["status"]
    search_fields = ["learner__username", "version__question__title"]
    list_select_related = ["learner", "version__question"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["question", "short_text", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["text", "question__title"]
    list_select_related = ["question"]
    fields = ["question", "version", "text", "created_at", "status", "educator_note"]
    readonly_fields = ["question", "version", "text", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="report")
    def short_text(self, report: ProblemReport) -> str:
        return report.text[:80]


class ExamAccommodationForm(forms.ModelForm):
    username = forms.CharField(help_text="The learner's username.")

    class Meta:
        model = ExamAccommodation
        fields = ["username", "time_multiplier", "extra_minutes", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.learner.get_username()

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        learner = get_user_model().objects.filter(username=username).first()
        if learner is None:
            raise ValidationError(f'No learner is called "{username}".')
        self.instance.learner = learner
        return username


@admin.register(ExamAccommodation)
class ExamAccommodationAdmin(admin.ModelAdmin):
    """Extra time for timed exams, granted per learner (WCAG 2.2.1 Timing Adjustable)."""

    form = ExamAccommodationForm
    list_display = ["learner", "time_multiplier", "extra_minutes", "note"]
    search_fields = ["learner__username", "note"]
    list_select_related = ["learner"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Who published, edited, imported or exported what, and when: read-only evidence."""

    list_display = ["at", "actor", "action", "object_type", "object_repr", "version_change"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="version")
    def version_change(self, event: AuditEvent) -> str:
        if event.version_before is None and event.version_after is None:
            return "-"
        before = f"v{event.version_before}" if event.version_before else "new"
        return f"{before} → v{event.version_after}" if event.version_after else before


# Figures, and learners' review state, have admin modules of their own.
from quizzes import admin_figures  # noqa: E402,F401
from quizzes.reviews import admin as reviews_admin  # noqa: E402,F401
