"""What a learner may see now: the one policy the HTML views and the API both ask.

Moodle decides this in one object made from the quiz and the moment (display_options); here,
per attempt kind and moment:

- tutor quiz, case, review: before answering, the question only; once the learner's answer is
  graded, its grade, the key, the explanation, per-part feedback and peer shares. A question
  left unanswered never shows its key, not even after submission.
- exam: the question and the saved answer while open; once submitted, every question's key,
  explanation and feedback, and the grade of each answer.

A question of a case stage that is not open yet is not visible at all (its item is a 404), and
no new tutor item (a review, a created test) serves a question whose key must stay hidden:
one of an open exam of the learner's.
Figures: a learner sees a figure only while a question or stage they can see shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q

from quizzes.attempts import section_open
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    FigureRegion,
    QuizMode,
    Response,
    ResponseStatus,
)


@dataclass(frozen=True)
class ItemVisibility:
    """What of one attempt item the learner may see now.

    `question`: the stem and its parts (in tokens). `key`: the key, the explanation, the
    references and per-part feedback. `grade`: their own answer's score and feedback (needs a
    graded answer). `peer_shares`: how other learners answered. `hints`: the question's hints,
    in order, after a graded answer that is not fully right (tutor quizzes, cases, reviews).
    """

    question: bool
    key: bool
    grade: bool
    peer_shares: bool
    hints: bool = False


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
    return ItemVisibility(
        question=True,
        key=key,
        grade=key and graded,
        peer_shares=key,
        hints=graded and attempt.mode != QuizMode.EXAM,
    )


def results_visible(attempt: Attempt) -> bool:
    """A whole attempt's results page: once it is submitted."""
    return attempt.status == AttemptStatus.SUBMITTED


# --- Figures ----------------------------------------------------------------------------------

# Other apps show figures too (a case stage): each registers "does this learner see figure F
# somewhere now?" (learner, figure id) -> bool.
FigureUse = Callable[[User, int], bool]
_FIGURE_USES: list[FigureUse] = []


def register_figure_use(use: FigureUse) -> None:
    if use not in _FIGURE_USES:
        _FIGURE_USES.append(use)


def _hotspot_items(learner: User) -> Q:
    return Q(attempt__learner=learner, version__content__type="hotspot")


def _shown_by_a_question(learner: User, figure_id: int) -> bool:
    """A hotspot question of one of the learner's attempts shows the figure, in a section open
    to them (or the attempt is over)."""
    items = AttemptItem.objects.filter(
        _hotspot_items(learner), version__content__figure__id=figure_id
    ).select_related("attempt")
    return any(
        item.attempt.status == AttemptStatus.SUBMITTED or section_open(item) for item in items
    )


def _answers_an_open_hotspot(learner: User, figure_id: int) -> bool:
    """Whether the figure is the twin of the figure of a hotspot question the learner has not
    answered yet (or whose exam is still open): it shares a region's outline, so a labelled
    copy would show where to click."""
    answered = Response.objects.filter(item_id=OuterRef("pk"))
    open_items = AttemptItem.objects.filter(
        _hotspot_items(learner), attempt__status=AttemptStatus.IN_PROGRESS
    ).filter(Q(attempt__mode=QuizMode.EXAM) | ~Exists(answered))
    outlines = {
        tuple(map(tuple, points))
        for points in FigureRegion.objects.filter(figure_id=figure_id).values_list(
            "points", flat=True
        )
    }
    for content in open_items.values_list("version__content", flat=True):
        figure = content.get("figure") or {}
        if figure.get("id") == figure_id:
            continue
        if any(tuple(map(tuple, region["points"])) in outlines for region in figure["regions"]):
            return True
    return False


def figure_visible(learner: User, figure_id: int) -> bool:
    """Whether a learner may fetch a figure's image now: while a question or a stage they can
    see shows it, and never while it would answer a hotspot question still open to them.
    Staff (educators authoring) see every figure."""
    if learner.is_staff:
        return True
    shown = _shown_by_a_question(learner, figure_id) or any(
        use(learner, figure_id) for use in _FIGURE_USES
    )
    return shown and not _answers_an_open_hotspot(learner, figure_id)


def questions_not_to_serve(learner: User, *, field: str = "question_id") -> Q:
    """Questions the review queue and created tests must not serve the learner now, as a filter
    (`field` names the question id in the filtered model): one of an open exam of theirs (tutor
    feedback would reveal its key) or with an answer still being graded (its review card and
    the learner's pools are about to change)."""
    pending = Response.objects.filter(learner=learner, status=ResponseStatus.PENDING).values(
        "item__question_id"
    )
    in_open_exam = AttemptItem.objects.filter(
        attempt__learner=learner,
        attempt__status=AttemptStatus.IN_PROGRESS,
        attempt__mode=QuizMode.EXAM,
    ).values("question_id")
    return Q(**{f"{field}__in": pending}) | Q(**{f"{field}__in": in_open_exam})
