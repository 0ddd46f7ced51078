"""Who sees what, walked with three personas: an educator of cohort A, an educator of cohort B
and a learner in both. An educator reaches learner data only for the cohorts they teach
(others' are 404), a learner only their own work, and the Educators group alone reaches none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Assignment, Membership
from tests.api.conftest import token_client
from tests.factories import EducatorFactory, UserFactory, make_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(cohort_a, cohort_b, quiz, student, classmate_a):
    on_a = make_assignment(cohort=cohort_a, quiz=quiz, title="A's quiz")
    on_b = make_assignment(cohort=cohort_b, quiz=quiz, title="B's quiz")
    services.start_assignment(learner=student, assignment=on_a)
    services.start_assignment(learner=student, assignment=on_b)
    services.start_assignment(learner=classmate_a, assignment=on_a)
    return on_a, on_b


def staff_pages(cohort, learner):
    return [
        reverse("admin:cohorts_dashboard", args=[cohort.pk]),
        reverse("admin:cohorts_learner", args=[cohort.pk, learner.pk]),
        reverse("admin:cohorts_enrol", args=[cohort.pk]),
        reverse("admin:cohorts_gradebook", args=[cohort.pk]),
        reverse("admin:cohorts_item_results", args=[cohort.pk]),
        reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
    ]


def test_the_educator_of_a_reaches_every_page_of_a(client, educator_a, cohort_a, student, work):
    client.force_login(educator_a)
    for url in staff_pages(cohort_a, student):
        assert client.get(url).status_code == 200, url


def test_the_educator_of_b_gets_404_on_every_page_of_a(client, educator_b, cohort_a, student, work):
    client.force_login(educator_b)
    for url in staff_pages(cohort_a, student):
        assert client.get(url).status_code in (302, 404), url
        if "/change/" not in url:
            assert client.get(url).status_code == 404, url


def test_the_shared_learners_drill_down_shows_only_the_cohorts_own_work(
    client, educator_b, cohort_b, student, work
):
    client.force_login(educator_b)
    page = client.get(reverse("admin:cohorts_learner", args=[cohort_b.pk, student.pk]))
    assert "B&#x27;s quiz" in page.content.decode() or "B's quiz" in page.content.decode()
    assert "A's quiz" not in page.content.decode()
    assert "A&#x27;s quiz" not in page.content.decode()


def test_a_learner_of_a_is_not_found_through_b(client, educator_b, cohort_b, classmate_a, work):
    client.force_login(educator_b)
    url = reverse("admin:cohorts_learner", args=[cohort_b.pk, classmate_a.pk])
    assert client.get(url).status_code == 404


def test_the_admin_lists_only_the_cohorts_taught(client, educator_b, cohort_a, cohort_b):
    client.force_login(educator_b)
    page = client.get(reverse("admin:cohorts_cohort_changelist")).content.decode()
    assert "Cohort B" in page
    assert "Cohort A" not in page
    assignments = client.get(reverse("admin:cohorts_assignment_changelist")).content.decode()
    assert "A&#x27;s quiz" not in assignments


def test_the_educators_group_alone_gives_no_access(client, cohort_a, student, work):
    outsider = EducatorFactory(username="teaches_nothing")
    client.force_login(outsider)
    for url in staff_pages(cohort_a, student):
        response = client.get(url)
        if "/change/" in url:  # the admin's "does not exist": back to its index
            assert response["Location"] == reverse("admin:index"), url
        else:
            assert response.status_code == 404, url
    changelist = client.get(reverse("admin:cohorts_cohort_changelist")).content.decode()
    assert "Cohort A" not in changelist
    assert token_client(outsider).get("/api/v1/cohorts/").json() == []


def test_an_educator_who_creates_a_cohort_teaches_it(client, educator_b):
    client.force_login(educator_b)
    response = client.post(
        reverse("admin:cohorts_cohort_add"),
        {
            "name": "Surgery rotation",
            "term": "2027",
            "codes-TOTAL_FORMS": "0",
            "codes-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert educator_b.cohorts_taught.get().name == "Surgery rotation"


def test_a_learner_reaches_no_staff_page(client, student, cohort_a, work):
    client.force_login(student)
    for url in staff_pages(cohort_a, student):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"]


def test_the_learner_sees_only_their_own_work_and_no_classmate(client, student, work):
    client.force_login(student)
    page = client.get(reverse("home")).content.decode()
    assert "classmate_a" not in page
    assert "Carl" not in page
    body = token_client(student).get("/api/v1/assignments/").json()
    assert sorted(w["title"] for w in body) == ["A's quiz", "B's quiz"]
    assert "classmate_a" not in str(body)


# --- The API, with the same rules -------------------------------------------------------------------


def test_api_cohorts_list_roles(educator_a, student, cohort_a, cohort_b):
    assert [
        (c["name"], c["role"]) for c in token_client(educator_a).get("/api/v1/cohorts/").json()
    ] == [("Cohort A", "educator")]
    assert sorted(
        (c["name"], c["role"]) for c in token_client(student).get("/api/v1/cohorts/").json()
    ) == [("Cohort A", "learner"), ("Cohort B", "learner")]


@pytest.mark.parametrize("tail", ["memberships/", "assignments/", "gradebook/"])
def test_api_another_educators_cohort_is_404(tail, educator_b, student, cohort_a, work):
    for user in (educator_b, student):
        response = token_client(user).get(f"/api/v1/cohorts/{cohort_a.pk}/{tail}")
        assert response.status_code == 404, (user, tail)


def test_api_memberships_and_gradebook_for_the_educator(educator_a, cohort_a, work):
    api = token_client(educator_a)
    members = api.get(f"/api/v1/cohorts/{cohort_a.pk}/memberships/").json()["results"]
    assert sorted(m["username"] for m in members) == ["classmate_a", "student_ab"]
    book = api.get(f"/api/v1/cohorts/{cohort_a.pk}/gradebook/").json()
    assert [a["title"] for a in book["assignments"]] == ["A's quiz"]
    assert {row["username"]: row["work"][0]["status"] for row in book["learners"]} == {
        "classmate_a": "in_progress",
        "student_ab": "in_progress",
    }


def test_api_enrolment_is_all_or_nothing(educator_a, cohort_a):
    UserFactory(username="newbie")
    api = token_client(educator_a)
    url = f"/api/v1/cohorts/{cohort_a.pk}/memberships/"
    refused = api.post(url, {"learners": ["newbie", "ghost"]}, format="json")
    assert refused.status_code == 400
    assert "ghost" in str(refused.json())
    assert not Membership.objects.filter(cohort=cohort_a, learner__username="newbie").exists()
    added = api.post(url, {"learners": ["newbie"]}, format="json")
    assert added.status_code == 201
    assert added.json() == {"added": ["newbie"], "already": []}


def test_api_sets_an_assignment_only_in_a_cohort_taught(educator_a, educator_b, cohort_a, quiz):
    now = timezone.now()
    body = {
        "kind": "quiz",
        "quiz": quiz.key,
        "opens_at": now.isoformat(),
        "due_at": (now + timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=2)).isoformat(),
    }
    url = f"/api/v1/cohorts/{cohort_a.pk}/assignments/"
    assert token_client(educator_b).post(url, body, format="json").status_code == 404
    created = token_client(educator_a).post(url, body, format="json")
    assert created.status_code == 201
    assert Assignment.objects.get(pk=created.json()["id"]).quiz == quiz
    bad = token_client(educator_a).post(url, body | {"release": "hand"}, format="json")
    assert bad.status_code == 400
