"""Personal FSRS parameters: fitted from a learner's own reviews, adopted only when they predict
the learner's later reviews better than the parameters in use.

No button: a monthly Celery beat job (and an on-demand task) calls `fit_personal_parameters`.

- Enough data first (MIN_REVIEWS reviews spanning MIN_SPAN_DAYS days): with fewer, the fit
  follows noise, and the held-back fifth is too small to tell two sets of parameters apart.
- A time split: the latest HELD_BACK_SHARE of the reviews (in time) are held back; the candidate
  is fitted on the earlier ones; both the parameters in use and the candidate then predict the
  held-back reviews, every earlier review still shaping the memory state they predict from.
- Adopted only if the candidate's log loss AND its RMSE over bins of predicted recall are both
  lower; otherwise the parameters in use stay. Either way the numbers and the verdict are kept
  for the settings page.
- Cold start: the `fsrs` package's default parameters (the project has no cohorts yet to
  average over).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes import dispatch
from quizzes.models import ParameterSource, PersonalParameters, ReviewLog
from quizzes.reviews import optimizer
from quizzes.selectors import one_or_none

# 400 reviews: the held-back fifth is then 80 reviews, about the fewest on which a log-loss
# difference between two parameter sets is more than noise; Anki's FSRS guidance also asks for
# several hundred reviews before optimising. 30 days: under a month every interval is short, so
# the reviews say nothing about forgetting over weeks (the decay and the stability gains), and
# the held-back part would cover only a few days.
MIN_REVIEWS = 400
MIN_SPAN_DAYS = 30
HELD_BACK_SHARE = 0.2
REPLAY_TASK = "quizzes.tasks.replay_learner_reviews"


@dataclass(frozen=True)
class TimedReview:
    card: tuple[int, int]  # (card id, review generation): a new generation starts afresh
    rating: int
    reviewed_at: datetime


@dataclass(frozen=True)
class FitDecision:
    """The verdict of one fit: which parameters to use, and why."""

    adopted: bool
    parameters: tuple[float, ...]
    reason: str
    reviews: int
    span_days: int
    held_back: int = 0
    candidate: tuple[float, ...] | None = None
    current: optimizer.Metrics | None = None
    fitted: optimizer.Metrics | None = None


def default_parameters() -> tuple[float, ...]:
    return tuple(DEFAULT_PARAMETERS)


def parameters_for(learner_id: int) -> tuple[float, ...]:
    """The parameters a learner's reviews are scheduled with: personal if adopted, else the
    defaults."""
    row = one_or_none(PersonalParameters.objects.filter(learner_id=learner_id))
    if row is None:
        return default_parameters()
    return tuple(float(value) for value in row.parameters)


def split_histories(
    reviews: Sequence[TimedReview], *, held_back_share: float = HELD_BACK_SHARE
) -> list[list[optimizer.Review]]:
    """Each card's reviews in time order, elapsed whole days between them, the latest
    `held_back_share` of all reviews (in time) marked held back."""
    ordered = sorted(reviews, key=lambda review: (review.reviewed_at, review.card))
    cutoff_index = min(len(ordered) - 1, math.floor(len(ordered) * (1 - held_back_share)))
    cutoff = ordered[cutoff_index].reviewed_at if ordered else None
    by_card: dict[tuple[int, int], list[optimizer.Review]] = {}
    previous: dict[tuple[int, int], datetime] = {}
    for review in ordered:
        last = previous.get(review.card)
        elapsed = 0 if last is None else (review.reviewed_at - last).days
        previous[review.card] = review.reviewed_at
        by_card.setdefault(review.card, []).append(
            optimizer.Review(
                rating=review.rating,
                elapsed_days=elapsed,
                held_back=cutoff is not None and review.reviewed_at >= cutoff,
            )
        )
    return list(by_card.values())


def decide(
    reviews: Sequence[TimedReview],
    *,
    current: Sequence[float],
    min_reviews: int = MIN_REVIEWS,
    min_span_days: int = MIN_SPAN_DAYS,
) -> FitDecision:
    """Fit on all but the latest reviews; keep `current` unless the fit predicts those better."""
    current = tuple(current)
    count = len(reviews)
    times = [review.reviewed_at for review in reviews]
    span = (max(times) - min(times)).days if times else 0
    if count < min_reviews or span < min_span_days:
        return FitDecision(
            adopted=False,
            parameters=current,
            reason=(
                f"Not enough reviews yet to personalise: {count} reviews over {span} days, and "
                f"at least {min_reviews} reviews over {min_span_days} days are needed."
            ),
            reviews=count,
            span_days=span,
        )
    histories = split_histories(reviews)
    candidate = optimizer.fit(histories, start=current)
    before = optimizer.evaluate(current, histories, held_back=True)
    after = optimizer.evaluate(candidate, histories, held_back=True)
    better = after.log_loss < before.log_loss and after.rmse_bins < before.rmse_bins
    numbers = (
        f"on your latest {before.reviews} reviews, log loss {after.log_loss:.3f} against "
        f"{before.log_loss:.3f} and calibration error (RMSE) {after.rmse_bins:.3f} against "
        f"{before.rmse_bins:.3f} (lower is better for both)"
    )
    reason = (
        f"Fitted to your own reviews, they predicted better {numbers}."
        if better
        else f"A fit to your reviews did not predict better {numbers}, so nothing changed."
    )
    return FitDecision(
        adopted=better,
        parameters=candidate if better else current,
        reason=reason,
        reviews=count,
        span_days=span,
        held_back=before.reviews,
        candidate=candidate,
        current=before,
        fitted=after,
    )


def learner_reviews(learner_id: int) -> list[TimedReview]:
    """Every review of the learner, as the optimiser needs them."""
    rows = (
        ReviewLog.objects.filter(learner_id=learner_id)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "generation", "rating", "reviewed_at")
    )
    return [
        TimedReview(card=(card_id, generation), rating=rating, reviewed_at=at)
        for card_id, generation, rating, at in rows.iterator(chunk_size=5000)
    ]


@transaction.atomic
def store_decision(*, learner_id: int, decision: FitDecision, now: datetime) -> PersonalParameters:
    """Record a fit's verdict; adopted parameters replace the ones in use and the learner's
    cards are replayed under them (quizzes.reviews.replay) once this transaction commits."""
    row = one_or_none(PersonalParameters.objects.select_for_update().filter(learner_id=learner_id))
    if row is None:
        row = PersonalParameters(learner_id=learner_id, parameters=list(decision.parameters))
    row.checked_at = now
    row.reviews = decision.reviews
    row.span_days = decision.span_days
    row.held_back_reviews = decision.held_back
    row.candidate = list(decision.candidate) if decision.candidate else None
    row.current_log_loss = decision.current.log_loss if decision.current else None
    row.current_rmse_bins = decision.current.rmse_bins if decision.current else None
    row.candidate_log_loss = decision.fitted.log_loss if decision.fitted else None
    row.candidate_rmse_bins = decision.fitted.rmse_bins if decision.fitted else None
    row.adopted = decision.adopted
    row.reason = decision.reason
    if decision.adopted:
        row.parameters = list(decision.parameters)
        row.source = ParameterSource.PERSONAL
        row.adopted_at = now
    row.save()
    if decision.adopted:
        # The learner's cards were scheduled with the old parameters: rebuild them.
        dispatch.enqueue_on_commit(REPLAY_TASK, [learner_id])
    return row


def fit_personal_parameters(*, learner_id: int, now: datetime | None = None) -> PersonalParameters:
    """Fit the learner's parameters and adopt them if they predict better (module docstring).

    The fit runs outside any transaction (it takes seconds); only the verdict is written in one.
    """
    decision = decide(learner_reviews(learner_id), current=parameters_for(learner_id))
    return store_decision(learner_id=learner_id, decision=decision, now=now or timezone.now())


def learners_to_fit() -> list[int]:
    """Learners with enough reviews to be worth a fit."""
    return list(
        ReviewLog.objects.values("learner_id")
        .order_by()
        .annotate(total=Count("id"))
        .filter(total__gte=MIN_REVIEWS)
        .values_list("learner_id", flat=True)
    )


@dataclass(frozen=True)
class MemoryModelSummary:
    """What the settings page says about the learner's parameters."""

    personal: bool
    headline: str
    reason: str
    checked_at: datetime | None
    first_stability: tuple[tuple[str, float], ...]  # (rating, days to 90% recall)
    decay: float
    parameters: tuple[float, ...]


def memory_model(learner_id: int) -> MemoryModelSummary:
    """The learner's parameters and why, in plain words."""
    row = one_or_none(PersonalParameters.objects.filter(learner_id=learner_id))
    parameters = default_parameters() if row is None else tuple(map(float, row.parameters))
    personal = row is not None and row.source == ParameterSource.PERSONAL
    if personal:
        headline = "Your reviews are scheduled with a memory model fitted to your own answers."
    else:
        headline = "Your reviews are scheduled with FSRS's standard memory model."
    if row is None:
        reason = (
            f"It is checked once a month: once you have {MIN_REVIEWS} reviews over "
            f"{MIN_SPAN_DAYS} days, a model fitted to your answers replaces it if it predicts "
            "your latest answers better."
        )
    else:
        reason = row.reason
    labels = ("Again", "Hard", "Good", "Easy")
    return MemoryModelSummary(
        personal=personal,
        headline=headline,
        reason=reason,
        checked_at=row.checked_at if row else None,
        first_stability=tuple(zip(labels, parameters[:4], strict=True)),
        decay=parameters[20],
        parameters=parameters,
    )
