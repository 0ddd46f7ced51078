"""Who teaches whom, and the work set for a class.

A cohort (a class, a year group, a rotation) has educators and learners (through Membership);
an assignment sets a quiz, an exam, a case or a review target for a cohort with opens-at,
due-at and closes-at. A learner's attempts at an assignment carry its context (kind
`ASSIGNMENT_CONTEXT`, its id: `quizzes.Attempt.context_kind/context_id`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cases.models import Case
from quizzes.models import Quiz, Topic

ASSIGNMENT_CONTEXT = "assignment"


def new_enrolment_code() -> str:
    return secrets.token_urlsafe(9)


class Cohort(models.Model):
    name = models.CharField(max_length=200)
    term = models.CharField(max_length=60, blank=True, help_text="For example 2026-27, Year 3.")
    educators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cohorts_taught"
    )
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="cohorts",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-term", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.term})" if self.term else self.name


class JoinedVia(models.TextChoices):
    LIST = "list", "Enrolled from a list"
    CODE = "code", "Joined with a code"
    ADMIN = "admin", "Added in the admin"


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10, choices=JoinedVia.choices, default=JoinedVia.ADMIN)

    class Meta:
        ordering = ["learner__username"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "learner"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.cohort}"


class EnrolmentCode(models.Model):
    """A code (in a link) with which a signed-in learner joins a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=40, unique=True, default=new_enrolment_code)
    active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.cohort}: {self.code}"


class AssignmentKind(models.TextChoices):
    QUIZ = "quiz", "Quiz or exam"
    CASE = "case", "Clinical case"
    REVIEW = "review", "Review a topic"


class Release(models.TextChoices):
    AT_SUBMISSION = "submission", "At submission"
    AT_CLOSE = "close", "When the assignment closes"
    BY_HAND = "hand", "When the educator releases them"


class Assignment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200, blank=True, help_text="Empty: the work's own title.")
    kind = models.CharField(max_length=10, choices=AssignmentKind.choices)
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        help_text="Review assignments: review this topic's questions until the due date.",
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="Late work is accepted until then, marked late.")
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the quiz's own rule. 0: no limit."
    )
    release = models.CharField(
        max_length=12,
        choices=Release.choices,
        default=Release.AT_SUBMISSION,
        help_text="When learners see scores and keys (only an exam may hold them back).",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lte=F("due_at")) & Q(due_at__lte=F("closes_at")),
                name="assignment_dates_in_order",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="quiz", quiz__isnull=False, case__isnull=True, topic__isnull=True)
                    | Q(kind="case", case__isnull=False, quiz__isnull=True, topic__isnull=True)
                    | Q(kind="review", topic__isnull=False, quiz__isnull=True, case__isnull=True)
                ),
                name="assignment_one_target",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "due_at"])]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.quiz_id is not None and self.quiz is not None:
            return self.quiz.title
        if self.case_id is not None and self.case is not None:
            return self.case.title
        if self.topic is not None:
            return f"Review: {self.topic.name}"
        return "Assignment"


class AssignmentReminder(models.Model):
    """A reminder e-mail claimed for one learner and assignment: at most one each."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "learner"], name="one_reminder_per_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.assignment_id} to {self.learner_id}"
