"""A broken module file loads nothing and says exactly what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interop.modules import ModuleError, load_module
from quizzes.models import Figure, Question

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def module_data() -> dict:
    return json.loads((FIXTURES / "mcn-module.json").read_text(encoding="utf-8"))


def test_a_module_with_an_ungradable_question_loads_nothing(module_data, tmp_path):
    module_data["questions"][0]["type"] = "single"
    module_data["questions"][0]["accepted_answers"] = []
    module_data["questions"][0]["choices"] = [
        {"text": "A", "correct": True, "feedback": "x"},
        {"text": "B", "correct": True, "feedback": "y"},
    ]
    with pytest.raises(ModuleError) as error:
        load_module(module_data, base_dir=FIXTURES)
    assert any("exactly one correct option" in problem for problem in error.value.problems)
    assert not Question.objects.exists()
    assert not Figure.objects.exists()


def test_a_module_with_an_unknown_figure_region_names_it(module_data):
    hotspot = next(q for q in module_data["questions"] if q["type"] == "hotspot")
    hotspot["targets"][0]["region"] = "no-such-region"
    with pytest.raises(ModuleError) as error:
        load_module(module_data, base_dir=FIXTURES)
    assert f"Question {hotspot['key']}: unknown region no-such-region." in error.value.problems


def test_a_file_of_another_format_is_refused(module_data):
    module_data["format"] = "something-else"
    with pytest.raises(ModuleError, match="Not a module file"):
        load_module(module_data, base_dir=FIXTURES)
