"""The fair draw of a created test: shares in proportion, never a repeat (pure, no database).

Seeded generators (not the system one the builder uses) so a failing example replays.
"""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from quizzes.practice.draw import draw, shares


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - replayable, not secret


topic_sizes = st.dictionaries(st.integers(1, 8), st.integers(0, 60), min_size=1, max_size=6)


def test_shares_split_in_proportion_to_what_each_topic_has():
    assert shares({1: 30, 2: 10}, 20) == {1: 15, 2: 5}


def test_shares_give_the_remainder_to_the_largest_fractions():
    # Exactly 3.5, 2.1 and 1.4 of 7: the one left over goes to the largest fraction (0.5).
    assert shares({1: 5, 2: 3, 3: 2}, 7) == {1: 4, 2: 2, 3: 1}


def test_shares_never_exceed_what_there_is():
    assert shares({1: 2, 2: 1}, 40) == {1: 2, 2: 1}


@given(topic_sizes, st.integers(0, 80))
def test_shares_add_up_to_the_count_or_everything(available, count):
    result = shares(available, count)
    assert sum(result.values()) == min(count, sum(available.values()))
    assert all(0 <= result[topic] <= available[topic] for topic in available)


@given(topic_sizes, st.integers(0, 80))
def test_each_share_is_within_one_of_its_exact_proportion(available, count):
    total = sum(available.values())
    result = shares(available, count)
    wanted = min(count, total)
    for topic, size in available.items():
        exact = wanted * size / total if total else 0
        assert abs(result[topic] - exact) < 1


@st.composite
def candidate_sets(draw_from):
    """Topic -> question ids, the ids overlapping between topics as a bank's filing does."""
    topics = draw_from(st.lists(st.integers(1, 6), min_size=1, max_size=5, unique=True))
    bank = draw_from(st.integers(1, 120))
    return {
        topic: draw_from(st.lists(st.integers(1, bank), max_size=50, unique=True))
        for topic in topics
    }


@given(candidate_sets(), st.integers(0, 60), st.integers())
def test_a_draw_never_repeats_and_takes_all_it_can(candidates, count, seed):
    drawn = draw(candidates, count, seeded(seed))
    every = {question for ids in candidates.values() for question in ids}
    assert len(drawn) == len(set(drawn))
    assert set(drawn) <= every
    assert len(drawn) == min(count, len(every))


@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=5),
    st.integers(0, 60),
    st.integers(),
)
def test_disjoint_topics_get_exactly_their_shares(sizes, count, seed):
    candidates, start = {}, 0
    for topic, size in enumerate(sizes, start=1):
        candidates[topic] = list(range(start, start + size))
        start += size
    drawn = draw(candidates, count, seeded(seed))
    owner = {question: topic for topic, ids in candidates.items() for question in ids}
    counts = {topic: sum(owner[q] == topic for q in drawn) for topic in candidates}
    assert counts == shares({topic: len(ids) for topic, ids in candidates.items()}, count)


def test_a_topic_left_short_by_overlap_passes_its_share_on():
    # Topic 2's only questions are also topic 1's: whatever topic 1 takes, the test still fills.
    candidates = {1: [1, 2, 3, 4], 2: [1, 2], 3: [10, 11, 12, 13]}
    for seed in range(50):
        drawn = draw(candidates, 8, seeded(seed))
        assert sorted(drawn) == [1, 2, 3, 4, 10, 11, 12, 13]


def test_the_order_is_mixed_not_grouped_by_topic():
    candidates = {1: list(range(0, 50)), 2: list(range(100, 150))}
    firsts = {draw(candidates, 20, seeded(seed))[0] >= 100 for seed in range(30)}
    assert firsts == {True, False}
