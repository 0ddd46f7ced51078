"""Section 7, in this process against the seeded database: personal parameters and replay.

- Optimisation: quizzes.reviews.personal.decide on a simulated learner with a year of reviews
  (quizzes.reviews.synthetic): the fit, the held-back evaluation and the verdict.
- Replay: quizzes.reviews.replay.replay_reviews over every reviewed card of the seed (100,000),
  twice: the second run is the idempotence check (it must write the same states).

Standalone smoke run on a small database: `python -m bench.srs --days 60` (optimisation only
when the database has no cards).
"""

from __future__ import annotations

import argparse
import time
from typing import Any


def optimisation(days: int = 365) -> dict[str, Any]:
    from quizzes.reviews import personal, synthetic

    simulated = synthetic.simulate_learner(days=days, new_per_day=3, seed=11)
    reviews = [
        personal.TimedReview(card=(r.card, 1), rating=r.rating, reviewed_at=r.reviewed_at)
        for r in simulated
    ]
    started = time.perf_counter()
    decision = personal.decide(reviews, current=personal.default_parameters())
    seconds = time.perf_counter() - started
    return {
        "reviews": len(reviews),
        "seconds": round(seconds, 2),
        "adopted": decision.adopted,
        "default_log_loss": round(decision.current.log_loss, 4) if decision.current else None,
        "fitted_log_loss": round(decision.fitted.log_loss, 4) if decision.fitted else None,
        "default_rmse_bins": round(decision.current.rmse_bins, 4) if decision.current else None,
        "fitted_rmse_bins": round(decision.fitted.rmse_bins, 4) if decision.fitted else None,
    }


def replay_all() -> dict[str, Any]:
    from quizzes.models import ReviewCard
    from quizzes.reviews import replay

    def snapshot() -> list[tuple[Any, ...]]:
        return list(
            ReviewCard.objects.order_by("pk").values_list(
                "pk", "state", "stability", "difficulty", "due", "reps", "lapses"
            )
        )

    timings = []
    cards = 0
    states = []
    for _repeat in range(2):
        started = time.perf_counter()
        cards = replay.replay_reviews().cards
        timings.append(time.perf_counter() - started)
        states.append(snapshot())
    return {
        "cards": cards,
        "seconds": [round(t, 2) for t in timings],
        "cards_per_second": round(cards / min(timings)) if cards else None,
        "idempotent": states[0] == states[1],
    }


def run(bench: Any) -> None:
    from bench.run import log

    log("7. personal parameters (a simulated year of reviews) and replay of every card")
    result = {"optimisation": optimisation(), "replay": replay_all()}
    o, r = result["optimisation"], result["replay"]
    log(
        f"   fit of {o['reviews']} reviews in {o['seconds']} s (log loss {o['default_log_loss']} "
        f"-> {o['fitted_log_loss']}); replay of {r['cards']} cards in {r['seconds']} s, "
        f"idempotent: {r['idempotent']}"
    )
    bench.results["srs"] = result


def main() -> None:
    import os

    import django

    parser = argparse.ArgumentParser(description="Personal parameters and replay, standalone.")
    parser.add_argument("--days", type=int, default=365, help="days of the simulated learner")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu_platform.settings")
    django.setup()
    print({"optimisation": optimisation(args.days), "replay": replay_all()})


if __name__ == "__main__":
    main()
