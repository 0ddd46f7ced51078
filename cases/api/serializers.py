"""Output serializers of the cases API, and the dicts the case player renders."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.models import CaseAttempt, StageKind
from cases.selectors import PlayerStage
from quizzes.api.serializers import (
    AttemptDetailSerializer,
    FigureSerializer,
    TopicSerializer,
    figure_image_url,
)
from quizzes.rendering import render_markdown


class CaseSerializer(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    topics = TopicSerializer(many=True)
    stage_count = serializers.IntegerField()


class CaseRefSerializer(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()


class StageFigureSerializer(FigureSerializer):
    credit = serializers.CharField()
    licence = serializers.CharField()


class StageSerializer(serializers.Serializer):
    """A stage of the case; a locked one shows only its number and kind."""

    number = serializers.IntegerField(help_text="1 for the first stage.")
    kind = serializers.ChoiceField(choices=StageKind.choices)
    revealed = serializers.BooleanField()
    complete = serializers.BooleanField(help_text="Every question of the stage is answered.")
    title = serializers.CharField(allow_null=True)
    body = serializers.CharField(allow_null=True, help_text="Markdown.")
    body_html = serializers.CharField(allow_null=True, help_text="Sanitised HTML.")
    figures = StageFigureSerializer(many=True)
    positions = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The stage's questions: item positions in the attempt.",
    )


class DebriefSerializer(serializers.Serializer):
    learning_objectives = serializers.CharField(help_text="Markdown.")
    learning_objectives_html = serializers.CharField(help_text="Sanitised HTML.")
    references = serializers.CharField(help_text="Markdown.")
    references_html = serializers.CharField(help_text="Sanitised HTML.")


class CaseAttemptSerializer(serializers.Serializer):
    case = CaseRefSerializer()
    attempt = AttemptDetailSerializer()
    finished = serializers.BooleanField()
    stages = StageSerializer(many=True)
    debrief = DebriefSerializer(allow_null=True, help_text="Once every stage is answered.")


def stage_payload(stage: PlayerStage) -> dict[str, Any]:
    revealed = stage.revealed
    figures = stage.stage.figures.all() if revealed else []
    return {
        "number": stage.number,
        "kind": stage.stage.kind,
        "revealed": revealed,
        "complete": stage.complete,
        "title": stage.stage.title if revealed else None,
        "body": stage.stage.body if revealed else None,
        "body_html": str(render_markdown(stage.stage.body)) if revealed else None,
        "figures": [
            {
                "id": figure.pk,
                "width": figure.width,
                "height": figure.height,
                "alt_text": figure.alt_text,
                "caption": figure.caption,
                "credit": figure.credit,
                "licence": figure.licence,
                "image_url": figure_image_url(figure.pk),
            }
            for figure in figures
        ],
        "positions": [item.position for item in stage.items],
    }


def case_attempt_payload(
    case_attempt: CaseAttempt,
    attempt: dict[str, Any],
    stages: list[PlayerStage],
    *,
    finished: bool,
) -> dict[str, Any]:
    case = case_attempt.case
    debrief = None
    if finished:
        debrief = {
            "learning_objectives": case.learning_objectives,
            "learning_objectives_html": str(render_markdown(case.learning_objectives)),
            "references": case.references,
            "references_html": str(render_markdown(case.references)),
        }
    return {
        "case": case,
        "attempt": attempt,
        "finished": finished,
        "stages": [stage_payload(stage) for stage in stages],
        "debrief": debrief,
    }
