from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes"
    verbose_name = "Question bank and quizzes"

    def ready(self) -> None:
        # Created tests and daily reviews are kinds of attempt (registered on import, like the
        # quiz kind).
        from quizzes.practice import builder  # noqa: F401
        from quizzes.reviews import queue  # noqa: F401
