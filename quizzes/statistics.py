"""Item statistics for educators, computed by SQL aggregation (never a loop over responses).

- Facility index: the mean score of a question version over graded quiz and case responses
  (reviews excluded: a learner repeating a card would count many times), from 0 to 1.
- Discrimination index: upper/lower 27% (Kelley). Submitted quiz attempts are ranked within
  their quiz by total score (ties broken by attempt id); D = the version's mean score in the top
  27% of attempts minus its mean score in the bottom 27%, from -1 to 1. Shown only with at least
  5 attempts in each group.
- Option distribution: how many graded responses chose each option or region.
- KR-20 per quiz, in its general form for partial credit (Cronbach's alpha), over submitted
  attempts: k/(k-1) · (1 - Σ item variance / variance of the total).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count

from quizzes.models import ChosenPart, QuestionStats, QuizStats

GROUP_SHARE = 0.27
MIN_GROUP_SIZE = 5
REVIEW_DISCRIMINATION_BELOW = 0.2

ITEM_SQL = """
WITH ranked AS (
    SELECT a.id AS attempt_id,
           ROW_NUMBER() OVER (PARTITION BY a.quiz_id ORDER BY a.score / a.max_score DESC, a.id)
             AS position,
           COUNT(*) OVER (PARTITION BY a.quiz_id) AS n
    FROM quizzes_attempt a
    WHERE a.status = 'submitted' AND a.kind = 'quiz'
      AND a.score IS NOT NULL AND a.max_score > 0
),
grouped AS (
    SELECT attempt_id,
           CASE WHEN position <= ROUND(n * %(share)s) THEN 1
                WHEN position > n - ROUND(n * %(share)s) THEN -1
                ELSE 0 END AS grp
    FROM ranked
)
SELECT r.version_id,
       v.question_id,
       COUNT(*),
       AVG(r.score),
       AVG(CASE WHEN g.grp = 1 THEN r.score END),
       AVG(CASE WHEN g.grp = -1 THEN r.score END),
       COUNT(CASE WHEN g.grp = 1 THEN 1 END),
       COUNT(CASE WHEN g.grp = -1 THEN 1 END)
FROM quizzes_response r
JOIN quizzes_attemptitem i ON i.id = r.item_id
JOIN quizzes_attempt a ON a.id = i.attempt_id
JOIN quizzes_questionversion v ON v.id = r.version_id
LEFT JOIN grouped g ON g.attempt_id = i.attempt_id
WHERE r.status = 'graded' AND a.kind <> 'review'
GROUP BY r.version_id, v.question_id
"""

# Per quiz: k items, Σ item variances and the variance of attempt totals, over submitted
# attempts. Variance as E[x²] - E[x]² so the same SQL runs on PostgreSQL and SQLite.
QUIZ_SQL = """
WITH attempts AS (
    SELECT a.id, a.quiz_id, a.score
    FROM quizzes_attempt a
    WHERE a.status = 'submitted' AND a.kind = 'quiz' AND a.score IS NOT NULL AND a.max_score > 0
),
items AS (
    SELECT t.quiz_id, i.question_id,
           AVG(COALESCE(r.score, 0) * COALESCE(r.score, 0))
             - AVG(COALESCE(r.score, 0)) * AVG(COALESCE(r.score, 0)) AS variance
    FROM attempts t
    JOIN quizzes_attemptitem i ON i.attempt_id = t.id
    LEFT JOIN quizzes_response r ON r.item_id = i.id
    GROUP BY t.quiz_id, i.question_id
),
totals AS (
    SELECT quiz_id, COUNT(*) AS n, AVG(score) AS mean_total,
           AVG(score * score) - AVG(score) * AVG(score) AS variance
    FROM attempts GROUP BY quiz_id
)
SELECT t.quiz_id, t.n, t.mean_total, q.max_score, COUNT(it.question_id), SUM(it.variance),
       t.variance
FROM totals t
JOIN items it ON it.quiz_id = t.quiz_id
JOIN (SELECT quiz_id, MAX(max_score) AS max_score FROM quizzes_attempt GROUP BY quiz_id) q
  ON q.quiz_id = t.quiz_id
GROUP BY t.quiz_id, t.n, t.mean_total, q.max_score, t.variance
"""


def discrimination(
    upper: float | None, lower: float | None, upper_n: int, lower_n: int
) -> float | None:
    if upper is None or lower is None or min(upper_n, lower_n) < MIN_GROUP_SIZE:
        return None
    return round(upper - lower, 4)


def kr20(items: int, sum_item_variance: float, total_variance: float) -> float | None:
    """Cronbach's alpha (KR-20 for 0/1 items); None when undefined (one item, no variance)."""
    if items < 2 or total_variance <= 0:
        return None
    return round(items / (items - 1) * (1 - sum_item_variance / total_variance), 4)


@transaction.atomic
def recompute_item_statistics(*, now: datetime) -> int:
    """Recompute every version's and quiz's statistics; returns the number of versions."""
    with connection.cursor() as cursor:
        cursor.execute(ITEM_SQL, {"share": GROUP_SHARE})
        item_rows = cursor.fetchall()
        cursor.execute(QUIZ_SQL)
        quiz_rows = cursor.fetchall()
    option_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in ChosenPart.objects.values("version_id", "part_id").annotate(n=Count("id")):
        option_counts[row["version_id"]][str(row["part_id"])] = row["n"]
    stats = []
    for version_id, question_id, n, facility, upper, lower, upper_n, lower_n in item_rows:
        d = discrimination(upper, lower, upper_n, lower_n)
        stats.append(
            QuestionStats(
                version_id=version_id,
                question_id=question_id,
                responses=n,
                facility=None if facility is None else round(facility, 4),
                discrimination=d,
                upper_count=upper_n,
                lower_count=lower_n,
                option_counts=option_counts.get(version_id, {}),
                needs_review=d is not None and d < REVIEW_DISCRIMINATION_BELOW,
                computed_at=now,
            )
        )
    QuestionStats.objects.bulk_create(
        stats,
        update_conflicts=True,
        unique_fields=["version"],
        update_fields=[
            "responses", "facility", "discrimination", "upper_count", "lower_count",
            "option_counts", "needs_review", "computed_at",
        ],
    )  # fmt: skip
    QuizStats.objects.bulk_create(
        [
            QuizStats(
                quiz_id=quiz_id,
                attempts=n,
                mean_score=round(mean_total / max_score, 4) if max_score else None,
                kr20=kr20(items, sum_variance or 0.0, total_variance or 0.0),
                computed_at=now,
            )
            for quiz_id, n, mean_total, max_score, items, sum_variance, total_variance in quiz_rows
        ],
        update_conflicts=True,
        unique_fields=["quiz"],
        update_fields=["attempts", "mean_score", "kr20", "computed_at"],
    )
    return len(stats)
