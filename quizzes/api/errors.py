"""Errors the learner's API raises beyond DRF's own; their bodies get the project's one shape."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status

from quizzes.grading import AnswerError


class Conflict(exceptions.APIException):
    """The request is well formed but the object's state refuses it (a closed attempt, ...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done in the attempt's current state."
    default_code = "conflict"


def answer_error_detail(error: AnswerError) -> dict[str, Any]:
    """Where an AnswerError goes in the error body: under `answer.` unless it is the request's."""
    if error.field in ("answer", "idempotency_key"):
        return {error.field: [error.message]}
    return {"answer": {error.field: [error.message]}}
