"""The question bank, quizzes, attempts and responses.

Authored rows (Question and its parts) are the editable draft; a QuestionVersion is the frozen
JSON content a learner is shown and graded against. Once a learner has answered a version it
never changes: editing the question then records a new version.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from quizzes.content import QUESTION_TYPE_LABELS, QuestionType, Scoring


def new_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def new_question_key() -> str:
    return new_key("q")


def new_quiz_key() -> str:
    return new_key("quiz")


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Topic(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    type = models.CharField(
        max_length=20, choices=[(t.value, QUESTION_TYPE_LABELS[t]) for t in QuestionType]
    )
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
        ],
        default=Scoring.ALL_OR_NOTHING,
        help_text="Multiple-response and ordering questions only.",
    )
    rank_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="number to rank",
        help_text="Ranked differential only: how many diagnoses the student chooses and ranks.",
    )
    figure = models.ForeignKey(
        "cases.Figure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotspot_questions",
        help_text="Image hotspot only: the figure the student clicks on.",
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

    @property
    def question_type(self) -> QuestionType:
        return QuestionType(self.type)


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
    region = models.ForeignKey(
        "cases.FigureRegion", on_delete=models.CASCADE, related_name="targets"
    )
    is_correct = models.BooleanField(default=False, verbose_name="correct")
    feedback = models.TextField(blank=True)

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
    QUIZ = "quiz", "Quiz"
    CASE = "case", "Case"
    REVIEW = "review", "Review"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Attempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    kind = models.CharField(max_length=10, choices=AttemptKind.choices, default=AttemptKind.QUIZ)
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

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["learner", "status"]),
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

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


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


# Spaced repetition and learner progress (quizzes.scheduling, quizzes.review, quizzes.progress).


class CardState(models.IntegerChoices):
    NEW = 0, "New"
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class ReviewRating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewCard(models.Model):
    """A learner's FSRS memory state for one question; written only by quizzes.review.

    A major edit of the question starts a new review generation: the card restarts from
    scratch at its next review (`generation` records which one it holds).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    generation = models.PositiveIntegerField(default=1)
    state = models.PositiveSmallIntegerField(choices=CardState.choices, default=CardState.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(
        null=True, blank=True, help_text="Days until recall falls to 90%."
    )
    difficulty = models.FloatField(null=True, blank=True, help_text="1 (easy) to 10 (hard).")
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0, help_text="Reviews in this generation.")
    lapses = models.PositiveIntegerField(default=0, help_text="Forgotten after being learned.")
    desired_retention = models.FloatField(
        null=True, blank=True, help_text="The desired retention `due` was computed for."
    )
    introduced_at = models.DateTimeField(
        null=True, blank=True, help_text="When the review queue first served it as new."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="unique_review_card"),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=1, difficulty__lte=10),
                name="review_card_difficulty_range",
            ),
            models.CheckConstraint(
                condition=Q(stability__isnull=True) | Q(stability__gt=0),
                name="review_card_stability_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "state", "due"]),
            models.Index(fields=["learner", "introduced_at"]),
        ]

    def __str__(self) -> str:
        return f"Card of {self.learner_id} for question {self.question_id}"


class ReviewLog(models.Model):
    """One review of a card: the rating, every input it came from, the state before and after.

    Unique per response, so a replayed grading adds nothing; the inputs and the mapping version
    let a changed rating mapping be replayed (quizzes.scheduling.replay).
    """

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="review_log")
    generation = models.PositiveIntegerField()
    reviewed_at = models.DateTimeField(help_text="When the learner submitted the answer (UTC).")
    rating = models.PositiveSmallIntegerField(choices=ReviewRating.choices)
    mapping_version = models.PositiveSmallIntegerField()
    correct = models.BooleanField()
    score = models.FloatField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    pass_mark = models.FloatField()
    easy_enabled = models.BooleanField()
    desired_retention = models.FloatField()
    maximum_interval_days = models.PositiveIntegerField()
    state_before = models.PositiveSmallIntegerField(choices=CardState.choices)
    step_before = models.PositiveSmallIntegerField(null=True, blank=True)
    stability_before = models.FloatField(null=True, blank=True)
    difficulty_before = models.FloatField(null=True, blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    last_review_before = models.DateTimeField(null=True, blank=True)
    state_after = models.PositiveSmallIntegerField(choices=CardState.choices)
    step_after = models.PositiveSmallIntegerField(null=True, blank=True)
    stability_after = models.FloatField()
    difficulty_after = models.FloatField()
    due_after = models.DateTimeField()
    interval_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="FSRS interval before fuzz and load balancing."
    )
    due_review = models.BooleanField(
        help_text="A Review-state card answered on or after its due day (true retention)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_at", "id"]
        indexes = [
            models.Index(fields=["learner", "reviewed_at"]),
            models.Index(fields=["card", "reviewed_at"]),
        ]

    def __str__(self) -> str:
        return f"Review of card {self.card_id}: {self.get_rating_display()}"


class LearnerSettings(models.Model):
    """A learner's review preferences; created with the site's defaults on first use."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_settings"
    )
    desired_retention = models.FloatField(
        default=0.9,
        help_text="The recall probability reviews are scheduled for: higher means more reviews.",
    )
    daily_new_limit = models.PositiveSmallIntegerField(
        default=20, help_text="New questions the review queue introduces per day."
    )
    daily_review_cap = models.PositiveIntegerField(
        default=200, help_text="Most reviews the queue serves per day."
    )
    review_emails = models.BooleanField(
        default=True, help_text="A daily e-mail when reviews are due."
    )
    last_reminder_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "learner settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.70) & Q(desired_retention__lte=0.97),
                name="learner_desired_retention_range",
            )
        ]

    def __str__(self) -> str:
        return f"Review settings of {self.learner_id}"


class MasterySnapshot(models.Model):
    """A learner's mastery of one topic on one day, written daily by Celery beat."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mastery_snapshots"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    mastery = models.FloatField(help_text="Mean predicted recall of the topic's cards, 0 to 1.")
    accuracy = models.FloatField(null=True, blank=True, help_text="Share of answers correct.")
    cards = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "topic", "date"], name="unique_mastery_snapshot"
            )
        ]
        indexes = [models.Index(fields=["learner", "date"])]

    def __str__(self) -> str:
        return f"Mastery of {self.learner_id} in {self.topic_id} on {self.date}"
