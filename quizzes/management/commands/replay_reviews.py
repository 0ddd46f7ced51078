import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from quizzes.models import CardState, ReviewCard
from quizzes.reviews import replay


class Command(BaseCommand):
    help = (
        "Rebuild review cards from their review logs under the current rating mapping and each "
        "learner's current parameters and retention (safe to run twice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", help="username of one learner (default: everyone)")
        parser.add_argument("--batch-size", type=int, default=replay.DEFAULT_BATCH_SIZE)

    def handle(self, *args: Any, learner: str | None, batch_size: int, **options: Any) -> None:
        learner_id = None
        if learner is not None:
            user = get_user_model().objects.filter(username=learner).first()
            if user is None:
                raise CommandError(f"No learner named {learner!r}.")
            learner_id = user.pk
        cards = ReviewCard.objects.exclude(state=CardState.NEW)
        if learner_id is not None:
            cards = cards.filter(learner_id=learner_id)
        with tqdm(
            total=cards.count(),
            desc="Replaying reviews",
            unit=" cards",
            disable=options["verbosity"] < 1 or not sys.stderr.isatty(),
        ) as bar:
            report = replay.replay_reviews(
                learner_id=learner_id, batch_size=batch_size, progress=bar.update
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Replayed {report.cards} cards; {report.changed_ratings} review ratings changed "
                "under the current mapping."
            )
        )
