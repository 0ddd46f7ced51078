"""The exam-screen tools: striking out options, highlighting the stem, a note per question.

What a learner marks with them is theirs alone, kept with the attempt (a reload keeps it),
and never part of the answer: striking out the chosen option leaves it chosen. An educator
may switch the tools off for a quiz (a summative exam); marking a question for review is a
flag on the item (`attempts.set_flag`) and stays on. Tools are saved while the attempt takes
answers; like exam answers, the latest save (the highest `client_seq`) wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quizzes.attempts import ensure_open
from quizzes.models import Attempt, AttemptItem, ItemTools, LabValue

MAX_NOTE_LENGTH = 2000
MAX_HIGHLIGHTS = 100
# Offsets are into the text of the stem as shown; no stem is near this long.
MAX_OFFSET = 50_000


class ToolsError(ValueError):
    """The tools' state is not acceptable; `field` and the message say why, for the learner."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ToolsOff(Exception):
    """The educator switched the exam-screen tools off for this quiz."""


def tools_offered(attempt: Attempt) -> bool:
    """Whether the attempt's question pages offer the tools: per quiz, always elsewhere."""
    return attempt.quiz.exam_tools if attempt.quiz is not None else True


@dataclass(frozen=True)
class ToolsState:
    struck: list[str]
    highlights: list[list[int]]
    note: str
    client_seq: int = 0

    @classmethod
    def of(cls, tools: ItemTools | None) -> ToolsState:
        if tools is None:
            return EMPTY
        return cls(tools.struck, tools.highlights, tools.note, tools.client_seq)


EMPTY = ToolsState(struck=[], highlights=[], note="")


def merge_highlights(ranges: Sequence[Sequence[int]]) -> list[list[int]]:
    """Sorted, non-overlapping [start, end) ranges covering exactly what `ranges` cover."""
    merged: list[list[int]] = []
    for start, end in sorted((int(start), int(end)) for start, end in ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def validate_tools(
    item: AttemptItem, *, struck: object, highlights: object, note: object
) -> ToolsState:
    """The state to store, or ToolsError. Struck options are the item's own option tokens."""
    tokens = {token for token, _part in item.presentation.get("choices", [])}
    if not isinstance(struck, list) or not all(isinstance(token, str) for token in struck):
        raise ToolsError("struck", "Struck-out options must be a list of option ids.")
    unknown = [token for token in struck if token not in tokens]
    if unknown:
        raise ToolsError("struck", f"“{unknown[0]}” is not an option of this question.")
    if not isinstance(highlights, list) or len(highlights) > MAX_HIGHLIGHTS:
        raise ToolsError(
            "highlights", f"Highlights must be a list of at most {MAX_HIGHLIGHTS} ranges."
        )
    for pair in highlights:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(type(offset) is int for offset in pair)
            or not 0 <= pair[0] < pair[1] <= MAX_OFFSET
        ):
            raise ToolsError(
                "highlights", "Each highlight must be a [start, end] pair with start < end."
            )
    if not isinstance(note, str):
        raise ToolsError("note", "The note must be text.")
    if len(note) > MAX_NOTE_LENGTH:
        raise ToolsError("note", f"Notes are limited to {MAX_NOTE_LENGTH} characters.")
    return ToolsState(
        struck=list(dict.fromkeys(struck)),
        highlights=merge_highlights(highlights),
        note=note,
    )


@dataclass(frozen=True)
class SavedTools:
    state: ToolsState
    applied: bool  # False: an older save than the stored one, which stays


@transaction.atomic
def save_tools(
    *, item: AttemptItem, state: ToolsState, client_seq: int, now: datetime | None = None
) -> SavedTools:
    """Store the learner's marks on the item while its attempt takes answers.

    ToolsOff when the quiz has the tools switched off; AttemptClosed once submitted or out of
    time. An older save than the stored one (a lower `client_seq`) changes nothing.
    """
    attempt = Attempt.objects.select_related("quiz").get(pk=item.attempt_id)
    if not tools_offered(attempt):
        raise ToolsOff("This exam does not allow the exam-screen tools.")
    ensure_open(attempt, now or timezone.now())
    tools, _created = ItemTools.objects.select_for_update().get_or_create(item_id=item.pk)
    if client_seq < tools.client_seq:
        return SavedTools(state=ToolsState.of(tools), applied=False)
    tools.struck, tools.highlights, tools.note = state.struck, state.highlights, state.note
    tools.client_seq = client_seq
    tools.save()
    return SavedTools(state=ToolsState.of(tools), applied=True)


def tools_of(item: AttemptItem) -> ToolsState:
    """The learner's marks on the item (none yet: empty); no query when selected with it."""
    try:
        return ToolsState.of(item.tools)
    except ItemTools.DoesNotExist:
        return EMPTY


def lab_values() -> list[LabValue]:
    return list(LabValue.objects.all())
