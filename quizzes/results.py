"""An attempt's results beyond each question: by topic, and the learner's calibration.

Computed from the items of a results page (their responses already loaded) and one query for
the topics they are filed under. Only graded answers count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quizzes.calibration import Calibration, calibration
from quizzes.models import AttemptItem, Confidence, Question, ResponseStatus, Topic


@dataclass(frozen=True)
class TopicResult:
    topic: Topic
    questions: int
    answered: int
    correct: int
    score: float  # the sum of the graded answers' scores

    @property
    def percent(self) -> float:
        return 100 * self.score / self.questions if self.questions else 0.0


def _graded(item: AttemptItem) -> bool:
    response = getattr(item, "response", None)
    return response is not None and response.status == ResponseStatus.GRADED


def results_by_topic(items: Sequence[AttemptItem]) -> list[TopicResult]:
    """Each topic the attempt's questions are filed under: questions, answered, fully correct
    and score; a question under two topics counts in both."""
    by_question: dict[int, list[AttemptItem]] = {}
    for item in items:
        by_question.setdefault(item.question_id, []).append(item)
    filings = Question.topics.through.objects.filter(question_id__in=by_question).select_related(
        "topic"
    )
    per_topic: dict[int, list[AttemptItem]] = {}
    topics: dict[int, Topic] = {}
    for filing in filings:
        topics[filing.topic_id] = filing.topic
        per_topic.setdefault(filing.topic_id, []).extend(by_question[filing.question_id])
    results = []
    for topic_id, topic_items in per_topic.items():
        graded = [item.response for item in topic_items if _graded(item)]
        results.append(
            TopicResult(
                topic=topics[topic_id],
                questions=len(topic_items),
                answered=sum(hasattr(item, "response") for item in topic_items),
                correct=sum(bool(response.correct) for response in graded),
                score=sum(response.score or 0.0 for response in graded),
            )
        )
    return sorted(results, key=lambda result: result.topic.name)


def attempt_calibration(items: Sequence[AttemptItem]) -> Calibration:
    return calibration(
        (item.response.confidence, bool(item.response.correct)) for item in items if _graded(item)
    )


def confident_errors_in(items: Sequence[AttemptItem]) -> list[AttemptItem]:
    """The items answered as sure but not fully correct, in the attempt's order."""
    return [
        item
        for item in items
        if _graded(item)
        and item.response.confidence == Confidence.SURE
        and not item.response.correct
    ]
