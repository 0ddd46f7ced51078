"""The import_questions command: a dry-run preview, a progress bar, strict refusals."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def run(*args: str, verbosity: int = 1) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_questions", *args, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_the_preview_and_writes_nothing():
    out, _ = run(str(FILES / "constructs.gift"), "--dry-run")
    assert "constructs.gift (gift): 15 to create, 0 to update, 2 skipped." in out
    assert '[SKIP] Line 80 ("Essay"): essay' in out
    assert "Imported questions are drafts" in out
    assert "Dry run: nothing was written." in out
    assert not Question.objects.exists()


def test_import_shows_a_progress_bar_on_a_terminal_and_a_summary(capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    out, _ = run(str(FILES / "constructs.xml"))
    assert "questions created" in out
    assert "Importing constructs.xml" in capsys.readouterr().err
    assert Question.objects.filter(type="hotspot").count() == 2


def test_import_shows_no_progress_bar_off_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    out, _ = run(str(FILES / "constructs.xml"))
    assert "questions created" in out
    assert "Importing constructs.xml" not in capsys.readouterr().err


def test_strict_refuses_a_file_with_a_broken_item():
    with pytest.raises(CommandError, match=r'Line 4 \("Unclosed"\)'):
        run(str(FILES / "malformed-brace.gift"), "--strict", verbosity=0)
    assert not Question.objects.exists()


def test_a_malformed_xml_file_imports_nothing():
    with pytest.raises(CommandError, match="not well-formed XML"):
        run(str(FILES / "malformed.xml"), verbosity=0)
    assert not Question.objects.exists()


def test_publish_imports_nothing_without_explanation_and_reference():
    out, _ = run(str(FILES / "constructs.gift"), "--publish", verbosity=0)
    assert "A published question needs at least one reference." in out
    assert not Question.objects.exists()
