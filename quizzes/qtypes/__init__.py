"""The question types, one module each (or one per family), behind one registry.

Everything that depends on a question's type asks `kind_of(name)` (or `REGISTRY`) instead of
testing the type itself. To add a type: write its module (a `QuestionKind` subclass: answer
validation, grading, authoring checks, form parsing, learner view, key lines, answer schema),
list it below, add its widget template, and its admin inline if it needs new parts (README,
"Adding a question type").
"""

from __future__ import annotations

from quizzes.qtypes.base import QuestionKind, Registry
from quizzes.qtypes.choice import MultipleResponse, SingleBestAnswer, TrueFalse
from quizzes.qtypes.hotspot import Hotspot
from quizzes.qtypes.matching import Matching
from quizzes.qtypes.numerical import Numerical
from quizzes.qtypes.ordering import Ordering
from quizzes.qtypes.ranking import Ranking
from quizzes.qtypes.short_answer import ShortAnswer

REGISTRY = Registry(
    kinds=(
        SingleBestAnswer(),
        MultipleResponse(),
        TrueFalse(),
        ShortAnswer(),
        Ordering(),
        Matching(),
        Ranking(),
        Hotspot(),
        Numerical(),
    )
)


def kind_of(name: str) -> QuestionKind:
    """The question type called `name` (KeyError for an unknown one)."""
    return REGISTRY.get(name)


def type_choices() -> list[tuple[str, str]]:
    """(name, label) of every type, for model and form choices."""
    return REGISTRY.choices()


def label_of(name: str) -> str:
    return REGISTRY.get(name).label
