"""What every question type shares: the answer, the grade, and the contract a type fulfils.

Pure (no ORM, no settings, no I/O). A type is one object (a `QuestionKind`) in one module of
this package, registered once in `quizzes.qtypes`; everything else (grading, presentation,
forms, the API schema, authoring checks) asks the registry, never a chain of `if type == ...`.

- `Answer`: a validated, normalised answer, in the content's internal part ids.
- `AnswerError`: an answer refused before anything is saved, naming the field at fault.
- `GradeResult` and `PartFeedback`: a score in [0, 1] with feedback per part.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from fractions import Fraction
from typing import Any, ClassVar

from quizzes.content import QuestionContent

SCORE_DECIMALS = 4
MAX_TEXT_LENGTH = 500
"""The longest typed answer, in characters after trimming surrounding whitespace."""


class AnswerError(Exception):
    """An answer that cannot be accepted, found before anything is saved.

    `field` names the part of the answer at fault ("choice", "choices", "text", "order",
    "matches", "ranking", "x", "y", "region", "answer" for the whole of it, or an unexpected key).
    `message` is one sentence a student understands.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Answer:
    """A validated, normalised answer to one question, in the content's internal ids.

    A type sets only the fields it uses and leaves the others at their defaults:
    `choice` (one choice id), `choices` (choice ids, sorted), `text` (typed, NFC, trimmed),
    `order` (every item id once, in the student's order), `matches` ((prompt id, chosen pair id)
    sorted by prompt), `ranking` (choice ids, first first), `x`/`y` (a click in figure
    coordinates) or `region` (a region id, the keyboard alternative of a click).

    Build one with `quizzes.grading.validate_answer`; grading refuses an answer that
    validation would not return unchanged for the same question.
    """

    type: str
    choice: int | None = None
    choices: tuple[int, ...] = ()
    text: str = ""
    order: tuple[int, ...] = ()
    matches: tuple[tuple[int, int], ...] = ()
    ranking: tuple[int, ...] = ()
    x: float | None = None
    y: float | None = None
    region: int | None = None

    def payload(self) -> dict[str, Any]:
        """The answer in the shape validation accepts: the fields that are set, JSON-safe."""
        payload: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name == "type" or value is None or value in ((), ""):
                continue
            if spec.name == "matches":
                # JSON object keys are strings.
                payload["matches"] = {str(prompt): match for prompt, match in value}
            elif isinstance(value, tuple):
                payload[spec.name] = list(value)
            else:
                payload[spec.name] = value
        return payload

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for storage: {"type": ..., **payload()}."""
        return {"type": self.type, **self.payload()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        """Inverse of `to_dict`. Checks the shape only: ids were stored from a validated answer.
        Raises ValueError or KeyError on malformed data."""
        values: dict[str, Any] = {"type": str(data["type"])}
        for name, value in data.items():
            if name in ("choice", "region"):
                values[name] = stored_int(value)
            elif name in ("choices", "order", "ranking"):
                values[name] = tuple(stored_int(v) for v in value)
            elif name == "text":
                if not isinstance(value, str):
                    raise ValueError("stored answer text is not a string")
                values[name] = value
            elif name == "matches":
                values[name] = tuple(
                    sorted((stored_int(int(p)), stored_int(m)) for p, m in value.items())
                )
            elif name in ("x", "y"):
                values[name] = float(value)
            elif name != "type":
                raise ValueError(f"unknown answer field {name!r}")
        return cls(**values)


def stored_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer id, got {value!r}")
    return value


class PartKind(StrEnum):
    CHOICE = "choice"
    ITEM = "item"
    PAIR = "pair"
    REGION = "region"
    ANSWER = "answer"


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one part of a question: a choice, an ordering item, a matching prompt, a
    figure region, or the accepted answer of a typed-answer question.

    `id` is the part's id in the content (for ANSWER: its index in `accepted_answers`).
    `correct` says whether the student's treatment of this part agrees with the key; the score
    follows the type's rule, so a full score can coexist with a part marked not correct.
    `selected` says whether the student chose, placed, matched or clicked it. `expected` states
    the key for this part in words ("Correct option", "Position 2 of 5", "Rank 1 (leading)").
    """

    kind: PartKind
    id: int
    correct: bool
    selected: bool = False
    feedback: str = ""
    expected: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "id": self.id,
            "correct": self.correct,
            "selected": self.selected,
            "feedback": self.feedback,
            "expected": self.expected,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PartFeedback:
        return cls(
            kind=PartKind(data["kind"]),
            id=stored_int(data["id"]),
            correct=bool(data["correct"]),
            selected=bool(data.get("selected", False)),
            feedback=data.get("feedback", ""),
            expected=data.get("expected", ""),
        )


@dataclass(frozen=True)
class GradeResult:
    """The grade of one answer.

    Invariants (checked on construction): 0 <= score <= 1, and `correct` is exactly
    `score == 1`. `notes` are whole sentences for the student, such as an accepted slip.
    """

    score: float
    correct: bool
    parts: tuple[PartFeedback, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside [0, 1]")
        if self.correct != (self.score == 1.0):
            raise ValueError("correct must be exactly score == 1")

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "correct": self.correct,
            "parts": [p.to_dict() for p in self.parts],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradeResult:
        return cls(
            score=float(data["score"]),
            correct=bool(data["correct"]),
            parts=tuple(PartFeedback.from_dict(p) for p in data.get("parts", ())),
            notes=tuple(data.get("notes", ())),
        )


def result(
    raw: Fraction | int, parts: Iterable[PartFeedback], notes: Iterable[str] = ()
) -> GradeResult:
    """Round an exact score to 4 decimals and build the result.

    Scores are exact fractions, so 0.6 + 0.4 is exactly 1 and rounding is the only
    approximation. Rounding never turns a near miss into full credit (0.99996 -> 0.9999) nor a
    sliver of credit into none (0.00004 -> 0.0001): `correct` must mean the key.
    """
    exact = min(max(Fraction(raw), Fraction(0)), Fraction(1))
    score = float(round(exact, SCORE_DECIMALS))
    step = 10.0**-SCORE_DECIMALS
    if exact < 1 and score == 1.0:
        score = 1.0 - step
    elif exact > 0 and score == 0.0:
        score = step
    return GradeResult(score=score, correct=score == 1.0, parts=tuple(parts), notes=tuple(notes))


# --- The contract of a question type ---------------------------------------------------------

Groups = dict[str, list[int]]
"""Part ids in display order, by presentation group ("choices", "items", "regions", ...)."""

TokenGroups = dict[str, list[list[Any]]]
"""A presentation: group -> [[opaque token, part id], ...] in display order."""


class QuestionKind:
    """One question type: everything about it that differs from the other types.

    Subclasses set the class attributes and implement the methods marked below; the defaults
    cover what most types share. Methods receive frozen content and return plain data.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    # Content parts the type uses: "choices", "accepted_answers", "order_items", "pairs",
    # "figure". Parts of other kinds are refused when authoring.
    parts: ClassVar[frozenset[str]] = frozenset()
    # Answer fields whose values are presentation tokens, and the group they come from; a pair
    # of groups for an object mapping tokens of one group to tokens of another (matching).
    token_fields: ClassVar[dict[str, str | tuple[str, str]]] = {}
    # The answer's JSON schema in the API (values are tokens or typed values).
    answer_schema: ClassVar[dict[str, Any]] = {}
    widget_template: ClassVar[str]
    # Whether "partial credit" scoring is offered to authors.
    offers_partial_scoring: ClassVar[bool] = False
    # Whether each option may carry its own weight (Moodle's grades, Scoring.WEIGHTED).
    offers_weighted_scoring: ClassVar[bool] = False

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        """The normalised Answer for `raw` (parsed JSON in internal ids), or AnswerError."""
        raise NotImplementedError

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        """Score a validated answer. Content that cannot be graded raises ValueError."""
        raise NotImplementedError

    def problems(self, content: QuestionContent) -> list[str]:
        """Why this content cannot be shown and graded (educator's wording); empty when it can."""
        raise NotImplementedError

    def publication_problems(self, content: QuestionContent) -> list[str]:
        """What else this type needs before learners may see it (gradable content assumed)."""
        return []

    def key_answer(self, content: QuestionContent) -> Answer:
        """An answer that earns full marks (for previews, self-checks and tests)."""
        raise NotImplementedError

    def key_lines(self, content: QuestionContent) -> list[str]:
        """The key in words, one line per part, for feedback and results."""
        raise NotImplementedError

    def groups(self, content: QuestionContent, *, shuffle: bool, rng: random.Random) -> Groups:
        """Part ids in the order one attempt shows them, by group; nothing may hint the key."""
        return {}

    def learner_view(self, content: QuestionContent, presentation: TokenGroups) -> dict[str, Any]:
        """What the learner sees besides the stem, before answering: parts by token, no key."""
        return {}

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        """The text of each gradable part, by (part kind, id), for feedback lines."""
        return {}

    def feedback_extras(
        self, content: QuestionContent, presentation: TokenGroups, answer: Mapping[str, Any]
    ) -> dict[str, Any]:
        """What the type's feedback shows besides its parts (`answer` is the stored answer)."""
        return {}

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        """The answer a browser form posted (`data` is a QueryDict), in tokens; AnswerError for
        what a form can get wrong by itself."""
        raise NotImplementedError

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        """What the widget shows as chosen, from an answer in tokens (saved or just posted)."""
        return {}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        """The widget's own posted fields, shown back unchanged after an error."""
        return self.form_state(presentation, {})

    def widget_rows(self, view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Extra rows a widget template needs (ordering positions, ranks, match selects)."""
        return {}


# --- Helpers the types share -------------------------------------------------------------


def refuse_unknown_keys(raw: dict[Any, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            name = str(key)[:40]
            raise AnswerError(name, f'This question does not take "{name}".')


def required(raw: dict[Any, Any], key: str, message: str) -> object:
    if key not in raw:
        raise AnswerError(key, message)
    return raw[key]


def as_id(value: object, field: str, message: str) -> int:
    # bool is an int subclass in Python: JSON `true` must not pass for id 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(field, message)
    return value


def as_id_list(value: object, field: str, *, not_a_list: str, not_an_id: str) -> list[int]:
    if not isinstance(value, list | tuple):
        raise AnswerError(field, not_a_list)
    return [as_id(item, field, not_an_id) for item in value]


def as_prompt_id(key: object) -> int:
    # JSON object keys are strings; Python callers may pass ints.
    if isinstance(key, str) and re.fullmatch(r"[0-9]{1,18}", key):
        return int(key)
    return as_id(key, "matches", "One of the prompts could not be read.")


def refuse_strangers(ids: Iterable[int], known: set[int], field: str, message: str) -> None:
    if any(i not in known for i in ids):
        raise AnswerError(field, message)


def refuse_duplicates(ids: list[int], field: str, message: str) -> None:
    if len(set(ids)) != len(ids):
        raise AnswerError(field, message)


def typed_text(raw: dict[Any, Any], *, empty: str) -> str:
    """A typed answer: a string, NFC-normalised, trimmed, 1..MAX_TEXT_LENGTH characters."""
    value = required(raw, "text", empty)
    if not isinstance(value, str):
        raise AnswerError("text", "Type your answer as text.")
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise AnswerError("text", empty)
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError("text", f"Keep your answer to {MAX_TEXT_LENGTH} characters or fewer.")
    # NUL and lone surrogates cannot be stored in PostgreSQL text; other control characters are
    # never typed by a person.
    if any(_unstorable(ch) for ch in text):
        raise AnswerError(
            "text", "Your answer contains characters that cannot be saved. Please retype it."
        )
    return text


def _unstorable(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category == "Cs" or (category == "Cc" and ch not in "\t\n\r")


def shuffled(ids: list[int], rng: random.Random, *, avoid_identity: bool = False) -> list[int]:
    """A shuffled copy; with `avoid_identity`, never the given order (when it is the key)."""
    order = list(ids)
    rng.shuffle(order)
    if avoid_identity and len(order) > 1:
        while order == ids:
            rng.shuffle(order)
    return order


def int_field(data: Any, name: str) -> int | None:
    """An integer form field, or None when empty or not a number."""
    value = str(data.get(name, "")).strip()
    if not value or not re.fullmatch(r"-?[0-9]{1,6}", value):
        return None
    return int(value)


@dataclass(frozen=True)
class Registry:
    """The question types by name, in the order authors see them."""

    kinds: tuple[QuestionKind, ...] = field(default_factory=tuple)

    def get(self, name: str) -> QuestionKind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(f"unknown question type {name!r}")

    def names(self) -> list[str]:
        return [kind.name for kind in self.kinds]

    def choices(self) -> list[tuple[str, str]]:
        return [(kind.name, kind.label) for kind in self.kinds]

    def using(self, part: str) -> frozenset[str]:
        """Names of the types that use a content part ("choices", "pairs", ...)."""
        return frozenset(kind.name for kind in self.kinds if part in kind.parts)
