"""Who may see a cohort's learners: its educators (and superusers), nobody else.

An educator reaches only the cohorts they teach; another cohort is a 404, exactly as if it did
not exist. Belonging to the Educators group gives no access to any learner's data.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from cohorts.models import Assignment, Cohort, Membership


def cohorts_taught_by(user: User) -> QuerySet[Cohort]:
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(educators=user)


EDUCATORS_GROUP = "Educators"


def may_create_cohorts(user: User) -> bool:
    """Admins and educators (the Educators group) may create a cohort; an educator then
    teaches it, and sees no other cohort's learners for it."""
    return user.is_active and (
        user.is_superuser or (user.is_staff and user.groups.filter(name=EDUCATORS_GROUP).exists())
    )


def teaches_any(user: User) -> bool:
    return user.is_active and (user.is_superuser or cohorts_taught_by(user).exists())


def get_cohort_for_educator(user: User, cohort_id: int) -> Cohort:
    """The cohort, if `user` teaches it; Http404 otherwise."""
    cohort = cohorts_taught_by(user).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def get_assignment_for_educator(user: User, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(cohort__in=cohorts_taught_by(user), pk=assignment_id)
        .select_related("cohort", "quiz", "case", "topic")
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


def get_learner_for_educator(cohort: Cohort, learner_id: int) -> User:
    """A learner of a cohort the caller teaches (checked by the caller); Http404 otherwise."""
    membership = (
        Membership.objects.filter(cohort=cohort, learner_id=learner_id)
        .select_related("learner")
        .first()
    )
    if membership is None:
        raise Http404("No such learner in this cohort.")
    return membership.learner


def get_assignment_for_learner(user: User, assignment_id: int) -> Assignment:
    """An assignment set for a cohort the learner is in, not withdrawn; Http404 otherwise."""
    assignment = (
        Assignment.objects.filter(
            pk=assignment_id, cohort__memberships__learner=user, withdrawn_at__isnull=True
        )
        .select_related("cohort", "quiz", "case", "topic")
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment
