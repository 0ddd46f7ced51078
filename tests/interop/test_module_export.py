"""A whole module exported as a zip loads into an empty instance unchanged, field by field."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from py_svg_hush import filter_svg

from cases.models import Case
from interop.export import (
    MODULE_JSON,
    export_module,
    load_module_zip,
    write_module_zip,
)
from interop.modules import ModuleError, load_module_file
from quizzes.models import AuditEvent, Figure, Question, QuestionVersion, Quiz, Topic
from quizzes.qtypes import REGISTRY
from tests.factories import TopicFactory, make_case, make_question, make_quiz

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MODULE = FIXTURES / "mcn-module.json"


def empty_the_database() -> None:
    Quiz.objects.all().delete()
    Case.objects.all().delete()
    Question.objects.all().delete()
    Figure.objects.all().delete()
    Topic.objects.all().delete()
    AuditEvent.objects.all().delete()
    assert not any(
        model.objects.exists() for model in (Quiz, Case, Question, QuestionVersion, Figure, Topic)
    )


TITLE = "Medial calcaneal nerve entrapment"


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed module -> empty database -> export to zip -> EMPTY database -> load zip -> export.

    Run once for this file (each load takes seconds); the database is emptied afterwards.
    """
    with django_db_blocker.unblock():
        try:
            empty_the_database()
            load_module_file(MODULE)
            first = export_module(title=TITLE)
            path = tmp_path_factory.mktemp("module") / "module.zip"
            write_module_zip(first, path)
            empty_the_database()
            load_module_zip(path)
            second = export_module(title=TITLE)
        finally:
            empty_the_database()
    return first, second, path


@pytest.mark.parametrize("section", ["topics", "figures", "questions", "cases", "quizzes"])
def test_the_round_trip_through_an_empty_database_is_lossless(round_trip, section):
    first, second, _ = round_trip
    assert len(second.data[section]) == len(first.data[section])
    for before, after in zip(first.data[section], second.data[section], strict=True):
        assert after == before, before.get("key", before.get("slug"))


def test_the_whole_module_json_round_trips(round_trip):
    first, second, _ = round_trip
    assert second.data == first.data


def test_figure_files_round_trip_byte_for_byte(round_trip):
    first, second, _ = round_trip
    assert second.files == first.files
    for figure in json.loads(MODULE.read_text())["figures"]:
        exported_name = f"figures/{figure['key']}.svg"
        # Stored as the SVG sanitiser wrote it (which it leaves unchanged when run again).
        assert first.files[exported_name] == filter_svg((FIXTURES / figure["file"]).read_bytes())


def _normalised(question: dict) -> dict:
    question = dict(question)
    if "choices" in question:
        question["choices"] = [
            {"rank": None, "must_not_miss": False, "feedback": ""} | c for c in question["choices"]
        ]
    if "accepted_answers" in question:
        question["accepted_answers"] = [
            {"synonyms": [], "feedback": ""} | a for a in question["accepted_answers"]
        ]
    question["topics"] = sorted(question.get("topics", []))
    if "targets" in question:
        question["targets"] = sorted(question["targets"], key=lambda t: t["region"])
    return question


def test_the_export_says_everything_the_seed_module_says(round_trip):
    first, _, _ = round_trip
    seed = json.loads(MODULE.read_text(encoding="utf-8"))
    by_key = {q["key"]: _normalised(q) for q in first.data["questions"]}
    for question in seed["questions"]:
        mine = by_key[question["key"]]
        for name, value in _normalised(question).items():
            assert mine[name] == value, (question["key"], name)
    for section in ("cases", "quizzes", "topics", "figures"):
        assert len(first.data[section]) == len(seed[section])
    cases = {c["key"]: c for c in first.data["cases"]}
    for case in seed["cases"]:
        for stage, mine in zip(case["stages"], cases[case["key"]]["stages"], strict=True):
            assert mine == stage | {"figures": sorted(stage.get("figures", []))}
    quizzes = {q["key"]: q for q in first.data["quizzes"]}
    for quiz in seed["quizzes"]:
        assert quizzes[quiz["key"]] == quiz


def test_the_zip_holds_the_json_with_figures_beside_it(round_trip):
    _, _, path = round_trip
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read(MODULE_JSON))
    assert {figure["file"] for figure in data["figures"]} <= names
    assert data["format"] == "edu-platform-module"


@pytest.fixture
def small_module():
    questions = [make_question(t) for t in REGISTRY.names()]
    quiz = make_quiz(questions[:4], key="small-quiz")
    case = make_case([questions[4:6], questions[6:]], key="small-case")
    case.topics.add(TopicFactory(slug="cases"))
    questions[0].topics.add(TopicFactory(slug="anatomy"))
    return quiz, case, questions


def test_a_selection_exports_what_it_uses(small_module):
    quiz, _, questions = small_module
    export = export_module(quizzes=[quiz])
    assert [q["key"] for q in export.data["questions"]] == sorted(q.key for q in questions[:4])
    assert [q["key"] for q in export.data["quizzes"]] == ["small-quiz"]
    assert export.data["cases"] == []
    assert export.data["figures"] == []
    assert export.data["topics"] == [{"slug": "anatomy", "name": "Anatomy"}]


def test_export_module_and_load_module_commands_round_trip(small_module, tmp_path):
    path = tmp_path / "out.zip"
    call_command("export_module", str(path), "--title", "Small", verbosity=0)
    first = export_module(title="Small")
    empty_the_database()
    call_command("load_module", str(path), verbosity=0)
    second = export_module(title="Small")
    assert second.data == first.data
    assert second.files == first.files


def test_a_zip_escaping_its_directory_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MODULE_JSON, "{}")
        archive.writestr("../evil.svg", "<svg/>")
    with pytest.raises(ModuleError, match="points outside the module"):
        load_module_zip(io.BytesIO(buffer.getvalue()))


def test_a_zip_without_module_json_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("figures/a.svg", "<svg/>")
    with pytest.raises(ModuleError, match=r"no module\.json"):
        load_module_zip(io.BytesIO(buffer.getvalue()))


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(ModuleError, match="Not a module zip"):
        load_module_zip(io.BytesIO(b"not a zip"))
