from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from interop.moodle_xml import export_moodle_xml, questions_for_export
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Export questions to a Moodle XML file: a quiz's questions in quiz order (--quiz), or "
        "questions chosen by key (--question) and/or topic (--topic)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .xml file to write.")
        parser.add_argument("--quiz", help="A quiz key.")
        parser.add_argument("--question", action="append", default=[], help="A question key.")
        parser.add_argument("--topic", action="append", default=[], help="A topic slug.")
        parser.add_argument("--category", default="", help="A Moodle category to file them in.")

    def handle(
        self,
        *args: Any,
        path: Path,
        quiz: str | None,
        question: list[str],
        topic: list[str],
        category: str,
        **options: Any,
    ) -> None:
        if quiz:
            found = Quiz.objects.filter(key=quiz).first()
            if found is None:
                raise CommandError(f"Unknown quiz {quiz}.")
            by_id = questions_for_export(quizzes=found).in_bulk()
            links = found.quiz_questions.order_by("position", "id")
            questions = [by_id[link.question_id] for link in links]
        elif question or topic:
            condition = Q(key__in=question) | Q(topics__slug__in=topic)
            questions = list(questions_for_export().filter(condition).distinct().order_by("key"))
            missing = sorted(set(question) - {q.key for q in questions})
            if missing:
                raise CommandError("Unknown questions: " + ", ".join(missing))
        else:
            raise CommandError("Say what to export: --quiz, --question or --topic.")
        export = export_moodle_xml(questions, category=category)
        path.write_bytes(export.xml)
        for warning in export.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}: {export.count} questions."))
