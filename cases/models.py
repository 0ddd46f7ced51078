"""Clinical case vignettes told in stages; a case attempt is an attempt of kind `CASE_KIND`."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from quizzes.models import Attempt, Figure, Question, Status, Topic, new_key

CASE_KIND = "case"


def new_case_key() -> str:
    return new_key("case")


class Case(models.Model):
    key = models.SlugField(max_length=80, unique=True, default=new_case_key)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, help_text="A one-line teaser for lists.")
    learning_objectives = models.TextField(
        blank=True, help_text="Shown in the debrief (Markdown list)."
    )
    references = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    topics = models.ManyToManyField(Topic, blank=True, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.key])


class StageKind(models.TextChoices):
    PRESENTATION = "presentation", "Presentation"
    HISTORY = "history", "History"
    EXAMINATION = "examination", "Examination"
    INVESTIGATIONS = "investigations", "Investigations"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    MANAGEMENT = "management", "Management"


class CaseStage(models.Model):
    """One stage of a case, revealed once the learner has answered the stage before it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="What the learner reads at this stage (Markdown).")
    position = models.PositiveSmallIntegerField(default=0)
    figures = models.ManyToManyField(Figure, blank=True, related_name="stages")
    questions = models.ManyToManyField(
        Question, blank=True, through="StageQuestion", related_name="case_stages"
    )

    class Meta:
        ordering = ["case_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"


class StageQuestion(models.Model):
    stage = models.ForeignKey(CaseStage, on_delete=models.CASCADE, related_name="stage_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "question"], name="unique_stage_question")
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.question}"


class CaseAttempt(models.Model):
    """A learner working through a case: an attempt whose sections are the case's stages."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="case_attempt")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attempts")
    # The stages as they were when the attempt started: [[stage id, first position, count], ...]
    stage_items = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.case} by {self.attempt.learner_id}"
