"""Drawing a test's questions fairly across its topics (pure: no database).

Like an exam blueprint, each chosen topic gets a share of the test in proportion to the
questions it has available (largest remainders, so the shares add up exactly); its questions
are then drawn at random. A question filed under two chosen topics is drawn at most once:
it counts for the first topic that draws it, and a topic left short by such overlaps passes
its remaining share on to the topics that still have questions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence


def shares(available: Mapping[int, int], count: int) -> dict[int, int]:
    """Split `count` over the topics in proportion to `available` (topic -> questions), by
    largest remainders; no topic gets more than it has, ties go to the larger topic."""
    total = sum(available.values())
    count = min(count, total)
    if count <= 0:
        return dict.fromkeys(available, 0)
    exact = {topic: count * size / total for topic, size in available.items()}
    result = {topic: int(value) for topic, value in exact.items()}
    by_remainder = sorted(
        available, key=lambda topic: (exact[topic] - result[topic], available[topic]), reverse=True
    )
    for topic in by_remainder[: count - sum(result.values())]:
        result[topic] += 1
    return result


def draw(candidates: Mapping[int, Sequence[int]], count: int, rng: random.Random) -> list[int]:
    """Up to `count` distinct question ids from `candidates` (topic -> question ids), spread
    over the topics by `shares`, in random order."""
    pools = {topic: list(dict.fromkeys(ids)) for topic, ids in candidates.items() if ids}
    for ids in pools.values():
        rng.shuffle(ids)
    distinct = {question for ids in pools.values() for question in ids}
    wanted = min(count, len(distinct))
    chosen: list[int] = []
    taken: set[int] = set()
    owed = shares({topic: len(ids) for topic, ids in pools.items()}, wanted)
    while len(chosen) < wanted:
        short = 0
        for topic in sorted(pools):
            ids = pools[topic]
            while owed[topic] and ids:
                question = ids.pop()
                if question not in taken:
                    taken.add(question)
                    chosen.append(question)
                    owed[topic] -= 1
            short += owed[topic]
            owed[topic] = 0
        # Shares a topic could not fill (its questions went to another topic) go to the
        # topics that still have questions left, in proportion again.
        left = {topic: sum(q not in taken for q in ids) for topic, ids in pools.items()}
        owed = shares({topic: n for topic, n in left.items() if n}, short) | {
            topic: 0 for topic, n in left.items() if not n
        }
    rng.shuffle(chosen)
    return chosen
