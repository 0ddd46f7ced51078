"""A bank written as Moodle writes it comes in whole: grading, metadata, feedback, media.

The fixtures (files/moodle-bank.gift and files/moodle-bank.xml) hold one question per construct;
each test compares the imported question field by field, and a round trip (import, export,
import again) changes nothing.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from interop.importer import import_questions, preview_import, read_questions
from interop.moodle_xml import export_moodle_xml, questions_for_export
from quizzes import attempts, pipeline
from quizzes.content import QuestionContent
from quizzes.grading import grade, validate_answer
from quizzes.models import Question, QuestionVersion, Status, Topic
from quizzes.qtypes import kind_of
from quizzes.qtypes.base import AnswerError
from quizzes.rendering import render_markdown
from quizzes.versioning import content_of, questions_with_parts
from tests.factories import make_quiz, start_quiz
from tests.quizzes.helpers import new_key, tokens_for

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
BANKS = ["moodle-bank.gift", "moodle-bank.xml"]


def preview_of(name: str, data: bytes | None = None):
    raw = (FILES / name).read_bytes() if data is None else data
    return preview_import(read_questions(raw, name), source_name=name)


def import_bank(name: str, data: bytes | None = None):
    preview = preview_of(name, data)
    import_questions(preview)
    return preview


def content(title: str) -> QuestionContent:
    return content_of(questions_with_parts().get(title=title))


def score(content: QuestionContent, **answer: Any) -> float:
    return grade(content, validate_answer(content, answer)).score


def choice_ids(content: QuestionContent, *texts: str) -> list[int]:
    return [c.id for c in content.choices if c.text in texts]


def planned(preview, title: str):
    return next(item for item in preview.items if item.title == title)


# Grading: Moodle's weights, partial credit and penalties are the question's scoring rule.


@pytest.mark.parametrize("name", BANKS)
def test_negative_weights_are_kept_as_the_scoring_rule(name):
    import_bank(name)
    sinus = content("Sinus rhythm")
    assert (sinus.type, sinus.scoring) == ("multiple", "weighted")
    assert [(c.correct, c.weight) for c in sinus.choices] == [
        (True, 33.33333),
        (True, 33.33333),
        (True, 33.33333),
        (False, -100.0),
    ]
    everything = [c.id for c in sinus.choices]
    # As in Moodle: three right and one wrong tick score 0, not 2/3.
    assert score(sinus, choices=everything) == 0.0
    assert score(sinus, choices=everything[:3]) == 1.0
    assert score(sinus, choices=everything[:2]) == 0.6667


@pytest.mark.parametrize("name", BANKS)
def test_a_single_answer_keeps_an_option_that_takes_marks_away(name):
    preview = import_bank(name)
    peaked = content("Peaked T waves")
    assert (peaked.type, peaked.scoring) == ("single", "weighted")
    assert [(c.text, c.correct, c.weight) for c in peaked.choices] == [
        ("Hyperkalaemia", True, 100.0),
        ("Hypokalaemia", False, -50.0),
        ("Hypercalcaemia", False, 0.0),
    ]
    (hypo,) = choice_ids(peaked, "Hypokalaemia")
    assert score(peaked, choice=hypo) == 0.0
    assert any("never scores below 0" in w for w in planned(preview, "Peaked T waves").warnings)


def test_a_gift_question_without_equals_and_with_penalties_stays_multiple_response():
    import_bank("moodle-bank.gift")
    loops = content("Loop diuretics")
    # Equal shares and equal penalties are the platform's own partial rule.
    assert (loops.type, loops.scoring) == ("multiple", "partial")
    assert [c.correct for c in loops.choices] == [True, True, False, False]
    assert score(loops, choices=choice_ids(loops, "Furosemide", "Spironolactone")) == 0.0


@pytest.mark.parametrize("name", BANKS)
def test_a_partly_right_short_answer_earns_its_moodle_credit(name):
    import_bank(name)
    typed = content("Peaked T waves typed")
    assert [(a.text, a.credit, a.feedback) for a in typed.accepted_answers] == [
        ("hyperkalaemia", 100.0, "Right."),
        ("potassium", 50.0, "Say whether it is high or low."),
    ]
    assert score(typed, text="Potassium") == 0.5
    assert score(typed, text="hyperkalaemia") == 1.0


def test_the_penalty_for_another_try_is_kept_and_said_not_applied():
    preview = import_bank("moodle-bank.xml")
    assert content("Sinus rhythm").settings["penalty"] == 0.1
    assert content("Peaked T waves").settings == {}  # Moodle's default (1/3) is not stored
    warnings = planned(preview, "Sinus rhythm").warnings
    assert any("penalty of 10% for each extra try is kept" in w for w in warnings)


@pytest.mark.parametrize("name", BANKS)
def test_grades_moodle_does_not_offer_are_refused_with_moodles_reason(name):
    preview = import_bank(name)
    refused = planned(preview, "Invalid grade")
    assert not refused.importable
    assert refused.problems[0].startswith(
        "Grades (0.35, 0.65) do not match grade options: Moodle skips this question too."
    )
    assert not Question.objects.filter(title="Invalid grade").exists()


def test_weights_credit_and_penalty_are_exported_back():
    import_bank("moodle-bank.xml")
    xml = export_moodle_xml(
        questions_for_export(title__in=["Sinus rhythm", "Peaked T waves typed"])
    )
    text = xml.xml.decode()
    assert '<answer fraction="-100" format="plain_text">' in text
    assert text.count('<answer fraction="33.33333"') == 3
    assert '<answer fraction="50" format="moodle_auto_format">' in text
    assert "<penalty>0.1</penalty>" in text


# Round trips.


@pytest.mark.parametrize("name", BANKS)
def test_a_round_trip_changes_nothing(name):
    import_bank(name)
    before = dict(QuestionVersion.objects.values_list("question__key", "content"))
    exported = export_moodle_xml(questions_for_export()).xml
    again = preview_of("again.xml", exported)
    assert {item.action for item in again.items} == {"update"}
    import_questions(again)
    after = dict(QuestionVersion.objects.values_list("question__key", "content"))
    assert after == before


# Metadata and categories.


def topics_of(title: str) -> list[tuple[str, str]]:
    question = Question.objects.get(title=title)
    return sorted(question.topics.values_list("slug", "name"))


@pytest.mark.parametrize("name", BANKS)
def test_id_number_and_tags_become_the_key_and_topics(name):
    import_bank(name)
    question = Question.objects.get(title="Lateral rectus")
    assert question.key == "neuro-cn6"
    assert topics_of("Lateral rectus") == [
        ("cardiology-week-1", "Cardiology / Week 1"),
        ("cranial-nerves", "cranial nerves"),
        ("eye-movements", "eye movements"),
    ]


@pytest.mark.parametrize("name", BANKS)
def test_equal_leaf_categories_under_different_parents_stay_apart(name):
    import_bank(name)
    assert topics_of("Facial nerve") == [("neurology-week-1", "Neurology / Week 1")]
    assert topics_of("Sinus rhythm") == [("cardiology-week-1", "Cardiology / Week 1")]


def test_a_category_keeps_its_description_and_id_number():
    import_bank("moodle-bank.xml")
    topic = Topic.objects.get(slug="cardiology-week-1")
    assert (topic.description, topic.idnumber) == ("The **ECG** and electrolytes.", "cardio-w1")


def test_shuffle_off_keeps_all_of_the_above_last_in_every_attempt():
    import_bank("moodle-bank.xml")
    ecg = content("Hyperkalaemia ECG")
    assert ecg.settings == {"shuffle": False}
    kind = kind_of("single")
    orders = {
        tuple(kind.groups(ecg, shuffle=True, rng=random.Random(seed))["choices"])  # noqa: S311 - a test seed
        for seed in range(20)
    }
    assert orders == {tuple(c.id for c in ecg.choices)}
    shuffled = content("Facial nerve")
    assert (
        len(
            {
                tuple(kind.groups(shuffled, shuffle=True, rng=random.Random(seed))["choices"])  # noqa: S311 - a test seed
                for seed in range(20)
            }
        )
        > 1
    )


def test_shuffle_off_is_exported_back():
    import_bank("moodle-bank.xml")
    exported = export_moodle_xml(questions_for_export(title="Hyperkalaemia ECG")).xml.decode()
    assert "<shuffleanswers>false</shuffleanswers>" in exported


# Feedback and hints.


def test_combined_feedback_hints_and_general_feedback_are_kept():
    import_bank("moodle-bank.xml")
    sinus = content("Sinus rhythm")
    assert sinus.explanation == "Sinus rhythm starts in the sinoatrial node."
    assert sinus.settings["feedback"] == {
        "correct": "All three, and nothing else.",
        "partial": "Some, not all.",
        "incorrect": "Look at the P waves first.",
    }
    assert sinus.settings["hints"] == [
        "Where does sinus rhythm start?",
        "The P wave is the **atrial** depolarisation.",
    ]


def test_feedback_hints_and_general_feedback_are_exported_back():
    import_bank("moodle-bank.xml")
    exported = export_moodle_xml(questions_for_export(title="Sinus rhythm")).xml
    root = ElementTree.fromstring(exported)  # noqa: S314 - our own export
    question = root.find("question")
    assert question is not None
    assert question.findtext("correctfeedback/text") == "All three, and nothing else."
    assert question.findtext("incorrectfeedback/text") == "Look at the P waves first."
    assert [hint.findtext("text") for hint in question.findall("hint")] == [
        "Where does sinus rhythm start?",
        "The P wave is the **atrial** depolarisation.",
    ]
    assert (
        question.findtext("generalfeedback/text") == "Sinus rhythm starts in the sinoatrial node."
    )


def answered_wrongly(learner, mode: str):
    import_bank("moodle-bank.xml")
    # Quizzes serve published questions; the draft's content is what matters here.
    Question.objects.filter(title="Sinus rhythm").update(status=Status.PUBLISHED)
    question = Question.objects.get(title="Sinus rhythm")
    attempt = start_quiz(learner=learner, quiz=make_quiz([question], mode=mode))
    item = attempt.items.get()
    sinus = content("Sinus rhythm")
    wrong = {"choices": [c.id for c in sinus.choices if not c.correct]}
    saved = attempts.submit_answer(
        learner=learner, item=item, raw_answer=tokens_for(item, wrong), idempotency_key=new_key()
    )
    if mode == "exam":
        attempts.submit_attempt(attempt_id=attempt.pk)
    pipeline.grade_response(response_id=saved.response.pk)
    return attempt


def test_a_wrong_tutor_answer_shows_the_incorrect_feedback_and_the_hints_in_order(
    learner, learner_client
):
    attempt = answered_wrongly(learner, "tutor")
    page = learner_client.get(reverse("attempt-feedback", args=[attempt.pk, 0])).content.decode()
    assert "Look at the P waves first." in page
    assert "Some, not all." not in page
    first = page.index("Where does sinus rhythm start?")
    assert first < page.index("The P wave is the <strong>atrial</strong> depolarisation.")


def test_an_exam_review_shows_no_hints(learner, learner_client):
    attempt = answered_wrongly(learner, "exam")
    page = learner_client.get(reverse("attempt-feedback", args=[attempt.pk, 0])).content.decode()
    assert "Look at the P waves first." in page
    assert "Where does sinus rhythm start?" not in page


# The numerical type.


@pytest.mark.parametrize("name", BANKS)
def test_a_numerical_answer_keeps_its_value_and_tolerance(name):
    import_bank(name)
    bmi = content("BMI")
    assert bmi.type == "numerical"
    assert [(a.text, a.credit, a.feedback) for a in bmi.accepted_answers] == [
        ("22.9 ± 0.05", 100.0, "Right: 70 ÷ 1.75².")
    ]
    assert score(bmi, text="22.86") == 1.0
    assert score(bmi, text="22.95") == 1.0  # bounds are inclusive, compared exactly
    assert score(bmi, text="22.96") == 0.0


@pytest.mark.parametrize("name", BANKS)
def test_several_numerical_answers_give_partial_credit(name):
    import_bank(name)
    drip = content("Drip rate")
    assert [(a.text, a.credit) for a in drip.accepted_answers] == [
        ("125", 100.0),
        ("125 ± 5", 50.0),
    ]
    assert score(drip, text="125") == 1.0
    assert score(drip, text="128") == 0.5
    assert score(drip, text="12.5") == 0.0


def test_a_gift_range_becomes_a_value_and_tolerance():
    import_bank("moodle-bank.gift")
    assert [a.text for a in content("Drip range").accepted_answers] == ["125 ± 5"]


def test_numerical_units_convert_with_their_multipliers():
    preview = import_bank("moodle-bank.xml")
    drip = content("Drip rate")
    assert drip.settings["units"] == [["mL/h", 1], ["L/h", 0.001]]
    assert score(drip, text="125 mL/h") == 1.0
    assert score(drip, text="0.125 L/h") == 1.0
    assert score(drip, text="0.128 L/h") == 0.5
    assert any("catch-all" in w for w in planned(preview, "Drip rate").warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("125 mg", '"mg" is not a unit of this question: use mL/h, L/h.'),
        ("1,000", "Write decimals with a point (4.5) and no thousands separators (1000)."),
        ("about 125", "Type a number, such as 4.5 or 300."),
    ],
)
def test_a_numerical_answer_that_cannot_be_read_is_refused_before_grading(text, message):
    import_bank("moodle-bank.xml")
    with pytest.raises(AnswerError) as refused:
        validate_answer(content("Drip rate"), {"text": text})
    assert refused.value.message == message


def test_numerical_answers_and_units_are_exported_to_moodle_xml():
    import_bank("moodle-bank.xml")
    exported = export_moodle_xml(questions_for_export(title="Drip rate")).xml
    question = ElementTree.fromstring(exported).find("question")  # noqa: S314 - our own export
    assert question is not None
    assert question.get("type") == "numerical"
    assert [
        (a.get("fraction"), a.findtext("text"), a.findtext("tolerance"))
        for a in question.findall("answer")
    ] == [("100", "125", "0"), ("50", "125", "5")]
    assert [
        (u.findtext("unit_name"), u.findtext("multiplier")) for u in question.findall("units/unit")
    ] == [("mL/h", "1"), ("L/h", "0.001")]


def test_a_learner_answers_a_numerical_question_in_the_browser_form(learner, learner_client):
    import_bank("moodle-bank.xml")
    Question.objects.filter(title="Drip rate").update(status=Status.PUBLISHED)
    attempt = start_quiz(learner=learner, quiz=make_quiz([Question.objects.get(title="Drip rate")]))
    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, 0])).content.decode()
    assert 'inputmode="decimal"' in page
    assert "in mL/h, L/h" in page
    assert "125" not in page  # no key before the answer
    reply = learner_client.post(
        reverse("attempt-answer", args=[attempt.pk, 0]),
        {"idempotency_key": str(new_key()), "text": "0.125 L/h"},
    )
    assert reply.status_code in {200, 302}
    response = attempt.items.get().response
    pipeline.grade_response(response_id=response.pk)
    response.refresh_from_db()
    assert response.result is not None
    assert response.result["score"] == 1.0
    feedback = learner_client.get(reverse("attempt-feedback", args=[attempt.pk, 0])).content
    assert "You wrote: <strong>0.125 L/h</strong>" in feedback.decode()


# Text fidelity and the preview.


def test_tables_preformatted_text_and_code_survive():
    import_bank("moodle-bank.xml")
    stem = content("Lab values").stem
    assert "| Test | Result | Reference range |\n| --- | --- | --- |" in stem
    assert "| Sodium | 128 mmol/L | 135-145 mmol/L |" in stem
    assert "    Time   Rate\n    08:00  125 mL/h\n      (check at 12:00)" in stem
    assert "`Na<135`" in stem
    html = str(render_markdown(stem))
    assert "<table>" in html
    assert "<pre><code>Time   Rate\n08:00  125 mL/h\n  (check at 12:00)\n</code></pre>" in html
    assert "<code>Na&lt;135</code>" in html


def test_the_preview_names_formatting_that_is_not_kept():
    preview = preview_of("moodle-bank.xml")
    assert planned(preview, "Lab values").warnings == [
        "The question text used formatting that is not kept here: <u>, inline styles "
        "(colour, size)."
    ]


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Essay", "Essay questions are not supported: every question here is graded"),
        ("Cloze", "Embedded-answer (Cloze) questions are not supported"),
    ],
)
def test_unsupported_types_are_listed_with_their_reason(title, reason):
    item = planned(preview_of("moodle-bank.xml"), title)
    assert not item.importable
    assert item.problems[0].startswith(reason)


def test_embedded_audio_and_moodle_19_images_are_named_in_the_preview_not_dropped_silently():
    warnings = planned(preview_of("moodle-bank.xml"), "Heart sound").warnings
    assert warnings == [
        "The embedded audio s3-gallop.mp3 was not imported: attach it to a case stage or add it "
        "as a figure by hand.",
        "The embedded image (Moodle 1.9) images/stethoscope.png was not imported: attach it to a "
        "case stage or add it as a figure by hand.",
    ]
