"""Three personas: an educator of cohort A, an educator of cohort B, a learner in both."""

from __future__ import annotations

import pytest

from tests.factories import EducatorFactory, UserFactory, make_cohort, make_question, make_quiz


@pytest.fixture
def educator_a(db):
    return EducatorFactory(username="teacher_a")


@pytest.fixture
def educator_b(db):
    return EducatorFactory(username="teacher_b")


@pytest.fixture
def student(db):
    return UserFactory(username="student_ab", first_name="Ada", last_name="Both")


@pytest.fixture
def classmate_a(db):
    return UserFactory(username="classmate_a", first_name="Carl", last_name="Only-A")


@pytest.fixture
def cohort_a(educator_a, student, classmate_a):
    return make_cohort(name="Cohort A", educators=[educator_a], learners=[student, classmate_a])


@pytest.fixture
def cohort_b(educator_b, student):
    return make_cohort(name="Cohort B", educators=[educator_b], learners=[student])


@pytest.fixture
def quiz(db):
    return make_quiz([make_question(), make_question("true_false")], title="Heel pain basics")
