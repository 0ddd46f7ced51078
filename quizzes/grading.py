"""Check the shape of a learner's answer, then score it against a frozen question version.

Two steps, both pure (no ORM, no settings, no I/O), each dispatched to the question's type
(`quizzes.qtypes`):

1. `validate_answer(content, raw)` runs before anything is saved. `raw` is parsed JSON naming
   the question's parts by their internal ids. It returns a normalised, frozen `Answer` or
   raises `AnswerError` with the field at fault and a sentence a student understands.
2. `grade(content, answer)` checks, once, that the answer fits the question, then scores it:
   a `GradeResult` with a score in [0, 1], whether it is fully correct, feedback per part and
   notes (such as an accepted spelling slip).

The scoring rules are written in each type's module and, in plain English, in docs/scoring.md.
"""

from __future__ import annotations

from quizzes.content import QuestionContent
from quizzes.qtypes import kind_of
from quizzes.qtypes.base import Answer, AnswerError, GradeResult, PartFeedback, PartKind

__all__ = [
    "Answer",
    "AnswerError",
    "GradeResult",
    "PartFeedback",
    "PartKind",
    "grade",
    "validate_answer",
]


def validate_answer(content: QuestionContent, raw: object) -> Answer:
    """Check the shape of `raw` against `content` and return the normalised `Answer`.

    Refuses, with `AnswerError`: anything but a JSON object, a value of the wrong JSON type
    (bool is never an id or a coordinate), an id that is not part of this question, a duplicate,
    a missing or extra item, an unknown key, and what the type itself refuses. Raises ValueError
    when `content` cannot take any answer (an authoring bug, not the student's).

    Invariant: `validate_answer(content, answer.payload()) == answer` for every answer returned.
    """
    if not isinstance(raw, dict):
        raise AnswerError("answer", "The answer could not be read. Please try again.")
    return kind_of(content.type).validate(content, raw)


def grade(content: QuestionContent, answer: Answer) -> GradeResult:
    """Score `answer` against `content` with the rule of the question's type.

    `answer` must come from `validate_answer` for this same content; anything else is a
    programming error and raises ValueError, as does content that cannot be graded.
    """
    if answer.type != content.type:
        raise ValueError(
            f"a {answer.type} answer cannot be graded against a {content.type} question"
        )
    try:
        again = validate_answer(content, answer.payload())
    except AnswerError as exc:
        raise ValueError(f"the answer does not fit this question: {exc}") from exc
    if again != answer:
        raise ValueError("the answer is not normalised; build it with validate_answer")
    return kind_of(content.type).grade(content, answer)
