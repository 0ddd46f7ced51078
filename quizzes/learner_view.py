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
one of an open exam of the learner's, or of a submitted exam whose results are held back.
Results held back: another app may hold an exam's results back after submission (an assignment
released at close or by hand, exam security); it registers which attempts, as a SQL filter, and
every rule here follows it: no key, no grade, no score, no peer shares until release.
Figures: a learner sees a figure only while a question or stage they can see shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

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


# --- Results held back ---------------------------------------------------------------------------

# (now) -> a filter on Attempt matching the attempts whose results are held back now.
WithheldAttempts = Callable[[datetime], Q]
_WITHHELD: list[WithheldAttempts] = []


def register_withheld_attempts(rule: WithheldAttempts) -> None:
    """Declare, once at start-up (an app's `ready`), which attempts' results are held back."""
    if rule not in _WITHHELD:
        _WITHHELD.append(rule)


def withheld_filter(now: datetime | None = None) -> Q:
    """A filter on Attempt: submitted exams whose results are held back now. Only exams: a
    tutor quiz, a case or a review shows each key after its answer (nothing to hold back)."""
    now = now or timezone.now()
    rules = Q(pk__isnull=True)  # matches nothing: no rule, nothing held back
    for rule in _WITHHELD:
        rules |= rule(now)
    return Q(mode=QuizMode.EXAM) & ~Q(context_kind="") & rules


def withheld_expression(now: datetime | None = None) -> ExpressionWrapper[Q]:
    """`withheld_filter` as a boolean annotation (`withheld`), which `results_released` reads
    instead of querying: lists of attempts stay one query."""
    return ExpressionWrapper(withheld_filter(now), output_field=BooleanField())


def results_released(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether the learner may see the attempt's grades, keys and score (from its `withheld`
    annotation, or remembered on the attempt for the request: one query at most, none for an
    attempt outside any context)."""
    if attempt.mode != QuizMode.EXAM or not attempt.context_kind or not _WITHHELD:
        return True
    annotated: bool | None = getattr(attempt, "withheld", None)
    if annotated is not None and now is None:
        return not annotated
    cached: bool | None = getattr(attempt, "_results_released", None)
    if cached is None:
        withheld = Attempt.objects.filter(pk=attempt.pk).filter(withheld_filter(now)).exists()
        cached = not withheld
        attempt._results_released = cached  # type: ignore[attr-defined]
    return cached


def item_visibility(
    attempt: Attempt, item: AttemptItem, response: Response | None
) -> ItemVisibility:
    """The policy for one item; `response` is the item's response, or None if unanswered."""
    submitted = attempt.status == AttemptStatus.SUBMITTED
    if not submitted and not section_open(item):
        return HIDDEN
    graded = response is not None and response.status == ResponseStatus.GRADED
    # Tutor quizzes, cases and reviews: the key follows the learner's own graded answer, and
    # never comes without one, not even after submission. Exams: at submission, unless their
    # results are held back. Hints follow a graded answer outside exams.
    key = submitted and results_released(attempt) if attempt.mode == QuizMode.EXAM else graded
    return ItemVisibility(
        question=True,
        key=key,
        grade=key and graded,
        peer_shares=key,
        hints=graded and attempt.mode != QuizMode.EXAM,
    )


def results_visible(attempt: Attempt) -> bool:
    """A whole attempt's results page: once it is submitted (with or without its results:
    `results_released`)."""
    return attempt.status == AttemptStatus.SUBMITTED


def visible_score(attempt: Attempt) -> float | None:
    """The attempt's score as the learner may see it: None while held back."""
    return attempt.score if results_released(attempt) else None


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
    hidden = Q(**{f"{field}__in": pending}) | Q(**{f"{field}__in": in_open_exam})
    if _WITHHELD:
        held_back = AttemptItem.objects.filter(
            attempt__learner=learner,
            attempt__in=Attempt.objects.filter(withheld_filter()).values("pk"),
        ).values("question_id")
        hidden |= Q(**{f"{field}__in": held_back})
    return hidden
