"""Confidence calibration: how often a learner is right when they say guess, unsure or sure.

A well calibrated learner is nearly always right when sure and near chance when guessing. The
most dangerous answers are the confident wrong ones (in medicine they harm patients), so they
are listed first. "Right" means fully correct (score 1): a partly correct answer given as sure
is a confident error too. Answers given without a confidence are counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q

from quizzes.models import Confidence, ReviewLog

# How many of the learner's confident errors the progress page lists.
CONFIDENT_ERRORS_LISTED = 10


@dataclass(frozen=True)
class Level:
    confidence: str
    label: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class Calibration:
    levels: list[Level]  # guess, unsure, sure: always all three, in that order
    unrated: int  # graded answers given without a confidence

    @property
    def rated(self) -> int:
        return sum(level.answered for level in self.levels)


def calibration(answers: Iterable[tuple[str, bool]]) -> Calibration:
    """The calibration of graded answers, each (confidence or "", fully correct)."""
    counts: dict[str, list[int]] = {}
    for confidence, right in answers:
        answered_correct = counts.setdefault(confidence, [0, 0])
        answered_correct[0] += 1
        answered_correct[1] += bool(right)
    return _from_counts({key: (n, right) for key, (n, right) in counts.items()})


def _from_counts(counts: dict[str, tuple[int, int]]) -> Calibration:
    """From confidence -> (answered, fully correct)."""
    return Calibration(
        levels=[
            Level(value, str(label), *counts.get(value, (0, 0)))
            for value, label in Confidence.choices
        ],
        unrated=sum(n for key, (n, _) in counts.items() if key not in Confidence.values),
    )


def learner_calibration(learner: User) -> Calibration:
    """Over every graded answer of the learner (one grouped query on their review log)."""
    rows = (
        ReviewLog.objects.filter(learner=learner)
        .values("confidence")
        .annotate(answered=Count("pk"), correct=Count("pk", filter=Q(correct=True)))
    )
    return _from_counts({row["confidence"]: (row["answered"], row["correct"]) for row in rows})


def confident_errors(learner: User, limit: int = CONFIDENT_ERRORS_LISTED) -> list[ReviewLog]:
    """The learner's latest answers given as sure but not fully correct, one per question,
    newest first, with their card and question (for links and titles)."""
    latest_per_question = (
        ReviewLog.objects.filter(learner=learner, confidence=Confidence.SURE, correct=False)
        .order_by("question_id", "-reviewed_at")
        .distinct("question_id")
        .values("pk")
    )
    return list(
        ReviewLog.objects.filter(pk__in=latest_per_question)
        .select_related("question")
        .order_by("-reviewed_at")[:limit]
    )
