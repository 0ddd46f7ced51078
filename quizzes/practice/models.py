"""What a learner asked for when they built a test (the attempt itself holds the questions)."""

from __future__ import annotations

from django.db import models

# quizzes.models imports this module at its end, after the models named here are defined.
from quizzes.models import Attempt, Difficulty, Topic


class PracticePool(models.TextChoices):
    UNUSED = "unused", "Unused: never answered"
    INCORRECT = "incorrect", "Incorrect last time"
    MARKED = "marked", "Flagged for review"
    ALL = "all", "All questions"


class PracticeTest(models.Model):
    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, primary_key=True, related_name="practice_test"
    )
    topics = models.ManyToManyField(Topic, related_name="+")
    pool = models.CharField(max_length=10, choices=PracticePool.choices)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)
    requested = models.PositiveSmallIntegerField(help_text="How many questions were asked for.")
    seconds_per_question = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Timed tests: before any extra time."
    )

    def __str__(self) -> str:
        return f"Test {self.attempt_id}"
