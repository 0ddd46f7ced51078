"""The cohorts API: cohorts, memberships, assignments and the gradebook, with the permissions
of the admin pages (an educator reaches only the cohorts they teach: others are 404), and a
learner's own set work. Thin views: permission check, one service or selector, serialise."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Case
from cohorts import dashboard, permissions, selectors, services
from cohorts.models import Assignment, AssignmentKind, Cohort, Membership, Release
from cohorts.status import WorkStatus
from quizzes.http import AuthenticatedRequest
from quizzes.models import Quiz, Topic

WORK_STATUSES = [(s.value, s.label) for s in WorkStatus]

# --- Serialisers ----------------------------------------------------------------------------------


class CohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    term = serializers.CharField()
    role = serializers.ChoiceField(
        choices=["educator", "learner"], help_text="Whether you teach this cohort or learn in it."
    )


class MembershipSerializer(serializers.Serializer):
    learner_id = serializers.IntegerField(source="learner.pk")
    username = serializers.CharField(source="learner.username")
    name = serializers.CharField(source="learner.get_full_name")
    email = serializers.EmailField(source="learner.email")
    joined_at = serializers.DateTimeField()
    via = serializers.CharField()


class EnrolSerializer(serializers.Serializer):
    learners = serializers.ListField(
        child=serializers.CharField(max_length=254),
        min_length=1,
        max_length=services.MAX_ENROLMENT_NAMES,
        help_text="Usernames or e-mail addresses. All or nothing: one unknown and nobody is added.",
    )


class EnrolledSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    already = serializers.ListField(child=serializers.CharField())


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="display_title", read_only=True)
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    quiz = serializers.SlugRelatedField(
        slug_field="key", queryset=Quiz.objects.all(), required=False, allow_null=True
    )
    case = serializers.SlugRelatedField(
        slug_field="key", queryset=Case.objects.all(), required=False, allow_null=True
    )
    topic = serializers.SlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), required=False, allow_null=True
    )
    opens_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    attempts_allowed = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    release = serializers.ChoiceField(choices=Release.choices, default=Release.AT_SUBMISSION)
    released_at = serializers.DateTimeField(read_only=True)
    withdrawn_at = serializers.DateTimeField(read_only=True)


class SetWorkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="assignment.pk")
    title = serializers.CharField(source="assignment.display_title")
    cohort = serializers.CharField(source="assignment.cohort.name")
    kind = serializers.ChoiceField(choices=AssignmentKind.choices, source="assignment.kind")
    opens_at = serializers.DateTimeField(source="assignment.opens_at")
    due_at = serializers.DateTimeField(source="assignment.due_at")
    closes_at = serializers.DateTimeField(source="assignment.closes_at")
    status = serializers.ChoiceField(choices=WORK_STATUSES)
    is_open = serializers.BooleanField()
    released = serializers.BooleanField(help_text="Whether scores and keys are out.")
    score = serializers.FloatField(
        allow_null=True, help_text="Your best submitted score (0-1), once released."
    )


class WorkSerializer(serializers.Serializer):
    assignment_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WORK_STATUSES)
    attempts = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="Best submitted score, 0-1.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="First submission.")
    late = serializers.BooleanField()


class GradebookRowSerializer(serializers.Serializer):
    learner_id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    work = WorkSerializer(many=True)


class GradebookSerializer(serializers.Serializer):
    cohort = CohortSerializer()
    assignments = AssignmentSerializer(many=True)
    learners = GradebookRowSerializer(many=True)


# --- Views ----------------------------------------------------------------------------------------


class CohortListView(generics.ListAPIView):
    """The cohorts you teach, then those you learn in (no other learner appears here)."""

    serializer_class = CohortSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Cohort]:
        return Cohort.objects.none()  # the schema's model; list() below builds the rows

    def list(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        taught = list(permissions.cohorts_taught_by(request.user).order_by("name", "pk"))
        taught_ids = {c.pk for c in taught}
        joined = [
            c
            for c in Cohort.objects.filter(memberships__learner=request.user).order_by("name")
            if c.pk not in taught_ids
        ]
        rows = [{**_cohort(c), "role": "educator"} for c in taught]
        rows += [{**_cohort(c), "role": "learner"} for c in joined]
        return Response(CohortSerializer(rows, many=True).data)


def _cohort(cohort: Cohort) -> dict[str, Any]:
    return {"id": cohort.pk, "name": cohort.name, "term": cohort.term}


class MembershipListView(generics.ListCreateAPIView):
    """A cohort's learners (its educators only); POST enrols more, all or nothing."""

    serializer_class = MembershipSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        user = self.request.user
        cohort = permissions.get_cohort_for_educator(user, self.kwargs["cohort_id"])  # type: ignore[arg-type]
        return (
            Membership.objects.filter(cohort=cohort)
            .select_related("learner")
            .order_by("learner__username", "pk")
        )

    @extend_schema(request=EnrolSerializer, responses={201: EnrolledSerializer})
    def post(self, request: AuthenticatedRequest, cohort_id: int) -> Response:  # type: ignore[override]
        cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
        body = EnrolSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = services.enrol_from_csv(
                cohort=cohort, text="\n".join(body.validated_data["learners"]), actor=request.user
            )
        except services.EnrolmentRefused as refused:
            raise ValidationError({"learners": [str(refused)]}) from refused
        data = {
            "added": [u.username for u in result.added],
            "already": [u.username for u in result.already],
        }
        return Response(EnrolledSerializer(data).data, status=status.HTTP_201_CREATED)


class AssignmentListView(generics.ListCreateAPIView):
    """A cohort's assignments (its educators only); POST sets a new one."""

    serializer_class = AssignmentSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        user = self.request.user
        cohort = permissions.get_cohort_for_educator(user, self.kwargs["cohort_id"])  # type: ignore[arg-type]
        return Assignment.objects.filter(cohort=cohort).select_related("quiz", "case", "topic")

    def post(self, request: AuthenticatedRequest, cohort_id: int) -> Response:  # type: ignore[override]
        cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
        body = AssignmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("display_title", None)
        try:
            assignment = services.set_assignment(cohort=cohort, actor=request.user, **data)
        except services.AssignmentRefused as refused:
            raise ValidationError({"non_field_errors": [str(refused)]}) from refused
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class SetForMeView(generics.ListAPIView):
    """The work set for you in all your cohorts: due dates, your status and, once released,
    your best score."""

    serializer_class = SetWorkSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Assignment]:
        return Assignment.objects.none()  # the schema's model; list() below builds the rows

    def list(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        work = selectors.set_for_learner(request.user, now=timezone.now())
        return Response(SetWorkSerializer(work, many=True).data)


class GradebookView(APIView):
    @extend_schema(responses={200: GradebookSerializer})
    def get(self, request: AuthenticatedRequest, cohort_id: int) -> Response:
        """Every learner's work at every assignment of a cohort you teach.

        Reading it is an export of learner data: it writes an audit row (the one write a GET
        makes here, as the CSV download does).
        """
        cohort = permissions.get_cohort_for_educator(request.user, cohort_id)
        book = dashboard.gradebook(cohort, now=timezone.now())
        with transaction.atomic():
            services.record_export(
                cohort=cohort, actor=request.user, what="gradebook_api", rows=len(book.learners)
            )
        rows = [
            {
                "learner_id": learner.pk,
                "username": learner.username,
                "name": learner.get_full_name(),
                "work": [
                    {
                        "assignment_id": assignment.pk,
                        "status": work.status.value,
                        "attempts": work.attempts,
                        "score": work.best,
                        "submitted_at": work.submitted_at,
                        "late": work.status in (WorkStatus.LATE, WorkStatus.OVERDUE),
                    }
                    for assignment in book.assignments
                    for work in [book.of(assignment, learner)]
                ],
            }
            for learner in book.learners
        ]
        payload = {
            "cohort": {**_cohort(cohort), "role": "educator"},
            "assignments": book.assignments,
            "learners": rows,
        }
        return Response(GradebookSerializer(payload).data)
