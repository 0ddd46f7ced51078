"""Sections 5 and 6, in this process against the seeded database (web and worker idle).

5. FSRS: the time of one scheduling step (quizzes.scheduling.review: fsrs's review_card, the
   deterministic fuzz and load balancing) against the grading task's mean run time (the worker
   log of section 3); rescheduling every learner's cards after a change of desired retention
   (quizzes.cards.reschedule_cards: batches, one bulk UPDATE each) against the naive loop, a
   new fsrs.Scheduler per card and a save per card, timed on a sample and extrapolated.
6. Item statistics: quizzes.statistics.recompute_item_statistics over every response.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

from bench.run import Bench, log

NEW_RETENTION = 0.85


def fsrs_step(sample: int = 3000) -> dict[str, Any]:
    from collections import Counter

    from django.utils import timezone

    from quizzes.models import CardState, ReviewCard
    from quizzes.reviews import scheduling
    from quizzes.reviews.cards import _memory

    cards = list(ReviewCard.objects.filter(state=CardState.REVIEW).order_by("pk")[:sample])
    config = scheduling.SchedulerConfig()
    now = timezone.now()
    timings = []
    for _repeat in range(3):
        started = time.perf_counter()
        for card in cards:
            scheduling.review(
                card_id=card.pk,
                card=_memory(card),
                rating=scheduling.Rating.Good,
                reviewed_at=now,
                review_day=now.date(),
                config=config,
                due_counts=Counter(),
            )
        timings.append((time.perf_counter() - started) / len(cards))
    return {"cards": len(cards), "ms_per_review": round(statistics.median(timings) * 1000, 4)}


def naive_reschedule(sample: int) -> dict[str, Any]:
    """A new fsrs.Scheduler per card and card.save() per card (autocommit), on a sample."""
    import fsrs

    from quizzes.models import CardState, ReviewCard

    cards = list(
        ReviewCard.objects.filter(state=CardState.REVIEW, stability__isnull=False).order_by("?")[
            :sample
        ]
    )
    started = time.perf_counter()
    for card in cards:
        scheduler = fsrs.Scheduler(
            desired_retention=NEW_RETENTION, maximum_interval=730, enable_fuzzing=False
        )
        # Review cards: reviewed, so their stability and last review are set.
        assert card.stability is not None
        assert card.last_review is not None
        days = scheduler._next_interval(stability=card.stability)
        card.due = card.last_review + timedelta(days=days)
        card.save()
    elapsed = time.perf_counter() - started
    return {
        "cards": len(cards),
        "seconds": round(elapsed, 3),
        "ms_per_card": round(elapsed / len(cards) * 1000, 4),
    }


def bulk_reschedule() -> dict[str, Any]:
    from quizzes.models import CardState, LearnerSettings, ReviewCard
    from quizzes.reviews.cards import reschedule_cards

    LearnerSettings.objects.update(desired_retention=NEW_RETENTION)
    learners = list(
        LearnerSettings.objects.values_list("learner_id", flat=True).order_by("learner_id")
    )
    cards = ReviewCard.objects.filter(learner_id__in=learners).count()
    review_cards = ReviewCard.objects.filter(
        learner_id__in=learners, state=CardState.REVIEW
    ).count()
    started = time.perf_counter()
    moved = sum(reschedule_cards(learner_id=learner_id) for learner_id in learners)
    elapsed = time.perf_counter() - started
    return {
        "learners": len(learners),
        "cards": cards,
        "review_state_cards": review_cards,
        "moved": moved,
        "seconds": round(elapsed, 3),
        "ms_per_card": round(elapsed / max(moved, 1) * 1000, 4),
    }


def profile_reschedule(learners: int = 25) -> dict[str, Any]:
    """Where rescheduling's time goes: a second change of retention for a few learners."""
    from bench import profiles
    from quizzes.models import LearnerSettings

    ids = list(LearnerSettings.objects.order_by("learner_id").values_list("learner_id", flat=True))
    LearnerSettings.objects.filter(learner_id__in=ids[:learners]).update(desired_retention=0.8)
    return profiles.reschedule(ids[:learners])


def item_statistics() -> dict[str, Any]:
    from django.utils import timezone

    from quizzes.models import Response
    from quizzes.statistics import recompute_item_statistics

    responses = Response.objects.count()
    timings = []
    versions = 0
    for _repeat in range(3):
        started = time.perf_counter()
        versions = recompute_item_statistics(now=timezone.now())
        timings.append(time.perf_counter() - started)
    return {
        "responses": responses,
        "versions": versions,
        "seconds": round(statistics.median(timings), 3),
        "runs": [round(t, 3) for t in timings],
    }


def run(bench: Bench) -> None:
    log("5. spaced repetition: FSRS step, rescheduling after a retention change")
    step = fsrs_step()
    task_ms = (bench.results.get("grading") or {}).get("task_ms", {}).get("grade_response_mean")
    naive = naive_reschedule(bench.plan.reschedule_sample)
    bulk = bulk_reschedule()
    bench.results.setdefault("profiles", {})["reschedule"] = profile_reschedule()
    naive_total = naive["ms_per_card"] * bulk["moved"] / 1000
    result = {
        "fsrs": step
        | {
            "grading_task_ms": task_ms,
            "share_of_grading_task": round(step["ms_per_review"] / task_ms, 4) if task_ms else None,
        },
        "reschedule": {
            "bulk": bulk,
            "naive_sample": naive,
            "naive_extrapolated_seconds": round(naive_total, 1),
            "speedup": round(naive["ms_per_card"] / bulk["ms_per_card"], 1)
            if bulk["moved"]
            else None,
        },
    }
    log(
        f"   FSRS step {step['ms_per_review']} ms per review; rescheduled {bulk['moved']} cards in "
        f"{bulk['seconds']} s, naive loop {naive['ms_per_card']} ms per card "
        f"(x{result['reschedule']['speedup']})"
    )
    log("6. item statistics over every response")
    result["item_statistics"] = item_statistics()
    log(
        f"   {result['item_statistics']['responses']} responses: "
        f"{result['item_statistics']['seconds']} s"
    )
    bench.results["spaced"] = result
