"""The exam-screen tools: strike-outs, highlights and notes kept per attempt, never the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, exam_tools, pipeline
from quizzes.models import ItemTools, LabValue, QuizMode, Response
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(learner):
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question(), make_question()]))
    return attempt.items.get(position=0)


def tokens(item):
    return [token for token, _part in item.presentation["choices"]]


def tools_url(item):
    return reverse("api-item-tools", args=[item.attempt_id, item.position])


def put(client, item, **body):
    payload = {"struck": [], "highlights": [], "note": "", "client_seq": 1} | body
    return client.put(tools_url(item), payload, content_type="application/json")


def test_tools_are_saved_and_read_back(learner_client, item):
    struck = tokens(item)[:2]
    reply = put(learner_client, item, struck=struck, highlights=[[0, 5]], note="Baxter?")
    assert reply.status_code == 200
    again = learner_client.get(tools_url(item)).json()
    assert (again["struck"], again["highlights"], again["note"]) == (struck, [[0, 5]], "Baxter?")


def test_highlights_are_merged_and_sorted(learner_client, item):
    reply = put(learner_client, item, highlights=[[30, 40], [0, 10], [5, 12], [40, 41]])
    assert reply.json()["highlights"] == [[0, 12], [30, 41]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"struck": ["not-a-token"]}, "struck"),
        ({"struck": "abc"}, "struck"),
        ({"highlights": [[5, 5]]}, "highlights"),
        ({"highlights": [[-1, 3]]}, "highlights"),
        ({"highlights": [[1, 2, 3]]}, "highlights"),
        ({"highlights": [["1", "2"]]}, "highlights"),
        ({"highlights": [[1, 2]] * 101}, "highlights"),
        ({"note": "x" * 2001}, "note"),
        ({"note": 5}, "note"),
    ],
)
def test_bad_tools_are_refused_with_a_clear_error_and_change_nothing(
    learner_client, item, body, field
):
    put(learner_client, item, note="kept", client_seq=1)
    reply = put(learner_client, item, client_seq=2, **body)
    assert reply.status_code == 400
    assert field in reply.json()["errors"]
    assert ItemTools.objects.get(item=item).note == "kept"


def test_an_older_save_changes_nothing(learner_client, item):
    put(learner_client, item, note="newer", client_seq=20)
    reply = put(learner_client, item, note="older", client_seq=10)
    assert (reply.json()["applied"], reply.json()["note"]) == (False, "newer")


def test_striking_out_the_chosen_option_leaves_the_answer_alone(learner, learner_client):
    attempt = start_quiz(learner=learner, quiz=make_quiz([make_question()], mode=QuizMode.EXAM))
    item = attempt.items.get()
    chosen = key_tokens(item)
    attempts.submit_answer(
        learner=learner, item=item, raw_answer=chosen, idempotency_key=new_key(), client_seq=1
    )
    saved = Response.objects.get(item=item).answer
    assert put(learner_client, item, struck=[chosen["choice"]], client_seq=5).status_code == 200
    assert Response.objects.get(item=item).answer == saved
    attempts.submit_attempt(attempt_id=attempt.pk)
    pipeline.grade_response(response_id=Response.objects.get(item=item).pk)
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_tools_are_refused_once_the_attempt_is_submitted(learner_client, item):
    attempts.submit_attempt(attempt_id=item.attempt_id)
    reply = put(learner_client, item, note="late")
    assert (reply.status_code, reply.json()["code"]) == (409, "attempt_closed")


def test_tools_are_refused_after_an_exams_time_is_up(learner, learner_client):
    quiz = make_quiz([make_question()], mode=QuizMode.EXAM, time_limit_minutes=1)
    attempt = start_quiz(learner=learner, quiz=quiz, now=timezone.now() - timedelta(minutes=5))
    reply = put(learner_client, attempt.items.get(), note="late")
    assert reply.status_code == 409


def test_an_educator_can_switch_the_tools_off_for_a_quiz(learner, learner_client):
    quiz = make_quiz([make_question()], mode=QuizMode.EXAM, exam_tools=False)
    item = start_quiz(learner=learner, quiz=quiz).items.get()
    reply = put(learner_client, item, note="not allowed")
    assert (reply.status_code, reply.json()["code"]) == (403, "tools_off")
    page = learner_client.get(reverse("attempt-question", args=[item.attempt_id, 0]))
    assert b"Your note" not in page.content
    assert b"Lab values" not in page.content
    assert not ItemTools.objects.exists()


def test_another_learners_tools_are_not_found(other_learner, client, item):
    client.force_login(other_learner)
    assert client.get(tools_url(item)).status_code == 404
    assert put(client, item, note="mine now").status_code == 404


def test_the_question_page_shows_the_saved_note_struck_options_and_highlights(learner_client, item):
    struck = tokens(item)[:1]
    put(learner_client, item, struck=struck, highlights=[[6, 11]], note="Think tarsal tunnel")
    page = learner_client.get(reverse("attempt-question", args=[item.attempt_id, 0]))
    body = page.content.decode()
    assert "Think tarsal tunnel</textarea>" in body
    assert f'"struck": ["{struck[0]}"]' in body
    assert '"highlights": [[6, 11]]' in body


def test_the_note_saves_without_javascript(learner_client, item):
    reply = learner_client.post(
        reverse("attempt-tools", args=[item.attempt_id, 0]), {"note": "plain form"}
    )
    assert reply.status_code == 302
    assert exam_tools.tools_of(item).note == "plain form"


def test_the_lab_values_panel_lists_the_authored_values(learner_client, item):
    LabValue.objects.create(
        name="HbA1c", si_range="< 39 mmol/mol", conventional_range="< 5.7%", source="ADA 2024"
    )
    body = learner_client.get(reverse("attempt-question", args=[item.attempt_id, 0])).content
    assert b"Lab values" in body
    assert b"&lt; 39 mmol/mol" in body


def test_the_note_shows_with_the_results(learner_client, item):
    put(learner_client, item, note="Remember the first branch")
    attempts.submit_attempt(attempt_id=item.attempt_id)
    body = learner_client.get(reverse("attempt-results", args=[item.attempt_id])).content
    assert b"Remember the first branch" in body


def test_a_tutor_question_can_be_marked_for_review(learner_client, item):
    page = learner_client.get(reverse("attempt-question", args=[item.attempt_id, 0]))
    assert b"Flag for review" in page.content
    learner_client.post(reverse("attempt-flag", args=[item.attempt_id, 0]), {"flagged": "1"})
    item.refresh_from_db()
    assert item.flagged
