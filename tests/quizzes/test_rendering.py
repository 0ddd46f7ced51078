"""Authored Markdown never carries script to a page."""

import pytest
from django.urls import reverse

from quizzes.rendering import render_markdown
from tests.factories import make_question, make_quiz


def test_script_in_markdown_is_removed():
    html = render_markdown("Heel **pain** <script>alert('x')</script>")
    assert "<script" not in html
    assert "<strong>pain</strong>" in html


def test_event_handler_attribute_is_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"> <a href="#" onclick="x()">a</a>')
    assert "onerror" not in html
    assert "onclick" not in html


def test_javascript_link_is_removed():
    assert "javascript:" not in render_markdown("[click](javascript:alert(1))")


def test_markdown_tables_and_lists_render():
    html = render_markdown("- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<li>one</li>" in html
    assert "<table>" in html


@pytest.mark.django_db
def test_script_in_a_stem_is_neutralised_in_the_quiz_preview(admin_client):
    question = make_question(stem="Which nerve? <script>alert('stem')</script>")
    quiz = make_quiz([question])
    page = admin_client.get(reverse("quiz-preview", args=[quiz.key])).content.decode()
    assert "Which nerve?" in page
    assert "alert('stem')" not in page
