import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from interop.importer import (
    BatchDefaults,
    ImportPreview,
    ImportRefused,
    import_questions,
    preview_import,
    read_questions,
)


class Command(BaseCommand):
    help = (
        "Import questions from a Moodle GIFT (.gift, .txt) or Moodle XML (.xml) file, in one "
        "transaction. Items that cannot be imported are listed and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be imported; write nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported questions (each then needs an explanation and a "
            "reference); by default they are drafts.",
        )
        parser.add_argument(
            "--explanation",
            default="",
            help="An explanation (Markdown) for every question the file gives none.",
        )
        parser.add_argument(
            "--reference",
            default="",
            help="A reference (Markdown) for every question the file gives none, so they can "
            "be published (GIFT carries no references).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Import nothing if any item cannot be imported.",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        dry_run: bool,
        publish: bool,
        strict: bool,
        explanation: str,
        reference: str,
        **options: Any,
    ) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        preview = preview_import(
            read_questions(data, path.name),
            source_name=path.name,
            publish=publish,
            defaults=BatchDefaults(explanation=explanation, reference=reference),
        )
        if preview.file_errors:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  - {p}" for p in preview.file_errors)
            )
        self._print_preview(preview)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        total = len(preview.importable)
        with tqdm(
            total=total, desc=f"Importing {path.name}", unit=" questions",
            disable=options["verbosity"] < 1 or not sys.stderr.isatty(),
        ) as bar:  # fmt: skip
            try:
                report = import_questions(
                    preview, progress=lambda _key: bar.update(), strict=strict
                )
            except ImportRefused as error:
                raise CommandError(
                    "Nothing was imported:\n" + "\n".join(f"  - {p}" for p in error.problems)
                ) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {report.summary()}"))

    def _print_preview(self, preview: ImportPreview) -> None:
        write = self.stdout.write
        write(
            f"{preview.source_name} ({preview.format}): {preview.to_create} to create, "
            f"{preview.to_update} to update, {len(preview.skipped)} skipped."
        )
        if preview.new_topics:
            write("New topics: " + ", ".join(preview.new_topics))
        for note in preview.notes:
            write(note)
        for item in preview.items:
            action = {"create": "new", "update": "update"}.get(item.action, "SKIP")
            label = f"{item.type_label}" if item.type else item.source_type
            write(f"  [{action}] {item.where}: {label} -> {item.key or '-'}")
            for problem in item.problems:
                write(self.style.ERROR(f"      error: {problem}"))
            for warning in item.warnings:
                write(self.style.WARNING(f"      note: {warning}"))
