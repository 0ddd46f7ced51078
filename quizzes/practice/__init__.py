"""Tests a learner builds from the question bank: topics, a pool, a count and a mode.

`pools` says which published questions are in each pool for a learner (a fixed handful of
indexed queries, whatever the bank or the learner's history); `draw` picks a test's questions
fairly across the chosen topics; `tests` creates the attempt. A created test is an attempt of
kind "practice", graded, scheduled and shown like any other.
"""
