"""What a learner may see now: the one policy the HTML views and the API both ask.

Moodle decides this in one object made from the quiz and the moment (display_options); here,
per attempt kind and moment:

- tutor quiz, case, review: before answering, the question only; once the learner's answer is
  graded, its grade, the key, the explanation, per-part feedback and peer shares. A question
  left unanswered never shows its key, not even after submission.
- exam: the question and the saved answer while open; once submitted, every question's key,
  explanation and feedback, and the grade of each answer.

A question of a case stage that is not open yet is not visible at all (its item is a 404).
Figures: a learner sees a figure only while a question or stage they can see shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzes.attempts import section_open
from quizzes.models import Attempt, AttemptItem, AttemptStatus, QuizMode, Response, ResponseStatus


@dataclass(frozen=True)
class ItemVisibility:
    """What of one attempt item the learner may see now.

    `question`: the stem and its parts (in tokens). `key`: the key, the explanation, the
    references and per-part feedback. `grade`: their own answer's score and feedback (needs a
    graded answer). `peer_shares`: how other learners answered.
    """

    question: bool
    key: bool
    grade: bool
    peer_shares: bool


HIDDEN = ItemVisibility(question=False, key=False, grade=False, peer_shares=False)


def item_visibility(
    attempt: Attempt, item: AttemptItem, response: Response | None
) -> ItemVisibility:
    """The policy for one item; `response` is the item's response, or None if unanswered."""
    submitted = attempt.status == AttemptStatus.SUBMITTED
    if not submitted and not section_open(item):
        return HIDDEN
    graded = response is not None and response.status == ResponseStatus.GRADED
    # Tutor quizzes, cases and reviews: the key follows the learner's own graded answer, and
    # never comes without one, not even after submission. Exams: at submission.
    key = submitted if attempt.mode == QuizMode.EXAM else graded
    return ItemVisibility(question=True, key=key, grade=key and graded, peer_shares=key)


def results_visible(attempt: Attempt) -> bool:
    """A whole attempt's results page: once it is submitted."""
    return attempt.status == AttemptStatus.SUBMITTED
