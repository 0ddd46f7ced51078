"""Writes of the cohorts app: each one transaction, keyword-only, returning what it made.

Enrolment is all or nothing: one unknown name in a list and nobody is added, and every unknown
name is listed. Changing or withdrawing an assignment keeps every attempt learners made at it
and returns, in plain words, what happens to them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from cohorts.models import (
    ASSIGNMENT_CONTEXT,
    Assignment,
    AssignmentKind,
    Cohort,
    EnrolmentCode,
    JoinedVia,
    Membership,
    Release,
)
from quizzes import attempts, authoring
from quizzes.models import Attempt, AttemptStatus, Quiz, QuizMode, Topic

MAX_ENROLMENT_NAMES = 2000


class EnrolmentRefused(Exception):
    """Nobody was enrolled: `unknown` lists the names that match no account (or several)."""

    def __init__(self, unknown: list[str], message: str = "") -> None:
        self.unknown = unknown
        super().__init__(
            message or f"No account matches {len(unknown)} of the names: " + ", ".join(unknown)
        )


class InvalidCode(Exception):
    """The enrolment code is unknown, switched off or expired."""


class AssignmentRefused(Exception):
    """The assignment cannot be set or changed as asked; the message says why."""


class NotOpen(Exception):
    """The assignment is not open now (not yet, or closed); the message says when."""


# --- Cohorts and enrolment ------------------------------------------------------------------------


@transaction.atomic
def create_cohort(
    *, name: str, term: str = "", educators: list[User], actor: User | None
) -> Cohort:
    cohort = Cohort.objects.create(name=name, term=term)
    cohort.educators.set(educators)
    authoring.audit(actor=actor, action="create_cohort", obj=cohort)
    return cohort


def names_in(text: str) -> list[str]:
    """Usernames or e-mail addresses in pasted text or a CSV file: the first cell of each row,
    a header row (username, email, e-mail, user) skipped, blanks and repeats dropped."""
    names: list[str] = []
    for row in csv.reader(io.StringIO(text.replace(";", ","))):
        cell = next((c.strip() for c in row if c.strip()), "")
        if not cell or cell.lower() in {"username", "email", "e-mail", "user", "login"}:
            continue
        if cell.lower() not in {n.lower() for n in names}:
            names.append(cell)
    return names


@dataclass(frozen=True)
class Enrolment:
    added: list[User]
    already: list[User]


@transaction.atomic
def enrol_from_csv(*, cohort: Cohort, text: str, actor: User | None) -> Enrolment:
    """Enrol the learners named in `text` (usernames or e-mail addresses, case-insensitive).

    All or nothing: EnrolmentRefused lists every name matching no account, or several accounts
    (an e-mail address two accounts share), and nobody is added. Learners already in the
    cohort stay as they are and are listed as such.
    """
    names = names_in(text)
    if not names:
        raise EnrolmentRefused([], "The list names nobody: one username or e-mail per line.")
    if len(names) > MAX_ENROLMENT_NAMES:
        raise EnrolmentRefused([], f"At most {MAX_ENROLMENT_NAMES} names at a time.")
    lowered = [name.lower() for name in names]
    users = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(username__in=names) | Q(email__in=names) | _iexact_any(lowered))
    )
    matches: dict[str, list[User]] = {name.lower(): [] for name in names}
    for user in users:
        for key in {user.username.lower(), user.email.lower()}:
            if key in matches and user not in matches[key]:
                matches[key].append(user)
    unknown = [name for name in names if len(matches[name.lower()]) != 1]
    if unknown:
        raise EnrolmentRefused(unknown)
    chosen = {matches[name.lower()][0].pk: matches[name.lower()][0] for name in names}
    existing = set(
        Membership.objects.filter(cohort=cohort, learner_id__in=chosen).values_list(
            "learner_id", flat=True
        )
    )
    added = [user for pk, user in chosen.items() if pk not in existing]
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, learner=user, via=JoinedVia.LIST) for user in added],
        ignore_conflicts=True,
    )
    authoring.audit(actor=actor, action="enrol", obj=cohort, added=[u.username for u in added])
    return Enrolment(added=added, already=[u for pk, u in chosen.items() if pk in existing])


def _iexact_any(lowered: list[str]) -> Q:
    query = Q(pk__isnull=True)
    for name in lowered:
        query |= Q(username__iexact=name) | Q(email__iexact=name)
    return query


@transaction.atomic
def new_enrolment_code(
    *, cohort: Cohort, actor: User | None, expires_at: datetime | None = None
) -> EnrolmentCode:
    code = EnrolmentCode.objects.create(cohort=cohort, expires_at=expires_at)
    authoring.audit(actor=actor, action="new_enrolment_code", obj=cohort)
    return code


def active_code(code: str, now: datetime | None = None) -> EnrolmentCode:
    """The enrolment code, if it lets learners join now; InvalidCode otherwise."""
    now = now or timezone.now()
    found = (
        EnrolmentCode.objects.filter(code=code, active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("cohort")
        .first()
    )
    if found is None:
        raise InvalidCode(
            "This enrolment link is not valid any more: ask your educator for a new one."
        )
    return found


@transaction.atomic
def join_by_code(*, learner: User, code: str, now: datetime | None = None) -> Membership:
    """The learner joins the code's cohort (once: joining twice changes nothing)."""
    enrolment = active_code(code, now)
    membership, _created = Membership.objects.get_or_create(
        cohort=enrolment.cohort, learner=learner, defaults={"via": JoinedVia.CODE}
    )
    return membership


# --- Assignments ----------------------------------------------------------------------------------


def check_assignment(
    *,
    kind: str,
    quiz: Quiz | None,
    case: Case | None,
    topic: Topic | None,
    opens_at: datetime,
    due_at: datetime,
    closes_at: datetime,
    release: str,
) -> None:
    target: dict[str, Quiz | Case | Topic | None] = {
        AssignmentKind.QUIZ: quiz,
        AssignmentKind.CASE: case,
        AssignmentKind.REVIEW: topic,
    }
    if kind not in target:
        raise AssignmentRefused("Choose a quiz, a case or a topic to review.")
    if target[kind] is None or sum(t is not None for t in target.values()) != 1:
        raise AssignmentRefused(
            f"A {AssignmentKind(kind).label.lower()} assignment sets exactly one {kind}."
        )
    if not opens_at <= due_at <= closes_at:
        raise AssignmentRefused("The dates must be in order: opens, then due, then closes.")
    if release != Release.AT_SUBMISSION and (quiz is None or quiz.mode != QuizMode.EXAM):
        # A tutor quiz or a case shows each key after its answer: nothing could be held back.
        raise AssignmentRefused(
            "Only an exam can hold its results back: a tutor quiz or a case shows each answer's "
            "key as soon as it is answered."
        )


@transaction.atomic
def set_assignment(
    *,
    cohort: Cohort,
    actor: User | None,
    kind: str,
    opens_at: datetime,
    due_at: datetime,
    closes_at: datetime,
    quiz: Quiz | None = None,
    case: Case | None = None,
    topic: Topic | None = None,
    title: str = "",
    attempts_allowed: int | None = None,
    release: str = Release.AT_SUBMISSION,
) -> Assignment:
    """Set work for a cohort. AssignmentRefused when the target or the dates do not fit.

    For exam security set an unpublished exam: learners reach it only through the assignment.
    """
    check_assignment(
        kind=kind,
        quiz=quiz,
        case=case,
        topic=topic,
        opens_at=opens_at,
        due_at=due_at,
        closes_at=closes_at,
        release=release,
    )
    assignment = Assignment.objects.create(
        cohort=cohort,
        kind=kind,
        quiz=quiz,
        case=case,
        topic=topic,
        title=title,
        opens_at=opens_at,
        due_at=due_at,
        closes_at=closes_at,
        attempts_allowed=attempts_allowed,
        release=release,
        created_by=actor if actor is not None and actor.pk else None,
    )
    authoring.audit(actor=actor, action="set_assignment", obj=assignment, cohort=cohort.pk)
    return assignment


@dataclass(frozen=True)
class ChangeReport:
    """What a change did to learners' work: `started` learners had attempts, all kept."""

    assignment: Assignment
    started: int
    in_progress: int
    notes: list[str] = field(default_factory=list)


def _work_counts(assignment: Assignment) -> dict[str, int]:
    return Attempt.objects.filter(
        context_kind=ASSIGNMENT_CONTEXT, context_id=assignment.pk
    ).aggregate(
        started=Count("learner", distinct=True),
        in_progress=Count("pk", filter=Q(status=AttemptStatus.IN_PROGRESS)),
    )


CHANGEABLE = {"title", "opens_at", "due_at", "closes_at", "attempts_allowed", "release"}


@transaction.atomic
def change_assignment(
    *, assignment: Assignment, actor: User | None, **changes: Any
) -> ChangeReport:
    """Change an assignment's title, dates, attempts or release rule; its target (the quiz,
    case or topic) only while nobody has started it. Every attempt is kept; the report says
    what happens to them."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    counts = _work_counts(assignment)
    unknown = set(changes) - CHANGEABLE - {"quiz", "case", "topic", "kind"}
    if unknown:
        raise AssignmentRefused(f"Cannot change {', '.join(sorted(unknown))}.")
    retarget = {
        k
        for k in ("quiz", "case", "topic", "kind")
        if k in changes and changes[k] != getattr(assignment, k)
    }
    if retarget and counts["started"]:
        raise AssignmentRefused(
            f"{counts['started']} learner{'s have' if counts['started'] != 1 else ' has'} "
            "started this assignment: its work cannot change now. Withdraw it and set a new one; "
            "their attempts are kept."
        )
    before = {name: getattr(assignment, name) for name in changes}
    for name, value in changes.items():
        setattr(assignment, name, value)
    check_assignment(
        kind=assignment.kind,
        quiz=assignment.quiz,
        case=assignment.case,
        topic=assignment.topic,
        opens_at=assignment.opens_at,
        due_at=assignment.due_at,
        closes_at=assignment.closes_at,
        release=assignment.release,
    )
    assignment.save()
    notes = [f"All {counts['started']} learners' attempts are kept."] if counts["started"] else []
    if counts["in_progress"] and "closes_at" in changes:
        notes.append(
            f"{counts['in_progress']} attempt{'s' if counts['in_progress'] != 1 else ''} in "
            "progress keep the deadline they started with; new attempts follow the new close."
        )
    if "due_at" in changes and counts["started"]:
        notes.append("Submissions are marked late or on time against the new due date.")
    if "release" in changes:
        notes.append("Learners see scores and keys by the new release rule from now on.")
    authoring.audit(
        actor=actor,
        action="change_assignment",
        obj=assignment,
        changed={k: str(v) for k, v in before.items()},
    )
    return ChangeReport(assignment, counts["started"], counts["in_progress"], notes)


@transaction.atomic
def withdraw_assignment(
    *, assignment: Assignment, actor: User | None, now: datetime | None = None
) -> ChangeReport:
    """Withdraw an assignment: learners no longer see it or start it; attempts are kept, and
    one in progress can still be finished (and counts nowhere)."""
    now = now or timezone.now()
    Assignment.objects.filter(pk=assignment.pk, withdrawn_at__isnull=True).update(withdrawn_at=now)
    assignment.refresh_from_db()
    counts = _work_counts(assignment)
    notes = ["Learners no longer see it in “Set for you” and cannot start it."]
    if counts["started"]:
        notes.append(f"The attempts of the {counts['started']} learners who started it are kept.")
    if counts["in_progress"]:
        notes.append(f"{counts['in_progress']} attempts in progress can still be finished.")
    authoring.audit(actor=actor, action="withdraw_assignment", obj=assignment)
    return ChangeReport(assignment, counts["started"], counts["in_progress"], notes)


@transaction.atomic
def release_results(
    *, assignment: Assignment, actor: User | None, now: datetime | None = None
) -> Assignment:
    """Release an exam's scores and keys to its learners now (whatever its rule)."""
    now = now or timezone.now()
    Assignment.objects.filter(pk=assignment.pk, released_at__isnull=True).update(released_at=now)
    assignment.refresh_from_db()
    authoring.audit(actor=actor, action="release_results", obj=assignment)
    return assignment


def attempt_context(assignment: Assignment) -> attempts.AttemptContext:
    return attempts.AttemptContext(
        kind=ASSIGNMENT_CONTEXT,
        id=assignment.pk,
        attempts_allowed=assignment.attempts_allowed,
        closes_at=assignment.closes_at,
    )


def start_assignment(
    *, learner: User, assignment: Assignment, now: datetime | None = None
) -> Attempt:
    """The learner's open attempt at the assignment's quiz or case, or a new one (with its
    standing accommodation: quizzes.attempts). NotOpen before it opens and after it closes;
    quizzes.attempts.AttemptLimitReached when no attempt is left."""
    now = now or timezone.now()
    if now < assignment.opens_at:
        raise NotOpen(
            f"This assignment opens on {timezone.localtime(assignment.opens_at):%-d %b at %H:%M}."
        )
    if now >= assignment.closes_at or assignment.withdrawn_at is not None:
        raise NotOpen("This assignment is closed.")
    context = attempt_context(assignment)
    if assignment.quiz is not None:
        attempt, _created = attempts.start_quiz_attempt(
            learner=learner, quiz=assignment.quiz, now=now, context=context
        )
        return attempt
    if assignment.case is not None:
        case_attempt, _created = case_services.start_case(
            learner=learner, case=assignment.case, now=now, context=context
        )
        return case_attempt.attempt
    raise NotOpen("A review assignment is worked through the review queue.")


def record_export(*, cohort: Cohort, actor: User, what: str, rows: int) -> None:
    """The audit row of an export of learner data (called in the export's transaction)."""
    authoring.audit(actor=actor, action=f"export_{what}", obj=cohort, rows=rows)
