"""Clinical case vignettes told in stages, and the figures they (and hotspot questions) show."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse

from quizzes.models import Attempt, Question, Status, Topic, new_key


def new_figure_key() -> str:
    return new_key("fig")


def new_case_key() -> str:
    return new_key("case")


class Figure(models.Model):
    """An uploaded image or SVG with required alt text and named regions for hotspots.

    `width` and `height` are the figure's own coordinate system (the SVG viewBox or the image's
    pixel size), read from the file when it is uploaded; region polygons use it.
    """

    key = models.SlugField(max_length=80, unique=True, default=new_figure_key)
    title = models.CharField(max_length=200)
    image = models.FileField(
        upload_to="figures/",
        validators=[FileExtensionValidator(["svg", "png", "jpg", "jpeg", "webp", "gif"])],
        help_text="An SVG or a PNG/JPEG/WebP image.",
    )
    alt_text = models.TextField(
        help_text="What a student who cannot see the figure needs to know from it."
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True, help_text="Author or source.")
    licence = models.CharField(max_length=100, blank=True)
    width = models.FloatField(editable=False, default=0)
    height = models.FloatField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class FigureRegion(models.Model):
    """A named polygon on a figure, in the figure's own coordinates: [[x, y], ...]."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="regions")
    key = models.SlugField(max_length=80)
    label = models.CharField(max_length=200, help_text="Seen by educators only.")
    points = models.JSONField(
        help_text="The polygon's corners in figure coordinates: [[10, 20], [80, 20], [45, 90]]."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["figure", "key"], name="unique_region_key")]

    def __str__(self) -> str:
        return f"{self.figure.title}: {self.label}"


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
