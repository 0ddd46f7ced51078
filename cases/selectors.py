"""Reads of cases with the joins each page needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.http import Http404

from cases.models import Case, CaseAttempt, CaseStage
from quizzes.models import AttemptStatus, Status
from quizzes.selectors import ItemStatus


def published_cases(topic: str | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(status=Status.PUBLISHED)
    if topic:
        cases = cases.filter(topics__slug=topic)
    return cases.annotate(stage_count=Count("stages")).prefetch_related("topics")


def case_for_learner(key: str) -> Case:
    """A published case, or 404: drafts do not exist for learners."""
    try:
        return published_cases().get(key=key)
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error


def open_case_attempt(learner: User, case: Case) -> CaseAttempt | None:
    return CaseAttempt.objects.filter(
        case=case, attempt__learner=learner, attempt__status=AttemptStatus.IN_PROGRESS
    ).first()


def open_case_attempts_for(learner: User) -> QuerySet[CaseAttempt]:
    return (
        CaseAttempt.objects.filter(
            attempt__learner=learner, attempt__status=AttemptStatus.IN_PROGRESS
        )
        .select_related("case", "attempt")
        .order_by("-attempt__started_at")
    )


def case_attempt_for_learner(learner: User, attempt_id: int) -> CaseAttempt:
    """The learner's own case attempt, or 404."""
    try:
        return CaseAttempt.objects.select_related("case", "attempt").get(
            attempt_id=attempt_id, attempt__learner=learner
        )
    except CaseAttempt.DoesNotExist as error:
        raise Http404("No such case attempt.") from error


@dataclass
class PlayerStage:
    stage: CaseStage
    number: int
    items: list[ItemStatus]
    revealed: bool
    complete: bool

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.answered)


def player_stages(case_attempt: CaseAttempt, items: list[ItemStatus]) -> list[PlayerStage]:
    """The case's stages as the learner sees them: revealed up to the first unfinished one."""
    stage_ids = [stage_id for stage_id, _first, _count in case_attempt.stage_items]
    by_id = CaseStage.objects.prefetch_related("figures").in_bulk(stage_ids)
    stages = []
    revealed = True
    for number, (stage_id, first, count) in enumerate(case_attempt.stage_items, start=1):
        stage_items = items[first : first + count]
        complete = all(item.answered for item in stage_items)
        stages.append(PlayerStage(by_id[stage_id], number, stage_items, revealed, complete))
        revealed = revealed and complete
    return stages
