"""A bank of 1,000 questions imports in one transaction, with progress, in bulk."""

from __future__ import annotations

import pytest

from interop.gift import parse_gift
from interop.importer import ImportRefused, import_questions, preview_import
from quizzes.models import Question, QuestionVersion, Topic

pytestmark = pytest.mark.django_db

TEMPLATES = [
    "::Nerve {n}::Which nerve gives rise to branch {n}? {{=Tibial ~Sural ~Saphenous}}",
    "::Tinel {n}::Statement {n} about Tinel's sign is true. {{T}}",
    "::Parent {n}::Name the parent nerve of branch {n}. {{=tibial =posterior tibial}}",
    "::Match {n}::Match the findings of set {n}. {{=Fasciitis -> First steps =Fracture -> Squeeze = -> Numb toe}}",
    "::Risk {n}::Which are risk factors in case {n}? {{~%50%Pronation ~%50%Running ~%-100%Vitamin C}}",
]


def bank(size: int = 1000, *, last: str | None = None) -> str:
    blocks = [f"$CATEGORY: $course$/top/Bank {n % 7}\n\n" + TEMPLATES[n % len(TEMPLATES)].format(n=n) for n in range(1, size + 1)]  # fmt: skip
    if last is not None:
        blocks[-1] = last
    return "\n\n".join(blocks)


@pytest.fixture(scope="module")
def thousand():
    return parse_gift(bank())


def test_a_thousand_questions_import_with_a_progress_tick_each(thousand):
    preview = preview_import(thousand)
    ticks: list[str] = []
    report = import_questions(preview, progress=ticks.append)
    assert (report.created, len(ticks)) == (1000, 1000)
    assert Question.objects.count() == QuestionVersion.objects.count() == 1000
    assert Topic.objects.count() == 7


def test_a_thousand_questions_import_in_bulk(thousand, django_assert_max_num_queries):
    preview = preview_import(thousand)
    with django_assert_max_num_queries(120):
        import_questions(preview)


def test_an_exception_at_the_last_question_rolls_back_all_thousand(thousand):
    preview = preview_import(thousand)

    def progress(key: str, seen: list[str] = []) -> None:  # noqa: B006 - counts the ticks
        seen.append(key)
        if len(seen) == 1000:
            raise RuntimeError("interrupted at the last question")

    with pytest.raises(RuntimeError):
        import_questions(preview, progress=progress)
    assert not Question.objects.exists()
    assert not Topic.objects.exists()


def test_strict_mode_refuses_all_thousand_when_the_last_is_invalid():
    preview = preview_import(parse_gift(bank(last="::Broken::Which nerve? {~Tibial ~Sural}")))
    assert len(preview.importable) == 999
    with pytest.raises(ImportRefused) as error:
        import_questions(preview, strict=True)
    assert error.value.problems == [
        'Line 3997 ("Broken"): No answer is marked correct: give the correct answer = (GIFT) '
        "or a positive fraction (XML)."
    ]
    assert not Question.objects.exists()
