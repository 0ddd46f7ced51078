"""Check the shape of a learner's answer, then score it against a frozen question version.

Two steps, both pure (no ORM, no settings, no I/O):

1. `validate_answer(content, raw)` runs before anything is saved. `raw` is parsed JSON that names
   the question's parts by their internal ids. It returns a normalised, frozen `Answer` or raises
   `AnswerError` with the field at fault and a sentence a student understands.
2. `grade(content, answer)` scores a validated answer and returns a frozen `GradeResult`: a score
   in [0, 1], whether it is fully correct, feedback per part and notes (such as an accepted
   spelling slip).

`Answer` and `GradeResult` turn into JSON-safe dicts with `to_dict()` and back with `from_dict()`,
so a response can store both. The scoring rules are written next to the code that applies them
and, in plain English, in docs/scoring.md.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from rapidfuzz.distance import OSA

from quizzes.content import (
    Choice,
    FigureRef,
    QuestionContent,
    QuestionType,
    Region,
    Scoring,
)
from quizzes.medical_terms import MEDICAL_TERMS

__all__ = [
    "LEADING_CHOSEN_NOT_FIRST",
    "LEADING_WEIGHT",
    "MAX_TEXT_LENGTH",
    "MIN_TYPO_WORD_LENGTH",
    "MUST_NOT_MISS_WEIGHT",
    "SCORE_DECIMALS",
    "Answer",
    "AnswerError",
    "GradeResult",
    "PartFeedback",
    "PartKind",
    "grade",
    "grade_hotspot",
    "grade_matching",
    "grade_multiple",
    "grade_ordering",
    "grade_ranking",
    "grade_short_answer",
    "grade_single",
    "grade_true_false",
    "normalise_text",
    "point_in_polygon",
    "typo_allowance",
    "validate_answer",
]

MAX_TEXT_LENGTH = 500
"""The longest short answer, in characters after trimming surrounding whitespace."""

SCORE_DECIMALS = 4

# Ranked differential weights: the leading diagnosis and the must-not-miss diagnoses.
LEADING_WEIGHT = Fraction(3, 5)
MUST_NOT_MISS_WEIGHT = Fraction(2, 5)
LEADING_CHOSEN_NOT_FIRST = Fraction(1, 2)

# Short answers: words shorter than this get no typo tolerance at all.
MIN_TYPO_WORD_LENGTH = 6

# A click this close to a region's edge (in figure units) is on the edge. Figures are hundreds of
# units wide, so this only absorbs floating-point noise, never a real miss.
_EDGE_TOLERANCE = 1e-9


# --- Errors ---------------------------------------------------------------------------------------


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


# --- Answer ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A validated, normalised answer to one question.

    Only the fields of `type` are set; the others keep their defaults:
    - single, true_false: `choice` (a choice id)
    - multiple: `choices` (choice ids, sorted ascending, so the order of ticking never matters)
    - short_answer: `text` (NFC-normalised, surrounding whitespace trimmed, 1..MAX_TEXT_LENGTH
      characters; spelling is left as typed, grading normalises it)
    - ordering: `order` (every item id once, in the student's order)
    - matching: `matches` ((prompt pair id, chosen pair id) for every prompt, sorted by prompt id)
    - ranking: `ranking` (content.rank_count distinct choice ids, in the student's order)
    - hotspot: `x` and `y` (a click, in figure coordinates) or `region` (the keyboard alternative)

    Build one with `validate_answer`; `grade` refuses an answer that `validate_answer` would not
    return unchanged for the same question.
    """

    type: QuestionType
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
        """The answer in the shape `validate_answer` accepts (JSON-safe, without the type)."""
        match self.type:
            case QuestionType.SINGLE | QuestionType.TRUE_FALSE:
                return {"choice": self.choice}
            case QuestionType.MULTIPLE:
                return {"choices": list(self.choices)}
            case QuestionType.SHORT_ANSWER:
                return {"text": self.text}
            case QuestionType.ORDERING:
                return {"order": list(self.order)}
            case QuestionType.MATCHING:
                # JSON object keys are strings.
                return {"matches": {str(prompt): match for prompt, match in self.matches}}
            case QuestionType.RANKING:
                return {"ranking": list(self.ranking)}
            case QuestionType.HOTSPOT:
                if self.region is not None:
                    return {"region": self.region}
                return {"x": self.x, "y": self.y}
        raise ValueError(f"unknown question type {self.type!r}")  # pragma: no cover

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for storage: {"type": ..., **payload()}."""
        return {"type": str(self.type), **self.payload()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        """Inverse of `to_dict`. Checks the shape only; ids are trusted, as they were stored
        from a validated answer. Raises ValueError or KeyError on malformed data."""
        kind = QuestionType(data["type"])
        match kind:
            case QuestionType.SINGLE | QuestionType.TRUE_FALSE:
                return cls(type=kind, choice=_stored_int(data["choice"]))
            case QuestionType.MULTIPLE:
                return cls(type=kind, choices=tuple(_stored_int(i) for i in data["choices"]))
            case QuestionType.SHORT_ANSWER:
                text = data["text"]
                if not isinstance(text, str):
                    raise ValueError("stored short answer text is not a string")
                return cls(type=kind, text=text)
            case QuestionType.ORDERING:
                return cls(type=kind, order=tuple(_stored_int(i) for i in data["order"]))
            case QuestionType.MATCHING:
                matches = sorted(
                    (_stored_int(int(prompt)), _stored_int(match))
                    for prompt, match in data["matches"].items()
                )
                return cls(type=kind, matches=tuple(matches))
            case QuestionType.RANKING:
                return cls(type=kind, ranking=tuple(_stored_int(i) for i in data["ranking"]))
            case QuestionType.HOTSPOT:
                if data.get("region") is not None:
                    return cls(type=kind, region=_stored_int(data["region"]))
                return cls(type=kind, x=float(data["x"]), y=float(data["y"]))
        raise ValueError(f"unknown question type {kind!r}")  # pragma: no cover


def _stored_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer id, got {value!r}")
    return value


# --- Validation -----------------------------------------------------------------------------------


def validate_answer(content: QuestionContent, raw: object) -> Answer:
    """Check the shape of `raw` against `content` and return the normalised `Answer`.

    `raw` is already-parsed JSON (a dict) naming parts by the internal ids in `content`. Refuses,
    with `AnswerError`: a value of the wrong JSON type (bool is never an id or a coordinate), an id
    that is not part of this question, a duplicate, a missing or extra item, an unknown key, a
    non-finite or out-of-figure coordinate, and a short answer that is empty or too long.
    Raises ValueError when `content` itself cannot take any answer (a hotspot without a figure,
    a ranking question without a valid rank count): that is an authoring bug, not the student's.

    Invariant: `validate_answer(content, answer.payload()) == answer` for every answer it returns.
    """
    if not isinstance(raw, dict):
        raise AnswerError("answer", "The answer could not be read. Please try again.")
    return _VALIDATORS[content.type](content, raw)


def _validate_single(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    missing = (
        "Choose true or false." if content.type == QuestionType.TRUE_FALSE else "Choose an option."
    )
    _refuse_unknown_keys(raw, {"choice"})
    value = _required(raw, "choice", missing)
    choice = _as_id(value, "choice", "Choose one of the options.")
    if choice not in {c.id for c in content.choices}:
        raise AnswerError("choice", "That option is not part of this question.")
    return Answer(type=content.type, choice=choice)


def _validate_multiple(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    _refuse_unknown_keys(raw, {"choices"})
    value = _required(raw, "choices", "Choose at least one option.")
    ids = _as_id_list(
        value,
        "choices",
        not_a_list="Send the chosen options as a list.",
        not_an_id="One of the chosen options could not be read.",
    )
    if not ids:
        raise AnswerError("choices", "Choose at least one option.")
    _refuse_strangers(
        ids,
        {c.id for c in content.choices},
        "choices",
        "One of the chosen options is not part of this question.",
    )
    _refuse_duplicates(ids, "choices", "Each option can be chosen only once.")
    return Answer(type=content.type, choices=tuple(sorted(ids)))


def _validate_short_answer(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    _refuse_unknown_keys(raw, {"text"})
    value = _required(raw, "text", "Type an answer.")
    if not isinstance(value, str):
        raise AnswerError("text", "Type your answer as text.")
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise AnswerError("text", "Type an answer.")
    if len(text) > MAX_TEXT_LENGTH:
        raise AnswerError("text", f"Keep your answer to {MAX_TEXT_LENGTH} characters or fewer.")
    # NUL and lone surrogates cannot be stored in PostgreSQL text; other control characters are
    # never typed by a person.
    if any(_unstorable(ch) for ch in text):
        raise AnswerError(
            "text", "Your answer contains characters that cannot be saved. Please retype it."
        )
    return Answer(type=content.type, text=text)


def _validate_ordering(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    _refuse_unknown_keys(raw, {"order"})
    value = _required(raw, "order", "Put the items in order.")
    ids = _as_id_list(
        value,
        "order",
        not_a_list="Send the items as a list in your chosen order.",
        not_an_id="One of the items could not be read.",
    )
    items = {i.id for i in content.order_items}
    _refuse_strangers(ids, items, "order", "One of the items is not part of this question.")
    _refuse_duplicates(ids, "order", "Each item can be placed only once.")
    if len(ids) != len(items):
        raise AnswerError("order", "Place every item in the order.")
    return Answer(type=content.type, order=tuple(ids))


def _validate_matching(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    _refuse_unknown_keys(raw, {"matches"})
    value = _required(raw, "matches", "Choose a match for every prompt.")
    if not isinstance(value, dict):
        raise AnswerError("matches", "Send the matches as pairs of prompt and match.")
    prompts = {p.id for p in _prompt_pairs(content)}
    pair_ids = {p.id for p in content.pairs}
    chosen: dict[int, int] = {}
    for key, match_value in value.items():
        prompt = _as_prompt_id(key)
        # Distractor pairs (empty prompt) are possible matches, never prompts.
        if prompt not in prompts:
            raise AnswerError("matches", "One of the prompts is not part of this question.")
        # JSON cannot repeat a key, but {"12": ..., 12: ...} can reach us from Python callers.
        if prompt in chosen:
            raise AnswerError("matches", "Each prompt can be matched only once.")
        match_id = _as_id(match_value, "matches", "One of the matches could not be read.")
        if match_id not in pair_ids:
            raise AnswerError("matches", "One of the chosen matches is not part of this question.")
        chosen[prompt] = match_id
    if chosen.keys() != prompts:
        raise AnswerError("matches", "Choose a match for every prompt.")
    return Answer(type=content.type, matches=tuple(sorted(chosen.items())))


def _validate_ranking(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    count = content.rank_count
    if not 1 <= count <= len(content.choices):
        raise ValueError(
            f"ranking question has rank_count {count} for {len(content.choices)} choices"
        )
    _refuse_unknown_keys(raw, {"ranking"})
    exactly = f"Choose and rank exactly {count} option{'' if count == 1 else 's'}."
    value = _required(raw, "ranking", exactly)
    ids = _as_id_list(
        value,
        "ranking",
        not_a_list="Send your ranked options as a list, first choice first.",
        not_an_id="One of the ranked options could not be read.",
    )
    _refuse_strangers(
        ids,
        {c.id for c in content.choices},
        "ranking",
        "One of the ranked options is not part of this question.",
    )
    _refuse_duplicates(ids, "ranking", "Each option can be ranked only once.")
    if len(ids) != count:
        raise AnswerError("ranking", exactly)
    return Answer(type=content.type, ranking=tuple(ids))


def _validate_hotspot(content: QuestionContent, raw: dict[Any, Any]) -> Answer:
    figure = _figure(content)
    _refuse_unknown_keys(raw, {"x", "y", "region"})
    if "region" in raw:
        if "x" in raw or "y" in raw:
            raise AnswerError("region", "Send either a point or a region, not both.")
        region = _as_id(raw["region"], "region", "Choose one of the figure's regions.")
        if region not in {r.id for r in figure.regions}:
            raise AnswerError("region", "That region is not part of this figure.")
        return Answer(type=content.type, region=region)
    x = _coordinate(raw, "x", figure.width)
    y = _coordinate(raw, "y", figure.height)
    return Answer(type=content.type, x=x, y=y)


_VALIDATORS: dict[QuestionType, Callable[[QuestionContent, dict[Any, Any]], Answer]] = {
    QuestionType.SINGLE: _validate_single,
    QuestionType.TRUE_FALSE: _validate_single,
    QuestionType.MULTIPLE: _validate_multiple,
    QuestionType.SHORT_ANSWER: _validate_short_answer,
    QuestionType.ORDERING: _validate_ordering,
    QuestionType.MATCHING: _validate_matching,
    QuestionType.RANKING: _validate_ranking,
    QuestionType.HOTSPOT: _validate_hotspot,
}


def _refuse_unknown_keys(raw: dict[Any, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            name = str(key)[:40]
            raise AnswerError(name, f'This question does not take "{name}".')


def _required(raw: dict[Any, Any], key: str, message: str) -> object:
    if key not in raw:
        raise AnswerError(key, message)
    return raw[key]


def _as_id(value: object, field: str, message: str) -> int:
    # bool is an int subclass in Python: JSON `true` must not pass for id 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(field, message)
    return value


def _as_id_list(value: object, field: str, *, not_a_list: str, not_an_id: str) -> list[int]:
    if not isinstance(value, list | tuple):
        raise AnswerError(field, not_a_list)
    return [_as_id(item, field, not_an_id) for item in value]


def _as_prompt_id(key: object) -> int:
    # JSON object keys are strings; Python callers may pass ints.
    if isinstance(key, str) and re.fullmatch(r"[0-9]{1,18}", key):
        return int(key)
    return _as_id(key, "matches", "One of the prompts could not be read.")


def _refuse_strangers(ids: Iterable[int], known: set[int], field: str, message: str) -> None:
    if any(i not in known for i in ids):
        raise AnswerError(field, message)


def _refuse_duplicates(ids: list[int], field: str, message: str) -> None:
    if len(set(ids)) != len(ids):
        raise AnswerError(field, message)


def _coordinate(raw: dict[Any, Any], axis: str, extent: float) -> float:
    if axis not in raw:
        raise AnswerError(axis, "Click a point on the figure or choose a region.")
    value = raw[axis]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerError(axis, "That point is not a valid position.")
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerError(axis, "That point is not a valid position.")
    # Compared before float(): a huge JSON integer would overflow float().
    if not 0 <= value <= extent:
        raise AnswerError(axis, "That point is outside the figure.")
    return float(value)


def _unstorable(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category == "Cs" or (category == "Cc" and ch not in "\t\n\r")


def _figure(content: QuestionContent) -> FigureRef:
    if content.figure is None:
        raise ValueError("hotspot question has no figure")
    return content.figure


def _prompt_pairs(content: QuestionContent) -> list[Any]:
    return [p for p in content.pairs if p.prompt.strip()]


# --- Results --------------------------------------------------------------------------------------


class PartKind(StrEnum):
    CHOICE = "choice"
    ITEM = "item"
    PAIR = "pair"
    REGION = "region"
    ANSWER = "answer"


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one part of a question: a choice, an ordering item, a matching prompt, a
    figure region, or the accepted answer of a short-answer question.

    `id` is the part's id in the content (for ANSWER: its index in `accepted_answers`).
    `correct` says whether the student's treatment of this part agrees with the key; the score
    follows the type's rule, so for ranking and hotspot questions a full score can coexist with a
    part marked not correct. `selected` says whether the student chose, placed, matched or clicked
    it. `feedback` is the authored feedback. `expected` states the key for this part in words
    ("Correct option", "Position 2 of 5", the expected match text, "Rank 1 (leading diagnosis)").
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
            id=_stored_int(data["id"]),
            correct=bool(data["correct"]),
            selected=bool(data.get("selected", False)),
            feedback=data.get("feedback", ""),
            expected=data.get("expected", ""),
        )


@dataclass(frozen=True)
class GradeResult:
    """The grade of one answer.

    Invariants (checked on construction): 0 <= score <= 1, score has at most 4 decimals, and
    `correct` is exactly `score == 1`. `notes` are whole sentences for the student, such as an
    accepted spelling slip.
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


def _result(
    raw: Fraction | int, parts: Iterable[PartFeedback], notes: Iterable[str] = ()
) -> GradeResult:
    """Round an exact score to 4 decimals and build the result.

    Scores are computed as exact fractions, so 0.6 + 0.4 is exactly 1 and rounding is the only
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


# --- Grading --------------------------------------------------------------------------------------


def grade(content: QuestionContent, answer: Answer) -> GradeResult:
    """Score `answer` against `content` with the rule of the question's type.

    `answer` must come from `validate_answer(content, ...)` for this same content; anything else
    is a programming error and raises ValueError, as does content that cannot be graded (no
    correct option, no accepted answer, a ranking key without a rank 1).
    """
    return _GRADERS[content.type](content, answer)


def grade_single(content: QuestionContent, answer: Answer) -> GradeResult:
    """Single best answer. Rule: 1 if the chosen option is a correct one, else 0.

    Parts: one per choice, in content order.
    """
    _ensure_fits(content, answer, QuestionType.SINGLE)
    return _grade_one_choice(content, answer)


def grade_true_false(content: QuestionContent, answer: Answer) -> GradeResult:
    """True/false: the two statements are choices. Rule: 1 if the chosen one is correct, else 0."""
    _ensure_fits(content, answer, QuestionType.TRUE_FALSE)
    return _grade_one_choice(content, answer)


def _grade_one_choice(content: QuestionContent, answer: Answer) -> GradeResult:
    if not any(c.correct for c in content.choices):
        raise ValueError("question has no correct option")
    by_id = {c.id: c for c in content.choices}
    right = by_id[answer.choice].correct if answer.choice is not None else False
    parts = [
        _choice_part(
            c,
            selected=c.id == answer.choice,
            # An unchosen correct option is only a miss when the student's pick was wrong.
            correct=c.correct if c.id == answer.choice else (not c.correct or right),
        )
        for c in content.choices
    ]
    return _result(1 if right else 0, parts)


def grade_multiple(content: QuestionContent, answer: Answer) -> GradeResult:
    """Multiple response (select all that apply); `content.scoring` picks the rule.

    ALL_OR_NOTHING: 1 only if the chosen set equals the set of correct options, else 0.
    PARTIAL: max(0, (right picks - wrong picks) / number of correct options). Ticking every box
    therefore earns nothing unless more than half of the options are correct.
    The score depends on the set of choices only, never on the order they were ticked in.
    Parts: one per choice; a part is correct when it was chosen exactly if it is a correct option.
    """
    _ensure_fits(content, answer, QuestionType.MULTIPLE)
    key = {c.id for c in content.choices if c.correct}
    if not key:
        raise ValueError("multiple-response question has no correct option")
    chosen = set(answer.choices)
    parts = [
        _choice_part(c, selected=c.id in chosen, correct=(c.id in chosen) == c.correct)
        for c in content.choices
    ]
    if content.scoring == Scoring.PARTIAL:
        right = len(chosen & key)
        wrong = len(chosen - key)
        return _result(Fraction(right - wrong, len(key)), parts)
    return _result(1 if chosen == key else 0, parts)


def _choice_part(choice: Choice, *, selected: bool, correct: bool) -> PartFeedback:
    return PartFeedback(
        kind=PartKind.CHOICE,
        id=choice.id,
        correct=correct,
        selected=selected,
        feedback=choice.feedback,
        expected="Correct option" if choice.correct else "Not a correct option",
    )


def grade_short_answer(content: QuestionContent, answer: Answer) -> GradeResult:
    """Short answer: 1 if the text matches an accepted answer or one of its synonyms, else 0.

    Both sides are normalised by `normalise_text` (case, accents, punctuation, whitespace, a
    leading "the", British/American spelling). Then, in this order:
    1. Exact: the normalised words are equal, or equal once the spaces are removed
       ("post-operative" = "postoperative").
    2. Word by word, same number of words: each word equal, or differing only by a final "s"/"es"
       (plural or possessive without an apostrophe; noted), or a spelling slip within
       `typo_allowance` (noted), unless the slip is refused (see `_compare_word`).
    The candidate with the fewest edits wins; ties go to the first authored. Notes say which
    slips were accepted, or, when nothing matched, which near misses were refused and why.
    Parts: one ANSWER part, the accepted answer matched (or the first one, not correct).
    """
    _ensure_fits(content, answer, QuestionType.SHORT_ANSWER)
    if not content.accepted_answers:
        raise ValueError("short-answer question has no accepted answer")
    student = _words(answer.text)
    candidates = list(_candidates(content))

    student_keys = [w.key for w in student]
    for candidate in candidates:
        keys = [w.key for w in candidate.words]
        if keys == student_keys or "".join(keys) == "".join(student_keys):
            return _short_answer_result(content, candidate.index, ())

    best: tuple[int, int, _Candidate, list[str]] | None = None
    refusals: list[str] = []
    for order, candidate in enumerate(candidates):
        if len(candidate.words) != len(student):
            continue
        verdicts = [_compare_word(s, e) for s, e in zip(student, candidate.words, strict=True)]
        if all(v.accepted for v in verdicts):
            edits = sum(v.edits for v in verdicts)
            notes = [v.note for v in verdicts if v.note]
            if best is None or (edits, order) < (best[0], best[1]):
                best = (edits, order, candidate, notes)
        elif all(v.accepted or v.note for v in verdicts):
            # Only a guarded near miss stood between the student and this answer: say why.
            refusals.extend(v.note for v in verdicts if not v.accepted and v.note)
    if best is not None:
        return _short_answer_result(content, best[2].index, best[3])
    first = content.accepted_answers[0]
    part = PartFeedback(kind=PartKind.ANSWER, id=0, correct=False, expected=first.text)
    return _result(0, [part], dict.fromkeys(refusals))


def _short_answer_result(content: QuestionContent, index: int, notes: Iterable[str]) -> GradeResult:
    accepted = content.accepted_answers[index]
    part = PartFeedback(
        kind=PartKind.ANSWER,
        id=index,
        correct=True,
        selected=True,
        feedback=accepted.feedback,
        expected=accepted.text,
    )
    return _result(1, [part], dict.fromkeys(notes))


def grade_ordering(content: QuestionContent, answer: Answer) -> GradeResult:
    """Ordering; `content.order_items` are listed in the key order.

    ALL_OR_NOTHING: 1 only for the key order, else 0.
    PARTIAL: 1 - discordant pairs / all pairs (the normalised Kendall tau distance). A pair of
    items is discordant when the student puts them the other way round from the key. Swapping
    two neighbours costs one pair; the reversed order scores 0. A single item scores 1.
    Parts: one per item in key order; correct when the item sits at its key position.
    """
    _ensure_fits(content, answer, QuestionType.ORDERING)
    key = [item.id for item in content.order_items]
    position = {item_id: index for index, item_id in enumerate(answer.order)}
    n = len(key)
    parts = [
        PartFeedback(
            kind=PartKind.ITEM,
            id=item.id,
            correct=position[item.id] == index,
            selected=True,
            feedback=item.feedback,
            expected=f"Position {index + 1} of {n}",
        )
        for index, item in enumerate(content.order_items)
    ]
    if content.scoring == Scoring.PARTIAL:
        pairs = n * (n - 1) // 2
        discordant = sum(
            1 for i in range(n) for j in range(i + 1, n) if position[key[i]] > position[key[j]]
        )
        return _result(1 - Fraction(discordant, pairs) if pairs else 1, parts)
    return _result(1 if list(answer.order) == key else 0, parts)


def grade_matching(content: QuestionContent, answer: Answer) -> GradeResult:
    """Matching: score = prompts matched correctly / number of prompts (`content.scoring` is
    not used: every prompt earns its share).

    A match is correct when the chosen pair's `match` text equals the prompt's own `match` text,
    compared with surrounding and repeated whitespace removed and case ignored, so two prompts
    that share a match text accept either pair. Distractor pairs (empty prompt) can be chosen
    but are never prompts. Parts: one per prompt, with the expected match text.
    """
    _ensure_fits(content, answer, QuestionType.MATCHING)
    prompts = _prompt_pairs(content)
    if not prompts:
        raise ValueError("matching question has no prompt")
    by_id = {p.id: p for p in content.pairs}
    chosen = dict(answer.matches)
    parts = []
    for prompt in prompts:
        right = _match_key(by_id[chosen[prompt.id]].match) == _match_key(prompt.match)
        parts.append(
            PartFeedback(
                kind=PartKind.PAIR,
                id=prompt.id,
                correct=right,
                selected=True,
                feedback=prompt.feedback,
                expected=prompt.match.strip(),
            )
        )
    return _result(Fraction(sum(p.correct for p in parts), len(prompts)), parts)


def _match_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def grade_ranking(content: QuestionContent, answer: Answer) -> GradeResult:
    """Ranked differential: choose and rank the top N (`content.rank_count`) diagnoses.

    The key is the choices with `rank` 1..N; rank 1 is the leading diagnosis. Then
    - L = 1 if the leading diagnosis is ranked first, 1/2 if it is chosen lower, 0 if absent;
    - M = the fraction of must-not-miss diagnoses chosen anywhere in the N (1 when there are none);
    - score = 0.6 * L + 0.4 * M.
    Full credit exactly when the leading diagnosis is first and no must-not-miss diagnosis is
    left out. The order of the other places earns nothing: the rule rewards the two decisions
    that matter clinically, the working diagnosis and not missing a dangerous one.
    Parts: one per choice; a key choice is correct when chosen (the leading one when first), a
    choice outside the key when left out.
    """
    _ensure_fits(content, answer, QuestionType.RANKING)
    leading = [c for c in content.choices if c.rank == 1]
    if len(leading) != 1:
        raise ValueError("ranking question needs exactly one choice with rank 1")
    lead = leading[0]
    must_not_miss = [c for c in content.choices if c.must_not_miss]
    chosen = set(answer.ranking)

    if answer.ranking[0] == lead.id:
        leading_score = Fraction(1)
    elif lead.id in chosen:
        leading_score = LEADING_CHOSEN_NOT_FIRST
    else:
        leading_score = Fraction(0)
    if must_not_miss:
        safety = Fraction(sum(c.id in chosen for c in must_not_miss), len(must_not_miss))
    else:
        safety = Fraction(1)

    parts = [_ranking_part(c, answer, content.rank_count) for c in content.choices]
    return _result(LEADING_WEIGHT * leading_score + MUST_NOT_MISS_WEIGHT * safety, parts)


def _ranking_part(choice: Choice, answer: Answer, count: int) -> PartFeedback:
    selected = choice.id in answer.ranking
    if choice.rank == 1:
        correct = answer.ranking[0] == choice.id
        expected = "Rank 1 (leading diagnosis)"
    elif choice.rank is not None or choice.must_not_miss:
        correct = selected
        expected = f"Rank {choice.rank}" if choice.rank is not None else f"In the top {count}"
    else:
        correct = not selected
        expected = f"Not in the top {count}"
    if choice.must_not_miss:
        expected += ", must not miss"
    return PartFeedback(
        kind=PartKind.CHOICE,
        id=choice.id,
        correct=correct,
        selected=selected,
        feedback=choice.feedback,
        expected=expected,
    )


def grade_hotspot(content: QuestionContent, answer: Answer) -> GradeResult:
    """Image hotspot: 1 or 0.

    A click (x, y) in figure coordinates is correct when it lies inside ANY region marked
    correct; edges and vertices count as inside, and concave regions are handled (see
    `point_in_polygon`). Overlapping regions: a click inside a correct region is correct even if
    it also lies in an incorrect one. The keyboard answer {"region": id} is correct when that
    region is correct. Parts: one per region; `selected` when the click lies inside it (or it was
    the chosen region).
    """
    _ensure_fits(content, answer, QuestionType.HOTSPOT)
    figure = _figure(content)
    if not any(r.correct for r in figure.regions):
        raise ValueError("hotspot figure has no correct region")
    selected = {r.id for r in figure.regions if _hits(r, answer)}
    right = any(r.correct for r in figure.regions if r.id in selected)
    parts = [
        PartFeedback(
            kind=PartKind.REGION,
            id=r.id,
            correct=r.correct if r.id in selected else (not r.correct or right),
            selected=r.id in selected,
            feedback=r.feedback,
            expected="A correct region" if r.correct else "Not a correct region",
        )
        for r in figure.regions
    ]
    return _result(1 if right else 0, parts)


def _hits(region: Region, answer: Answer) -> bool:
    if answer.region is not None:
        return region.id == answer.region
    if answer.x is None or answer.y is None:  # pragma: no cover - validate_answer sets both
        return False
    return point_in_polygon(answer.x, answer.y, region.points)


def point_in_polygon(x: float, y: float, points: tuple[tuple[float, float], ...]) -> bool:
    """Whether (x, y) lies in the closed polygon `points` (vertices in order, implicitly closed).

    Points on an edge or a vertex count as inside (within 1e-9 figure units). The interior test
    is even-odd ray casting, which is right for concave polygons too. Fewer than three vertices
    make a polygon with no interior: only its edges (or its single point) can be hit.
    """
    n = len(points)
    if n == 0:
        return False
    edges = [(points[i], points[(i + 1) % n]) for i in range(n)]
    if any(_on_segment(x, y, a, b) for a, b in edges):
        return True
    if n < 3:
        return False
    inside = False
    for (x1, y1), (x2, y2) in edges:
        # The edge straddles the horizontal line through the point (half-open, so a vertex on
        # that line is counted once); count it when the crossing lies to the right.
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def _on_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> bool:
    (ax, ay), (bx, by) = a, b
    length = math.hypot(bx - ax, by - ay)
    if length == 0:
        return math.hypot(x - ax, y - ay) <= _EDGE_TOLERANCE
    # |cross| / length is the distance from the point to the edge's line.
    cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
    if abs(cross) > _EDGE_TOLERANCE * length:
        return False
    return (
        min(ax, bx) - _EDGE_TOLERANCE <= x <= max(ax, bx) + _EDGE_TOLERANCE
        and min(ay, by) - _EDGE_TOLERANCE <= y <= max(ay, by) + _EDGE_TOLERANCE
    )


_GRADERS: dict[QuestionType, Callable[[QuestionContent, Answer], GradeResult]] = {
    QuestionType.SINGLE: grade_single,
    QuestionType.MULTIPLE: grade_multiple,
    QuestionType.TRUE_FALSE: grade_true_false,
    QuestionType.SHORT_ANSWER: grade_short_answer,
    QuestionType.ORDERING: grade_ordering,
    QuestionType.MATCHING: grade_matching,
    QuestionType.RANKING: grade_ranking,
    QuestionType.HOTSPOT: grade_hotspot,
}


def _ensure_fits(content: QuestionContent, answer: Answer, kind: QuestionType) -> None:
    if content.type != kind:
        raise ValueError(f"grade_{kind} cannot grade a {content.type} question")
    if answer.type != kind:
        raise ValueError(f"a {answer.type} answer cannot be graded against a {kind} question")
    try:
        again = validate_answer(content, answer.payload())
    except AnswerError as exc:
        raise ValueError(f"the answer does not fit this question: {exc}") from exc
    if again != answer:
        raise ValueError("the answer is not normalised; build it with validate_answer")


# --- Short-answer text ----------------------------------------------------------------------------

# Apostrophes: ASCII, right and left single quotation marks, modifier letter apostrophe.
_APOSTROPHES = "'\u2019\u2018\u02bc"
_POSSESSIVE = re.compile(rf"(?<=[^\W_])[{_APOSTROPHES}]s\b")
_WORD = re.compile(r"[^\W_]+")
_LEADING_ARTICLES = frozenset({"the"})

# British spellings medicine uses, folded to American ones. Each pattern is a letter sequence no
# ordinary English word contains, so a general "ae -> e" or "oe -> e" rule is never needed:
# "toe", "shoe", "does", "coexist", "vertebrae", "bursae" and "algae" are left alone.
_SUBSTRING_SPELLINGS = (
    ("haem", "hem"),  # haemorrhage, haematoma, haemoglobin
    ("aemia", "emia"),  # anaemia, ischaemia, leukaemia, hypoglycaemia, septicaemia
    ("aemic", "emic"),  # anaemic, ischaemic
    ("aesthe", "esthe"),  # anaesthetic, paraesthesia, hyperaesthesia, kinaesthetic
    ("paed", "ped"),  # paediatric, orthopaedic
    ("aetiol", "etiol"),  # aetiology
    ("gynaec", "gynec"),  # gynaecology
    ("caec", "cec"),  # caecum
    ("faec", "fec"),  # faeces, faecal
    ("caesar", "cesar"),  # caesarean
    ("naev", "nev"),  # naevus
    ("oedem", "edem"),  # oedema, lymphoedema, papilloedema
    ("oesophag", "esophag"),  # oesophagus, gastro-oesophageal
    ("oestr", "estr"),  # oestrogen
    ("foet", "fet"),  # foetus, foetal
    ("coeliac", "celiac"),
    ("amoeb", "ameb"),  # amoeba
    ("homoeo", "homeo"),  # homoeopathy
    ("rrhoe", "rrhe"),  # diarrhoea, amenorrhoea, gonorrhoea
    ("pnoe", "pne"),  # dyspnoea, apnoea, orthopnoea, apnoeic
    ("manoeuv", "maneuv"),  # manoeuvre
    ("sulph", "sulf"),  # sulphate, sulphonamide
    ("centre", "center"),  # centre, epicentre
    ("fibre", "fiber"),  # fibre, fibreoptic
    ("metre", "meter"),  # millimetre, centimetre
    ("litre", "liter"),  # millilitre
    ("calibre", "caliber"),
    ("theatre", "theater"),
    # -our -> -or only inside these words: "four", "hour", "pour", "your", "tour" and "contour"
    # keep theirs.
    ("tumour", "tumor"),  # tumours, peritumoural
    ("colour", "color"),
    ("labour", "labor"),
    ("behaviour", "behavior"),
    ("humour", "humor"),
    ("odour", "odor"),  # malodorous
    ("vapour", "vapor"),
    ("rigour", "rigor"),  # rigours: shaking chills
    ("vigour", "vigor"),
    ("favour", "favor"),
    ("flavour", "flavor"),
    ("honour", "honor"),
    ("neighbour", "neighbor"),
)
_WORD_SPELLINGS = {
    "grey": "gray",
    "aluminium": "aluminum",
    "analogue": "analog",
    "catalogue": "catalog",
    "centred": "centered",
    "ageing": "aging",
    "mould": "mold",
    "programme": "program",
}
# -ise -> -ize only after these stems: "excise", "incise", "exercise", "promise" and "bruise"
# must stay as they are.
_IZE_STEMS = (
    "anesthet|apolog|author|capital|categor|catheter|cauter|character|critic|crystall|digit|"
    "emphas|epithelial|familiar|fertil|final|general|homogen|hospital|hypnot|hypothes|immobil|"
    "immun|ion|local|magnet|memor|metabol|mineral|minim|mobil|neutral|normal|optim|organ|"
    "oxid|pasteur|polar|priorit|random|real|recogn|sanit|sensit|special|stabil|standard|steril|"
    "summar|symbol|synthes|util|vascular|vapor|visual"
)
_IZE = re.compile(rf"([a-z]*(?:{_IZE_STEMS}))is(e|es|ed|ing|ation|ations|er|ers)")
# -lyse -> -lyze: paralyse, analyse, dialyse, haemolysed ("-lysis" is unchanged).
_LYZE = re.compile(r"([a-z]*ly)s(e|es|ed|ing|er|ers)")


def _fold_spelling(word: str) -> str:
    """Fold one lower-case word's British medical spelling to the American one."""
    word = _WORD_SPELLINGS.get(word, word)
    for british, american in _SUBSTRING_SPELLINGS:
        if british in word:
            word = word.replace(british, american)
    if match := _IZE.fullmatch(word):
        word = f"{match[1]}iz{match[2]}"
    elif match := _LYZE.fullmatch(word):
        word = f"{match[1]}z{match[2]}"
    return word


@dataclass(frozen=True)
class _Word:
    shown: str  # as typed or authored, accents removed: used in notes
    key: str  # folded form: compared


def _words(text: str) -> tuple[_Word, ...]:
    """Split text into words: accents removed (NFKD), possessive "'s" dropped ("Tinel's sign" =
    "Tinel sign"), apostrophes removed, every other non-letter, non-digit character a separator,
    case folded, British spelling folded, a leading "the" dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _POSSESSIVE.sub("", plain)
    plain = re.sub(f"[{_APOSTROPHES}]", "", plain)
    words = [_Word(shown=w, key=_fold_spelling(w.casefold())) for w in _WORD.findall(plain)]
    if len(words) > 1 and words[0].key in _LEADING_ARTICLES:
        words = words[1:]
    return tuple(words)


def normalise_text(text: str) -> str:
    """The comparison form of a short answer: lower case, no accents, no punctuation, single
    spaces, American spelling. normalise_text("Paraesthésia  of the HEEL!") is
    "paresthesia of the heel"."""
    return " ".join(w.key for w in _words(text))


def _fold_lexicon(terms: Iterable[str]) -> dict[str, str]:
    """The lexicon folded like answers, keeping one spelling of each term for notes."""
    folded: dict[str, str] = {}
    for term in sorted(terms):
        folded.setdefault(_fold_spelling(term.casefold()), term)
    return folded


_KNOWN_TERMS = _fold_lexicon(MEDICAL_TERMS)


def typo_allowance(word: str) -> int:
    """Spelling edits tolerated in a word, by the length of the expected word after folding.

    Fewer than 6 letters: 0 (short words are too easily another word: ulnar/lunar, ilium/ileum).
    6 to 8 letters: 1. 9 or more: 2. An edit is one inserted, deleted or substituted letter, or
    two neighbouring letters swapped ("tibail" for "tibial" is one edit). Words with digits: 0.
    """
    if len(word) < MIN_TYPO_WORD_LENGTH or any(ch.isdigit() for ch in word):
        return 0
    return 1 if len(word) <= 8 else 2


@dataclass(frozen=True)
class _Verdict:
    accepted: bool
    edits: int = 0
    note: str = ""


def _compare_word(student: _Word, expected: _Word) -> _Verdict:
    """Compare one student word with one expected word.

    Accepted: equal; a plural/singular of it (noted); or a spelling slip within
    `typo_allowance(expected)` edits (noted). A slip is refused (with a note saying why) when
    the student's word is itself a known medical term (a different word, not a slip: "median"
    for "medial", "calcaneus" for "calcaneal"), or when it is at least as close to another known
    term as to the expected one ("mediam" could be "median"). Ambiguity is refused, never guessed.
    """
    s, e = student.key, expected.key
    if s == e:
        return _Verdict(accepted=True)
    if _plural_variant(s, e):
        return _Verdict(
            accepted=True,
            note=f'Accepted "{student.shown}" for "{expected.shown}": '
            'a final "s" does not change the answer.',
        )
    allowance = typo_allowance(e)
    if allowance == 0 or any(ch.isdigit() for ch in s):
        return _Verdict(accepted=False)
    edits = OSA.distance(s, e, score_cutoff=allowance)
    if edits > allowance:
        return _Verdict(accepted=False)
    if s in _KNOWN_TERMS:
        return _Verdict(
            accepted=False,
            note=f'Not accepted as a spelling slip: "{student.shown}" is a different term '
            f'from "{expected.shown}".',
        )
    rivals = [
        (distance, abs(len(key) - len(s)), term)
        for key, term in _KNOWN_TERMS.items()
        if key != e
        and not _plural_variant(key, e)
        and (distance := OSA.distance(s, key, score_cutoff=edits)) <= edits
    ]
    if rivals:
        # Name the likeliest rival: the nearest, then the one of the most similar length.
        rival = min(rivals)[2]
        return _Verdict(
            accepted=False,
            note=f'Not accepted as a spelling slip: "{student.shown}" could also be a slip '
            f'for "{rival}".',
        )
    return _Verdict(
        accepted=True,
        edits=edits,
        note=f'Accepted with a spelling slip: you wrote "{student.shown}", '
        f'the term is "{expected.shown}".',
    )


def _plural_variant(a: str, b: str) -> bool:
    """Whether one word is the other plus a final "s" or "es" (nerve/nerves, process/processes).
    Irregular and Latin plurals (vertebra/vertebrae) are for authors to list as synonyms."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long in (short + "s", short + "es")


@dataclass(frozen=True)
class _Candidate:
    index: int  # of the accepted answer in content.accepted_answers
    words: tuple[_Word, ...]


def _candidates(content: QuestionContent) -> Iterator[_Candidate]:
    for index, accepted in enumerate(content.accepted_answers):
        for text in (accepted.text, *accepted.synonyms):
            words = _words(text)
            if words:
                yield _Candidate(index=index, words=words)
