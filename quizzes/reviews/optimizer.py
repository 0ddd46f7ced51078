"""FSRS-6 parameters fitted to one learner's review history, and how well parameters predict it.

Pure: no ORM, no settings, no clock. numpy and scipy only (no GPU framework): the FSRS-6 memory
model of the `fsrs` package, vectorised over cards, and scipy's bounded L-BFGS-B minimising the
log loss of the predicted recall of every review after a card's first. The model is the one
`fsrs.Scheduler` runs with no learning or relearning steps (quizzes.reviews.scheduling): the
first rating sets stability and difficulty, a review on the same day uses the short-term
stability formula, any later one the recall or forgetting formula at the elapsed whole days.

Why not a library: `fsrs-rs-python` (the Rust optimiser's bindings) declares no licence in its
upstream repository or its wheel, so there is no permission to use it; the `fsrs` package's own
optimiser needs PyTorch. README.md, "Spaced repetition", says more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from scipy.optimize import minimize

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

STABILITY_MIN = 0.001
# Predictions are kept inside (EPSILON, 1 - EPSILON) so one confident miss costs a finite loss.
EPSILON = 1e-4
RMSE_BINS = 20
# Pull towards the starting parameters, per training review: keeps a small data set from
# swinging parameters it says little about (fsrs-rs regularises the same way).
REGULARISATION = 1.0


@dataclass(frozen=True)
class Review:
    """One review of a card: its rating (1 Again to 4 Easy), the whole days since the card's
    previous review (0 for its first) and whether it is held back for evaluation."""

    rating: int
    elapsed_days: int
    held_back: bool = False


@dataclass(frozen=True)
class Metrics:
    """How well parameters predict a set of reviews: log loss and RMSE over bins of predicted
    recall (both lower is better) and how many reviews they were measured on."""

    log_loss: float
    rmse_bins: float
    reviews: int


@dataclass(frozen=True)
class _Dataset:
    ratings: IntArray  # cards x reviews, 0 pads
    elapsed: FloatArray
    held_back: BoolArray

    @classmethod
    def of(cls, histories: Sequence[Sequence[Review]]) -> _Dataset:
        # Longest first: the forward pass then works on a shrinking prefix of rows.
        histories = sorted(histories, key=len, reverse=True)
        width = max((len(history) for history in histories), default=0)
        ratings = np.zeros((len(histories), width), dtype=np.int64)
        elapsed = np.zeros((len(histories), width), dtype=np.float64)
        held_back = np.zeros((len(histories), width), dtype=np.bool_)
        for row, history in enumerate(histories):
            for column, review in enumerate(history):
                ratings[row, column] = review.rating
                elapsed[row, column] = review.elapsed_days
                held_back[row, column] = review.held_back
        return cls(ratings, elapsed, held_back)

    def scored(self) -> BoolArray:
        """Reviews whose recall the model predicts: not a card's first, not on the same day."""
        mask = (self.ratings > 0) & (self.elapsed >= 1)
        mask[:, :1] = False
        return mask


def _initial_difficulty(w: FloatArray, rating: IntArray | float) -> FloatArray:
    return np.asarray(w[4] - np.exp(w[5] * (np.asarray(rating) - 1.0)) + 1.0, dtype=np.float64)


def predicted_recall(parameters: Sequence[float] | FloatArray, data: _Dataset) -> FloatArray:
    """The predicted probability of recall before every review (column 0 is not a prediction)."""
    w = np.asarray(parameters, dtype=np.float64)
    ratings, elapsed = data.ratings, data.elapsed
    cards, width = ratings.shape
    predictions = np.ones((cards, width), dtype=np.float64)
    if width == 0:
        return predictions
    decay = -w[20]
    factor = 0.9 ** (1.0 / decay) - 1.0
    first = np.clip(ratings[:, 0], 1, 4)
    stability = np.maximum(w[first - 1], STABILITY_MIN)
    difficulty = np.clip(_initial_difficulty(w, first), 1.0, 10.0)
    easy_difficulty = float(_initial_difficulty(w, 4.0))
    # Rows are longest first (_Dataset.of): column j concerns only the first active[j] rows.
    active = (ratings > 0).sum(axis=0)
    for column in range(1, width):
        rows = int(active[column])
        rating = ratings[:rows, column]
        t = elapsed[:rows, column]
        s_all, d_all = stability, difficulty
        stability, difficulty = s_all[:rows], d_all[:rows]
        recall = np.power(1.0 + factor * t / stability, decay)
        predictions[:rows, column] = recall
        hard_penalty = np.where(rating == 2, w[15], 1.0)
        easy_bonus = np.where(rating == 4, w[16], 1.0)
        recalled = stability * (
            1.0
            + math.exp(w[8])
            * (11.0 - difficulty)
            * np.power(stability, -w[9])
            * (np.exp((1.0 - recall) * w[10]) - 1.0)
            * hard_penalty
            * easy_bonus
        )
        forgotten = np.minimum(
            w[11]
            * np.power(difficulty, -w[12])
            * (np.power(stability + 1.0, w[13]) - 1.0)
            * np.exp((1.0 - recall) * w[14]),
            stability / math.exp(w[17] * w[18]),
        )
        short_increase = np.exp(w[17] * (rating - 3.0 + w[18])) * np.power(stability, -w[19])
        short_increase = np.where(rating >= 2, np.maximum(short_increase, 1.0), short_increase)
        new_stability = np.where(
            t < 1, stability * short_increase, np.where(rating == 1, forgotten, recalled)
        )
        new_difficulty = w[7] * easy_difficulty + (1.0 - w[7]) * (
            difficulty + (10.0 - difficulty) * (-w[6] * (rating - 3.0)) / 9.0
        )
        stability = np.concatenate([np.maximum(new_stability, STABILITY_MIN), s_all[rows:]])
        difficulty = np.concatenate([np.clip(new_difficulty, 1.0, 10.0), d_all[rows:]])
    return predictions


def _metrics(predictions: FloatArray, recalled: FloatArray) -> Metrics:
    if predictions.size == 0:
        return Metrics(log_loss=math.nan, rmse_bins=math.nan, reviews=0)
    p = np.clip(predictions, EPSILON, 1.0 - EPSILON)
    log_loss = float(-np.mean(recalled * np.log(p) + (1.0 - recalled) * np.log(1.0 - p)))
    bins = np.minimum((p * RMSE_BINS).astype(np.int64), RMSE_BINS - 1)
    counts = np.bincount(bins, minlength=RMSE_BINS)
    predicted = np.bincount(bins, weights=p, minlength=RMSE_BINS)
    observed = np.bincount(bins, weights=recalled, minlength=RMSE_BINS)
    used = counts > 0
    squared = (predicted[used] - observed[used]) ** 2 / counts[used]
    rmse = float(math.sqrt(squared.sum() / counts.sum()))
    return Metrics(log_loss=log_loss, rmse_bins=rmse, reviews=int(predictions.size))


def evaluate(
    parameters: Sequence[float], histories: Sequence[Sequence[Review]], *, held_back: bool
) -> Metrics:
    """How well `parameters` predict the held-back reviews (or, with held_back=False, the
    others). Every review before one still shapes the memory state it is predicted from.

    RMSE(bins): predictions grouped in 20 equal bins of predicted recall; the root of the
    count-weighted mean squared gap between each bin's mean prediction and its observed recall.
    """
    data = _Dataset.of(histories)
    mask = data.scored() & (data.held_back if held_back else ~data.held_back)
    predictions = predicted_recall(parameters, data)[mask]
    recalled = (data.ratings[mask] > 1).astype(np.float64)
    return _metrics(predictions, recalled)


def fit(
    histories: Sequence[Sequence[Review]],
    *,
    start: Sequence[float] = DEFAULT_PARAMETERS,
    max_iterations: int = 60,
) -> tuple[float, ...]:
    """FSRS-6 parameters minimising the log loss of the reviews not held back, from `start`,
    within the `fsrs` package's bounds (so the scheduler accepts them)."""
    data = _Dataset.of(histories)
    mask = data.scored() & ~data.held_back
    recalled = (data.ratings[mask] > 1).astype(np.float64)
    count = int(mask.sum())
    lower = np.asarray(LOWER_BOUNDS_PARAMETERS, dtype=np.float64)
    upper = np.asarray(UPPER_BOUNDS_PARAMETERS, dtype=np.float64)
    origin = np.clip(np.asarray(start, dtype=np.float64), lower, upper)
    if count == 0:
        return tuple(float(value) for value in origin)
    scale = upper - lower

    def loss(w: FloatArray) -> float:
        p = np.clip(predicted_recall(w, data)[mask], EPSILON, 1.0 - EPSILON)
        fit_loss = -np.mean(recalled * np.log(p) + (1.0 - recalled) * np.log(1.0 - p))
        penalty = REGULARISATION / count * float(np.sum(((w - origin) / scale) ** 2))
        return float(fit_loss) + penalty

    result = minimize(
        loss,
        origin,
        method="L-BFGS-B",
        bounds=list(zip(lower, upper, strict=True)),
        options={"maxiter": max_iterations},
    )
    fitted = np.clip(np.asarray(result.x, dtype=np.float64), lower, upper)
    return tuple(float(value) for value in fitted)
