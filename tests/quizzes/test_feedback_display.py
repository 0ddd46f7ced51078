"""How feedback and results read: a matching row says the chosen match once, a wrong row
names its correct match; results give a percentage beside the points."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes import attempts, pipeline
from quizzes.content import QuestionContent
from tests.factories import make_question, make_quiz, start_quiz
from tests.quizzes.helpers import key_tokens, new_key, wrong_tokens

pytestmark = pytest.mark.django_db


def _answer_and_grade(learner, item, tokens):
    response = attempts.submit_answer(
        learner=learner, item=item, raw_answer=tokens, idempotency_key=new_key()
    ).response
    pipeline.grade_response(response_id=response.pk)


def _rows(page: str) -> list[tuple[str, str]]:
    """The feedback's part rows as (mark, plain text after the mark), e.g. ("Right", "...")."""
    rows = re.findall(r'<li class="part part-\w+">(.*?)</li>', page, re.S)
    plain = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
    marked = [row.split(" ", 1)[1] for row in plain]  # after the ✓ or ✗
    return [(row.split(": ", 1)[0], row.split(": ", 1)[1]) for row in marked]


def test_matching_feedback_names_each_match_once_and_labels_the_correct_one(
    learner, learner_client
):
    question = make_question("matching")
    attempt = start_quiz(learner=learner, quiz=make_quiz([question]))
    item = attempt.items.get()
    tokens = key_tokens(item)
    prompts = sorted(tokens["matches"])
    first, second = prompts[0], prompts[1]
    matches = dict(tokens["matches"])
    matches[first], matches[second] = matches[second], matches[first]  # two wrong, one right
    _answer_and_grade(learner, item, {"matches": matches})

    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, 0])).content.decode()
    content = QuestionContent.from_dict(item.version.content)
    by_prompt = {pair.prompt: pair.match for pair in content.pairs if pair.prompt}
    rows = _rows(page)
    assert len(rows) == 3
    wrong = right = 0
    for mark, row in rows:
        expected = by_prompt[next(p for p in by_prompt if row.startswith(p))]
        if mark == "Right":
            right += 1
            assert row.count(expected) == 1  # "You chose: ..." only, not the same text again
            assert "Correct match" not in row
        else:
            wrong += 1
            assert f"Correct match: {expected}" in row
            assert row.count(expected) == 1  # the learner chose something else
    assert (right, wrong) == (1, 2)


def test_tutor_results_show_a_percentage_beside_the_points(learner, learner_client):
    questions = [make_question(), make_question("true_false"), make_question("multiple")]
    attempt = start_quiz(learner=learner, quiz=make_quiz(questions))
    for item, right in zip(attempt.items.order_by("position"), [True, True, False], strict=True):
        _answer_and_grade(learner, item, key_tokens(item) if right else wrong_tokens(item))
    learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    page = learner_client.get(reverse("attempt-results", args=[attempt.pk])).content.decode()
    score = re.search(r'<p class="score">(.*?)</p>', page, re.S)
    assert score is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", score.group(1)).split())
    assert re.fullmatch(r"Score: [\d.]+ of 3 \(\d+%\)", text), text
    attempt.refresh_from_db()
    assert attempt.score is not None
    assert attempt.max_score
    assert f"({round(100 * attempt.score / attempt.max_score)}%)" in text
