from typing import Any

from django.core.management.base import BaseCommand

from lti.keys import ensure_key


class Command(BaseCommand):
    help = "Make the LTI tool's first signing key if it has none (make run calls it)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("LTI signing key made." if ensure_key() else "LTI signing key present.")
