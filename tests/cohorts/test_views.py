"""The enrolment link, the bulk enrolment page and the admin actions on assignments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Assignment, Membership
from tests.factories import UserFactory, make_assignment

pytestmark = pytest.mark.django_db


def test_the_enrolment_link_asks_before_joining(client, cohort_a, educator_a):
    code = services.new_enrolment_code(cohort=cohort_a, actor=educator_a)
    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    url = reverse("cohort-join", args=[code.code])
    page = client.get(url)
    assert "Cohort A" in page.content.decode()
    assert not Membership.objects.filter(learner=newcomer).exists()
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(cohort=cohort_a, learner=newcomer).exists()


def test_an_unknown_enrolment_code_is_404(client, learner):
    client.force_login(learner)
    assert client.get(reverse("cohort-join", args=["no-such-code"])).status_code == 404


def test_the_enrolment_link_needs_a_signed_in_learner(client, cohort_a, educator_a):
    code = services.new_enrolment_code(cohort=cohort_a, actor=educator_a)
    response = client.get(reverse("cohort-join", args=[code.code]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_enrol_page_lists_unknown_names_and_adds_nobody(client, educator_a, cohort_a):
    UserFactory(username="zoe")
    client.force_login(educator_a)
    url = reverse("admin:cohorts_enrol", args=[cohort_a.pk])
    page = client.post(url, {"names": "zoe\nwho-is-this"}).content.decode()
    assert "Nobody was enrolled" in page
    assert "who-is-this" in page
    assert not Membership.objects.filter(learner__username="zoe").exists()
    assert client.post(url, {"names": "zoe"}).status_code == 302
    assert Membership.objects.filter(cohort=cohort_a, learner__username="zoe").exists()


def test_the_withdraw_action_keeps_attempts_and_says_so(
    client, educator_a, cohort_a, quiz, student
):
    assignment = make_assignment(cohort=cohort_a, quiz=quiz)
    services.start_assignment(learner=student, assignment=assignment)
    client.force_login(educator_a)
    response = client.post(
        reverse("admin:cohorts_assignment_changelist"),
        {"action": "withdraw", "_selected_action": [assignment.pk]},
        follow=True,
    )
    assert "can still be finished" in response.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).withdrawn_at is not None
    assert student.attempts.filter(context_id=assignment.pk).exists()
