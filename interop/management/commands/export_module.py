from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case
from interop.export import export_module, write_module_zip
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Export a teaching module (topics, figures, questions, cases, quizzes) as a zip: "
        "module.json (docs/module-format.md) with the figure files beside it. Everything by "
        "default, or the given quizzes and cases with what they use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The zip to write.")
        parser.add_argument("--title", default="", help="The module's title.")
        parser.add_argument("--quiz", action="append", default=[], help="A quiz key (repeatable).")
        parser.add_argument("--case", action="append", default=[], help="A case key (repeatable).")

    def handle(
        self, *args: Any, path: Path, title: str, quiz: list[str], case: list[str], **options: Any
    ) -> None:
        quizzes = cases = None
        if quiz or case:
            quizzes = list(Quiz.objects.filter(key__in=quiz))
            cases = list(Case.objects.filter(key__in=case))
            missing = sorted(set(quiz) - {q.key for q in quizzes})
            missing += sorted(set(case) - {c.key for c in cases})
            if missing:
                raise CommandError("Unknown keys: " + ", ".join(missing))
        export = export_module(title=title, quizzes=quizzes, cases=cases)
        write_module_zip(export, path)
        data = export.data
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path}: {len(data['questions'])} questions, {len(data['cases'])} cases, "
                f"{len(data['quizzes'])} quizzes, {len(data['figures'])} figures."
            )
        )
