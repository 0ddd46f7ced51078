"""Spaced-repetition state: each learner's cards, every review, settings and daily mastery.

Written only by the services of `quizzes.reviews` (cards, learner_settings, progress).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# quizzes.models imports this module at its end, after Confidence is defined.
from quizzes.models import Confidence


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
    """A learner's FSRS memory state for one question; written only by quizzes.reviews.cards.

    A major edit of the question starts a new review generation: the card restarts from
    scratch at its next review (`generation` records which one it holds).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="review_cards"
    )
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
    last_rating = models.PositiveSmallIntegerField(
        choices=ReviewRating.choices,
        null=True,
        blank=True,
        help_text="The rating of the latest review: Again means not learned (yet).",
    )
    last_correct = models.BooleanField(
        null=True, blank=True, help_text="Whether the latest answer was fully correct."
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
    question = models.ForeignKey("quizzes.Question", on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(
        "quizzes.Response", on_delete=models.CASCADE, related_name="review_log"
    )
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
    topic = models.ForeignKey("quizzes.Topic", on_delete=models.CASCADE, related_name="+")
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


class ParameterSource(models.TextChoices):
    DEFAULT = "default", "Default"
    PERSONAL = "personal", "Personal"


class PersonalParameters(models.Model):
    """The FSRS-6 parameters a learner's reviews are scheduled with, and the latest fit's verdict.

    Written only by quizzes.reviews.personal. `parameters` are the ones in use (the defaults
    until a fit predicts the learner's held-back reviews better); the metrics and `reason`
    describe the latest check, adopted or not.
    """

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_parameters"
    )
    source = models.CharField(
        max_length=10, choices=ParameterSource.choices, default=ParameterSource.DEFAULT
    )
    parameters = models.JSONField(help_text="The 21 FSRS-6 weights in use.")
    adopted_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(help_text="When the latest fit was tried.")
    reviews = models.PositiveIntegerField(default=0, help_text="Reviews the latest check saw.")
    span_days = models.PositiveIntegerField(default=0)
    held_back_reviews = models.PositiveIntegerField(
        default=0, help_text="The latest 20% of reviews, predicted but not fitted on."
    )
    candidate = models.JSONField(null=True, blank=True, help_text="The latest fitted weights.")
    current_log_loss = models.FloatField(null=True, blank=True)
    candidate_log_loss = models.FloatField(null=True, blank=True)
    current_rmse_bins = models.FloatField(null=True, blank=True)
    candidate_rmse_bins = models.FloatField(null=True, blank=True)
    adopted = models.BooleanField(default=False, help_text="Whether the latest fit was adopted.")
    reason = models.TextField(help_text="The latest check's verdict, in plain words.")

    class Meta:
        verbose_name_plural = "personal parameters"

    def __str__(self) -> str:
        return f"{self.get_source_display()} parameters of {self.learner_id}"


class ExamPlan(models.Model):
    """A learner's exam: the date, the topics it covers, a daily time budget and the retention
    to reach by then. Written only by quizzes.reviews.planning; read by the review queue."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_plan"
    )
    exam_date = models.DateField()
    topics = models.ManyToManyField("quizzes.Topic", related_name="+")
    daily_minutes = models.PositiveSmallIntegerField(help_text="Minutes a day for reviews.")
    target_retention = models.FloatField(
        help_text="The desired retention reviews rise to by the exam day."
    )
    starts_on = models.DateField(help_text="The day the plan was made: the ramp starts here.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(target_retention__gte=0.70) & Q(target_retention__lte=0.97),
                name="exam_plan_target_retention_range",
            )
        ]

    def __str__(self) -> str:
        return f"Exam plan of {self.learner_id} for {self.exam_date}"


class LearningObjective(models.Model):
    """What a learner should know, tested by several questions (forms) of it: the review queue
    spreads an objective's questions apart, and the progress page measures transfer to forms
    not yet seen. Authored in the admin."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200, help_text="What the learner can do or knows.")
    questions = models.ManyToManyField("quizzes.Question", related_name="objectives", blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
