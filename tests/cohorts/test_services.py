"""The cohorts services: enrolment all or nothing, joining with a code, setting, changing and
withdrawing assignments (attempts kept, the educator told what happens), starting one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts import services
from cohorts.models import Membership, Release
from quizzes.attempts import AttemptLimitReached
from quizzes.models import Attempt, AuditEvent, QuizMode
from tests.factories import UserFactory, make_assignment, make_case, make_question, make_quiz

pytestmark = pytest.mark.django_db


def test_enrolment_from_a_list_adds_by_username_or_email(cohort_a, educator_a):
    UserFactory(username="zoe", email="zoe@uni.example")
    UserFactory(username="yan")
    result = services.enrol_from_csv(
        cohort=cohort_a, text="email\nZOE@uni.example\nyan\nstudent_ab\n", actor=educator_a
    )
    assert sorted(u.username for u in result.added) == ["yan", "zoe"]
    assert [u.username for u in result.already] == ["student_ab"]
    assert AuditEvent.objects.filter(action="enrol", object_id=str(cohort_a.pk)).exists()


def test_enrolment_with_an_unknown_name_adds_nobody_and_lists_every_unknown(cohort_a, educator_a):
    UserFactory(username="zoe")
    before = Membership.objects.count()
    with pytest.raises(services.EnrolmentRefused) as refused:
        services.enrol_from_csv(
            cohort=cohort_a, text="zoe\nnobody-here\nghost@example.org", actor=educator_a
        )
    assert refused.value.unknown == ["nobody-here", "ghost@example.org"]
    assert Membership.objects.count() == before


def test_an_email_two_accounts_share_is_refused_as_ambiguous(cohort_a, educator_a):
    UserFactory(username="twin1", email="twins@example.org")
    UserFactory(username="twin2", email="twins@example.org")
    with pytest.raises(services.EnrolmentRefused) as refused:
        services.enrol_from_csv(cohort=cohort_a, text="twins@example.org", actor=educator_a)
    assert refused.value.unknown == ["twins@example.org"]


def test_a_learner_joins_with_a_code_once(cohort_a, educator_a):
    code = services.new_enrolment_code(cohort=cohort_a, actor=educator_a)
    newcomer = UserFactory(username="newcomer")
    services.join_by_code(learner=newcomer, code=code.code)
    services.join_by_code(learner=newcomer, code=code.code)
    assert Membership.objects.filter(cohort=cohort_a, learner=newcomer).count() == 1


def test_an_expired_or_switched_off_code_is_refused(cohort_a, educator_a):
    code = services.new_enrolment_code(
        cohort=cohort_a, actor=educator_a, expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.InvalidCode):
        services.join_by_code(learner=UserFactory(), code=code.code)
    code.expires_at = None
    code.active = False
    code.save()
    with pytest.raises(services.InvalidCode):
        services.join_by_code(learner=UserFactory(), code=code.code)


def test_only_an_exam_may_hold_its_results_back(cohort_a, quiz):
    with pytest.raises(services.AssignmentRefused, match="Only an exam"):
        make_assignment(cohort=cohort_a, quiz=quiz, release=Release.BY_HAND)
    exam = make_quiz([make_question()], mode=QuizMode.EXAM, time_limit_minutes=20)
    assert make_assignment(cohort=cohort_a, quiz=exam, release=Release.BY_HAND).pk


def test_dates_out_of_order_are_refused(cohort_a, quiz):
    now = timezone.now()
    with pytest.raises(services.AssignmentRefused, match="in order"):
        make_assignment(cohort=cohort_a, quiz=quiz, due_at=now + timedelta(days=3))


def test_starting_an_assignment_gives_an_attempt_in_its_context(cohort_a, quiz, student):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz)
    attempt = services.start_assignment(learner=student, assignment=assignment)
    assert (attempt.context_kind, attempt.context_id) == ("assignment", assignment.pk)
    assert attempt.deadline == assignment.closes_at
    again = services.start_assignment(learner=student, assignment=assignment)
    assert again.pk == attempt.pk


def test_a_case_assignment_starts_a_case_attempt_in_its_context(cohort_a, student):
    case = make_case([[make_question()]])
    assignment = make_assignment(cohort=cohort_a, case=case)
    attempt = services.start_assignment(learner=student, assignment=assignment)
    assert attempt.case_attempt.case == case
    assert attempt.context_id == assignment.pk


def test_an_assignment_is_not_started_before_it_opens_or_after_it_closes(cohort_a, quiz, student):
    now = timezone.now()
    assignment = make_assignment(
        cohort=cohort_a,
        quiz=quiz,
        opens_at=now + timedelta(hours=1),
        due_at=now + timedelta(days=1),
    )
    with pytest.raises(services.NotOpen, match="opens on"):
        services.start_assignment(learner=student, assignment=assignment, now=now)
    with pytest.raises(services.NotOpen, match="closed"):
        services.start_assignment(learner=student, assignment=assignment, now=assignment.closes_at)


def test_the_assignments_attempt_limit_applies(cohort_a, quiz, student):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz, attempts_allowed=1)
    attempt = services.start_assignment(learner=student, assignment=assignment)
    Attempt.objects.filter(pk=attempt.pk).update(status="submitted", submitted_at=timezone.now())
    with pytest.raises(AttemptLimitReached):
        services.start_assignment(learner=student, assignment=assignment)


def test_changing_dates_after_starts_keeps_attempts_and_says_what_happens(
    cohort_a, quiz, student, educator_a
):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz)
    services.start_assignment(learner=student, assignment=assignment)
    report = services.change_assignment(
        assignment=assignment,
        actor=educator_a,
        closes_at=assignment.closes_at + timedelta(days=1),
    )
    assert report.started == 1
    assert report.in_progress == 1
    assert any("keep the deadline they started with" in note for note in report.notes)
    assert Attempt.objects.filter(context_id=assignment.pk).count() == 1


def test_the_work_of_a_started_assignment_cannot_change(cohort_a, quiz, student, educator_a):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz)
    services.start_assignment(learner=student, assignment=assignment)
    other = make_quiz([make_question()])
    with pytest.raises(services.AssignmentRefused, match="1 learner has started"):
        services.change_assignment(assignment=assignment, actor=educator_a, quiz=other)


def test_withdrawing_keeps_attempts_and_hides_it(cohort_a, quiz, student, educator_a):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz)
    services.start_assignment(learner=student, assignment=assignment)
    report = services.withdraw_assignment(assignment=assignment, actor=educator_a)
    assert report.started == 1
    assert any("can still be finished" in note for note in report.notes)
    assert Attempt.objects.filter(context_id=assignment.pk).exists()
    with pytest.raises(services.NotOpen):
        services.start_assignment(learner=student, assignment=assignment)
