"""The question bank (questions, their parts and figures), quizzes, attempts and responses.

Authored rows (Question and its parts) are the editable draft; a QuestionVersion is the frozen
JSON content a learner is shown and graded against. Once a learner has answered a version it
never changes: editing the question then records a new version. The spaced-repetition models
live in `quizzes.reviews.models` and are imported at the end of this module.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse

from quizzes.content import Scoring
from quizzes.qtypes import type_choices


def new_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def new_question_key() -> str:
    return new_key("q")


def new_quiz_key() -> str:
    return new_key("quiz")


def new_figure_key() -> str:
    return new_key("fig")


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Topic(models.Model):
    """A subject questions and cases are filed under. An imported Moodle category becomes a
    topic named by its path ("Cardiology / Week 1"), so equal leaf names stay apart."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, help_text="What the topic covers (Markdown).")
    idnumber = models.CharField(
        max_length=100, blank=True, help_text="The id number of the Moodle category it came from."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Figure(models.Model):
    """An uploaded image or SVG with required alt text and named regions for hotspots.

    `width` and `height` are the figure's own coordinate system (the SVG viewBox or the image's
    pixel size), read from the file when it is uploaded; region polygons use it. Hotspot
    questions and case stages show figures.
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
        db_table = "cases_figure"  # the table predates the figure's move to the question bank

    def __str__(self) -> str:
        return self.title


class FigureRegion(models.Model):
    """A named polygon on a figure, in the figure's own coordinates: [[x, y], ...]."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="regions")
    key = models.SlugField(max_length=80)
    label = models.CharField(max_length=200, help_text="Seen by educators only.")
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "Read to screen-reader users and shown beside the region's letter: where the region "
            'lies, in words that give no question\'s answer away (e.g. "the heel pad", '
            '"behind the inner ankle bump"), never what it is.'
        ),
    )
    points = models.JSONField(
        help_text="The polygon's corners in figure coordinates: [[10, 20], [80, 20], [45, 90]]."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        db_table = "cases_figureregion"
        constraints = [models.UniqueConstraint(fields=["figure", "key"], name="unique_region_key")]

    def __str__(self) -> str:
        return f"{self.figure.title}: {self.label}"


class Question(models.Model):
    key = models.SlugField(
        max_length=80,
        unique=True,
        default=new_question_key,
        help_text="Stable identifier used when importing and exporting modules.",
    )
    title = models.CharField(
        max_length=200, help_text="A short name for the question bank; students never see it."
    )
    type = models.CharField(max_length=20, choices=type_choices)
    stem = models.TextField(help_text="What the student reads (Markdown).")
    explanation = models.TextField(
        blank=True, help_text="Shown after the answer: why the key is right (Markdown)."
    )
    references = models.TextField(
        blank=True, help_text="Sources for the key, one per line (Markdown)."
    )
    difficulty = models.CharField(
        max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    topics = models.ManyToManyField(Topic, blank=True, related_name="questions")
    scoring = models.CharField(
        max_length=20,
        choices=[
            (Scoring.ALL_OR_NOTHING.value, "All or nothing"),
            (Scoring.PARTIAL.value, "Partial credit"),
            (Scoring.WEIGHTED.value, "Weighted options (Moodle grades)"),
        ],
        default=Scoring.ALL_OR_NOTHING,
        help_text="Partial credit: multiple-response and ordering questions only. Weighted: "
        "single best answer and multiple response, each option's weight in percent.",
    )
    rank_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="number to rank",
        help_text="Ranked differential only: how many diagnoses the student chooses and ranks.",
    )
    figure = models.ForeignKey(
        Figure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotspot_questions",
        help_text="Image hotspot only: the figure the student clicks on.",
    )
    type_settings = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Settings only the question's type reads (see quizzes.qtypes).",
    )
    current_version = models.ForeignKey(
        "QuestionVersion",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A major edit starts a new review generation: learners' review cards for older
    # generations restart from scratch.
    review_generation = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["status", "type"])]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    """A choice of a single, multiple, true/false or ranking question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False, verbose_name="correct")
    feedback = models.TextField(blank=True, help_text="Shown after the answer, beside this option.")
    rank = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Ranked differential: this diagnosis's place in the key (1 = leading).",
    )
    must_not_miss = models.BooleanField(
        default=False, help_text="Ranked differential: a dangerous diagnosis that must be listed."
    )
    weight = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text="Weighted scoring only: the option's share of the mark in percent (negative "
        "takes marks away), as Moodle grades it.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class AcceptedAnswer(models.Model):
    """An accepted answer of a short-answer question, with its synonyms."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="accepted_answers"
    )
    text = models.CharField(max_length=200)
    synonyms = models.TextField(
        blank=True, help_text="Other accepted wordings, one per line (e.g. posterior tibial nerve)."
    )
    feedback = models.TextField(blank=True)
    credit = models.FloatField(
        default=100,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
        help_text="Percent of the mark this answer earns (100 = fully right; less for a partly "
        "right answer).",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class OrderItem(models.Model):
    """An item of an ordering question; `position` is its place in the correct order."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="order_items")
    text = models.CharField(max_length=500)
    feedback = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name="correct position")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class MatchPair(models.Model):
    """A prompt and its match; a pair with an empty prompt adds a distractor match."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="match_pairs")
    prompt = models.CharField(
        max_length=300, blank=True, help_text="Leave empty to add a distractor match."
    )
    match = models.CharField(max_length=300, blank=True)
    feedback = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.prompt or '(distractor)'} → {self.match}"


class HotspotTarget(models.Model):
    """A region of the question's figure, marked correct or not, with its feedback."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="targets")
    region = models.ForeignKey(FigureRegion, on_delete=models.CASCADE, related_name="targets")
    is_correct = models.BooleanField(default=False, verbose_name="correct")
    feedback = models.TextField(blank=True)
    alternative = models.CharField(
        max_length=300,
        blank=True,
        verbose_name="text alternative",
        help_text=(
            "This region in words for this question only, when the region's own description "
            "would give the answer away. Give every region one to offer learners a text "
            "version of the question (graded the same way)."
        ),
    )

    class Meta:
        ordering = ["region__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "region"], name="unique_target_region")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.region}"


class EditKind(models.TextChoices):
    INITIAL = "initial", "First version"
    MINOR = "minor", "Minor edit: wording or typo; learners' review progress carries over"
    MAJOR = "major", "Major edit: new key or options; learners' review progress restarts"


class QuestionVersion(models.Model):
    """The frozen content of a question as learners saw it (see quizzes.content)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    edit_kind = models.CharField(max_length=10, choices=EditKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"


class QuizMode(models.TextChoices):
    TUTOR = "tutor", "Tutor: feedback after each answer"
    EXAM = "exam", "Exam: timed, feedback after submission"


class Quiz(models.Model):
    key = models.SlugField(max_length=80, unique=True, default=new_quiz_key)
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, help_text="Shown on the quiz's start page (Markdown)."
    )
    mode = models.CharField(max_length=10, choices=QuizMode.choices, default=QuizMode.TUTOR)
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Exam mode: the time allowed, before any extra time."
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(default=True)
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "How many attempts each learner may make. Empty: the mode's default (an exam 1, "
            "a tutor quiz no limit); 0: no limit."
        ),
    )
    ask_confidence = models.BooleanField(
        default=True,
        help_text=(
            "Learners say how sure they are (guess, unsure, sure) with each answer; results and "
            "progress then show their calibration."
        ),
    )
    exam_tools = models.BooleanField(
        default=True,
        verbose_name="exam-screen tools",
        help_text=(
            "Strike-out, highlighter, notes and the lab-values panel. Switch off for an exam "
            "where they are not allowed. Marking a question for review stays on."
        ),
    )
    is_published = models.BooleanField(default=False, verbose_name="published")
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quiz-detail", args=[self.key])


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="unique_quiz_question")
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.question}"


class AttemptKind(models.TextChoices):
    """The kinds of attempt the question bank runs itself; other apps register more (a case
    attempt is one), each with its behaviour in `quizzes.attempts`."""

    QUIZ = "quiz", "Quiz"
    REVIEW = "review", "Review"
    PRACTICE = "practice", "Your test"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Attempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    kind = models.CharField(max_length=10, default=AttemptKind.QUIZ)
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    mode = models.CharField(max_length=10, choices=QuizMode.choices, default=QuizMode.TUTOR)
    status = models.CharField(
        max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True, help_text="Sum of response scores.")
    max_score = models.FloatField(null=True, blank=True)
    # What the attempt was made for, when another app set it (an assignment of a cohort):
    # named by kind and id so that the question bank never names that app.
    context_kind = models.CharField(max_length=30, blank=True, default="")
    context_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["learner", "status"]),
            models.Index(
                fields=["context_kind", "context_id", "learner"],
                name="attempt_context",
                condition=~Q(context_kind=""),
            ),
            models.Index(
                fields=["deadline"],
                name="open_exam_deadline",
                condition=Q(status="in_progress", deadline__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.pk} by {self.learner_id}"


class AttemptItem(models.Model):
    """One question of an attempt, pinned to the version shown, with its presentation.

    `presentation` maps opaque per-attempt tokens to the version's part ids and fixes the
    shuffled order, so neither the order nor the ids a student sees encode the key.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    # Sections open in order: an item is available once every item of the earlier sections has
    # an answer (a case's stages; ordinary quizzes have one section).
    section = models.PositiveSmallIntegerField(default=0)
    presentation = models.JSONField(default=dict)
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_item_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_item_question"),
        ]
        indexes = [
            # The "marked for review" pool of created tests reads a learner's few flagged items.
            models.Index(fields=["attempt"], name="flagged_items", condition=Q(flagged=True)),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class ItemTools(models.Model):
    """What the learner marked on one question with the exam-screen tools: options struck
    out, passages of the stem highlighted, a note. Never part of the answer; written only by
    quizzes.exam_tools."""

    item = models.OneToOneField(
        AttemptItem, on_delete=models.CASCADE, primary_key=True, related_name="tools"
    )
    # The attempt's option tokens (quizzes.presentation), never the version's part ids.
    struck = models.JSONField(default=list)
    # [start, end) character offsets into the text of the stem as shown, merged and sorted.
    highlights = models.JSONField(default=list)
    note = models.TextField(blank=True)
    # Milliseconds on the client clock: the latest save wins, as with exam answers.
    client_seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "item tools"

    def __str__(self) -> str:
        return f"Tools of {self.item_id}"


class LabValue(models.Model):
    """One line of the lab-values panel learners open beside a question: a normal adult range
    the module's questions rely on, with its source. Edited by educators in the admin."""

    name = models.CharField(max_length=100, unique=True)
    si_range = models.CharField(
        max_length=60, verbose_name="SI range", help_text="For example: 3.9–5.5 mmol/L"
    )
    conventional_range = models.CharField(
        max_length=60, blank=True, help_text="For example: 70–99 mg/dL"
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="When it applies, e.g. 'fasting'."
    )
    source = models.CharField(
        max_length=300, help_text="A guideline or standard reference, with its DOI or PMID."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ResponseStatus(models.TextChoices):
    SAVED = "saved", "Saved (exam, not yet submitted)"
    PENDING = "pending", "Waiting to be graded"
    GRADED = "graded", "Graded"


class Confidence(models.TextChoices):
    GUESS = "guess", "Guess"
    UNSURE = "unsure", "Unsure"
    SURE = "sure", "Sure"


class Response(models.Model):
    """A learner's answer to one attempt item: saved first, graded later by Celery."""

    item = models.OneToOneField(AttemptItem, on_delete=models.CASCADE, related_name="response")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    idempotency_key = models.UUIDField()
    # Milliseconds on the client clock (or the server's for plain form posts): the latest save wins.
    client_seq = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    submitted_at = models.DateTimeField()
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    correct = models.BooleanField(null=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"], name="unique_response_idempotency_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["submitted_at"],
                name="pending_response_submitted",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["version", "status"]),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} ({self.status})"


class ExamAccommodation(models.Model):
    """Extra time an educator grants a learner for timed exams (WCAG 2.2.1 Timing Adjustable)."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_accommodation"
    )
    time_multiplier = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text="1.25 gives 25% more time, 1.5 gives 50% more.",
    )
    extra_minutes = models.PositiveIntegerField(
        default=0, help_text="Minutes added after the multiplier."
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(time_multiplier__gte=1) & Q(time_multiplier__lte=4),
                name="accommodation_multiplier_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner}: ×{self.time_multiplier} + {self.extra_minutes} min"


class ChosenPart(models.Model):
    """One part (option, region) a graded response chose: the source of option statistics.

    Written with the grade, unique per response and part, so a replayed grading adds nothing.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="chosen_parts")
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="+")
    part_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "part_id"], name="unique_chosen_part")
        ]
        indexes = [models.Index(fields=["version", "part_id"])]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.part_id}"


class QuestionStats(models.Model):
    """Item statistics of one question version, recomputed by Celery (quizzes.statistics)."""

    version = models.OneToOneField(QuestionVersion, on_delete=models.CASCADE, related_name="stats")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="stats")
    responses = models.PositiveIntegerField(default=0)
    facility = models.FloatField(null=True, help_text="Mean score, 0 to 1.")
    discrimination = models.FloatField(
        null=True, help_text="Mean score of the top 27% of attempts minus the bottom 27%."
    )
    upper_count = models.PositiveIntegerField(default=0)
    lower_count = models.PositiveIntegerField(default=0)
    option_counts = models.JSONField(default=dict, help_text="Part id -> learners choosing it.")
    needs_review = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "question statistics"
        indexes = [models.Index(fields=["question", "needs_review"])]

    def __str__(self) -> str:
        return f"Statistics of {self.version}"


class QuizStats(models.Model):
    quiz = models.OneToOneField(Quiz, on_delete=models.CASCADE, related_name="stats")
    attempts = models.PositiveIntegerField(default=0)
    mean_score = models.FloatField(null=True, help_text="Mean fraction of the maximum score.")
    kr20 = models.FloatField(null=True, verbose_name="KR-20 reliability")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "quiz statistics"

    def __str__(self) -> str:
        return f"Statistics of {self.quiz}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class ProblemReport(models.Model):
    """A learner's report of an error in a question, for educators to review beside it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    educator_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "question"])]

    def __str__(self) -> str:
        return f"Report on {self.question}: {self.text[:40]}"


class AuditEvent(models.Model):
    """Who did what to authored content or learner records, and when; written in the same
    transaction as the change (quizzes.authoring, and every service that audits)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=80)
    object_repr = models.CharField(max_length=200)
    version_before = models.PositiveIntegerField(null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_repr}"


class OutboxMessage(models.Model):
    """A task to hand to Celery, recorded in the transaction of the change that needs it.

    Sent right after that transaction commits; if the broker was unreachable, the outbox
    sweeper sends it later, so no accepted change is lost to a broker outage (quizzes.dispatch).
    Tasks are idempotent, so a message sent twice does no harm.
    """

    task_name = models.CharField(max_length=120)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_unsent", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


from quizzes.practice.models import PracticePool, PracticeTest  # noqa: E402
from quizzes.reviews.models import (  # noqa: E402 - Django finds an app's models here
    CardState,
    ExamPlan,
    LearnerSettings,
    LearningObjective,
    MasterySnapshot,
    ParameterSource,
    PersonalParameters,
    ReviewCard,
    ReviewLog,
    ReviewRating,
)

__all__ = [
    "AcceptedAnswer",
    "Attempt",
    "AttemptItem",
    "AttemptKind",
    "AttemptStatus",
    "AuditEvent",
    "CardState",
    "ChosenPart",
    "Confidence",
    "Difficulty",
    "EditKind",
    "ExamAccommodation",
    "ExamPlan",
    "Figure",
    "FigureRegion",
    "HotspotTarget",
    "ItemTools",
    "LabValue",
    "LearnerSettings",
    "LearningObjective",
    "MasterySnapshot",
    "MatchPair",
    "Option",
    "OrderItem",
    "OutboxMessage",
    "ParameterSource",
    "PersonalParameters",
    "PracticePool",
    "PracticeTest",
    "ProblemReport",
    "Question",
    "QuestionStats",
    "QuestionVersion",
    "Quiz",
    "QuizMode",
    "QuizQuestion",
    "QuizStats",
    "ReportStatus",
    "Response",
    "ResponseStatus",
    "ReviewCard",
    "ReviewLog",
    "ReviewRating",
    "Status",
    "Topic",
]
