import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from interop.export import load_module_zip
from interop.modules import ModuleError, load_module_file
from quizzes.models import EditKind


class Command(BaseCommand):
    help = (
        "Load (or update) a teaching module from its JSON file, or from a module zip written by "
        "export_module, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--major-edits",
            action="store_true",
            help="Treat changed, already-answered questions as major edits (review restarts).",
        )

    def handle(self, *args: Any, path: Path, major_edits: bool, **options: Any) -> None:
        edit_kind = EditKind.MAJOR if major_edits else EditKind.MINOR
        with tqdm(
            desc=f"Loading {path.name}",
            unit=" items",
            disable=options["verbosity"] < 1 or not sys.stderr.isatty(),
        ) as bar:
            try:
                load = load_module_zip if path.suffix.lower() == ".zip" else load_module_file
                report = load(path, edit_kind=edit_kind, progress=lambda _: bar.update())
            except ModuleError as error:
                raise CommandError(
                    "Nothing was loaded:\n" + "\n".join(f"  - {p}" for p in error.problems)
                ) from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {path}: {report.summary()}"))
