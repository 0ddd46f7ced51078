"""The educators' admin: exactly the authoring rights, every type authorable, nothing unsafe."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, CaseStage
from quizzes.models import Figure, ProblemReport, Question, QuestionVersion, Quiz, Topic
from tests.factories import FigureFactory, make_case, make_question, make_quiz

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = [
    "options",
    "accepted_answers",
    "order_items",
    "match_pairs",
    "targets",
    "reports",
]


def saved_content(question: Question) -> dict[str, Any]:
    """The content of the question's current version."""
    assert question.current_version is not None
    return question.current_version.content


def question_form(question_type: str, **fields: Any) -> dict[str, Any]:
    """The admin add form for a question, with empty management forms for every inline."""
    data = {
        "title": f"A {question_type} question",
        "type": question_type,
        "status": "draft",
        "difficulty": "medium",
        "stem": "Stem text.",
        "explanation": "Why.",
        "references": "- A source.",
        "scoring": "all_or_nothing",
        "rank_count": "",
        "figure": "",
        "key": f"key-{question_type}",
    }
    for prefix in INLINE_PREFIXES:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | fields


def rows(prefix: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items))}
    for index, item in enumerate(items):
        data |= {f"{prefix}-{index}-{name}": value for name, value in item.items()}
    return data


def options(*items: tuple[str, bool]) -> dict[str, Any]:
    return rows(
        "options",
        [
            {"text": text, "is_correct": "on" if correct else "", "feedback": "f", "position": i}
            for i, (text, correct) in enumerate(items)
        ],
    )


def post_question(client, data: dict[str, Any]):
    return client.post(reverse("admin:quizzes_question_add"), data)


def admin_errors(response) -> str:
    """Every error message the admin page shows, as plain text."""
    context = response.context
    messages = [m for errors in context["adminform"].form.errors.values() for m in errors]
    for inline in context["inline_admin_formsets"]:
        messages += list(inline.formset.non_form_errors())
        messages += [
            m for form_errors in inline.formset.errors for ms in form_errors.values() for m in ms
        ]
    return " ".join(messages)


# Permissions -------------------------------------------------------------------------------


def test_educator_gets_403_on_user_admin(educator_client):
    assert educator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize("name", ["quizzes_attempt_changelist", "quizzes_response_changelist"])
def test_educator_gets_403_on_learner_data(educator_client, name):
    assert educator_client.get(reverse(f"admin:{name}")).status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "quizzes_topic",
        "quizzes_question",
        "quizzes_quiz",
        "quizzes_figure",
        "cases_case",
        "cases_casestage",
    ],
)
def test_educator_can_open_every_authoring_add_and_list_page(educator_client, model):
    assert educator_client.get(reverse(f"admin:{model}_add")).status_code == 200
    assert educator_client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_educator_can_open_every_authoring_change_page(educator_client):
    question = make_question("hotspot")
    case = make_case([[question]])
    assert question.figure is not None
    objects = {
        "quizzes_topic": Topic.objects.create(slug="anatomy", name="Anatomy"),
        "quizzes_question": question,
        "quizzes_quiz": make_quiz([question]),
        "quizzes_figure": question.figure,
        "cases_case": case,
        "cases_casestage": case.stages.get(),
    }
    for model, obj in objects.items():
        response = educator_client.get(reverse(f"admin:{model}_change", args=[obj.pk]))
        assert response.status_code == 200, model


def test_learner_cannot_reach_the_admin(learner_client):
    response = learner_client.get(reverse("admin:quizzes_question_changelist"))
    assert response.status_code == 302


# Authoring every type -----------------------------------------------------------------------


def test_educator_authors_a_single_best_answer_question(educator_client):
    data = question_form("single") | options(("Tibial nerve", True), ("Sural nerve", False))
    response = post_question(educator_client, data)
    assert response.status_code == 302, admin_errors(response)
    question = Question.objects.get(key="key-single")
    assert saved_content(question)["choices"][0]["text"] == "Tibial nerve"


def test_admin_refuses_single_answer_with_two_correct_options(educator_client):
    data = question_form("single") | options(("Tibial", True), ("Sural", True))
    response = post_question(educator_client, data)
    assert response.status_code == 200
    assert "exactly one correct option; 2 are marked correct" in admin_errors(response)
    assert not Question.objects.exists()


def test_educator_authors_a_multiple_response_question(educator_client):
    data = question_form("multiple", scoring="partial") | options(
        ("Pronation", True), ("Running", True), ("Vitamin C", False)
    )
    assert post_question(educator_client, data).status_code == 302
    assert saved_content(Question.objects.get())["scoring"] == "partial"


def test_educator_authors_a_true_false_question(educator_client):
    data = question_form("true_false") | options(("True", True), ("False", False))
    assert post_question(educator_client, data).status_code == 302


def test_educator_authors_a_short_answer_question(educator_client):
    data = question_form("short_answer") | rows(
        "accepted_answers",
        [
            {
                "text": "tibial nerve",
                "synonyms": "posterior tibial nerve",
                "feedback": "",
                "position": 0,
            }
        ],
    )
    assert post_question(educator_client, data).status_code == 302
    content = saved_content(Question.objects.get())
    assert content["accepted_answers"][0]["synonyms"] == ["posterior tibial nerve"]


def test_admin_refuses_short_answer_without_accepted_answers(educator_client):
    response = post_question(educator_client, question_form("short_answer"))
    assert "at least one accepted answer" in admin_errors(response)


def test_educator_authors_an_ordering_question(educator_client):
    data = question_form("ordering") | rows(
        "order_items",
        [
            {"text": t, "feedback": "", "position": i}
            for i, t in enumerate(["Tom", "Dick", "Harry"])
        ],
    )
    assert post_question(educator_client, data).status_code == 302


def test_educator_authors_a_matching_question(educator_client):
    data = question_form("matching") | rows(
        "match_pairs",
        [
            {
                "prompt": "Plantar fasciitis",
                "match": "First-step pain",
                "feedback": "",
                "position": 0,
            },
            {"prompt": "Stress fracture", "match": "Squeeze test", "feedback": "", "position": 1},
        ],
    )
    assert post_question(educator_client, data).status_code == 302


def test_admin_refuses_matching_with_an_unmatched_item(educator_client):
    data = question_form("matching") | rows(
        "match_pairs",
        [
            {
                "prompt": "Plantar fasciitis",
                "match": "First-step pain",
                "feedback": "",
                "position": 0,
            },
            {"prompt": "Stress fracture", "match": "", "feedback": "", "position": 1},
        ],
    )
    assert '"Stress fracture" has no match' in admin_errors(post_question(educator_client, data))


def test_educator_authors_a_ranking_question(educator_client):
    data = question_form("ranking", rank_count="2") | rows(
        "options",
        [
            {"text": "MCN entrapment", "rank": "1", "feedback": "f", "position": 0},
            {
                "text": "Stress fracture",
                "rank": "2",
                "must_not_miss": "on",
                "feedback": "f",
                "position": 1,
            },
            {"text": "Gout", "rank": "", "feedback": "f", "position": 2},
        ],
    )
    assert post_question(educator_client, data).status_code == 302


def test_educator_authors_a_hotspot_question(educator_client):
    figure = FigureFactory()
    left, right = figure.regions.all()
    data = question_form("hotspot", figure=str(figure.pk)) | rows(
        "targets",
        [
            {"region": str(left.pk), "is_correct": "on", "feedback": "Yes"},
            {"region": str(right.pk), "is_correct": "", "feedback": "No"},
        ],
    )
    response = post_question(educator_client, data)
    assert response.status_code == 302, admin_errors(response)
    regions = saved_content(Question.objects.get())["figure"]["regions"]
    assert [region["correct"] for region in regions] == [True, False]


def test_admin_refuses_hotspot_without_a_correct_region(educator_client):
    figure = FigureFactory()
    region = figure.regions.first()
    assert region is not None
    data = question_form("hotspot", figure=str(figure.pk)) | rows(
        "targets", [{"region": str(region.pk), "is_correct": "", "feedback": ""}]
    )
    response = post_question(educator_client, data)
    assert "Mark at least one region of the figure as correct." in admin_errors(response)


def test_admin_refuses_publishing_without_explanation(educator_client):
    data = question_form("single", status="published", explanation="") | options(
        ("Tibial", True), ("Sural", False)
    )
    response = post_question(educator_client, data)
    assert "A published question needs an explanation." in admin_errors(response)


def test_admin_refuses_a_published_quiz_with_a_draft_question(educator_client):
    draft = make_question(status="draft")
    data = {
        "title": "Anatomy",
        "description": "",
        "mode": "tutor",
        "time_limit_minutes": "",
        "shuffle_options": "on",
        "is_published": "on",
        "key": "anatomy-quiz",
        "quiz_questions-TOTAL_FORMS": "1",
        "quiz_questions-INITIAL_FORMS": "0",
        "quiz_questions-MIN_NUM_FORMS": "0",
        "quiz_questions-MAX_NUM_FORMS": "1000",
        "quiz_questions-0-question": str(draft.pk),
        "quiz_questions-0-position": "0",
    }
    response = educator_client.post(reverse("admin:quizzes_quiz_add"), data)
    assert response.status_code == 200
    assert "A published quiz cannot contain draft questions" in admin_errors(response)
    assert not Quiz.objects.exists()


# Versions ---------------------------------------------------------------------------------


def test_editing_an_unanswered_question_keeps_one_version(educator_client):
    question = make_question()
    change = question_form("single", key=question.key, title="Renamed") | options(
        ("Tibial nerve", True), ("Sural nerve", False)
    )
    response = educator_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]), change
    )
    assert response.status_code == 302, admin_errors(response)
    assert QuestionVersion.objects.filter(question=question).count() == 1


# Figures and cases --------------------------------------------------------------------------


def figure_form(upload) -> dict[str, Any]:
    return {
        "title": "Heel",
        "image": upload,
        "alt_text": "A heel.",
        "caption": "",
        "credit": "",
        "licence": "",
        "key": "heel",
        "regions-TOTAL_FORMS": "1",
        "regions-INITIAL_FORMS": "0",
        "regions-MIN_NUM_FORMS": "0",
        "regions-MAX_NUM_FORMS": "1000",
        "regions-0-label": "Heel",
        "regions-0-key": "heel",
        "regions-0-points": "[[0, 0], [40, 0], [40, 30]]",
        "regions-0-position": "0",
    }


def test_figure_upload_reads_its_coordinate_size(educator_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300"><rect width="10" height="10"/></svg>'
    upload = SimpleUploadedFile("heel.svg", svg, content_type="image/svg+xml")
    response = educator_client.post(reverse("admin:quizzes_figure_add"), figure_form(upload))
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert (figure.width, figure.height) == (400, 300)
    assert figure.regions.get().points == [[0, 0], [40, 0], [40, 30]]


def test_svg_with_script_is_refused(educator_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>'
    upload = SimpleUploadedFile("evil.svg", svg, content_type="image/svg+xml")
    response = educator_client.post(reverse("admin:quizzes_figure_add"), figure_form(upload))
    assert "may not contain &lt;script&gt;" in response.content.decode()
    assert not Figure.objects.exists()


def test_svg_with_event_handler_is_refused(educator_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"></svg>'
    upload = SimpleUploadedFile("evil.svg", svg, content_type="image/svg+xml")
    educator_client.post(reverse("admin:quizzes_figure_add"), figure_form(upload))
    assert not Figure.objects.exists()


def test_region_outside_the_figure_is_refused(educator_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 30"></svg>'
    upload = SimpleUploadedFile("small.svg", svg, content_type="image/svg+xml")
    response = educator_client.post(reverse("admin:quizzes_figure_add"), figure_form(upload))
    assert "lies outside the figure (30 × 30)" in response.content.decode()
    assert not Figure.objects.exists()


def test_educator_authors_a_three_stage_case_with_a_figure(educator_client):
    figure = FigureFactory()
    data: dict[str, Any] = {
        "title": "Runner with heel pain",
        "summary": "A runner.",
        "status": "draft",
        "learning_objectives": "- Know the nerve.",
        "references": "",
        "key": "runner",
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }
    for index, kind in enumerate(["presentation", "history", "examination"]):
        data |= {
            f"stages-{index}-position": str(index),
            f"stages-{index}-kind": kind,
            f"stages-{index}-title": kind.title(),
            f"stages-{index}-body": f"The {kind}.",
        }
    data["stages-2-figures"] = [str(figure.pk)]
    response = educator_client.post(reverse("admin:cases_case_add"), data)
    assert response.status_code == 302
    assert list(CaseStage.objects.values_list("kind", flat=True)) == [
        "presentation",
        "history",
        "examination",
    ]
    assert Case.objects.get().key == "runner"
    assert list(CaseStage.objects.get(kind="examination").figures.all()) == [figure]


def test_educator_grants_extra_time_by_username(educator_client, learner):
    response = educator_client.post(
        reverse("admin:quizzes_examaccommodation_add"),
        {"username": "learner", "time_multiplier": "1.25", "extra_minutes": "10", "note": "SpLD"},
    )
    assert response.status_code == 302
    assert learner.exam_accommodation.extra_minutes == 10


def test_extra_time_for_an_unknown_learner_is_refused(educator_client):
    response = educator_client.post(
        reverse("admin:quizzes_examaccommodation_add"),
        {"username": "nobody", "time_multiplier": "1.25", "extra_minutes": "0", "note": ""},
    )
    assert response.context["adminform"].form.errors["username"] == [
        'No learner is called "nobody".'
    ]


def test_educator_sees_open_problem_reports_beside_the_question(educator_client, learner):
    question = make_question()
    assert question.current_version is not None
    ProblemReport.objects.create(
        question=question, version=question.current_version, learner=learner, text="Typo in B."
    )
    page = educator_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert "Typo in B." in page.content.decode()
    listing = educator_client.get(reverse("admin:quizzes_problemreport_changelist"))
    assert listing.status_code == 200


def test_ordering_items_at_one_position_are_refused(educator_client):
    data = question_form("ordering", status="published") | rows(
        "order_items",
        [{"text": t, "feedback": "", "position": 1} for t in ["Tom", "Dick", "Harry"]],
    )
    response = post_question(educator_client, data)
    assert response.status_code == 200
    assert "3 items are at position 1" in admin_errors(response)
    assert not Question.objects.exists()
