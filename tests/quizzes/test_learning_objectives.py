"""Learning objectives: siblings spread apart in the review queue, transfer beside true
retention on the progress page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from quizzes.models import LearningObjective
from quizzes.reviews import progress, queue, scheduling
from tests.factories import make_question
from tests.quizzes.test_review import MONDAY, answer, quiz_items, set_limits

pytestmark = pytest.mark.django_db


def candidate(pk, topics=(), objectives=()):
    return scheduling.QueueCandidate(
        question_id=pk, topic_ids=frozenset(topics), objective_ids=frozenset(objectives)
    )


def test_a_sibling_of_a_question_served_today_waits_for_the_others():
    candidates = [candidate(1, objectives=[7]), candidate(2, topics=[1]), candidate(3)]

    assert (
        scheduling.pick_interleaved(
            candidates, previous_topics=frozenset({1}), served_objectives=frozenset({7})
        )
        == candidates[2]
    )
    # Only siblings left: the first still comes, today.
    assert (
        scheduling.pick_interleaved(
            candidates[:1], previous_topics=frozenset(), served_objectives=frozenset({7})
        )
        == candidates[0]
    )


def objective(*questions, slug="o"):
    made = LearningObjective.objects.create(slug=slug, title=f"Objective {slug}")
    made.questions.set(questions)
    return made


def test_the_queue_spreads_the_forms_of_one_objective_apart(learner):
    first, sibling, other, last = (make_question() for _ in range(4))
    objective(first, sibling)
    set_limits(learner, new=10)

    served = []
    while (item := queue.next_review_item(learner=learner, now=MONDAY)) is not None:
        served.append(item.question_id)
        answer(learner, item, at=MONDAY)

    # In authoring order, except the sibling, which waits for every other new question.
    assert served == [first.pk, other.pk, last.pk, sibling.pk]


def test_transfer_counts_first_answers_to_unseen_forms_of_reviewed_objectives(learner, client):
    seen, sibling, lone, unrelated_sibling, unrelated = (make_question() for _ in range(5))
    objective(seen, sibling, slug="tinel")
    objective(unrelated_sibling, unrelated, slug="phalen")

    items = quiz_items(learner, [seen, lone])
    answer(learner, items[seen.pk], right=True, at=MONDAY)
    answer(learner, items[lone.pk], right=True, at=MONDAY)
    later = MONDAY + timedelta(days=2)
    items = quiz_items(learner, [sibling, unrelated], at=later)
    answer(learner, items[sibling.pk], right=False, at=later)  # a new form of a reviewed objective
    answer(learner, items[unrelated.pk], right=True, at=later)  # its objective was never reviewed
    # The sibling's second answer is not a first answer any more.
    answer(learner, quiz_items(learner, [sibling], at=later)[sibling.pk], right=True, at=later)

    retention, transfer = progress.knowledge_rates(learner_id=learner.pk)
    assert transfer == progress.Rate(total=1, hits=0)
    assert retention == progress.Rate(total=0, hits=0)  # nothing was due yet
    client.force_login(learner)
    page = client.get(reverse("progress")).content.decode()
    assert "0 of 1 first answers right" in page
    assert "True retention" in page


def test_educators_author_objectives_in_the_admin():
    educators = Group.objects.get(name="Educators")
    assert set(
        educators.permissions.filter(codename__endswith="_learningobjective").values_list(
            "codename", flat=True
        )
    ) == {
        "add_learningobjective",
        "change_learningobjective",
        "delete_learningobjective",
        "view_learningobjective",
    }


def test_the_objectives_admin_lists_question_counts(admin_client):
    made = LearningObjective.objects.create(slug="tinel", title="Tinel's sign")
    made.questions.set([make_question(), make_question()])
    page = admin_client.get(reverse("admin:quizzes_learningobjective_changelist"))
    assert page.status_code == 200
    assert "Tinel&#x27;s sign" in page.content.decode()
