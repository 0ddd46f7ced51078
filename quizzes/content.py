"""The frozen content of one question version: what a learner was shown and is graded against.

Pure data, no ORM: `quizzes.versioning` converts between it and the authored rows (`content_of`,
`write_parts`), `QuestionVersion.content` stores it as JSON, and `quizzes.grading` scores answers
against it. Ids are the authored rows' primary keys; learners never see them (attempts present
opaque per-attempt tokens instead). `type` names a question type of the registry
(`quizzes.qtypes`); `settings` holds what only that type reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Scoring(StrEnum):
    PARTIAL = "partial"
    ALL_OR_NOTHING = "all_or_nothing"
    # Each option carries its own weight (Moodle's grades, in percent, negative ones take marks
    # away); the score is the sum of the chosen options' weights, clamped to [0, 100].
    WEIGHTED = "weighted"


# Settings that change what a learner reads around the key, never the key itself: an edit of
# them alone is a minor edit. "feedback": {"correct"|"partial"|"incorrect": Markdown} shown
# with the grade; "hints": [Markdown, ...] shown in order after a wrong answer in tutor mode;
# "penalty": Moodle's penalty per extra try (kept for export); "shuffle": False keeps the
# options in the author's order.
PRESENTATION_SETTINGS = frozenset({"feedback", "hints", "penalty", "shuffle"})


@dataclass(frozen=True)
class Choice:
    """An option of a single, multiple, true/false or ranking question.

    `rank` is the option's place in the key of a ranking question (1 = leading diagnosis), None
    when it is not in the key's top N. `must_not_miss` marks a diagnosis a safe differential
    must include. `weight` is the option's share of the mark in percent under weighted scoring
    (Moodle's grade: 100 for a full answer, negative for a penalty), None otherwise.
    """

    id: int
    text: str
    correct: bool = False
    feedback: str = ""
    rank: int | None = None
    must_not_miss: bool = False
    weight: float | None = None


@dataclass(frozen=True)
class AcceptedAnswer:
    """An accepted short answer; `credit` is the percent of the mark it earns (Moodle's grade:
    100 for a full answer, less for a partly right one)."""

    text: str
    synonyms: tuple[str, ...] = ()
    feedback: str = ""
    credit: float = 100.0


@dataclass(frozen=True)
class OrderItem:
    id: int
    text: str
    feedback: str = ""


@dataclass(frozen=True)
class MatchPair:
    """One row of a matching question. An empty `prompt` makes `match` a distractor."""

    id: int
    prompt: str
    match: str
    feedback: str = ""


@dataclass(frozen=True)
class Region:
    """A polygon on a figure, in the figure's own coordinates (its SVG viewBox or pixel grid).

    `label` is for educators only. `description` says where the region lies in answer-neutral
    words, for learners who cannot see the figure; `alternative` describes it for this
    question alone, when the description would give the answer away (the question's text
    alternative, offered when every region has one).
    """

    id: int
    label: str
    points: tuple[tuple[float, float], ...]
    correct: bool = False
    feedback: str = ""
    description: str = ""
    alternative: str = ""


@dataclass(frozen=True)
class FigureRef:
    """The figure a hotspot question shows; alt text and caption as the learner saw them."""

    id: int
    width: float
    height: float
    regions: tuple[Region, ...] = ()
    alt_text: str = ""
    caption: str = ""


@dataclass(frozen=True)
class QuestionContent:
    """Everything needed to show and grade one version of a question.

    `order_items` are stored in the key order. `rank_count` is N of a ranking question.
    """

    type: str
    stem: str
    explanation: str = ""
    references: str = ""
    scoring: Scoring = Scoring.ALL_OR_NOTHING
    choices: tuple[Choice, ...] = ()
    accepted_answers: tuple[AcceptedAnswer, ...] = ()
    order_items: tuple[OrderItem, ...] = ()
    pairs: tuple[MatchPair, ...] = ()
    figure: FigureRef | None = None
    rank_count: int = 0
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuestionContent:
        figure = data.get("figure")
        return cls(
            type=str(data["type"]),
            stem=data["stem"],
            explanation=data.get("explanation", ""),
            references=data.get("references", ""),
            scoring=Scoring(data.get("scoring", Scoring.ALL_OR_NOTHING)),
            choices=tuple(Choice(**c) for c in data.get("choices", ())),
            accepted_answers=tuple(
                AcceptedAnswer(
                    text=a["text"],
                    synonyms=tuple(a.get("synonyms", ())),
                    feedback=a.get("feedback", ""),
                    credit=float(a.get("credit", 100.0)),
                )
                for a in data.get("accepted_answers", ())
            ),
            order_items=tuple(OrderItem(**i) for i in data.get("order_items", ())),
            pairs=tuple(MatchPair(**p) for p in data.get("pairs", ())),
            figure=None
            if figure is None
            else FigureRef(
                id=figure["id"],
                width=figure["width"],
                height=figure["height"],
                regions=tuple(
                    Region(
                        id=r["id"],
                        label=r["label"],
                        points=tuple((float(x), float(y)) for x, y in r["points"]),
                        correct=r.get("correct", False),
                        feedback=r.get("feedback", ""),
                        description=r.get("description", ""),
                        alternative=r.get("alternative", ""),
                    )
                    for r in figure.get("regions", ())
                ),
                alt_text=figure.get("alt_text", ""),
                caption=figure.get("caption", ""),
            ),
            rank_count=data.get("rank_count", 0),
            settings=dict(data.get("settings") or {}),
        )
