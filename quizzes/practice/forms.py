"""The "create a test" form: what the learner asks for, checked before anything is drawn."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from quizzes.models import Difficulty
from quizzes.practice.builder import DEFAULT_SECONDS_PER_QUESTION, TestRequest
from quizzes.practice.models import PracticePool
from quizzes.practice.pools import TopicPools

MIN_SECONDS, MAX_SECONDS = 30, 600


class CreateTestForm(forms.Form):
    topics = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one topic."},
    )
    pool = forms.ChoiceField(
        choices=PracticePool.choices, initial=PracticePool.UNUSED, widget=forms.RadioSelect
    )
    difficulty = forms.ChoiceField(
        choices=[("", "Any difficulty"), *Difficulty.choices], required=False
    )
    count = forms.IntegerField(label="Number of questions", min_value=1, initial=20)
    mode = forms.ChoiceField(
        choices=[
            ("tutor", "Tutor: see the answer after each question"),
            ("timed", "Timed: answers and scores after you submit"),
        ],
        initial="tutor",
        widget=forms.RadioSelect,
    )
    seconds_per_question = forms.IntegerField(
        label="Seconds per question (timed)",
        min_value=MIN_SECONDS,
        max_value=MAX_SECONDS,
        initial=DEFAULT_SECONDS_PER_QUESTION,
        required=False,
        help_text="Your extra exam time, if you have any, is added.",
    )

    def __init__(self, *args: Any, topic_pools: list[TopicPools], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic_pools = topic_pools
        topics = cast(forms.TypedMultipleChoiceField, self.fields["topics"])
        topics.choices = [(row.topic.pk, row.topic.name) for row in topic_pools]
        most = settings.PRACTICE_MAX_QUESTIONS
        count = self.fields["count"]
        count.validators.append(
            MaxValueValidator(most, message=f"A test holds at most {most} questions.")
        )
        count.widget.attrs.update(max=most)

    def test_request(self) -> TestRequest:
        data = self.cleaned_data
        return TestRequest(
            topic_ids=data["topics"],
            pool=data["pool"],
            count=data["count"],
            timed=data["mode"] == "timed",
            difficulty=data["difficulty"],
            seconds_per_question=data["seconds_per_question"] or DEFAULT_SECONDS_PER_QUESTION,
        )
