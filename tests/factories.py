"""factory_boy factories for every model tests build, and `make_question` for each type."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseAttempt, CaseStage, StageQuestion
from cohorts import services as cohort_services
from cohorts.models import Assignment, Cohort, Membership
from quizzes import attempts as attempts_service
from quizzes.figures import vet_figure
from quizzes.models import (
    AcceptedAnswer,
    Attempt,
    Figure,
    FigureRegion,
    HotspotTarget,
    MatchPair,
    Option,
    OrderItem,
    Question,
    Quiz,
    QuizQuestion,
    Status,
    Topic,
)
from quizzes.versioning import record_version

SQUARE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
    b'<rect x="0" y="0" width="50" height="100" fill="#eee"/></svg>'
)


_M = TypeVar("_M", bound=models.Model)


class ModelFactory(factory.django.DjangoModelFactory[_M]):
    """A factory whose call gives its model's instance, as `create()` does."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's BaseFactory.__new__ is untyped, so mypy would read `XFactory()` as an
        # XFactory; it returns `create()`'s model instance.
        def __new__(cls, *args: Any, **kwargs: Any) -> _M: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery")


# The Educators group's permissions as the data migrations left them, read once per session
# (tests/conftest.py): a transactional test's flush empties the group table, and Django's flush
# recreates permissions but not the group.
EDUCATOR_PERMISSIONS: list[tuple[str, str]] = []


def educators_group() -> Group:
    group, created = Group.objects.get_or_create(name="Educators")
    if created:
        for app_label, codename in EDUCATOR_PERMISSIONS:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


def _join_educators(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
    if create:
        user.groups.add(educators_group())


class EducatorFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"educator{n}")
    is_staff = True

    educators_group = factory.PostGeneration(_join_educators)


class TopicFactory(ModelFactory[Topic]):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


def _halves(figure: Figure, create: bool, extracted: Any, **kwargs: Any) -> None:
    """Left and right halves, unless the test passes its own `regions`."""
    if create and extracted is None:
        FigureRegion.objects.create(
            figure=figure, key="left", label="Left half", description="the left half",
            points=[[0, 0], [50, 0], [50, 100], [0, 100]], position=0,
        )  # fmt: skip
        FigureRegion.objects.create(
            figure=figure, key="right", label="Right half", description="the right half",
            points=[[50, 0], [100, 0], [100, 100], [50, 100]], position=1,
        )  # fmt: skip


class FigureFactory(ModelFactory[Figure]):
    class Meta:
        model = Figure
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Figure {n}")
    # Stored as every path stores figures: vetted and sanitised (quizzes.figures.vet_figure).
    image = factory.LazyFunction(
        lambda: ContentFile(vet_figure(SQUARE_SVG, "square.svg").data, name="square.svg")
    )
    alt_text = "A square whose left half is shaded."
    width = 100
    height = 100

    regions = factory.PostGeneration(_halves)


class QuestionFactory(ModelFactory[Question]):
    class Meta:
        model = Question

    title = factory.Sequence(lambda n: f"Question {n}")
    type = "single"
    stem = "Which nerve gives rise to the medial calcaneal nerve?"
    explanation = "The medial calcaneal nerve is usually a branch of the tibial nerve."
    references = "- TeachMeAnatomy, Calcaneal Nerve (Medial)."
    status = Status.PUBLISHED


def make_question(question_type: str = "single", **fields: Any) -> Question:
    """A valid, versioned question of the given type, with the parts its type needs."""
    question_type = question_type
    if question_type == "ranking":
        fields.setdefault("rank_count", 2)
    if question_type == "hotspot":
        fields.setdefault("figure", FigureFactory())
    question = QuestionFactory(type=question_type, **fields)
    PARTS[question_type](question)
    record_version(question=question)
    question.refresh_from_db()
    return question


def _options(question: Question, rows: list[tuple[str, bool]]) -> None:
    for position, (text, correct) in enumerate(rows):
        Option.objects.create(
            question=question, text=text, is_correct=correct, position=position,
            feedback=f"Feedback on {text}.",
        )  # fmt: skip


def _single(question: Question) -> None:
    _options(question, [("Tibial nerve", True), ("Sural nerve", False), ("Saphenous nerve", False)])


def _multiple(question: Question) -> None:
    _options(
        question,
        [
            ("Excessive pronation", True),
            ("Running", True),
            ("Tight footwear", True),
            ("Vitamin C", False),
        ],
    )


def _true_false(question: Question) -> None:
    _options(question, [("True", True), ("False", False)])


def _short_answer(question: Question) -> None:
    AcceptedAnswer.objects.create(
        question=question, text="tibial nerve", synonyms="posterior tibial nerve", feedback="Yes."
    )


def _numerical(question: Question) -> None:
    # Body mass index of a 70 kg adult 1.75 m tall: 70 / 1.75^2 = 22.86 kg/m^2.
    AcceptedAnswer.objects.create(question=question, text="22.9 ± 0.05", feedback="70 ÷ 1.75².")
    AcceptedAnswer.objects.create(
        question=question, text="22.9 ± 0.5", credit=50, feedback="Round to one decimal place."
    )


def _ordering(question: Question) -> None:
    for position, text in enumerate(
        ["Tibialis posterior", "Flexor digitorum longus", "Posterior tibial artery", "Tibial nerve"]
    ):
        OrderItem.objects.create(question=question, text=text, position=position, feedback="")


def _matching(question: Question) -> None:
    rows = [
        ("Plantar fasciitis", "Worst with the first steps in the morning"),
        ("Calcaneal stress fracture", "Positive calcaneal squeeze test"),
        ("Fat pad atrophy", "Deep bruise-like pain in the centre of the heel"),
        ("", "Pain relieved by dorsiflexion of the toes"),
    ]
    for position, (prompt, match) in enumerate(rows):
        MatchPair.objects.create(question=question, prompt=prompt, match=match, position=position)


def _ranking(question: Question) -> None:
    rows = [
        ("Medial calcaneal nerve entrapment", 1, False),
        ("Calcaneal stress fracture", 2, True),
        ("Plantar fasciitis", None, False),
        ("Gout", None, False),
    ]
    for position, (text, rank, must_not_miss) in enumerate(rows):
        Option.objects.create(
            question=question, text=text, rank=rank, must_not_miss=must_not_miss,
            position=position, feedback=f"About {text}.",
        )  # fmt: skip


def _hotspot(question: Question) -> None:
    assert question.figure is not None  # make_question gives a hotspot question a figure
    for region in question.figure.regions.all():
        HotspotTarget.objects.create(
            question=question, region=region, is_correct=region.key == "left",
            feedback=f"This is the {region.label.lower()}.",
        )  # fmt: skip


PARTS = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "ordering": _ordering,
    "matching": _matching,
    "ranking": _ranking,
    "hotspot": _hotspot,
    "numerical": _numerical,
}


class QuizFactory(ModelFactory[Quiz]):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")
    description = "Practice questions."
    is_published = True


def make_quiz(questions: list[Question] | None = None, **fields: Any) -> Quiz:
    quiz = QuizFactory(**fields)
    for position, question in enumerate(questions or []):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    return quiz


class CaseFactory(ModelFactory[Case]):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case {n}")
    summary = "A runner with medial heel pain."
    learning_objectives = "- Recognise medial calcaneal nerve entrapment."
    status = Status.PUBLISHED


def make_case(stages: list[list[Question]], **fields: Any) -> Case:
    """A case with one stage per list of questions, in the standard stage order."""
    kinds = ["presentation", "history", "examination", "investigations", "diagnosis", "management"]
    case = CaseFactory(**fields)
    for position, questions in enumerate(stages):
        stage = CaseStage.objects.create(
            case=case, kind=kinds[position], title=kinds[position].title(),
            body=f"Stage {position + 1} of the story.", position=position,
        )  # fmt: skip
        for index, question in enumerate(questions):
            StageQuestion.objects.create(stage=stage, question=question, position=index)
    return case


def start_quiz(*, learner: Any, quiz: Quiz, now: Any = None) -> Attempt:
    """The learner's open attempt at `quiz` (started if needed), as the start button gives it."""
    attempt, _created = attempts_service.start_quiz_attempt(learner=learner, quiz=quiz, now=now)
    return attempt


def start_case(*, learner: Any, case: Case, now: Any = None) -> CaseAttempt:
    """The learner's open attempt at `case` (started if needed)."""
    case_attempt, _created = case_services.start_case(learner=learner, case=case, now=now)
    return case_attempt


# --- Cohorts --------------------------------------------------------------------------------------


def make_cohort(
    *, educators: list[Any] | None = None, learners: list[Any] | None = None, **fields: Any
) -> Cohort:
    """A cohort taught by `educators` with `learners` enrolled."""
    cohort = Cohort.objects.create(
        name=fields.pop("name", "Year 3"), term=fields.pop("term", "2026-27")
    )
    cohort.educators.set(educators or [])
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, learner=user) for user in learners or []]
    )
    return cohort


def make_assignment(
    *, cohort: Cohort, quiz: Quiz | None = None, case: Case | None = None, **fields: Any
) -> Assignment:
    """An assignment (of `quiz`, else `case`) open a day ago, due in a day, closing in two,
    set through the service."""
    now = timezone.now()
    kind = "quiz" if quiz is not None else "case"
    return cohort_services.set_assignment(
        cohort=cohort,
        actor=None,
        kind=fields.pop("kind", kind),
        quiz=quiz,
        case=case,
        opens_at=fields.pop("opens_at", now - timedelta(days=1)),
        due_at=fields.pop("due_at", now + timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=2)),
        **fields,
    )
